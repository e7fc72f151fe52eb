//! Recruitment: calls for nominations, nominations with the nominee's consent, and the
//! team's private pipeline.
//!
//! - A current member of an active team opens a call: a title, what the team looks for
//!   (Markdown), who is eligible (anyone; current members of a named team; the logins on an
//!   administrators' list), the seats, the window (opens, closes, UTC) and a stale age in
//!   days. A call's page is public: its text, its window and, later, whom it announced.
//! - Any signed-in person nominates themselves or another GitHub login (who may not have
//!   signed in yet: the nomination waits for them), with a statement, while the window is
//!   open. Eligibility is checked at once, with the reason when it fails. One open
//!   nomination per nominee and call: a partial unique index, and a message naming the first.
//! - Consent: only the nominee accepts or declines (the reason stays with the team), and
//!   may withdraw until the team has decided. Without acceptance a nomination goes nowhere.
//! - Privacy: a nomination, its statement, its history, interview notes (team only) and
//!   feedback to the candidate exist only for the calling team's current members, the
//!   nominee and the nominator; for anyone else they are not found (404). Endorsements are
//!   sent privately to the team about a login in a call; the sender learns nothing about
//!   whether that person is nominated. Audit entries are team-only, except the opening of
//!   a call and an announcement.
//! - The stage (nominated, accepted, shortlisted, interviewed, decided, announced; or
//!   declined, withdrawn, not selected) is computed from the nomination's events in order
//!   (`model::stage_of`); staleness from the last event, the call's stale age and `now`
//!   (`model::is_stale`). `nominations.ended_at` is written with the ending event only so
//!   that the database can enforce one open nomination per nominee and call.
//! - Shortlisting and admitting are consensus decisions with typed effects
//!   (`decisions::model::Effect::ShortlistNominations`, `AdmitNominee`), opened from the
//!   call's page by a member. When an admitting decision's outcome is recorded, the ledger
//!   gains the member in that transaction, linked to the decision and the nomination.
//! - Members record interviews (notes), feedback, "not selected", and announce admitted
//!   nominees: the call's public page then names them.
//! - Administrators keep the eligibility lists at `/eligibility`.

pub mod db;
mod handlers;
pub mod model;
pub mod pages;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/teams/{slug}/calls",
            get(handlers::list_calls).post(handlers::create_call),
        )
        .route("/teams/{slug}/calls/new", get(handlers::new_call))
        .route("/calls/{id}", get(handlers::show_call))
        .route(
            "/calls/{id}/nominate",
            get(handlers::new_nomination).post(handlers::create_nomination),
        )
        .route("/calls/{id}/endorse", post(handlers::create_endorsement))
        .route("/calls/{id}/shortlist", post(handlers::open_shortlist))
        .route("/nominations/{id}", get(handlers::show_nomination))
        .route(
            "/nominations/{id}/accept",
            post(handlers::accept_nomination),
        )
        .route(
            "/nominations/{id}/decline",
            post(handlers::decline_nomination),
        )
        .route(
            "/nominations/{id}/withdraw",
            post(handlers::withdraw_nomination),
        )
        .route(
            "/nominations/{id}/interview",
            post(handlers::record_interview),
        )
        .route("/nominations/{id}/feedback", post(handlers::give_feedback))
        .route(
            "/nominations/{id}/not-selected",
            post(handlers::mark_not_selected),
        )
        .route("/nominations/{id}/admit", post(handlers::open_admission))
        .route(
            "/nominations/{id}/announce",
            post(handlers::announce_nominee),
        )
        .route("/me/nominations", get(handlers::my_nominations))
        .route(
            "/eligibility",
            get(handlers::show_lists).post(handlers::add_list_entry),
        )
        .route(
            "/eligibility/{id}/remove",
            post(handlers::remove_list_entry),
        )
}
