use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::model::{self, TeamList};
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;

pub async fn list_teams(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let all = teams::db::list_teams(&state.pool).await?;
    let ledgers = teams::db::all_ledgers(&state.pool).await?;
    let list = TeamList {
        teams: model::team_list(&all, &ledgers, &state.config),
    };
    cached_json(&headers, &list)
}

pub async fn show_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let sub_teams = teams::db::sub_teams(&state.pool, team.id).await?;
    let ledger = teams::db::ledger(&state.pool, team.id).await?;
    let sub_slugs = sub_teams.into_iter().map(|s| s.slug).collect();
    cached_json(
        &headers,
        &model::team_json(&team, sub_slugs, &ledger, &state.config),
    )
}

/// JSON with a weak ETag and `Cache-Control`, or `304` when the client has it already.
fn cached_json(headers: &HeaderMap, value: &impl Serialize) -> Result<Response, AppError> {
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = model::etag(&body);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| model::etag_matches(sent, &etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(AppError::internal)?,
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(model::CACHE_CONTROL),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}
