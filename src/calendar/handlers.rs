use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{db, model};
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;

/// `/calendar.ics`: every public deadline.
pub async fn public_calendar(State(state): State<AppState>) -> Result<Response, AppError> {
    feed(&state, "Concord: public deadlines".into(), None).await
}

/// `/teams/{slug}/calendar.ics`: one team's public deadlines.
pub async fn team_calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    feed(&state, format!("Concord: {}", team.name), Some(team.id)).await
}

async fn feed(state: &AppState, name: String, team_id: Option<i64>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let deadlines = db::deadlines(
        &state.pool,
        now,
        now - model::LOOKBACK,
        team_id,
        model::MAX_EVENTS,
    )
    .await?;
    let origin = state.config.origin();
    let host = url::Url::parse(&origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "concord".into());
    let body = model::calendar(
        &name,
        &deadlines,
        |path| state.config.absolute(path),
        &host,
        now,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}
