//! Sign-in. With a GitHub OAuth app configured: the authorization-code flow with `state`
//! and PKCE, no scopes, the token used once and dropped, people keyed by GitHub's
//! numeric id. Without one, in development mode only: a development sign-in as any
//! login. Sessions rotate their id at sign-in and are deleted at sign-out (a POST).

pub mod db;
pub mod github;
mod handlers;
pub mod model;
mod pages;
pub mod session;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/login", get(handlers::show_sign_in))
        .route("/login/dev", post(handlers::create_dev_session))
        .route("/auth/github", get(handlers::start_github))
        .route("/auth/github/callback", get(handlers::finish_github))
        .route("/logout", post(handlers::delete_session))
}
