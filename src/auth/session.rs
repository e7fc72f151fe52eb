//! Sessions: who is signed in, with idle and absolute expiry measured on the app's
//! clock. The session id is rotated at sign-in; sign-out deletes the server-side record
//! and ends the person's other sessions too (the session epoch moves on), as does an
//! administrator's removal of the person.

use axum::extract::{Request, State};
use axum::http::Method;
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
    /// The person's session epoch at sign-in; sessions from before 0.2 have none (0).
    #[serde(default)]
    epoch: i64,
}

/// Signs `user` in: a new session id (so an id planted before sign-in is useless), and a
/// fresh CSRF token. A person an administrator removed is refused.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    user: &User,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let standing = db::find_by_id(&state.pool, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if standing.removed {
        tracing::info!(user_id = user.id, "a removed person tried to sign in");
        return Err(AppError::Forbidden(
            "an administrator has removed this account from Concord, so it cannot sign in; ask an administrator if you think this is a mistake",
        ));
    }
    session.cycle_id().await.map_err(AppError::session)?;
    session.clear().await;
    let auth = SessionAuth {
        user_id: user.id,
        signed_in_at: now,
        last_seen: now,
        epoch: standing.epoch,
    };
    session.insert(KEY, auth).await.map_err(AppError::session)?;
    // The token now, not at the first page: pages opened at once in several tabs must
    // all get the same one.
    crate::web::csrf::token(session).await?;
    tracing::info!(user_id = user.id, login = %user.login, "signed in");
    Ok(())
}

/// Signs out: this server-side session is deleted and the cookie cleared, and every
/// other session of the same person (other browsers, other devices) ends too.
pub async fn sign_out(
    state: &AppState,
    session: &Session,
    user: Option<&User>,
) -> Result<(), AppError> {
    if let Some(user) = user {
        db::end_sessions(&state.pool, user.id, state.clock.now()).await?;
        tracing::info!(user_id = user.id, "signed out everywhere");
    }
    session.flush().await.map_err(AppError::session)
}

/// Resolves the signed-in person once per request, ending sessions that are past their
/// idle or absolute limit or that were revoked. For a page (GET or HEAD) the same statement
/// reads the version of the person's inbox, which the header counts from; it goes into the
/// request's extensions as an [`crate::inbox::db::Version`].
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let page = matches!(*request.method(), Method::GET | Method::HEAD);
    match current_user(&state, &session, page).await {
        Ok((user, inbox)) => {
            request.extensions_mut().insert(SignedIn(user));
            if let Some(inbox) = inbox {
                request.extensions_mut().insert(inbox);
            }
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

type Found = (Option<User>, Option<crate::inbox::db::Version>);

async fn current_user(state: &AppState, session: &Session, page: bool) -> Result<Found, AppError> {
    let Some(mut auth) = session
        .get::<SessionAuth>(KEY)
        .await
        .map_err(AppError::session)?
    else {
        return Ok((None, None));
    };
    let now = state.clock.now();
    let limits = &state.config.limits;
    let expired = now - auth.last_seen > limits.session_idle
        || now - auth.signed_in_at > limits.session_absolute;
    let found = if expired {
        None
    } else if page {
        db::find_for_page(&state.pool, auth.user_id)
            .await?
            .map(|(standing, inbox)| (standing, Some(inbox)))
    } else {
        db::find_by_id(&state.pool, auth.user_id)
            .await?
            .map(|standing| (standing, None))
    };
    let (user, inbox) = match found {
        Some((standing, inbox))
            if !standing.removed
                && standing.epoch == auth.epoch
                && standing
                    .valid_after
                    .is_none_or(|after| auth.signed_in_at >= after) =>
        {
            (standing.user, inbox)
        }
        _ => {
            session.flush().await.map_err(AppError::session)?;
            return Ok((None, None));
        }
    };
    if now - auth.last_seen > TOUCH_AFTER {
        auth.last_seen = now;
        session.insert(KEY, auth).await.map_err(AppError::session)?;
    }
    Ok((Some(user), inbox))
}
