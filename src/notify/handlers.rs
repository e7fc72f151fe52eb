use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::db;
use super::model::{self, Delivery, Kind};
use super::pages::{DevMailPage, DevMailboxPage, UnsubscribePage};
use crate::app::AppState;
use crate::auth::model::User;
use crate::config::Environment;
use crate::error::AppError;
use crate::web::extract::MaybeUser;
use crate::web::layout::Layout;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// What an unsubscribe link stops, and for whom; a forged or expired token is not found.
async fn unsubscribe_link(
    state: &AppState,
    token: &str,
) -> Result<(db::Unsubscribe, Vec<Kind>, String), AppError> {
    let now = state.clock.now();
    let found = db::find_unsubscribe(&state.pool, &model::token_hash(token), now)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(
                "This unsubscribe link is not valid or has expired. Sign in and choose what you get on your notification settings.".into(),
            )
        })?;
    let (kinds, what) = match found.kind.as_deref().and_then(Kind::parse) {
        Some(kind) => (
            vec![kind],
            format!("mails about \u{201c}{}\u{201d}", kind.label()),
        ),
        None => {
            let chosen = model::choices(&db::choices(&state.pool, found.user_id).await?);
            let digest = chosen
                .into_iter()
                .filter(|(_, d)| *d == Delivery::Digest)
                .map(|(k, _)| k)
                .collect();
            (digest, "the daily digest".to_string())
        }
    };
    Ok((found, kinds, what))
}

/// The page behind an unsubscribe link: one button, no sign-in.
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<UnsubscribePage, AppError> {
    let (found, _, what) = unsubscribe_link(&state, &query.token).await?;
    Ok(UnsubscribePage {
        layout: Layout::default(),
        login: found.login,
        what,
        token: query.token,
        done: false,
    })
}

/// Unsubscribes: from the page's button, or a mail client's one-click POST (RFC 8058).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<UnsubscribePage, AppError> {
    let (found, kinds, what) = unsubscribe_link(&state, &query.token).await?;
    let mut tx = state.pool.begin().await?;
    db::turn_off(&mut tx, found.user_id, &kinds).await?;
    tx.commit().await?;
    Ok(UnsubscribePage {
        layout: Layout::default(),
        login: found.login,
        what,
        token: String::new(),
        done: true,
    })
}

fn development_only(state: &AppState) -> Result<(), AppError> {
    match state.config.environment {
        Environment::Development => Ok(()),
        Environment::Production => Err(AppError::NotFound),
    }
}

/// The signed-in person's verified address: the development mailbox is theirs alone, as
/// a real one would be (anyone may sign in as anyone in development, but a page never
/// shows one person's mail to another).
async fn own_address(
    state: &AppState,
    user: Option<User>,
) -> Result<(User, Option<String>), AppError> {
    development_only(state)?;
    let user = user.ok_or(AppError::SignInRequired)?;
    let address = db::address(&state.pool, user.id).await?.email;
    Ok((user, address))
}

pub async fn dev_mailbox(
    State(state): State<AppState>,
    layout: Layout,
    MaybeUser(user): MaybeUser,
) -> Result<DevMailboxPage, AppError> {
    let (_, address) = own_address(&state, user).await?;
    let mails = match &address {
        Some(address) => db::kept_mails(&state.pool, address).await?,
        None => Vec::new(),
    };
    Ok(DevMailboxPage::new(layout, address, mails))
}

async fn own_mail(state: &AppState, user: Option<User>, id: i64) -> Result<db::KeptMail, AppError> {
    let address = own_address(state, user)
        .await?
        .1
        .ok_or(AppError::NotFound)?;
    db::kept_mail(&state.pool, id, &address)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn dev_mail(
    State(state): State<AppState>,
    layout: Layout,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<DevMailPage, AppError> {
    Ok(DevMailPage::new(layout, own_mail(&state, user, id).await?))
}

/// The HTML part as it would arrive, with a policy that runs nothing and loads nothing.
pub async fn dev_mail_html(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mail = own_mail(&state, user, id).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        mail.html_body,
    )
        .into_response())
}
