use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::pages::PersonalPage;
use super::{db, model};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::layout::Layout;
use crate::{audit, teams};

/// `/calendar.ics`: every public deadline.
pub async fn public_calendar(State(state): State<AppState>) -> Result<Response, AppError> {
    feed(&state, "Concord: public deadlines".into(), None).await
}

/// `/teams/{slug}/calendar.ics`: one team's public deadlines.
pub async fn team_calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    feed(&state, format!("Concord: {}", team.name), Some(team.id)).await
}

async fn feed(state: &AppState, name: String, team_id: Option<i64>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let deadlines = db::deadlines(
        &state.pool,
        db::Scope::Public { team_id },
        now,
        now - model::LOOKBACK,
        model::MAX_EVENTS,
    )
    .await?;
    Ok(ics(state_host(state), state, name, &deadlines, now))
}

/// The host that names Concord in UIDs.
fn state_host(state: &AppState) -> String {
    url::Url::parse(&state.config.origin())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "concord".into())
}

fn ics(
    host: String,
    state: &AppState,
    name: String,
    deadlines: &[db::Deadline],
    now: time::OffsetDateTime,
) -> Response {
    let body = model::calendar(
        &name,
        deadlines,
        |path| state.config.absolute(path),
        &host,
        now,
    );
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// `/settings/calendar`: the person's feed, if they have one.
pub async fn show_personal(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<PersonalPage, AppError> {
    let live = db::live_feed(&state.pool, user.id).await?;
    Ok(personal_page(&state, layout, live, None))
}

fn personal_page(
    state: &AppState,
    layout: Layout,
    live: Option<time::OffsetDateTime>,
    address: Option<String>,
) -> PersonalPage {
    PersonalPage {
        layout,
        live_since: live.map(crate::web::dates::format_utc),
        address,
        public_address: state.config.absolute("/calendar.ics"),
    }
}

fn audited(
    user: &crate::auth::model::User,
    action: &'static str,
    now: time::OffsetDateTime,
) -> audit::Entry {
    audit::Entry {
        at: now,
        actor_id: Some(user.id),
        action,
        subject: audit::Subject {
            kind: "person",
            id: Some(user.id),
            label: user.login.clone(),
        },
        team_id: None,
        visibility: audit::Visibility::Public,
        details: serde_json::json!({}),
    }
}

/// Makes a new secret address (revoking the one before) and shows it, once.
pub async fn create_personal(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<PersonalPage, AppError> {
    let now = state.clock.now();
    let secret = model::new_secret();
    let mut tx = state.pool.begin().await?;
    db::lock_person(&mut tx, user.id).await?;
    db::revoke_feed(&mut tx, user.id, now).await?;
    db::create_feed(&mut tx, user.id, &crate::web::secret_hash(&secret), now).await?;
    audit::record(&mut tx, &audited(&user, "calendar_feed.created", now)).await?;
    tx.commit().await?;
    let address = state.config.absolute(&model::personal_path(&secret));
    Ok(personal_page(&state, layout, Some(now), Some(address)))
}

/// Turns the person's address off.
pub async fn revoke_personal(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    db::lock_person(&mut tx, user.id).await?;
    let message = if db::revoke_feed(&mut tx, user.id, now).await? {
        audit::record(&mut tx, &audited(&user, "calendar_feed.revoked", now)).await?;
        "Your calendar address no longer works."
    } else {
        "You had no calendar address."
    };
    done(tx, message, "/settings/calendar").await
}

/// `/calendar/personal/{secret}.ics`: the deadlines of the owner's current teams,
/// private ones included. An unknown, revoked or malformed address is not found.
pub async fn personal_calendar(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let secret = model::secret_in(&file).ok_or(AppError::NotFound)?;
    let (user_id, login) = db::feed_owner(&state.pool, &crate::web::secret_hash(secret))
        .await?
        .ok_or(AppError::NotFound)?;
    let teams = teams::db::current_team_ids(&state.pool, user_id).await?;
    let now = state.clock.now();
    let deadlines = db::deadlines(
        &state.pool,
        db::Scope::Teams(&teams),
        now,
        now - model::LOOKBACK,
        model::MAX_EVENTS,
    )
    .await?;
    let mut response = ics(
        state_host(&state),
        &state,
        format!("Concord: {login}'s teams"),
        &deadlines,
        now,
    );
    // Never kept by a shared cache: the address is the only key to private deadlines.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
