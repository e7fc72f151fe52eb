//! The personal inbox: what awaits a signed-in person, one section per room.
//!
//! - `/inbox` is for the signed-in person only, and shows only their own items.
//! - What awaits a person is defined once, by the database function `inbox_items`
//!   (migrations/20261125000100_inbox_items.sql), one `union all` branch per room:
//!   decisions waiting for the person's position (closing soonest first), posts of their
//!   teams waiting for a second member's review (oldest submission first), nominations
//!   of the person not yet answered, calls of their teams with stale nominations, and
//!   feedback windows of their teams closing within two days (or closed and unpublished)
//!   with feedback still to dispose of. A room adds a section with one more branch (a new
//!   migration replacing the function) and a heading in `model::SECTIONS`; if the
//!   section's items can change without an audit entry under one of the teams the
//!   database function `inbox_version` lists for the person, it extends that list too.
//! - The page lists the first [`model::SECTION_LIMIT`] of each section and how many more
//!   there are, in one statement ([`db::items`]); every other signed-in page's header
//!   counts the same rows. The rows are kept per person ([`kept`]) while no change is
//!   recorded in the teams they come from and the minute stands.

pub mod db;
mod handlers;
pub mod kept;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get};

/// The inbox's address.
pub const PATH: &str = "/inbox";

/// How many items await `user_id` at `now`, for the header.
pub async fn pending_count(
    state: &crate::app::AppState,
    user_id: i64,
    version: &db::Version,
    now: time::OffsetDateTime,
) -> sqlx::Result<i64> {
    Ok(model::count(
        &kept::rows(state, user_id, version, now).await?,
    ))
}

pub fn routes() -> Routes {
    Routes::new().route(PATH, get(handlers::show_inbox))
}
