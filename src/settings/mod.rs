//! A person's own settings: the address notifications go to, and what they get.
//!
//! - Every page is for the signed-in person only, about themselves.
//! - An address is used only once its owner opened the link we mail to it: random,
//!   single-use, 24 hours, only its SHA-256 stored (`notify::db::start_verification`).
//!   Until then the earlier address (if any) stays in use. Removing an address ends its
//!   pending links too.
//! - For each kind of notification: at once, in the daily digest (at an hour they pick,
//!   UTC), or off; a kind they never chose takes its default (`notify::model::Kind`).

mod handlers;
mod pages;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/settings", get(handlers::show_settings))
        .route("/settings/email", post(handlers::set_address))
        .route("/settings/email/remove", post(handlers::remove_address))
        .route(
            "/settings/email/verify",
            get(handlers::show_verify).post(handlers::verify),
        )
        .route(
            "/settings/notifications",
            get(handlers::show_notifications).post(handlers::save_notifications),
        )
}
