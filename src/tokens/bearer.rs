//! Who an API request is from: `Authorization: Bearer concord_pat_...`, and nothing else
//! (never a cookie, never a query parameter). No header: a visitor. A header that names
//! no live token: a JSON 401 that says why; a token without the scope an answer needs:
//! a JSON 403.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::db;
use super::model::{self, Dead, Scope};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::web::dates::format_utc;
use crate::web::rate_limit::client_address;

/// The person a valid token stands for, and what it may do.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub token_id: i64,
    pub token_name: String,
    pub scopes: Vec<Scope>,
    pub expires_at: time::OffsetDateTime,
}

impl Caller {
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The API's caller: `None` for a request without a token.
pub struct ApiCaller(pub Option<Caller>);

/// A refusal as JSON: a machine-readable code, a message and the request id.
pub struct ApiRefusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub request_id: String,
}

impl IntoResponse for ApiRefusal {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"concord\", error=\"invalid_token\""),
            );
        }
        response
    }
}

/// A 403 for a token that lacks `scope`.
pub fn lacks(request_id: String, scope: Scope) -> ApiRefusal {
    ApiRefusal {
        status: StatusCode::FORBIDDEN,
        code: "insufficient_scope",
        message: format!(
            "This token lacks the \u{201c}{}\u{201d} scope this answer needs. Make a token with it at /settings/tokens.",
            scope.as_str()
        ),
        request_id,
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    /// The caller the API's layer (`api::limit::per_token`) found, or, outside that layer,
    /// the caller of the request's own header.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(Found(caller)) = parts.extensions.get::<Found>() {
            return Ok(ApiCaller(caller.clone()));
        }
        authenticate(parts, state).await.map(ApiCaller)
    }
}

/// The caller found once per request, kept in its extensions.
#[derive(Clone)]
pub struct Found(pub Option<Caller>);

/// Who the request's `Authorization` header stands for: `None` without one; a JSON 401
/// that says why for a header that names no live token.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Caller>, Response> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let refuse = |code: &'static str, message: String| {
        ApiRefusal {
            status: StatusCode::UNAUTHORIZED,
            code,
            message,
            request_id: request_id_of(&parts.headers),
        }
        .into_response()
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(secret) = presented else {
        return Err(refuse(
            "invalid_authorization",
            "Send a personal token as \u{201c}Authorization: Bearer concord_pat_...\u{201d}; no other kind of authorization is accepted.".into(),
        ));
    };
    if !model::is_well_formed(secret) {
        return Err(refuse(
            "token_malformed",
            "This is not a Concord token: a token is concord_pat_ and 36 letters and digits whose last six are a checksum, and this one's checksum does not hold. Check that it was copied whole.".into(),
        ));
    }
    let found = db::find_by_secret(&state.pool, secret)
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    let Some(token) = found else {
        return Err(refuse(
            "token_unknown",
            "No such token. It may have been mistyped or belong to another Concord.".into(),
        ));
    };
    let now = state.clock.now();
    if token.removed {
        return Err(refuse(
            "person_removed",
            "An administrator has removed this token's owner from Concord, so their tokens no longer work.".into(),
        ));
    }
    match model::dead(
        token.created_at,
        token.expires_at,
        token.last_used_at,
        token.revoked_at.is_some(),
        now,
    ) {
        None => {}
        Some(Dead::Expired) => {
            return Err(refuse(
                "token_expired",
                format!(
                    "This token expired at {}. Make a new one at /settings/tokens.",
                    format_utc(token.expires_at)
                ),
            ));
        }
        Some(Dead::Unused) => {
            return Err(refuse(
                "token_revoked",
                "This token was revoked because it was not used for 90 days. Make a new one at /settings/tokens.".into(),
            ));
        }
        Some(Dead::Revoked) => {
            let why = match token.revoked_why.as_deref() {
                Some("unused") => "because it was not used for 90 days",
                Some("regenerated") => "because its owner regenerated it",
                Some("leaked") => "because it was reported leaked",
                Some("signed_out") => "because its owner signed out everywhere",
                Some("admin") => "by an administrator",
                _ => "by its owner",
            };
            return Err(refuse(
                "token_revoked",
                format!("This token was revoked {why}. Make a new one at /settings/tokens."),
            ));
        }
    }
    let from = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            client_address(
                peer.ip(),
                &parts.headers,
                &state.config.limits.trusted_proxies,
            )
            .to_string()
        })
        .unwrap_or_default();
    db::touch(&state.pool, token.id, &from, now)
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    Ok(Some(Caller {
        user: User {
            id: token.user_id,
            login: token.login,
            name: token.person_name,
            is_admin: token.is_admin,
        },
        token_id: token.id,
        token_name: token.name,
        scopes: token
            .scopes
            .iter()
            .filter_map(|s| Scope::parse(s))
            .collect(),
        expires_at: token.expires_at,
    }))
}

/// The request id of a request, for refusals made in a handler.
pub fn request_id_of(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}
