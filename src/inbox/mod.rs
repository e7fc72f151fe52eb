//! The personal inbox: what awaits a signed-in person, one section per room.
//!
//! - `/inbox` is for the signed-in person only, and shows only their own items.
//! - Each room contributes its own section with one query of its own `db`
//!   (`decisions::db::awaiting_position`: decisions waiting for the person's position,
//!   closing soonest first; `posts::db::awaiting_review`: posts of their teams waiting for
//!   a second member's review, oldest submission first; `rfcs::db::awaiting_disposition`:
//!   feedback windows of the person's teams closing within two days, or closed and
//!   unpublished, with feedback still to dispose of; `nominations::db::to_answer`:
//!   nominations of the person not yet answered; `nominations::db::stale_calls`: calls of
//!   the person's teams with stale nominations). A room adds its
//!   section the same way: a function returning `Vec<model::Item>`, and a
//!   line in `handlers::show_inbox`.
//! - The header shows how many items wait, from one cheap query ([`db::pending_count`]):
//!   a room that adds a section adds its count as one more term of that query's sum.

pub mod db;
mod handlers;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new().route("/inbox", get(handlers::show_inbox))
}
