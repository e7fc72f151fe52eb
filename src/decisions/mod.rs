//! Consensus decisions: a team's members decide together, under the rule in its charter.
//!
//! - A current member of an active team opens a decision: a question, a body (Markdown),
//!   a closing time (UTC, at least an hour ahead, within 90 days), who may see it (the team
//!   only, or everyone), and what passing it does: words, or a typed effect (change the
//!   team's membership, delegate a new team beneath it).
//! - The deciders are frozen from the roster when it opens: the current members who are not
//!   on leave. The team's decision rule is frozen with them; a later charter change does not
//!   move an open decision.
//! - A decider takes a position: agree, agree with concerns, stand aside, or object (a
//!   block), with an optional comment, and may change it while the decision is open. Every
//!   position is kept and shown in order; the latest counts. A decider who has left the team
//!   can no longer take positions; their last one stays.
//! - A decider may name another member as proxy, for one decision or for the decisions
//!   opened while they are on leave; the proxy's positions count as theirs
//!   (`model::proxies`, `proxies`).
//! - A decider may place a hold ("I need time to read"): it keeps the decision from
//!   passing early until released or until it lapses after the charter's days
//!   (`model::holds`, `holds`).
//! - Any decider raises a named concern; only whoever raised it resolves it, or the decider
//!   they handed it over to (`model::handover`, `handover`). An unresolved
//!   concern holds the decision (the rule is not met while it stands).
//! - When a concern's raiser is on leave, has left the team, or has not answered for the
//!   charter's days, another decider may open a linked decision to overrule it, decided
//!   by the same deciders without the raiser under the same rule; when it passes and its
//!   outcome is recorded the concern is marked overruled (`model::overrule`, `overrule`).
//! - The outcome (open, passed, blocked, lapsed, withdrawn) is computed from the stored
//!   positions, concerns, the frozen rule and `now` (`model::outcome`), never stored. It
//!   passes early once every decider has spoken and the rule is met; otherwise it is judged
//!   at its closing time: the rule met passes, an objection or unresolved concern blocks,
//!   anything else lapses. Once the outcome is not open, positions, concerns and withdrawal
//!   are refused, so an outcome never moves.
//! - A passed decision's outcome may carry a review date; from 14 days before it the team
//!   page and the inbox list it, reminders go 14 days ahead and on the day, and any member
//!   opens the review, a new decision linked to the old (`model::reviews`, `reviews`).
//! - The member who opened a decision may withdraw it, with a reason, while it is open.
//! - A passed decision gets an outcome statement from a current member. Recording it applies
//!   the typed effect in the same transaction, with the decision as the cause in the ledger
//!   and the audit log; one outcome per decision (a primary key, under the decision's row
//!   lock), so the effect happens exactly once however many requests race. If the effect no
//!   longer fits (the person already joined, the slug was taken), recording is refused with
//!   the reason.
//! - Private decisions (the default) are seen only by the team's current members: for
//!   anyone else they do not exist (404), and their audit entries are team-only. Public
//!   decisions show their positions and outcome to everyone.
//! - Every write locks the decision's row and computes the outcome again under the lock, and
//!   writes its audit entry in the same transaction.
//!
//! Later rooms add typed effects: see `model::Effect`.

pub mod db;
mod handlers;
pub mod handover;
pub mod holds;
pub mod model;
pub mod overrule;
mod pages;
pub mod proxies;
pub mod reviews;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/teams/{slug}/decisions",
            get(handlers::list_decisions).post(handlers::create_decision),
        )
        .route("/teams/{slug}/decisions/new", get(handlers::new_decision))
        .route(
            "/teams/{slug}/decisions/proxy",
            get(proxies::handlers::show_leave_proxy).post(proxies::handlers::name_leave_proxy),
        )
        .route(
            "/teams/{slug}/decisions/proxy/take-back",
            post(proxies::handlers::take_back_leave_proxy),
        )
        .route("/decisions/{id}/holds", post(holds::place))
        .route("/decisions/{id}/holds/release", post(holds::release))
        .route("/decisions/{id}/proxy", post(proxies::handlers::name_proxy))
        .route(
            "/decisions/{id}/proxy/take-back",
            post(proxies::handlers::take_back_proxy),
        )
        .route(
            "/decisions/{id}/proxy/positions",
            post(proxies::handlers::take_position_for),
        )
        .route("/decisions/{id}", get(handlers::show_decision))
        .route("/decisions/{id}/positions", post(handlers::take_position))
        .route("/decisions/{id}/concerns", post(handlers::raise_concern))
        .route(
            "/decisions/{id}/concerns/{concern_id}/resolve",
            post(handlers::resolve_concern),
        )
        .route(
            "/decisions/{id}/concerns/{concern_id}/hand-over",
            post(handover::hand_over_concern),
        )
        .route(
            "/decisions/{id}/concerns/{concern_id}/overrule",
            post(overrule::open),
        )
        .route("/decisions/{id}/outcome", post(handlers::record_outcome))
        .route("/decisions/{id}/review", post(reviews::open))
        .route(
            "/decisions/{id}/withdraw",
            post(handlers::withdraw_decision),
        )
}
