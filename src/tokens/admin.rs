//! What administrators do with tokens (`/admin/tokens`: every token's metadata, never a
//! secret, and revoking any), and "sign out everywhere" (`/settings/sign-out-everywhere`:
//! every session and every token of the person ends). Each is audited privately
//! (`db::audit`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::db::{self, Listed};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::dates::format_utc;
use crate::web::extract::{Admin, CurrentUser};
use crate::web::flash::done;
use crate::web::layout::Layout;

/// One token in the administrators' list.
pub struct AdminRow {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    /// `None` while live; else when and why it was revoked.
    pub revoked: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tokens/admin.html")]
pub struct AdminPage {
    pub layout: Layout,
    pub tokens: Vec<AdminRow>,
    pub limit: i64,
}

fn row(t: &Listed) -> AdminRow {
    AdminRow {
        id: t.id,
        owner: t.login.clone(),
        name: t.name.clone(),
        scopes: t.scopes.join(", "),
        created: format_utc(t.created_at),
        expires: format_utc(t.expires_at),
        last_used: match (t.last_used_at, &t.last_used_from) {
            (Some(at), Some(from)) if !from.is_empty() => format!("{} from {from}", format_utc(at)),
            (Some(at), _) => format_utc(at),
            (None, _) => "Never".into(),
        },
        revoked: t.revoked_at.map(|at| {
            format!(
                "{} ({})",
                format_utc(at),
                t.revoked_why.as_deref().unwrap_or("revoked")
            )
        }),
    }
}

pub async fn show(
    State(state): State<AppState>,
    layout: Layout,
    Admin(_): Admin,
) -> Result<AdminPage, AppError> {
    let tokens = db::all_tokens(&state.pool).await?;
    Ok(AdminPage {
        layout,
        tokens: tokens.iter().map(row).collect(),
        limit: db::ADMIN_LIST,
    })
}

/// An administrator revokes anyone's token (`revoked_why = 'admin'`).
pub async fn revoke(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let token = db::any_token(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = if db::revoke(&mut *tx, token.id, "admin", now).await? {
        db::audit(
            &mut tx,
            "token.revoked_by_admin",
            admin.id,
            token.user_id,
            &token.login,
            token.id,
            &token.name,
            &token.scopes,
            now,
        )
        .await?;
        tracing::info!(
            admin_id = admin.id,
            token_id = token.id,
            "personal token revoked by an administrator"
        );
        format!(
            "{}\u{2019}s token \u{201c}{}\u{201d} is revoked.",
            token.login, token.name
        )
    } else {
        format!(
            "The token \u{201c}{}\u{201d} was revoked already.",
            token.name
        )
    };
    done(tx, message, "/admin/tokens").await
}

/// Ends every session of the person (as signing out does) and revokes every token.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let revoked = db::revoke_all(&mut tx, user.id, "signed_out", now).await?;
    for (id, name, scopes) in &revoked {
        db::audit(
            &mut tx,
            "token.revoked",
            user.id,
            user.id,
            &user.login,
            *id,
            name,
            scopes,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        user_id = user.id,
        tokens = revoked.len(),
        "signed out everywhere, tokens revoked"
    );
    crate::auth::session::sign_out(&state, &session, Some(&user)).await?;
    Ok(Redirect::to("/").into_response())
}
