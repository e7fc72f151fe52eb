//! Sessions: who is signed in, with idle and absolute expiry measured on the app's
//! clock. The session id is rotated at sign-in; sign-out deletes the server-side record.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::db;
use super::model::User;
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::SignedIn;

const KEY: &str = "auth";
/// How stale `last_seen` may get before it is written again (saves a write per request).
const TOUCH_AFTER: time::Duration = time::Duration::minutes(5);

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionAuth {
    user_id: i64,
    #[serde(with = "time::serde::timestamp")]
    signed_in_at: OffsetDateTime,
    #[serde(with = "time::serde::timestamp")]
    last_seen: OffsetDateTime,
}

/// Signs `user` in: a new session id (so an id planted before sign-in is useless), and a
/// fresh CSRF token.
pub async fn sign_in(session: &Session, user: &User, now: OffsetDateTime) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::session)?;
    session.clear().await;
    let auth = SessionAuth {
        user_id: user.id,
        signed_in_at: now,
        last_seen: now,
    };
    session.insert(KEY, auth).await.map_err(AppError::session)?;
    tracing::info!(user_id = user.id, login = %user.login, "signed in");
    Ok(())
}

/// Signs out: the server-side session is deleted and the cookie cleared.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(AppError::session)
}

/// Resolves the signed-in person once per request, ending sessions that are past their
/// idle or absolute limit or that were revoked.
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    match current_user(&state, &session).await {
        Ok(user) => {
            request.extensions_mut().insert(SignedIn(user));
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

async fn current_user(state: &AppState, session: &Session) -> Result<Option<User>, AppError> {
    let Some(mut auth) = session
        .get::<SessionAuth>(KEY)
        .await
        .map_err(AppError::session)?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    let limits = &state.config.limits;
    let expired = now - auth.last_seen > limits.session_idle
        || now - auth.signed_in_at > limits.session_absolute;
    let found = if expired {
        None
    } else {
        db::find_by_id(&state.pool, auth.user_id).await?
    };
    let user = match found {
        Some((user, valid_after)) if valid_after.is_none_or(|after| auth.signed_in_at >= after) => {
            user
        }
        _ => {
            session.flush().await.map_err(AppError::session)?;
            return Ok(None);
        }
    };
    if now - auth.last_seen > TOUCH_AFTER {
        auth.last_seen = now;
        session.insert(KEY, auth).await.map_err(AppError::session)?;
    }
    Ok(Some(user))
}
