//! Teams, their charters, delegation and the membership ledger.
//!
//! - A team has a slug (its address and API name, fixed), a name, a purpose and a charter:
//!   its mandate (what it may decide), its decision rule and its review date.
//! - Site administrators create top-level teams. A team's members delegate new teams
//!   beneath it, each with its own charter. Delegation, every charter change and a
//!   revocation are dated, attributed records shown on both teams' pages. A revoked team
//!   keeps its history, its memberships end, and it no longer changes; a team with active
//!   sub-teams cannot be revoked. Every team has an older parent (a database check), so the
//!   tree of delegations has no cycles; `/teams` shows it with the mandates.
//! - A charter is edited by the team's members, the members of the team that delegated it,
//!   and site administrators. A delegation is revoked by the members of the delegating team
//!   or an administrator.
//! - Membership is a ledger: rows are never overwritten (a database trigger allows only
//!   closing an open row). A role change (member, lead, on leave) closes the current row
//!   and opens the next at the same instant, in one transaction. One open row per person
//!   and team (a partial unique index), and no overlapping rows (an exclusion constraint).
//!   The team's members and site administrators manage membership directly; a passed
//!   decision's membership effect writes the same ledger with the decision as its cause
//!   (`decision_id` on the row it opens, `closed_by_decision_id` on the row it closes).
//! - A charter may set an inactivity period: members with nothing in the team for that
//!   long are flagged on the team page (computed, never stored) until they say they are
//!   still active or another member vouches for them (`inactivity`).
//! - A new team may start with founding leads and members; the delegating team staffs a
//!   team that has no lead yet; a member goes on leave, comes back and leaves from the
//!   team page (`staffing`).
//! - Every change writes its audit entry in the same transaction.

pub mod db;
mod handlers;
pub mod inactivity;
pub mod model;
mod pages;
mod staffing;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/teams",
            get(handlers::list_teams).post(handlers::create_team),
        )
        .route("/teams/new", get(handlers::new_team))
        .route("/teams/{slug}", get(handlers::show_team))
        .route(
            "/teams/{slug}/delegate",
            get(handlers::new_delegation).post(handlers::create_delegation),
        )
        .route(
            "/teams/{slug}/charter",
            get(handlers::edit_charter).post(handlers::update_charter),
        )
        .route(
            "/teams/{slug}/revoke",
            get(handlers::confirm_revocation).post(handlers::revoke_team),
        )
        .route(
            "/teams/{slug}/members",
            get(handlers::manage_members).post(handlers::add_member),
        )
        .route("/teams/{slug}/members/{login}", get(handlers::show_member))
        .route(
            "/teams/{slug}/members/{login}/role",
            post(handlers::change_role),
        )
        .route(
            "/teams/{slug}/members/{login}/leave",
            post(handlers::record_leaving),
        )
        .route("/teams/{slug}/still-active", post(inactivity::still_active))
        .route(
            "/teams/{slug}/members/{login}/vouch",
            post(inactivity::vouch),
        )
        .route(
            "/teams/{slug}/members/{login}/alumni",
            post(inactivity::open_alumni),
        )
        .route(
            "/teams/{slug}/leave",
            get(staffing::confirm_leaving).post(staffing::leave),
        )
        .route("/teams/{slug}/away", post(staffing::go_on_leave))
        .route("/teams/{slug}/back", post(staffing::come_back))
}
