//! Every room's routes, and the layers around them. Pages get sessions, the signed-in
//! person and CSRF protection; health checks and the stylesheet need none of that.

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{CachingSessionStore, Expiry, SessionManagerLayer};
use tower_sessions_moka_store::MokaStore;
use tower_sessions_sqlx_store::PostgresStore;

use crate::app::AppState;
use crate::error::{render_error_pages, session_store_failures};
use crate::web::routes::{Route, Routes};
use crate::web::{csrf, flash, page_cache, rate_limit, security};
use crate::{
    api, audit, auth, calendar, decisions, export, home, inbox, nominations, notify, people, posts,
    rfcs, search, settings, sitemap, teams, tokens,
};

/// The pages: behind sessions, the signed-in person and CSRF protection.
fn page_routes() -> Routes {
    Routes::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(teams::routes())
        .merge(decisions::routes())
        .merge(nominations::routes())
        .merge(inbox::routes())
        .merge(audit::routes())
        .merge(posts::routes())
        .merge(rfcs::routes())
        .merge(settings::routes())
        .merge(tokens::routes())
        .merge(api::page_routes())
        .merge(notify::routes())
        .merge(search::routes())
        .merge(people::routes())
        .merge(calendar::routes())
        .merge(export::routes())
        .merge(crate::github::routes())
}

/// Health checks, static files and feeds: no session, no cookies. (The API is the same,
/// with the rate limits on its writes: `build`.)
fn open_routes() -> Routes {
    Routes::new()
        .merge(home::open_routes())
        .merge(posts::open_routes())
        .merge(notify::open_routes())
        .merge(calendar::open_routes())
        .merge(sitemap::open_routes())
}

/// Every method and path the application serves, from the same declarations that
/// build the router (GET routes also answer HEAD).
pub fn route_table() -> Vec<Route> {
    let mut table = page_routes().table().to_vec();
    table.extend_from_slice(open_routes().table());
    table.extend_from_slice(api::routes().table());
    table
}

/// How many sessions are kept in memory (a few hundred bytes each); the rest are read
/// from PostgreSQL when they come back.
const SESSIONS_KEPT: u64 = 10_000;

pub fn build(state: AppState) -> Router {
    let config = state.config.clone();
    let https = config.is_https();
    let idle =
        time::Duration::try_from(config.limits.session_idle).unwrap_or(time::Duration::days(7));
    // Sessions are read from memory and written through to PostgreSQL: one statement less
    // on every signed-in request. Whether a session still counts is decided from the
    // person's row on every request (`auth::session`), so ending sessions needs no cache
    // entry removed. One process serves Concord; several would each keep their own copy.
    let store = CachingSessionStore::new(
        MokaStore::new(Some(SESSIONS_KEPT)),
        PostgresStore::new(state.pool.clone()),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name(if https {
            "__Host-concord"
        } else {
            "concord_session"
        })
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let pages = page_routes()
        .into_router()
        .layer(from_fn(crate::error::give_back_refused_text))
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), csrf::protect))
        .layer(from_fn_with_state(
            state.clone(),
            auth::session::resolve_user,
        ))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), flash::carry))
        .layer(from_fn(session_store_failures))
        // Outside the sessions: a visitor's kept page needs no session at all.
        .layer(from_fn_with_state(
            state.clone(),
            page_cache::serve_visitor_pages,
        ));

    let mut router = Router::new()
        .merge(pages)
        .merge(open_routes().into_router())
        .merge(
            api::routes()
                .into_router()
                .layer(from_fn_with_state(state.clone(), api::limit::per_token))
                .layer(from_fn_with_state(state.clone(), rate_limit::limit)),
        )
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.limits.request_timeout,
        ))
        .layer(RequestBodyLimitLayer::new(config.limits.body_bytes))
        // A path segment that names nothing (a NUL, say) is "not found" before any handler.
        .layer(from_fn(crate::web::extract::refuse_unnamed_paths))
        // Outside the limits, so that their refusals get a page too.
        .layer(from_fn(render_error_pages));
    for layer in security::header_layers(https) {
        router = router.layer(layer);
    }
    router
        // Pages rendered per request (signed in) are compressed at the fastest level: most of
        // the size gain for a fraction of the CPU. Kept bodies are gzipped once, at the default.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // The path only: query strings can carry OAuth codes.
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Deletes expired sessions from the store once an hour, for the life of the server.
pub async fn delete_expired_sessions(pool: sqlx::PgPool) {
    use tower_sessions::ExpiredDeletion;
    let store = PostgresStore::new(pool);
    if let Err(e) = store
        .continuously_delete_expired(Duration::from_secs(3600))
        .await
    {
        tracing::error!(error = %e, "deleting expired sessions stopped");
    }
}
