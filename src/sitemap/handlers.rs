use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use time::format_description::well_known::Rfc3339;

use super::db;
use crate::app::AppState;
use crate::error::AppError;

/// The sitemap protocol's limit of URLs in one file.
const MAX_URLS: i64 = 50_000;

/// The lists every visitor can read.
const LISTS: [&str; 5] = ["/", "/teams", "/rfcs", "/posts", "/audit"];

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\n\
         Disallow: /search\n\
         Disallow: /login\n\
         Disallow: /auth/\n\
         Disallow: /inbox\n\
         Disallow: /me/\n\
         Disallow: /admin/\n\
         Disallow: /api/\n\
         \n\
         Sitemap: {}\n",
        state.config.absolute("/sitemap.xml")
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub struct Url {
    pub loc: String,
    pub lastmod: Option<String>,
}

#[derive(Template)]
#[template(path = "sitemap/sitemap.xml")]
pub struct Sitemap {
    pub urls: Vec<Url>,
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let pages = db::public_pages(
        &state.pool,
        state.clock.now(),
        MAX_URLS - LISTS.len() as i64,
    )
    .await?;
    let mut urls: Vec<Url> = LISTS
        .iter()
        .map(|path| Url {
            loc: state.config.absolute(path),
            lastmod: None,
        })
        .collect();
    urls.extend(pages.into_iter().map(|page| {
        Url {
            loc: state.config.absolute(&page.path),
            lastmod: page
                .lastmod
                .to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .ok(),
        }
    }));
    let body = Sitemap { urls }.render().map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}
