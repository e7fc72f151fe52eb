//! Cross-site request forgery protection for every state-changing request: the request
//! must not come from another site (`Sec-Fetch-Site`, `Origin`), and its form must carry
//! the session's token in `csrf_token`. Applied as one middleware around all routes, so
//! no POST handler can forget it.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::{AppError, ErrorInfo, RefusedForm};

const KEY: &str = "csrf";
pub const FIELD: &str = "csrf_token";

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session
        .get::<String>(KEY)
        .await
        .map_err(AppError::session)?
    {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    session
        .insert(KEY, &token)
        .await
        .map_err(AppError::session)?;
    Ok(token)
}

/// The token without creating one (a visitor's page with no form needs no session).
pub async fn existing_token(session: &Session) -> Result<Option<String>, AppError> {
    session.get::<String>(KEY).await.map_err(AppError::session)
}

pub async fn protect(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    match check(&state, &session, request).await {
        Ok(request) => next.run(request).await,
        Err((e, typed)) => {
            let mut response = e.into_response();
            // An expired form from this site: give its text back to copy (without a way
            // to send it again, which would lend a forged request a valid token).
            if let (Some(typed), Some(info)) =
                (typed, response.extensions_mut().get_mut::<ErrorInfo>())
            {
                info.refused_form = Some(typed);
            }
            response
        }
    }
}

/// The request with its body read back in, or the refusal (with the refused form's text
/// when the request came from this site).
async fn check(
    state: &AppState,
    session: &Session,
    request: Request,
) -> Result<Request, (AppError, Option<RefusedForm>)> {
    let headers = request.headers();
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| !matches!(site.as_bytes(), b"same-origin" | b"none"));
    let foreign_origin = headers
        .get(header::ORIGIN)
        .is_some_and(|origin| origin.as_bytes() != state.config.origin().as_bytes());
    if cross_site || foreign_origin {
        return Err((
            AppError::Forbidden("the request came from another site"),
            None,
        ));
    }
    let expected = existing_token(session).await.map_err(|e| (e, None))?;
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, state.config.limits.body_bytes)
        .await
        .map_err(|_| (AppError::BadRequest("The form is too large.".into()), None))?;
    let sent = url::form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let valid =
        expected.is_some_and(|expected| bool::from(sent.as_bytes().ct_eq(expected.as_bytes())));
    if !valid {
        return Err((
            AppError::Forbidden(
                "the form has expired; please go back, reload the page and try again",
            ),
            RefusedForm::text_only(&bytes),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
