//! The audit log. Every change of state anywhere in Concord writes one entry (who, what,
//! on what, when, details) through [`record`], inside the transaction that makes the
//! change, so the log and the data never disagree. An entry is public, or visible only to
//! the members of its team. `/audit` shows a person the public entries and the team-only
//! entries of the teams they belong to, newest first, a page at a time.

pub mod db;
mod handlers;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get};

pub use db::record;
pub use model::{Entry, Subject, Visibility};

pub fn routes() -> Routes {
    Routes::new().route("/audit", get(handlers::list_entries))
}
