use crate::web::form::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::github::PendingSignIn;
use super::model::{StandingForm, local_path, login_problem};
use super::pages::{PeoplePage, SignInPage};
use super::{db, session};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::{Admin, MaybeUser};
use crate::web::flash;
use crate::web::form::FormErrors;
use crate::web::layout::{Layout, with_form_token};

const PENDING_KEY: &str = "github_sign_in";

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    layout: Layout,
    session: Session,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let page = sign_in_page(&state, layout, &session, local_path(query.next.as_deref())).await?;
    Ok(page.into_response())
}

async fn sign_in_page(
    state: &AppState,
    layout: Layout,
    session: &Session,
    next: String,
) -> Result<SignInPage, AppError> {
    let dev_sign_in = state.config.dev_sign_in();
    let people = if dev_sign_in {
        db::list_recent(&state.pool, 12).await?
    } else {
        Vec::new()
    };
    Ok(SignInPage {
        layout: with_form_token(layout, session).await?,
        next,
        github_enabled: state.github.is_some(),
        dev_sign_in,
        login: String::new(),
        errors: FormErrors::default(),
        failure: None,
        people,
    })
}

#[derive(Deserialize)]
pub struct DevSignInForm {
    login: String,
    next: Option<String>,
}

/// Development sign-in: anyone may be anyone. Refused unless the app runs in
/// development mode without a GitHub client.
pub async fn create_dev_session(
    State(state): State<AppState>,
    layout: Layout,
    session: Session,
    Form(form): Form<DevSignInForm>,
) -> Result<Response, AppError> {
    if !state.config.dev_sign_in() {
        return Err(AppError::NotFound);
    }
    let next = local_path(form.next.as_deref());
    let login = form.login.trim();
    if let Some(problem) = login_problem(login) {
        let mut page = sign_in_page(&state, layout, &session, next).await?;
        page.errors.add("login", problem);
        page.login = form.login.chars().take(100).collect();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = state.clock.now();
    let user = db::ensure_by_login(&state.pool, login, None, now).await?;
    session::sign_in(&state, &session, &user, now).await?;
    Ok(Redirect::to(&next).into_response())
}

pub async fn start_github(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let github = state.github.as_ref().ok_or(AppError::NotFound)?;
    let (url, pending) = github.start(local_path(query.next.as_deref()));
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(AppError::session)?;
    Ok(Redirect::to(url.as_str()).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn finish_github(
    State(state): State<AppState>,
    layout: Layout,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let github = state.github.as_ref().ok_or(AppError::NotFound)?;
    // The pending sign-in is used once, whatever happens next.
    let pending: Option<PendingSignIn> = session
        .remove(PENDING_KEY)
        .await
        .map_err(AppError::session)?;
    let failure = |status: StatusCode, message: &str| {
        tracing::warn!(reason = message, "GitHub sign-in failed");
        (status, message.to_string())
    };
    let outcome = match (pending, query) {
        (
            _,
            CallbackQuery {
                error: Some(error), ..
            },
        ) if error == "access_denied" => Err(failure(
            StatusCode::FORBIDDEN,
            "You declined to sign in with GitHub, so you are not signed in.",
        )),
        (_, CallbackQuery { error: Some(_), .. }) => Err(failure(
            StatusCode::BAD_GATEWAY,
            "GitHub could not sign you in. Please try again.",
        )),
        (None, _) => Err(failure(
            StatusCode::BAD_REQUEST,
            "This sign-in link has expired or was already used. Please start again.",
        )),
        (
            Some(pending),
            CallbackQuery {
                code: Some(code),
                state: Some(returned),
                ..
            },
        ) if returned.as_bytes() == pending.state.as_bytes() => Ok((code, pending)),
        (Some(_), _) => Err(failure(
            StatusCode::BAD_REQUEST,
            "This sign-in did not start here, so it was refused. Please start again.",
        )),
    };
    let result = match outcome {
        Ok((code, pending)) => match github.finish(code, pending.verifier).await {
            Ok(identity) => Ok((identity, pending.next)),
            Err(e) => {
                tracing::warn!(error = %e, "GitHub sign-in failed");
                Err((
                    StatusCode::BAD_GATEWAY,
                    format!("{e}. You are not signed in; please try again."),
                ))
            }
        },
        Err(e) => Err(e),
    };
    match result {
        Ok((identity, next)) => {
            let now = state.clock.now();
            let user = db::upsert_github_user(&state.pool, &identity, now).await?;
            session::sign_in(&state, &session, &user, now).await?;
            Ok(Redirect::to(&next).into_response())
        }
        Err((status, message)) => {
            let mut page = sign_in_page(&state, layout, &session, "/".into()).await?;
            page.failure = Some(message);
            Ok((status, page).into_response())
        }
    }
}

pub async fn delete_session(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
) -> Result<Response, AppError> {
    session::sign_out(&state, &session, user.as_ref()).await?;
    Ok(Redirect::to("/").into_response())
}

pub async fn show_people(
    State(state): State<AppState>,
    layout: Layout,
    Admin(_): Admin,
) -> Result<PeoplePage, AppError> {
    let removed = db::list_removed(&state.pool).await?;
    Ok(PeoplePage::new(
        layout,
        &removed,
        "",
        &FormErrors::default(),
    ))
}

/// An administrator removes a person (ending all their sessions) or restores them.
pub async fn change_standing(
    State(state): State<AppState>,
    layout: Layout,
    Admin(admin): Admin,
    Form(form): Form<StandingForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    match form.validate() {
        Ok((login, remove)) => match db::find_by_login(&state.pool, &login).await? {
            Some(person) if remove && person.id == admin.id => {
                errors.add("login", "You cannot remove yourself.");
            }
            Some(person) => {
                let changed =
                    super::remove_person(&state.pool, &person.login, remove, Some(admin.id), now)
                        .await?;
                let message = match (remove, changed) {
                    (true, true) => {
                        format!("{} is removed; all their sessions ended.", person.login)
                    }
                    (false, true) => format!("{} is restored and may sign in again.", person.login),
                    (true, false) => format!("{} was already removed.", person.login),
                    (false, false) => format!("{} was not removed.", person.login),
                };
                let to = Redirect::to("/admin/people");
                return Ok((flash::success(message), to).into_response());
            }
            None => errors.add("login", format!("Nobody with the login {login} is known.")),
        },
        Err(found) => errors = found,
    }
    let removed = db::list_removed(&state.pool).await?;
    let typed: String = form.login.chars().take(100).collect();
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        PeoplePage::new(layout, &removed, &typed, &errors),
    )
        .into_response())
}
