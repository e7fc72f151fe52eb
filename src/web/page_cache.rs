//! Pages as visitors see them, kept between changes ([`super::cache`]). A visitor (a
//! request without any cookie) sees what every visitor sees: no session, no CSRF token,
//! no flash message, no private text. So a page rendered for one is kept and given to the
//! next, until something is recorded (the audit version moves) or the app's clock moves
//! to another second (windows open and close, "in 2 days" turns into "in 1 day"). Only
//! plain successful HTML pages that set no cookie are kept; a request with a cookie, any
//! other method, or a failure to read the version goes to the handler as usual.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::AppError;
use crate::web::cache::{Body, Build, BuildGuard};

/// The audit version and the app clock's second.
pub type Version = (crate::audit::db::Version, i64);

/// What a path gave a visitor under one version: a page, or something not to keep (which
/// later visitors then ask the handler for directly, without waiting for each other).
#[derive(Clone, Debug)]
pub enum Kept {
    Page(Page),
    NotKept,
}

/// A kept page: the handler's headers and the body.
#[derive(Clone, Debug)]
pub struct Page {
    headers: HeaderMap,
    body: Body,
}

/// Pages are small (every list on them is paginated); anything larger is not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

pub async fn serve_visitor_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET || request.headers().contains_key(header::COOKIE) {
        return next.run(request).await;
    }
    let Ok(audit) = crate::audit::db::version(&state.pool).await else {
        return next.run(request).await;
    };
    let version = (audit, state.clock.now().unix_timestamp());
    let key = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_string(), ToString::to_string);
    let kept = match state.page_cache.get(&version, &key) {
        Some(kept) => Some(kept),
        // Visitors asking for the same page at once wait for one rendering, or take the
        // one before it while it renders.
        None => match state.page_cache.build_or_previous(&version, &key).await {
            Build::Ready(kept) => Some(kept),
            Build::Mine(building) => {
                return render(&state, version, key, request, next, building).await;
            }
        },
    };
    match kept {
        Some(Kept::Page(page)) => respond(&page, request.headers()),
        // Not a page to keep (it sets a cookie, or failed): straight to the handler,
        // without waiting for anybody.
        _ => next.run(request).await,
    }
}

/// Renders a page for a visitor, and keeps it (or that it is not to be kept).
async fn render(
    state: &AppState,
    version: Version,
    key: String,
    request: Request,
    next: Next,
    _building: BuildGuard,
) -> Response {
    let accept = request.headers().clone();
    let response = next.run(request).await;
    let keep = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !keep {
        state.page_cache.put(&version, &key, Kept::NotKept);
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return AppError::internal(e).into_response(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    match Body::new(bytes.clone()) {
        Ok(body) => {
            let page = Page {
                headers: parts.headers,
                body,
            };
            state
                .page_cache
                .put(&version, &key, Kept::Page(page.clone()));
            respond(&page, &accept)
        }
        Err(_) => Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}

fn respond(page: &Page, request: &HeaderMap) -> Response {
    page.body.respond(request, page.headers.clone())
}
