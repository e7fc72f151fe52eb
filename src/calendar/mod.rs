//! Calendar feeds (iCalendar, RFC 5545) of public deadlines: `/calendar.ics` for all of
//! Concord and `/teams/{slug}/calendar.ics` for one team, to subscribe to from any
//! calendar application.
//!
//! Rules:
//! - A feed holds what everyone may read (`db::deadlines`): feedback windows of public
//!   RFCs opening and closing, calls for nominations opening and closing, public decisions
//!   closing (not withdrawn), and charter reviews (a whole day) of teams not revoked.
//! - Each event's UID names its subject and what happens to it (`rfc-12-closes@host`),
//!   never its time, so a moved deadline updates the event a calendar holds; times are
//!   UTC; each event links back to its page (`URL`, and in the description).
//! - Deadlines from 90 days ago on, at most 2,000 per feed, earliest first.
//! - Served outside the session layer (no cookies), like the Atom feeds.
//! - A personal feed at a secret address (`/calendar/personal/<secret>.ics`) holds the
//!   deadlines of the person's current teams, private ones included. The person makes,
//!   replaces and turns off the address at `/settings/calendar` (among the person's
//!   settings, handled in this room); only a SHA-256 hash of the secret is stored
//!   (`calendar_feeds`), so the address is shown once, when it is made. A new address
//!   revokes the old one; a removed person's address answers 404, and leaving a team
//!   takes its deadlines out of the feed at the next read.

mod db;
mod handlers;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get, post};

/// The page where a person manages their personal feed.
pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/settings/calendar",
            get(handlers::show_personal).post(handlers::create_personal),
        )
        .route("/settings/calendar/revoke", post(handlers::revoke_personal))
}

/// Routes outside the session and CSRF layers.
pub fn open_routes() -> Routes {
    Routes::new()
        .route("/calendar.ics", get(handlers::public_calendar))
        .route("/teams/{slug}/calendar.ics", get(handlers::team_calendar))
        .route(
            "/calendar/personal/{file}",
            get(handlers::personal_calendar),
        )
}
