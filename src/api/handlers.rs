use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use std::sync::Arc;

use super::cache::Document;
use super::db;
use super::model::{self, TeamList};
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;

pub async fn list_teams(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let key = "/api/v1/teams";
    let version = db::version(&state.pool).await?;
    let document = match state.api_cache.get(version, key) {
        Some(document) => document,
        None => {
            let all = teams::db::list_teams(&state.pool).await?;
            let ledgers = teams::db::all_ledgers(&state.pool).await?;
            let list = TeamList {
                teams: model::team_list(&all, &ledgers, &state.config),
            };
            let document = render(&list)?;
            state.api_cache.put(version, key, document.clone());
            document
        }
    };
    cached_json(&headers, document)
}

pub async fn show_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let key = format!("/api/v1/teams/{slug}");
    let version = db::version(&state.pool).await?;
    let document = match state.api_cache.get(version, &key) {
        Some(document) => document,
        None => {
            let team = teams::db::find_team(&state.pool, &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let sub_teams = teams::db::sub_teams(&state.pool, team.id).await?;
            let ledger = teams::db::ledger(&state.pool, team.id).await?;
            let sub_slugs = sub_teams.into_iter().map(|s| s.slug).collect();
            let document = render(&model::team_json(&team, sub_slugs, &ledger, &state.config))?;
            state.api_cache.put(version, &key, document.clone());
            document
        }
    };
    cached_json(&headers, document)
}

fn render(value: &impl Serialize) -> Result<Document, AppError> {
    use std::io::Write;
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = model::etag(&body);
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&body).map_err(AppError::internal)?;
    let gzip = gzip.finish().map_err(AppError::internal)?;
    Ok(Document {
        body: axum::body::Bytes::from(body),
        gzip: axum::body::Bytes::from(gzip),
        etag: Arc::from(etag.as_str()),
    })
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let gzip = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("gzip"));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            gzip && !refused
        })
}

/// JSON with a weak ETag and `Cache-Control`, or `304` when the client has it already.
fn cached_json(headers: &HeaderMap, document: Document) -> Result<Response, AppError> {
    let etag = document.etag.to_string();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| model::etag_matches(sent, &etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // Already compressed: the compression layer leaves an encoded body alone.
        let (encoding, body) = if accepts_gzip(headers) {
            (Some("gzip"), document.gzip)
        } else {
            (None, document.body)
        };
        let mut response = (
            [(header::CONTENT_TYPE, "application/json")],
            axum::body::Body::from(body),
        )
            .into_response();
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
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
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}
