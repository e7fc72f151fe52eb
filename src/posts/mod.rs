//! Team update posts: drafts, four-eyes publishing, likes, comments, incident reports and
//! Atom feeds.
//!
//! - A current member of a team drafts a post for it in Markdown (rendered with
//!   `web::markdown`, so nothing executable survives), with a Preview button that needs no
//!   JavaScript. Drafts and posts in review are seen only by their author and the team's
//!   current members; to anyone else they do not exist (404), on every page and feed.
//! - Four eyes: the author submits the draft for review; another current member of the
//!   team approves it (which publishes it) or asks for changes with a comment (which makes
//!   it a draft again). The author can never review their own post: the handler refuses,
//!   the write checks again under the post's row lock, and check constraints on `posts`
//!   and `post_reviews` refuse it in the database. An approval names the version the
//!   reviewer read; an edit in review returns the post to draft, so what is published is
//!   exactly what was approved.
//! - A post's state follows from its times (submitted, published), never from a flag.
//! - After publication the author and the team's members may edit; every published
//!   version is a numbered revision, the history page shows each change as a diff, and the
//!   post is marked as edited.
//! - Published posts have likes (one per person: a primary key; the count is computed),
//!   comments by signed-in people (editable by their author for 15 minutes, earlier text
//!   kept; deleted by their author or a team member, leaving a tombstone and the record;
//!   at most ten in ten minutes per person),
//!   pinning by the team's members, and a permalink `/posts/{team}/{slug}` fixed at
//!   creation.
//! - A post links to the members it announces (current members of the team, by login) and
//!   the decisions it reports (public decisions of the team, by number; shown only while
//!   public). `post_links` has one column per kind of target; RFCs become another
//!   `LinkTarget` variant and column when that room lands.
//! - An incident report is a post with a timeline (UTC time, event) and action items
//!   (text, owner, due date, open or done). Action items stay editable by the team after
//!   publication, show on the team's page while open, and are listed at
//!   `/teams/{slug}/actions`.
//! - Atom feeds of all published posts (`/posts/feed.xml`) and of one team's
//!   (`/posts/{team}/feed.xml`), with absolute links; `/posts` pages and filters by team.
//! - Forms carry an idempotency key (`web::idempotency::new_key`, the field
//!   `idempotency_key`, stored as `form_nonce` with a unique index), so a repeated
//!   submission never makes a second post, comment or
//!   action item. Every change writes its audit entry in its transaction: public once the
//!   post is published, team-only before.

pub mod db;
mod handlers;
pub mod model;
pub mod pages;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/posts",
            get(handlers::list_posts).post(handlers::create_post),
        )
        .route("/posts/new", get(handlers::new_post))
        .route("/posts/{team}/{slug}", get(handlers::show_post))
        .route(
            "/posts/{team}/{slug}/edit",
            get(handlers::edit_post).post(handlers::update_post),
        )
        .route("/posts/{team}/{slug}/submit", post(handlers::submit_post))
        .route("/posts/{team}/{slug}/approve", post(handlers::approve_post))
        .route(
            "/posts/{team}/{slug}/request-changes",
            post(handlers::request_changes),
        )
        .route("/posts/{team}/{slug}/like", post(handlers::like_post))
        .route("/posts/{team}/{slug}/pin", post(handlers::pin_post))
        .route("/posts/{team}/{slug}/history", get(handlers::show_history))
        .route(
            "/posts/{team}/{slug}/comments",
            post(handlers::create_comment),
        )
        .route(
            "/posts/{team}/{slug}/comments/{id}/edit",
            get(handlers::edit_comment).post(handlers::update_comment),
        )
        .route(
            "/posts/{team}/{slug}/comments/{id}/delete",
            post(handlers::delete_comment),
        )
        .route(
            "/posts/{team}/{slug}/actions",
            post(handlers::create_action_item),
        )
        .route(
            "/posts/{team}/{slug}/actions/{id}",
            get(handlers::edit_action_item).post(handlers::update_action_item),
        )
        .route("/teams/{slug}/actions", get(handlers::list_team_actions))
}

/// The feeds: outside the session and CSRF layers, they set no cookies.
pub fn open_routes() -> Routes {
    Routes::new()
        .route("/posts/feed.xml", get(handlers::feed_all))
        .route("/posts/{team}/feed.xml", get(handlers::feed_team))
}
