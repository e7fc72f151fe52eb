//! One error type for every handler. A person sees a plain page with a generic message
//! and the request id; the log gets the cause. [`render_error_pages`] turns every error
//! response (ours, and the bare ones from layers and extractors) into that page.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::web::layout::{ErrorPage, Layout};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    SignInRequired,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Input that cannot be shown again in a form (a bad link, a tampered request).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request conflicts with the current state (a closed window, a duplicate).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database (or the session store in it) cannot be reached: a 503, not a 500.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// What the error page middleware needs to render a page for an error.
#[derive(Clone, Debug, Default)]
pub struct ErrorInfo {
    pub message: String,
    /// A form that was refused before any handler read it (the rate limit): what it held,
    /// shown again on the error page with a button that sends it again.
    pub refused_form: Option<RefusedForm>,
}

/// A form given back on an error page: the address it was sent to and its fields.
#[derive(Clone, Debug, Default)]
pub struct RefusedForm {
    /// Where "Send again" sends it; empty: the text is only shown, to copy.
    pub action: String,
    /// Fields a person typed or chose, shown in text areas they can copy or edit.
    pub typed: Vec<(String, String)>,
    /// The token and keys the form carried, sent again as they were.
    pub hidden: Vec<(String, String)>,
}

impl RefusedForm {
    /// The form in a urlencoded `body` sent to `action`; `None` when it is not readable.
    pub fn from_body(action: &str, body: &[u8]) -> Option<Self> {
        let pairs = crate::web::form::pairs(body).ok()?;
        let (hidden, typed) = pairs.into_iter().partition(|(name, _)| {
            matches!(name.as_str(), "csrf_token" | "idempotency_key" | "version")
        });
        Some(RefusedForm {
            action: action.to_string(),
            typed,
            hidden,
        })
    }

    /// Only the typed text of a urlencoded `body`, to copy (no way to send it again);
    /// `None` when nothing was typed.
    pub fn text_only(body: &[u8]) -> Option<Self> {
        Self::from_body("", body)
            .map(|form| RefusedForm {
                hidden: Vec::new(),
                ..form
            })
            .filter(|form| !form.typed.is_empty())
    }
}

/// Gives a refused form's text back on the error page, to copy: any 4xx error (not a form
/// the handler rendered again itself, which keeps its text anyway) answering a POST that
/// passed the CSRF check. Refusals before it keep their own rules (`web::csrf`,
/// `web::rate_limit`).
pub async fn give_back_refused_text(request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // Already read whole and limited by the CSRF check: a copy of its bytes.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut response = next
        .run(Request::from_parts(
            parts,
            axum::body::Body::from(bytes.clone()),
        ))
        .await;
    if response.status().is_client_error()
        && let Some(info) = response.extensions_mut().get_mut::<ErrorInfo>()
        && info.refused_form.is_none()
    {
        info.refused_form = RefusedForm::text_only(&bytes);
    }
    response
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    /// A session error: the store is PostgreSQL, so a store failure means the database is
    /// unavailable (503); a session that cannot be decoded is our bug (500).
    pub fn session(e: tower_sessions::session::Error) -> Self {
        match e {
            tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend(cause),
            ) => AppError::Unavailable(format!("session store: {cause}")),
            other => AppError::Internal(format!("session: {other}")),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Database(e) if is_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(e) if is_unstorable_text(e) => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a person may see: never internals.
    fn public_message(&self) -> String {
        match self {
            AppError::Forbidden(why) => format!("You may not do this: {why}."),
            AppError::BadRequest(why) | AppError::Conflict(why) => why.clone(),
            AppError::Database(e) if is_unstorable_text(e) => {
                "What you sent contains a character that cannot be stored (a NUL byte). Please remove it and try again.".into()
            }
            other => default_message(other.status()).to_string(),
        }
    }
}

/// Errors that mean "the database cannot be reached right now", not "this request is
/// wrong": no connection within the pool's acquire timeout, a broken or refused
/// connection, a server shutting down or starting up, or too many connections.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 57P01..57P03: admin shutdown, crash shutdown,
            // cannot connect now; 53300: too many connections.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// PostgreSQL refusing text it cannot hold (22021, "invalid byte sequence": a NUL byte).
/// Paths and looked-up fields are refused before any query (`web::extract::names_nothing`)
/// and text fields by `FormErrors`; this is the net under them, so that such input is a
/// 400 in every place, never a 500.
pub fn is_unstorable_text(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("22021"))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, "request refused");
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorInfo {
            message: self.public_message(),
            ..ErrorInfo::default()
        });
        response
    }
}

pub fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "There is nothing at this address.",
        StatusCode::UNAUTHORIZED => "Please sign in first.",
        StatusCode::FORBIDDEN => "You may not do this.",
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that kind of request.",
        StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => {
            "The form could not be read. Please go back and try again."
        }
        StatusCode::TOO_MANY_REQUESTS => "Too many requests. Please wait a moment and try again.",
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            "Concord is busy or its database is unavailable. Please try again shortly."
        }
        s if s.is_client_error() => "The request could not be handled.",
        _ => "Something went wrong on our side. It has been logged.",
    }
}

/// tower-sessions answers a failure to save the session with a bare, empty 500 (it saves
/// after the handler has answered). The store is PostgreSQL, so this layer, just outside
/// the session layer, turns that into the same 503 page as any other database outage.
/// Our own errors carry [`ErrorInfo`] and pass through untouched.
pub async fn session_store_failures(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response.extensions().get::<ErrorInfo>().is_none()
    {
        return AppError::Unavailable("saving the session failed".into()).into_response();
    }
    response
}

/// The API's machine-readable `code` for an error that did not bring its own.
fn api_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "token_required",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_fields",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => "unavailable",
        s if s.is_client_error() => "bad_request",
        _ => "internal",
    }
}

/// Renders every error response as a page (or JSON under `/api/`), with the request id.
/// A sign-in-required GET becomes a redirect to the sign-in page that comes back here.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let is_get = request.method() == axum::http::Method::GET;
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_html || (is_json && path.starts_with("/api/")) {
        // A page that rendered itself with an error status (a form with messages), or an
        // API refusal that says its own code (`tokens::bearer::ApiRefusal`).
        return response;
    }
    let info = response.extensions().get::<ErrorInfo>().cloned();
    if status == StatusCode::UNAUTHORIZED && is_get && !path.starts_with("/api/") {
        let target = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
        );
        return Redirect::to(&target).into_response();
    }
    let (message, refused_form) = match info {
        Some(info) => (info.message, info.refused_form),
        None => (default_message(status).to_string(), None),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if path.starts_with("/api/") {
        let message = match (status, &message) {
            (StatusCode::UNAUTHORIZED, _) => "This needs a personal token, sent as \u{201c}Authorization: Bearer concord_pat_...\u{201d}.".to_string(),
            _ => message,
        };
        // `error` is the field's name from before `code` and `message` (additions only).
        let body = serde_json::json!({
            "code": api_code(status),
            "message": message,
            "error": message,
            "request_id": request_id,
        });
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return (parts, body.to_string()).into_response();
    }
    let page = ErrorPage {
        layout: Layout::default(),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("Error"),
        message,
        request_id,
        refused_form,
    };
    let html = match askama::Template::render(&page) {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            format!("Error {}", status.as_u16())
        }
    };
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    (parts, html).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_503_and_a_bad_query_a_500() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        for unavailable in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(refused),
            sqlx::Error::WorkerCrashed,
        ] {
            assert_eq!(
                AppError::Database(unavailable).status(),
                StatusCode::SERVICE_UNAVAILABLE
            );
        }
        assert_eq!(
            AppError::Database(sqlx::Error::RowNotFound).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            AppError::Database(sqlx::Error::Protocol("odd".into())).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn a_session_store_failure_is_a_503_and_a_bad_session_a_500() {
        use tower_sessions::session::Error;
        use tower_sessions::session_store::Error as StoreError;
        let store = AppError::session(Error::Store(StoreError::Backend("gone".into())));
        assert_eq!(store.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            store.public_message(),
            default_message(StatusCode::SERVICE_UNAVAILABLE)
        );
        let decode = AppError::session(Error::Store(StoreError::Decode("junk".into())));
        assert_eq!(decode.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
