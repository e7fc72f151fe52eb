//! The home page, and the open routes that need no session: health checks, the
//! stylesheet and the favicon.

mod handlers;
mod pages;

use crate::web::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new().route("/", get(handlers::show_home))
}

/// Routes outside the session and CSRF layers.
pub fn open_routes() -> Routes {
    Routes::new()
        .route("/healthz", get(handlers::healthz))
        .route("/readyz", get(handlers::readyz))
        .route("/static/style.css", get(handlers::stylesheet))
        .route("/favicon.ico", get(handlers::favicon))
}
