//! Policy RFCs with revisions, a feedback window, public and private feedback, and a
//! published disposition.
//!
//! - A team's members draft an RFC: title, summary, body (Markdown) and an optional link
//!   to an external pull request (http or https only). Every edit makes a numbered
//!   revision (author, time, change note); an edit that changes nothing makes none. Any
//!   two revisions can be compared as a line diff. The text changes until the window closes.
//! - The team sets the feedback window (opening and closing, in UTC). Whether it is open
//!   is computed from those times and `now` (`Window::state`): open from the opening
//!   second, closed from the closing second. Members may extend or shorten an open window
//!   (never into the past) with a reason; every change is logged on the RFC's page. A
//!   closed window stays closed.
//! - An RFC is a draft, visible only to its team, until its window opens; then everyone
//!   may read it. The stage shown (draft, open for feedback, closed, accepted, rejected,
//!   withdrawn) follows from the window and the decision that settled it.
//! - A signed-in person gives feedback while the window is open, public or private to the
//!   team; it is tied to the revision current when it was written. The server refuses
//!   feedback outside the window whatever the form sends, and shows the page again with
//!   the reason and the text as typed. Authors edit their feedback inside the window (the
//!   earlier texts are kept and shown) and may withdraw it.
//! - Private feedback is seen only by the team's current members and its author: the
//!   queries filter it in SQL, for pages, the feed and the API alike.
//! - After the window closes, members record for each piece of feedback accepted,
//!   declined or noted, with a reason, and publish the disposition once every piece has
//!   one. The public then sees the disposition of public feedback, and a count by verdict
//!   of private feedback, without its text.
//! - Before a decision settles it, the team's members may raise named concerns on an RFC;
//!   the decision that settles it carries the open ones in, named as before (`concerns`).
//! - `/rfcs/feed.xml` is an Atom feed of RFCs open for feedback.
//! - Every change writes its audit entry in the same transaction: public once the RFC is
//!   public, team-only for drafts, private feedback and unpublished dispositions.

pub mod concerns;
pub mod db;
mod handlers;
pub mod model;
mod pages;

pub use pages::{RfcItem, window_line};

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/rfcs", get(handlers::list_rfcs).post(handlers::create_rfc))
        .route("/rfcs/new", get(handlers::new_rfc))
        .route("/rfcs/feed.xml", get(handlers::feed))
        .route("/rfcs/{id}", get(handlers::show_rfc))
        .route(
            "/rfcs/{id}/edit",
            get(handlers::edit_rfc).post(handlers::update_rfc),
        )
        .route(
            "/rfcs/{id}/window",
            get(handlers::edit_window).post(handlers::update_window),
        )
        .route("/rfcs/{id}/revisions", get(handlers::list_revisions))
        .route(
            "/rfcs/{id}/revisions/{number}",
            get(handlers::show_revision),
        )
        .route("/rfcs/{id}/diff", get(handlers::show_diff))
        .route("/rfcs/{id}/feedback", post(handlers::create_feedback))
        .route(
            "/rfcs/{id}/feedback/{feedback_id}/edit",
            get(handlers::edit_feedback).post(handlers::update_feedback),
        )
        .route(
            "/rfcs/{id}/feedback/{feedback_id}/withdraw",
            post(handlers::withdraw_feedback),
        )
        .route(
            "/rfcs/{id}/feedback/{feedback_id}/disposition",
            post(handlers::record_disposition),
        )
        .route("/rfcs/{id}/disposition", get(handlers::show_disposition))
        .route(
            "/rfcs/{id}/decision",
            get(handlers::new_settlement).post(handlers::open_settlement),
        )
        .route("/rfcs/{id}/concerns", post(concerns::raise_concern))
        .route(
            "/rfcs/{id}/concerns/{concern_id}/resolve",
            post(concerns::resolve_concern),
        )
        .route(
            "/rfcs/{id}/disposition/publish",
            post(handlers::publish_disposition),
        )
}
