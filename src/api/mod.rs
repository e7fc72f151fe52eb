//! The read-only JSON API for bots and other sites, in the spirit of the rust-lang team
//! API: teams with their charters, parents, sub-teams, members and alumni. Field names
//! are stable and documented in docs/API.md. Answers carry a weak ETag (a hash of the
//! body) and `Cache-Control`; a matching `If-None-Match` gets `304 Not Modified`. The
//! API needs no session, so it sits outside the session and CSRF layers. Rendered
//! documents are kept in memory until the next recorded change (`web::cache`): the list of
//! teams is a document of the whole community and would otherwise cost in proportion to it.

mod handlers;
pub mod model;

pub use handlers::Document;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/me", get(handlers::me))
        .route("/api/v1/teams", get(handlers::list_teams))
        .route("/api/v1/teams/{slug}", get(handlers::show_team))
        .route("/api/v1/token-leaks", post(crate::tokens::leaks::report))
}
