use crate::web::form::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::db;
use super::model::{self, Delivery, Kind};
use super::pages::{DevMailPage, DevMailboxPage, UnsubscribePage, WebhooksPage};
use super::webhooks;
use crate::app::AppState;
use crate::auth::model::User;
use crate::config::Environment;
use crate::error::AppError;
use crate::web::extract::{CurrentUser, MaybeUser};
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::idempotency;
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
    let found = db::find_unsubscribe(&state.pool, &crate::web::secret_hash(token), now)
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

/// The team, for one of its members (or an administrator) managing its webhooks.
async fn webhook_team(
    state: &AppState,
    slug: &str,
    user: &User,
) -> Result<crate::teams::model::Team, AppError> {
    let team = crate::teams::db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let teams = crate::teams::db::current_team_ids(&state.pool, user.id).await?;
    if !(user.is_admin || teams.contains(&team.id)) {
        return Err(AppError::Forbidden(
            "only the team's members manage its webhooks",
        ));
    }
    Ok(team)
}

async fn webhooks_page(
    state: &AppState,
    layout: Layout,
    team: &crate::teams::model::Team,
    typed_url: &str,
    errors: &FormErrors,
) -> Result<WebhooksPage, AppError> {
    let (webhooks, deliveries) = (
        db::webhooks(&state.pool, team.id).await?,
        db::deliveries(&state.pool, team.id).await?,
    );
    Ok(WebhooksPage::new(
        layout, team, webhooks, deliveries, typed_url, errors,
    ))
}

pub async fn show_webhooks(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<WebhooksPage, AppError> {
    let team = webhook_team(&state, &slug, &user).await?;
    webhooks_page(&state, layout, &team, "", &FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    idempotency_key: String,
}

/// Adds a webhook. In production its host must resolve to public addresses only.
pub async fn add_webhook(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<WebhookForm>,
) -> Result<Response, AppError> {
    let team = webhook_team(&state, &slug, &user).await?;
    let now = state.clock.now();
    let url = form.url.trim();
    let mut errors = FormErrors::default();
    if let Some(problem) = webhooks::url_problem(url) {
        errors.add("url", problem);
    } else if state.config.environment == Environment::Production {
        let parsed = url::Url::parse(url).map_err(AppError::internal)?;
        if let Err(why) = webhooks::public_addresses(&parsed).await {
            errors.add("url", format!("This URL cannot be used: {why}."));
        }
    }
    let secret_length = form.secret.chars().count();
    if !(16..=200).contains(&secret_length) || form.secret.chars().any(char::is_control) {
        errors.add(
            "secret",
            "The secret has 16 to 200 characters (say, a long random string); your receiver checks each delivery's signature with it.",
        );
    }
    if !errors.is_empty() {
        let mut page = webhooks_page(&state, layout, &team, &form.url, &errors).await?;
        page.idempotency_key = idempotency::key_or_new(&form.idempotency_key);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let to = format!("/teams/{slug}/webhooks");
    let mut tx = state.pool.begin().await?;
    let key = idempotency::key_or_new(&form.idempotency_key);
    if let Some(first) = idempotency::claim(&mut tx, user.id, &key, now).await? {
        return Ok(axum::response::Redirect::to(&first).into_response());
    }
    db::add_webhook(&mut tx, team.id, url, &form.secret, user.id, now).await?;
    idempotency::made(&mut tx, user.id, &key, &to).await?;
    let details = serde_json::json!({ "url": webhooks::shown(url) });
    audit_webhook(&mut tx, &team, &user, "webhook.added", details, now).await?;
    done(
        tx,
        "The webhook is added: the team's public events are posted to it from now on.",
        &to,
    )
    .await
}

pub async fn remove_webhook(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let team = webhook_team(&state, &slug, &user).await?;
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    if !db::remove_webhook(&mut tx, team.id, id, now).await? {
        return Err(AppError::NotFound);
    }
    let details = serde_json::json!({ "webhook": id });
    audit_webhook(&mut tx, &team, &user, "webhook.removed", details, now).await?;
    done(
        tx,
        "The webhook is removed.",
        &format!("/teams/{slug}/webhooks"),
    )
    .await
}

/// A change of a team's webhooks, in its team-only audit log.
async fn audit_webhook(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    team: &crate::teams::model::Team,
    user: &User,
    action: &'static str,
    details: serde_json::Value,
    now: time::OffsetDateTime,
) -> sqlx::Result<()> {
    crate::audit::record(
        tx,
        &crate::audit::Entry {
            at: now,
            actor_id: Some(user.id),
            action,
            subject: crate::audit::Subject {
                kind: "team",
                id: Some(team.id),
                label: team.name.clone(),
            },
            team_id: Some(team.id),
            visibility: crate::audit::Visibility::Team,
            details,
        },
    )
    .await
    .map(|_| ())
}
