//! Sign-in. With a GitHub OAuth app configured: the authorization-code flow with `state`
//! and PKCE, no scopes, the token used once and dropped, people keyed by GitHub's
//! numeric id. Without one, in development mode only: a development sign-in as any
//! login. Sessions rotate their id at sign-in and are deleted at sign-out (a POST).
//! Signing out ends all of that person's sessions, on every device. An administrator
//! can remove a person (at `/admin/people`, or `concord admin remove`): all their
//! sessions end, sign-in is refused with a clear message, and restoring undoes it; both
//! are in the audit log. Administrators cannot remove themselves on the page.

pub mod db;
pub mod github;
mod handlers;
pub mod model;
mod pages;
pub mod session;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::audit::{self, Entry, Subject, Visibility};
use crate::error::AppError;
use crate::web::routes::{Routes, get, post};

/// Removes (`removed`) or restores a person, with its audit entry in one transaction.
/// Returns false when nothing changed. `actor_id` is the administrator, if known (the
/// command line has none).
pub async fn remove_person(
    pool: &PgPool,
    login: &str,
    removed: bool,
    actor_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let user = db::find_by_login(pool, login)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("nobody with the login {login} is known")))?;
    let mut tx = pool.begin().await?;
    let changed = db::set_removed(&mut *tx, user.id, removed, now).await?;
    if changed {
        audit::record(
            &mut tx,
            &Entry {
                at: now,
                actor_id,
                action: if removed {
                    "person.removed"
                } else {
                    "person.restored"
                },
                subject: Subject {
                    kind: "person",
                    id: Some(user.id),
                    label: user.login.clone(),
                },
                team_id: None,
                visibility: Visibility::Public,
                details: serde_json::json!({}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

pub fn routes() -> Routes {
    Routes::new()
        .route("/login", get(handlers::show_sign_in))
        .route("/login/dev", post(handlers::create_dev_session))
        .route("/auth/github", get(handlers::start_github))
        .route("/auth/github/callback", get(handlers::finish_github))
        .route("/logout", post(handlers::delete_session))
        .route(
            "/admin/people",
            get(handlers::show_people).post(handlers::change_standing),
        )
}
