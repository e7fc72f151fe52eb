//! What search engines are told: `/robots.txt` (keep out of search results, sign-in and
//! personal pages; where the sitemap is) and `/sitemap.xml` (every public page: the main
//! lists, teams, public RFCs, published posts, public decisions, calls; at most 50,000,
//! the protocol's limit). Pages say `noindex` unless they are public (`templates/card.html`).
//! Served outside the session layer, like the feeds.

mod db;
mod handlers;

use crate::web::routes::{Routes, get};

/// Routes outside the session and CSRF layers.
pub fn open_routes() -> Routes {
    Routes::new()
        .route("/robots.txt", get(handlers::robots))
        .route("/sitemap.xml", get(handlers::sitemap))
}
