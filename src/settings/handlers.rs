use std::collections::HashMap;

use crate::web::form::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pages::{NotificationsPage, SettingsPage, VerifyPage};
use crate::app::AppState;
use crate::error::AppError;
use crate::notify::db;
use crate::notify::model::{self, Delivery, Kind};
use crate::web::dates::format_utc;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::layout::Layout;

async fn settings_page(
    state: &AppState,
    layout: Layout,
    user_id: i64,
    typed: &str,
    errors: &FormErrors,
) -> Result<SettingsPage, AppError> {
    let now = state.clock.now();
    let address = db::address(&state.pool, user_id).await?;
    let pending = db::pending_verification(&state.pool, user_id, now)
        .await?
        .map(|(email, until)| (email, format_utc(until)));
    // GitHub's public address is offered while it is neither the address nor waiting.
    let suggestion = address.github_email.filter(|g| {
        model::address_problem(g).is_none()
            && address.email.as_ref() != Some(g)
            && pending.as_ref().map(|(p, _)| p) != Some(g)
    });
    Ok(SettingsPage::new(
        layout,
        address.email,
        pending,
        suggestion,
        typed,
        errors,
        state.mailer.sends(),
    ))
}

pub async fn show_settings(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<SettingsPage, AppError> {
    settings_page(&state, layout, user.id, "", &FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    email: String,
}

/// Sends a verification link to a new address; the form comes back with the reason when
/// the address cannot be one.
pub async fn set_address(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Form(form): Form<AddressForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let email = form.email.trim();
    let mut errors = FormErrors::default();
    if email.is_empty() {
        errors.add("email", "Type the address notifications should go to.");
    } else if let Some(problem) = model::address_problem(email) {
        errors.add("email", problem);
    } else if db::address(&state.pool, user.id).await?.email.as_deref() == Some(email) {
        errors.add("email", "This is already your address.");
    }
    if !errors.is_empty() {
        let page = settings_page(&state, layout, user.id, &form.email, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.pool.begin().await?;
    db::start_verification(&mut tx, user.id, email, now).await?;
    let message = format!(
        "We sent a link to {email}. Open it within 24 hours to start getting notifications there."
    );
    done(tx, message, "/settings").await
}

pub async fn remove_address(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    db::remove_address(&mut tx, user.id, now).await?;
    done(
        tx,
        "Your address is removed; Concord sends you no mail.",
        "/settings",
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// The verification a link carries, for the signed-in person only.
async fn verification_for(
    state: &AppState,
    token: &str,
    user_id: i64,
) -> Result<db::Verification, AppError> {
    let now = state.clock.now();
    let invalid = || {
        AppError::BadRequest(
            "This link is not valid: it was used already, has expired (links work for 24 hours), or was mistyped. Ask for a new one on your settings.".into(),
        )
    };
    let verification = db::find_verification(&state.pool, &crate::web::secret_hash(token), now)
        .await?
        .ok_or_else(invalid)?;
    if verification.user_id != user_id {
        return Err(AppError::BadRequest(
            "This link belongs to another account: sign in as the person who asked for it.".into(),
        ));
    }
    Ok(verification)
}

/// The page a verification link opens: one button, since a GET changes nothing.
pub async fn show_verify(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Query(query): Query<TokenForm>,
) -> Result<VerifyPage, AppError> {
    let verification = verification_for(&state, &query.token, user.id).await?;
    Ok(VerifyPage {
        layout,
        email: verification.email,
        token: query.token,
    })
}

pub async fn verify(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let verification = verification_for(&state, &form.token, user.id).await?;
    let mut tx = state.pool.begin().await?;
    if !db::complete_verification(&mut tx, &verification, now).await? {
        return Err(AppError::BadRequest("This link was used already.".into()));
    }
    let message = format!("Confirmed: notifications go to {}.", verification.email);
    done(tx, message, "/settings").await
}

async fn notifications_page(
    state: &AppState,
    layout: Layout,
    user_id: i64,
    chosen: Option<(&[(Kind, Delivery)], i16)>,
    errors: &FormErrors,
) -> Result<NotificationsPage, AppError> {
    let address = db::address(&state.pool, user_id).await?;
    let stored = model::choices(&db::choices(&state.pool, user_id).await?);
    let (chosen, hour) = chosen.unwrap_or((&stored, address.digest_hour));
    Ok(NotificationsPage::new(
        layout,
        address.email,
        chosen,
        hour,
        errors,
    ))
}

pub async fn show_notifications(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<NotificationsPage, AppError> {
    notifications_page(&state, layout, user.id, None, &FormErrors::default()).await
}

/// Saves every kind's choice and the digest hour at once; a field the form does not
/// know is refused with the form as sent.
pub async fn save_notifications(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let current = model::choices(&db::choices(&state.pool, user.id).await?);
    let chosen: Vec<(Kind, Delivery)> = current
        .into_iter()
        .map(|(kind, was)| match form.get(kind.as_str()) {
            None => (kind, was),
            Some(sent) => match Delivery::parse(sent) {
                Some(d) => (kind, d),
                None => {
                    errors.add(
                        "form",
                        format!(
                            "{:?} is not a choice for \u{201c}{}\u{201d}.",
                            sent,
                            kind.label()
                        ),
                    );
                    (kind, was)
                }
            },
        })
        .collect();
    let hour = match form.get("digest_hour").map(|h| h.parse::<i16>()) {
        None => db::address(&state.pool, user.id).await?.digest_hour,
        Some(Ok(h)) if (0..24).contains(&h) => h,
        Some(_) => {
            errors.add(
                "digest_hour",
                "The digest hour is a whole hour from 0 to 23 (UTC).",
            );
            0
        }
    };
    if !errors.is_empty() {
        let page =
            notifications_page(&state, layout, user.id, Some((&chosen, hour)), &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.pool.begin().await?;
    db::set_choices(&mut tx, user.id, &chosen, hour).await?;
    done(
        tx,
        "Your notification choices are saved.",
        "/settings/notifications",
    )
    .await
}
