//! The JSON API for bots and other sites, `/api/v1/`, and the page that explains it,
//! `/api`. Field names are stable (additions
//! only) and described on the `/api` page and in the README.
//!
//! - Reads: teams (in the spirit of the rust-lang team API), RFCs, a team's decisions and
//!   calls, posts, the audit log, and `/api/v1/me`. Each asks the room's own `db` and
//!   `model` who may see what ([`respond::Viewer`]): without a token, or with one lacking
//!   `read`, exactly what a visitor sees; with `read`, what the token's owner sees on the
//!   site, their teams' private material included.
//! - Writes, one scope each, through the same room functions and rules as the forms:
//!   `feedback:write` (RFC feedback: give, edit, withdraw), `comments:write` (comments on
//!   posts), `drafts:write` (RFC drafts and revisions, post drafts; never submitting,
//!   approving or publishing), `positions:write` (positions in decisions one decides).
//!   A write with an `Idempotency-Key` is answered once ([`idempotent`]).
//! - Lists are paginated with `?after=<next>&limit=<n>` and answer `{items, next}`.
//! - Answers carry a weak ETag (`If-None-Match` gets `304`); an answer without a token
//!   is `public, max-age=60`, one to a token `private, no-store`, all `Vary:
//!   Authorization` ([`respond::answer`]).
//! - Refusals are JSON `{code, message, request_id}`; a body that is not what the route
//!   takes is a 400, 413, 415 or 422, never a 500 ([`respond::ApiJson`]).
//! - [`limit::per_token`] authenticates once per request and limits each token
//!   (`RateLimit-*` headers; 429 with `Retry-After`).
//! - `/api/v1/openapi.json` is the OpenAPI 3.1 document, generated from the handlers
//!   ([`openapi`]).
//! - The API needs no session, so it sits outside the session and CSRF layers. The teams
//!   documents are kept in memory until the next recorded change (`web::cache`).

mod audit;
mod calls;
mod decisions;
mod handlers;
mod idempotent;
pub mod limit;
pub mod model;
pub mod openapi;
mod page;
mod posts;
pub(crate) mod respond;
mod rfcs;

pub use handlers::Document;

use crate::web::routes::{Routes, get, post};

/// The human page about the API, `/api`: a page like any other (sessions, layout).
pub fn page_routes() -> Routes {
    Routes::new().route("/api", get(page::show))
}

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/me", get(handlers::me))
        .route("/api/v1/teams", get(handlers::list_teams))
        .route("/api/v1/teams/{slug}", get(handlers::show_team))
        .route("/api/v1/teams/{slug}/decisions", get(decisions::list))
        .route("/api/v1/teams/{slug}/calls", get(calls::list))
        .route("/api/v1/rfcs", get(rfcs::list).post(rfcs::create))
        .route("/api/v1/rfcs/{id}", get(rfcs::show))
        .route("/api/v1/rfcs/{id}/revisions", post(rfcs::revise))
        .route("/api/v1/rfcs/{id}/feedback", post(rfcs::give_feedback))
        .route(
            "/api/v1/rfcs/{id}/feedback/{feedback_id}",
            post(rfcs::edit_feedback),
        )
        .route(
            "/api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw",
            post(rfcs::withdraw_feedback),
        )
        .route("/api/v1/decisions/{id}", get(decisions::show))
        .route(
            "/api/v1/decisions/{id}/positions",
            post(decisions::take_position),
        )
        .route("/api/v1/calls/{id}", get(calls::show))
        .route("/api/v1/posts", get(posts::list).post(posts::create))
        .route(
            "/api/v1/posts/{team}/{slug}",
            get(posts::show).post(posts::revise),
        )
        .route("/api/v1/posts/{team}/{slug}/comments", post(posts::comment))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/token-leaks", post(crate::tokens::leaks::report))
}
