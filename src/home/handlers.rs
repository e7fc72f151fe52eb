use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::pages::HomePage;
use crate::app::AppState;
use crate::web::layout::Layout;

pub async fn show_home(layout: Layout) -> HomePage {
    HomePage { layout }
}

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers within a second.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let check = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(1), check).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/style.css"),
    )
}

pub async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}
