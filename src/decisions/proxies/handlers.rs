//! The proxy forms: on a decision's page (name, take back, a position for the principal)
//! and the page of one's standing proxy for a leave.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::db;
use crate::app::AppState;
use crate::decisions::handlers::{load_decision, load_team, to_page, unprocessable};
use crate::decisions::model::proxies::{self, ProxyForm, ProxyPositionForm};
use crate::decisions::model::{self, PositionForm};
use crate::decisions::pages::Inputs;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::web::dates::format_utc;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::{Field, Form, FormErrors, render_errors};
use crate::web::layout::Layout;

/// A refusal under the lock, or a unique index that a concurrent request won, as the
/// message of the form's field.
fn refusal(e: WriteError, field: &'static str) -> Result<FormErrors, AppError> {
    let why = match e.constraint() {
        Some("decision_proxies_one_live") | Some("leave_proxies_one_live") => {
            "You already have a proxy; take it back first.".to_string()
        }
        Some("decision_proxies_one_held") => {
            "That person already holds a proxy in this decision; one person holds at most one."
                .to_string()
        }
        _ => match e {
            WriteError::Refused(why) => why,
            other => return Err(other.into()),
        },
    };
    let mut errors = FormErrors::default();
    errors.add(field, why);
    Ok(errors)
}

pub async fn name_proxy(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ProxyForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(login) => {
            let mut tx = state.pool.begin().await?;
            match db::name_proxy(&mut tx, id, &user, &login, now).await {
                Ok(named) => {
                    let message = format!(
                        "{named} is your proxy in this decision: they may take positions for you until you take it back."
                    );
                    return done(tx, message, &to_page(id)).await;
                }
                Err(e) => refusal(e, "proxy_login")?,
            }
        }
    };
    let inputs = Inputs {
        proxy_login: form.proxy_login,
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

pub async fn take_back_proxy(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let mut tx = state.pool.begin().await?;
    let proxy = db::take_back(&mut tx, id, &user, now).await?;
    let message =
        format!("You took your proxy back: {proxy} can no longer take positions for you.");
    done(tx, message, &to_page(id)).await
}

pub async fn take_position_for(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ProxyPositionForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_member(&standing)?;
    let all = db::decision_proxies(&state.pool, id).await?;
    let held = proxies::held_by(&all, user.id, now)
        .filter(|p| {
            p.principal_login
                .eq_ignore_ascii_case(form.principal.trim())
        })
        .ok_or(AppError::Forbidden(
            "only someone who holds this person's proxy in this decision takes positions for them",
        ))?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok((stance, comment)) => {
            let mut tx = state.pool.begin().await?;
            let added = db::take_position_for(
                &mut tx,
                id,
                &user,
                held.principal_id,
                stance,
                comment.as_deref(),
                now,
            )
            .await?;
            let message = if added {
                format!(
                    "Your position for {} is recorded: {}.",
                    held.principal_login,
                    stance.label()
                )
            } else {
                format!(
                    "The position for {} was already recorded as it is.",
                    held.principal_login
                )
            };
            return done(tx, message, &to_page(id)).await;
        }
    };
    let inputs = Inputs {
        proxy_position: PositionForm {
            stance: form.stance,
            comment: form.comment,
        },
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

// ----- a standing proxy for one's leave -----

#[derive(Template, WebTemplate)]
#[template(path = "decisions/leave_proxy.html")]
pub struct LeaveProxyPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    /// (proxy, since) of the signed-in person's live standing proxy.
    pub mine: Option<(String, String)>,
    pub problems: Vec<String>,
    pub proxy_login: Field,
}

impl LeaveProxyPage {
    fn new(
        layout: Layout,
        team: &crate::teams::model::Team,
        mine: Option<(String, time::OffsetDateTime)>,
        typed: &str,
        errors: &FormErrors,
    ) -> Self {
        LeaveProxyPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            mine: mine.map(|(login, at)| (login, format_utc(at))),
            problems: render_errors(errors),
            proxy_login: Field::new(
                "proxy_login",
                "GitHub login of your proxy",
                typed,
                39,
                errors,
            )
            .hint("A member of the team who is not on leave."),
        }
    }
}

pub async fn show_leave_proxy(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<LeaveProxyPage, AppError> {
    let (team, standing) = load_team(&state, &slug, Some(&user)).await?;
    model::require_member(&standing)?;
    let mine = db::leave_proxy(&state.pool, team.id, user.id).await?;
    Ok(LeaveProxyPage::new(
        layout,
        &team,
        mine,
        "",
        &FormErrors::default(),
    ))
}

pub async fn name_leave_proxy(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<ProxyForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load_team(&state, &slug, Some(&user)).await?;
    model::require_member(&standing)?;
    team.require_active()?;
    let to = format!("/teams/{}/decisions/proxy", team.slug);
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(login) => {
            let mut tx = state.pool.begin().await?;
            match db::name_leave_proxy(&mut tx, &team, &user, &login, now).await {
                Ok(named) => {
                    let message = format!(
                        "{named} is your proxy for the decisions {} opens while you are on leave.",
                        team.name
                    );
                    return done(tx, message, &to).await;
                }
                Err(e) => refusal(e, "proxy_login")?,
            }
        }
    };
    let mine = db::leave_proxy(&state.pool, team.id, user.id).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        LeaveProxyPage::new(layout, &team, mine, &form.proxy_login, &errors),
    )
        .into_response())
}

pub async fn take_back_leave_proxy(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load_team(&state, &slug, Some(&user)).await?;
    model::require_member(&standing)?;
    let mut tx = state.pool.begin().await?;
    let proxy = db::take_back_leave_proxy(&mut tx, &team, &user, now).await?;
    let message = format!(
        "You took your proxy for your leave back from {proxy}; decisions opened from now on do not seat you while you are on leave."
    );
    done(
        tx,
        message,
        &format!("/teams/{}/decisions/proxy", team.slug),
    )
    .await
}
