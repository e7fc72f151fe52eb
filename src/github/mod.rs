//! The GitHub App: GitHub as the place where decisions take effect.
//!
//! - Concord acts as a GitHub App, never a personal token ([`app`]): a JWT signed with
//!   the App's private key (RS256) asks for an installation token, which lives an hour,
//!   is kept in memory only and is replaced before it ends. Configured by
//!   `GITHUB_APP_ID`, `GITHUB_APP_PRIVATE_KEY_FILE` and `GITHUB_ORG` (and sign-in's
//!   `GITHUB_API_URL`); without them everything here is off and the pages say so.
//! - A team's leads or an administrator link a Concord team to a team of the
//!   organization (`/teams/<slug>/github`). Concord's ledger is the source of truth.
//! - Plan and apply ([`sync`], rules in [`model::plan`]): for every linked team, who
//!   GitHub has that the ledger does not and the reverse, each with the ledger row that
//!   explains it; people Concord knows only by login are resolved to GitHub ids (and
//!   matched by id from then on, so renames are no drift). `concord github plan` (exit 2
//!   on drift), `concord github apply`, and `/admin/github` for administrators. Every
//!   change made on GitHub is audited (`github.member_added`, `github.member_removed`).
//! - Decisions take effect: a passed decision's membership effect on a linked team
//!   queues a row of `github_changes` in the transaction recording the outcome
//!   ([`db::queue_change`]); the worker ([`sync::changes_pass`]) claims due rows with
//!   `for update skip locked`, makes each change and records the attempt, with the
//!   notification worker's backoff; the decision's page shows applied, waiting or failed
//!   with GitHub's message.
//! - Drift is noticed ([`drift`]): once a day (one instance, by the day's row of
//!   `github_checks`) every linked team's plan is compared with what was last found; new
//!   differences are told to the team's members (notice kind `github_drift`, in the
//!   digest by default) and stay in their inbox (section 6 of `inbox_items`) and on the
//!   team's GitHub page until GitHub matches again.
//! - Committer eligibility ([`eligibility`]): a call may be open to the members of a
//!   GitHub team; nominating asks GitHub through the App (the answer kept five minutes),
//!   and when GitHub cannot be asked the form comes back with the text and says so.
//! - Pull-request RFCs ([`pulls`]): one comment on the pull request a public RFC links,
//!   written when the window opens and edited in place when the disposition is
//!   published. (Mirroring the RFC's text from the pull request is not built.)

pub mod app;
pub mod client;
pub mod db;
pub mod drift;
pub mod eligibility;
mod handlers;
pub mod model;
mod pages;
pub mod pulls;
pub mod sync;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/teams/{slug}/github",
            get(handlers::show_team).post(handlers::link_team),
        )
        .route("/teams/{slug}/github/unlink", post(handlers::unlink_team))
        .route("/admin/github", get(handlers::show_admin))
        .route("/admin/github/apply", post(handlers::apply))
}
