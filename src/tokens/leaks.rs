//! `POST /api/v1/token-leaks`: anyone who finds a token (a secret scanning service, a
//! person reading a public repository) reports it without signing in. Each reported
//! token that is live is revoked at once and its owner is told where it was reported
//! from; the audit log records that a token of theirs was reported (never the token).
//! The answer is the same whether a token was valid or not, so the endpoint tells
//! nobody which strings are tokens. Rate limited per address like every write.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::bearer::{ApiRefusal, request_id_of};
use super::{db, model};
#[allow(unused_imports)]
use crate::api::model::ApiErrorJson;
use crate::app::AppState;
use crate::audit;
use crate::error::AppError;
use crate::notify::model::{Kind, Notice};

/// At most this many tokens in one report.
pub const MAX_REPORTED: usize = 100;

/// The tokens and where they were found, from `{"tokens": [...], "url": ...}` or the list
/// of `{"token": ..., "url": ...}` that GitHub's secret scanning partner program posts.
fn reported(body: &Value) -> Option<Vec<(String, Option<String>)>> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    match body {
        Value::Array(items) => items
            .iter()
            .map(|item| Some((text(item.get("token")?)?, item.get("url").and_then(text))))
            .collect(),
        Value::Object(map) => {
            let url = map.get("url").and_then(text);
            map.get("tokens")?
                .as_array()?
                .iter()
                .map(|t| Some((text(t)?, url.clone())))
                .collect()
        }
        _ => None,
    }
}

/// Where a report says a token was found, fit for a mail: printable and short.
fn shown_place(url: Option<&str>) -> String {
    match url {
        Some(url) if !url.trim().is_empty() => {
            url.chars().filter(|c| !c.is_control()).take(300).collect()
        }
        _ => "(the report did not say)".into(),
    }
}

#[utoipa::path(post, operation_id = "leaks_report", path = "/api/v1/token-leaks", tag = "tokens",
    request_body(content = serde_json::Value, description = "`{\"tokens\": [...], \"url\": ...}` or GitHub's list of `{token, url}`; at most 100 tokens."),
    responses((status = 202, description = "The same answer whether or not anything was a live token.", body = serde_json::Value),
        (status = 400, description = "Not a report.", body = ApiErrorJson),
        (status = 429, description = "Too many reports from this address.", body = ApiErrorJson)))]
pub async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, Response> {
    let request_id = request_id_of(&headers);
    let refuse = |message: String| {
        ApiRefusal {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_report",
            message,
            request_id: request_id.clone(),
        }
        .into_response()
    };
    let parsed: Value = serde_json::from_slice(&body).map_err(|_| {
        refuse(
            "Send JSON: {\"tokens\": [\"concord_pat_...\"], \"url\": \"where you found them\"}."
                .into(),
        )
    })?;
    let reports = reported(&parsed).ok_or_else(|| {
        refuse("Send {\"tokens\": [\"concord_pat_...\"], \"url\": \"where you found them\"}, or a list of {\"token\": ..., \"url\": ...}.".into())
    })?;
    if reports.is_empty() || reports.len() > MAX_REPORTED {
        return Err(refuse(format!(
            "Report from 1 to {MAX_REPORTED} tokens at a time."
        )));
    }
    let from = crate::web::rate_limit::client_address(
        peer.ip(),
        &headers,
        &state.config.limits.trusted_proxies,
    )
    .to_string();
    let now = state.clock.now();
    let internal = |e: sqlx::Error| AppError::from(e).into_response();
    let mut tx = state.pool.begin().await.map_err(internal)?;
    for (secret, url) in &reports {
        if !model::is_well_formed(secret) {
            continue;
        }
        let Some(token) = db::find_by_secret(&mut *tx, secret)
            .await
            .map_err(internal)?
        else {
            continue;
        };
        if !db::revoke(&mut *tx, token.id, "leaked", now)
            .await
            .map_err(internal)?
        {
            continue;
        }
        let place = shown_place(url.as_deref());
        let notice = Notice {
            subject: format!(
                "Your API token \u{201c}{}\u{201d} was reported leaked and is revoked",
                token.name
            ),
            text: format!(
                "Somebody reported your API token \u{201c}{}\u{201d} as leaked, so Concord revoked it at once. It was found at: {place}. The report came from the address {from}. If a bot or script needs it, make a new token, and keep its secret out of public places.",
                token.name
            ),
            path: "/settings/tokens".into(),
        };
        crate::notify::db::enqueue(
            &mut tx,
            Kind::TokenLeaked,
            &format!("token:{}:leaked", token.id),
            &notice,
            &[token.user_id],
            now,
        )
        .await
        .map_err(internal)?;
        let entry = audit::Entry {
            at: now,
            actor_id: None,
            action: "token.reported_leaked",
            subject: audit::Subject {
                kind: "person",
                id: Some(token.user_id),
                label: token.login.clone(),
            },
            team_id: None,
            visibility: audit::Visibility::Public,
            details: serde_json::json!({ "token_name": token.name, "found_at": place }),
        };
        audit::record(&mut tx, &entry).await.map_err(internal)?;
        tracing::info!(
            user_id = token.user_id,
            token_id = token.id,
            "personal token reported leaked"
        );
    }
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({
            "received": reports.len(),
            "message": "Thank you. Every reported token that was valid is revoked, and its owner is told.",
        })),
    )
        .into_response())
}
