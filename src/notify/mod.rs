//! Notifications that reach people: mail from a durable outbox.
//!
//! - A change that should tell somebody queues a notice in its own transaction
//!   (`db::enqueue`): one outbox row per recipient, keyed by the event and the person, so
//!   nothing is queued twice. A notice says only what its recipient may see on the site:
//!   the room that queues it chooses the recipients by the same rule its pages use.
//! - Reminders the clock makes due (a decision closing without your position, a window
//!   closing, an action item due) are found by a scan once a minute ([`reminders`]) and
//!   queued the same way.
//! - The worker ([`worker`]) claims due rows with `for update skip locked`, so several
//!   instances share the work and none sends a row another holds; a failed send is tried
//!   again with backoff for a day, then marked failed. Notices a person chose to get in a
//!   digest wait for their hour (UTC) and go as one mail a day.
//! - Every mail says why the person gets it and carries a one-click unsubscribe link for
//!   its kind (`List-Unsubscribe` and `List-Unsubscribe-Post`, RFC 8058) that works without
//!   signing in: `/unsubscribe?token=...`, outside the session and CSRF layers, the token
//!   random, stored hashed, expiring.
//! - A team's members add outgoing webhooks (`/teams/<slug>/webhooks`) for the team's
//!   public events (a feedback window opened or closed, a public decision's outcome, a
//!   post published, a call opened, a member joined or left): signed JSON, retried the
//!   same way, with a delivery log on the same page ([`webhooks`]).
//! - In development without an SMTP server, mail is kept and `/dev/mail` shows it; in
//!   production that page is not found.

pub mod db;
mod handlers;
pub mod mail;
pub mod model;
mod pages;
pub mod reminders;
pub mod webhooks;
pub mod worker;

use crate::web::routes::{Routes, get, post};

/// Pages with sessions: the development mailbox.
pub fn routes() -> Routes {
    Routes::new()
        .route("/dev/mail", get(handlers::dev_mailbox))
        .route("/dev/mail/{id}", get(handlers::dev_mail))
        .route("/dev/mail/{id}/html", get(handlers::dev_mail_html))
        .route(
            "/teams/{slug}/webhooks",
            get(handlers::show_webhooks).post(handlers::add_webhook),
        )
        .route(
            "/teams/{slug}/webhooks/{id}/remove",
            post(handlers::remove_webhook),
        )
}

/// Outside the session and CSRF layers: the one-click unsubscribe, which a mail client
/// may post without cookies (RFC 8058).
pub fn open_routes() -> Routes {
    Routes::new().route(
        "/unsubscribe",
        get(handlers::show_unsubscribe).post(handlers::unsubscribe),
    )
}
