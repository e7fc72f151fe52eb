use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use time::Duration;

use super::db;
use super::model::{self, Scope};
use super::pages::{TokensPage, Typed};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::{FormErrors, pairs};
use crate::web::idempotency;
use crate::web::layout::Layout;

const LIST: &str = "/settings/tokens";

fn defaults() -> Typed {
    Typed {
        name: String::new(),
        days: model::DEFAULT_DAYS.to_string(),
        scopes: vec![Scope::Read],
        idempotency_key: idempotency::new_key(),
    }
}

async fn page(
    state: &AppState,
    layout: Layout,
    user_id: i64,
    typed: &Typed,
    errors: &FormErrors,
) -> Result<TokensPage, AppError> {
    let tokens = db::live_tokens(&state.pool, user_id).await?;
    Ok(TokensPage::new(
        layout,
        &tokens,
        typed,
        errors,
        state.clock.now(),
    ))
}

/// A page that shows a secret: never kept by any cache.
fn showing_secret(page: TokensPage) -> Response {
    let mut response = page.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn show_tokens(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<TokensPage, AppError> {
    page(&state, layout, user.id, &defaults(), &FormErrors::default()).await
}

/// The creation form: its fields once each, the scopes as often as ticked.
fn read_form(body: &[u8]) -> Result<(Typed, Vec<String>), AppError> {
    let refuse = |why: String| {
        AppError::BadRequest(format!(
            "This form did not arrive the way a browser sends it: {why}. Please go back, reload the page and send it again."
        ))
    };
    let mut typed = Typed {
        name: String::new(),
        days: String::new(),
        scopes: Vec::new(),
        idempotency_key: String::new(),
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut unknown_scopes = Vec::new();
    for (name, value) in pairs(body).map_err(refuse)? {
        if name != "scopes" && !seen.insert(name.clone()) {
            return Err(refuse(
                format!("the field \u{201c}{name}\u{201d} appears more than once")
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(120)
                    .collect(),
            ));
        }
        match name.as_str() {
            "name" => typed.name = value,
            "expires_in_days" => typed.days = value,
            "idempotency_key" => typed.idempotency_key = value,
            "scopes" => match Scope::parse(&value) {
                Some(scope) if !typed.scopes.contains(&scope) => typed.scopes.push(scope),
                Some(_) => {}
                None => unknown_scopes.push(value),
            },
            _ => {}
        }
    }
    Ok((typed, unknown_scopes))
}

/// Makes a token and shows its secret, this once. A repeat of the same form (the same
/// idempotency key) makes nothing and goes to the list.
pub async fn create_token(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (mut typed, unknown_scopes) = read_form(&body)?;
    let mut errors = FormErrors::default();
    let name = errors.required("name", "The name", &typed.name, model::NAME_MAX);
    let days = match model::lifetime_days(&typed.days) {
        Ok(days) => Some(days),
        Err(why) => {
            errors.add("expires_in_days", why);
            None
        }
    };
    if let Some(odd) = unknown_scopes.first() {
        let shown: String = odd.chars().filter(|c| !c.is_control()).take(40).collect();
        errors.add("scopes", format!("\u{201c}{shown}\u{201d} is not a scope."));
    } else if typed.scopes.is_empty() {
        errors.add("scopes", "Tick at least one scope (read is the usual one).");
    }
    typed.idempotency_key = idempotency::key_or_new(&typed.idempotency_key);
    let Some(days) = days.filter(|_| errors.is_empty()) else {
        let page = page(&state, layout, user.id, &typed, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.pool.begin().await?;
    if let Some(first) = idempotency::claim(&mut tx, user.id, &typed.idempotency_key, now).await? {
        return Ok(Redirect::to(&first).into_response());
    }
    let secret = model::new_secret();
    let id = db::create(
        &mut tx,
        user.id,
        &name,
        &typed.scopes,
        &secret,
        now,
        now + Duration::days(days),
    )
    .await?;
    let scopes: Vec<String> = typed
        .scopes
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    db::audit(
        &mut tx,
        "token.created",
        user.id,
        user.id,
        &user.login,
        id,
        &name,
        &scopes,
        now,
    )
    .await?;
    idempotency::made(&mut tx, user.id, &typed.idempotency_key, LIST).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, "personal token created");
    let mut page = page(&state, layout, user.id, &defaults(), &FormErrors::default()).await?;
    page.secret = Some((name, secret));
    Ok(showing_secret(page))
}

/// One of the person's tokens, locked; another's or none is not found.
async fn own_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
    id: i64,
) -> Result<db::Token, AppError> {
    db::own_token(tx, user_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Revokes one of the person's tokens: it stops working at the next request.
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let token = own_token(&mut tx, user.id, id).await?;
    let message = if db::revoke(&mut *tx, token.id, "owner", now).await? {
        db::audit(
            &mut tx,
            "token.revoked",
            user.id,
            user.id,
            &user.login,
            token.id,
            &token.name,
            &token.scopes,
            now,
        )
        .await?;
        tracing::info!(
            user_id = user.id,
            token_id = token.id,
            "personal token revoked"
        );
        format!(
            "The token \u{201c}{}\u{201d} is revoked: it no longer works.",
            token.name
        )
    } else {
        format!(
            "The token \u{201c}{}\u{201d} was revoked already.",
            token.name
        )
    };
    done(tx, message, LIST).await
}

/// A new secret for a token, with the same name, scopes and lifetime; the old secret
/// stops working at once.
pub async fn regenerate_token(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let token = own_token(&mut tx, user.id, id).await?;
    if token.revoked_at.is_some() {
        return Err(AppError::Conflict(
            "This token is revoked, so it cannot be regenerated: make a new one.".into(),
        ));
    }
    let lifetime = (token.expires_at - token.created_at)
        .clamp(Duration::days(1), Duration::days(model::MAX_DAYS));
    let scopes: Vec<Scope> = token
        .scopes
        .iter()
        .filter_map(|s| Scope::parse(s))
        .collect();
    db::revoke(&mut *tx, token.id, "regenerated", now).await?;
    let secret = model::new_secret();
    let new_id = db::create(
        &mut tx,
        user.id,
        &token.name,
        &scopes,
        &secret,
        now,
        now + lifetime,
    )
    .await?;
    db::audit(
        &mut tx,
        "token.regenerated",
        user.id,
        user.id,
        &user.login,
        new_id,
        &token.name,
        &token.scopes,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = user.id,
        token_id = token.id,
        "personal token regenerated"
    );
    let mut page = page(&state, layout, user.id, &defaults(), &FormErrors::default()).await?;
    page.secret = Some((token.name, secret));
    Ok(showing_secret(page))
}
