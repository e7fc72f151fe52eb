//! A page per person at `/people/<login>`, where every mention of a person leads.
//!
//! Rules:
//! - Anyone may read it; it shows only the public record: who the person is (name, login,
//!   their GitHub avatar when GitHub gave one at sign-in, else initials, so a person who
//!   never signed in causes no request to another site), their teams and roles now, their
//!   stints in every team from the ledger, and their public contributions: RFCs they
//!   drafted once public, their public feedback on public RFCs, their positions in public
//!   decisions and their published posts. What is private never enters the statement
//!   (`db::contributions`).
//! - The person themselves also finds their links: their nominations and settings.
//! - A page costs a handful of statements whatever the person did: the person, their
//!   ledger, and one statement for the latest contributions of each kind (bounded).

pub mod db;
mod handlers;
mod pages;

use crate::web::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new().route("/people/{login}", get(handlers::show_person))
}
