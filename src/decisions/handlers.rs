use crate::web::form::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::db;
use super::model::{
    self, ConcernForm, Decision, DecisionForm, Effect, OutcomeForm, PositionForm, ResolveForm,
    Standing, WithdrawForm,
};
use super::pages::{DecisionFormPage, DecisionPage, Inputs, ListPage, Record};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::Team;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::idempotency;
use crate::web::layout::Layout;

async fn current_teams(state: &AppState, user: Option<&User>) -> Result<Vec<i64>, AppError> {
    Ok(match user {
        Some(user) => teams_db::current_team_ids(&state.pool, user.id).await?,
        None => Vec::new(),
    })
}

/// The team, and whether `user` is one of its current members.
pub(super) async fn load_team(
    state: &AppState,
    slug: &str,
    user: Option<&User>,
) -> Result<(Team, Standing), AppError> {
    let team = teams_db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = Standing {
        signed_in: user.is_some(),
        is_member: current_teams(state, user).await?.contains(&team.id),
        ..Standing::default()
    };
    Ok((team, standing))
}

/// A decision `user` may see, and where they stand towards it.
pub(super) async fn load_decision(
    state: &AppState,
    id: i64,
    user: Option<&User>,
) -> Result<(Decision, Standing), AppError> {
    let decision = db::find_decision(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_decider = match user {
        Some(user) => db::is_decider(&state.pool, id, user.id).await?,
        None => false,
    };
    let standing = Standing {
        signed_in: user.is_some(),
        is_member: current_teams(state, user)
            .await?
            .contains(&decision.team_id),
        is_decider,
        is_opener: user.is_some_and(|u| u.id == decision.opened_by),
    };
    model::require_viewer(decision.is_public, &standing)?;
    Ok((decision, standing))
}

/// Everything the decision page shows.
async fn record_of(
    state: &AppState,
    decision: Decision,
    standing: Standing,
    user: Option<&User>,
    now: OffsetDateTime,
) -> Result<Record, AppError> {
    let deciders = db::deciders(&state.pool, decision.id).await?;
    let history = db::positions(&state.pool, decision.id).await?;
    let concerns = db::concerns(&state.pool, decision.id).await?;
    let recorded = db::recorded_outcome(&state.pool, decision.id).await?;
    let proxies = super::proxies::db::decision_proxies(&state.pool, decision.id).await?;
    let holds = super::holds::holds(&state.pool, decision.id).await?;
    let overrule = {
        let mut conn = state.pool.acquire().await?;
        super::overrule::standings(&mut conn, &decision, now).await?
    };
    let reviews = super::reviews::links(&state.pool, decision.id).await?;
    let github = match &recorded {
        Some(_) => crate::github::db::decision_changes(&state.pool, decision.id).await?,
        None => Vec::new(),
    };
    Ok(Record {
        github,
        reviews,
        overrule,
        holds,
        proxies,
        decision,
        standing,
        user_id: user.map(|u| u.id),
        deciders,
        history,
        concerns,
        recorded,
        now,
    })
}

pub(super) fn to_page(id: i64) -> String {
    format!("/decisions/{id}")
}

/// The decision page again with what was typed and what is wrong, status 422.
pub(super) async fn unprocessable(
    state: &AppState,
    layout: Layout,
    id: i64,
    user: &User,
    inputs: Inputs,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (decision, standing) = load_decision(state, id, Some(user)).await?;
    let record = record_of(state, decision, standing, Some(user), now).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        DecisionPage::new(layout, &record, &inputs, errors),
    )
        .into_response())
}

pub async fn list_decisions(
    State(state): State<AppState>,
    layout: Layout,
    Path(slug): Path<String>,
) -> Result<ListPage, AppError> {
    let now = state.clock.now();
    let (team, standing) = load_team(&state, &slug, layout.user.as_ref()).await?;
    let decisions = db::team_decisions(&state.pool, team.id, standing.is_member).await?;
    let ids: Vec<i64> = decisions.iter().map(|d| d.id).collect();
    let tallies = db::tallies(&state.pool, &ids).await?;
    let may_open = team.is_active() && model::require_member(&standing).is_ok();
    Ok(ListPage::new(
        layout,
        &team,
        &decisions,
        &tallies,
        may_open,
        standing.is_member,
        now,
    ))
}

pub async fn new_decision(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<DecisionFormPage, AppError> {
    let now = state.clock.now();
    let (team, standing) = load_team(&state, &slug, Some(&user)).await?;
    model::require_member(&standing)?;
    team.require_active()?;
    Ok(DecisionFormPage::new(
        layout,
        &team,
        &DecisionForm::blank(now),
        &FormErrors::default(),
    ))
}

pub async fn create_decision(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load_team(&state, &slug, Some(&user)).await?;
    model::require_member(&standing)?;
    team.require_active()?;
    let errors = match form.validate(now) {
        Err(errors) => errors,
        Ok(new) => {
            let message = "The decision is open: its deciders are listed below.";
            let mut tx = state.pool.begin().await?;
            let key = idempotency::key_or_new(&form.idempotency_key);
            if let Some(to) = idempotency::claim(&mut tx, user.id, &key, now).await? {
                return done(tx, message, &to).await;
            }
            let mut errors = FormErrors::default();
            check_effect(&mut tx, &team, &new.effect, &mut errors).await?;
            if errors.is_empty() {
                match db::open_decision(&mut tx, &team, &new, &user, now).await {
                    Ok(id) => {
                        idempotency::made(&mut tx, user.id, &key, &to_page(id)).await?;
                        return done(tx, message, &to_page(id)).await;
                    }
                    Err(WriteError::Refused(why)) => errors.add("form", why),
                    Err(e) => return Err(e.into()),
                }
            }
            errors
        }
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        DecisionFormPage::new(layout, &team, &form, &errors),
    )
        .into_response())
}

/// Refuses at once an effect that could not apply as things stand (it is checked again
/// when the outcome is recorded).
async fn check_effect(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    team: &Team,
    effect: &Effect,
    errors: &mut FormErrors,
) -> Result<(), AppError> {
    match effect {
        Effect::Text { .. } => {}
        // Opened from the RFC's page, which checks it (`rfcs::db::resolution_problem`).
        Effect::ResolveRfc { .. } => {}
        Effect::ChangeMembership { login, role } => {
            let person = crate::auth::db::find_by_login(&mut **tx, login).await?;
            let current = match person {
                Some(person) => db::current_role(tx, team.id, person.id).await?,
                None => None,
            };
            if let Some(problem) = model::membership_change_problem(login, current, *role) {
                errors.add("member_change", problem);
            }
        }
        // Opened from the nominations room's pages, which check them there.
        Effect::ShortlistNominations { .. } | Effect::AdmitNominee { .. } => {}
        // Opened from the concern, which checks it (`overrule::open_overrule`).
        Effect::OverruleConcern { .. } => {}
        // Opened from the team page, which checks it (`teams::inactivity`).
        Effect::MoveToAlumni { .. } => {}
        Effect::DelegateTeam(delegation) => {
            if teams_db::find_team(&mut **tx, &delegation.slug)
                .await?
                .is_some()
            {
                errors.add(
                    "slug",
                    "Another team already has this slug; choose another.",
                );
            }
        }
    }
    Ok(())
}

pub async fn show_decision(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
) -> Result<DecisionPage, AppError> {
    let now = state.clock.now();
    let user = layout.user.clone();
    let (decision, standing) = load_decision(&state, id, user.as_ref()).await?;
    let record = record_of(&state, decision, standing, user.as_ref(), now).await?;
    Ok(DecisionPage::new(
        layout,
        &record,
        &Inputs::default(),
        &FormErrors::default(),
    ))
}

pub async fn take_position(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<PositionForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok((stance, comment)) => {
            let mut tx = state.pool.begin().await?;
            let added =
                db::take_position(&mut tx, id, &user, stance, comment.as_deref(), now).await?;
            let message = if added {
                format!("Your position is recorded: {}.", stance.label())
            } else {
                "Your position was already recorded as it is.".to_string()
            };
            return done(tx, message, &to_page(id)).await;
        }
    };
    let inputs = Inputs {
        position: form,
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

pub async fn raise_concern(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ConcernForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(title) => {
            let mut tx = state.pool.begin().await?;
            match db::raise_concern(&mut tx, id, &user, &title, now).await {
                Ok(_) => {
                    let message =
                        "Your concern is raised; it holds the decision until you resolve it.";
                    return done(tx, message, &to_page(id)).await;
                }
                Err(e) if e.constraint() == Some("decision_concerns_once") => {
                    let mut errors = FormErrors::default();
                    errors.add(
                        "concern",
                        "You have already raised this concern, and it is not resolved yet.",
                    );
                    errors
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let inputs = Inputs {
        concern: form.concern,
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

pub async fn resolve_concern(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((id, concern_id)): Path<(i64, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let concern = db::concerns(&state.pool, id)
        .await?
        .into_iter()
        .find(|c| c.id == concern_id)
        .ok_or(AppError::NotFound)?;
    if !model::handover::may_resolve(&concern, user.id) {
        return Err(AppError::Forbidden(
            "only whoever raised a concern, or the decider they handed it to, resolves it",
        ));
    }
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(resolution) => {
            let mut tx = state.pool.begin().await?;
            db::resolve_concern(&mut tx, id, concern_id, &user, &resolution, now).await?;
            let message = format!("Your concern “{}” is resolved.", concern.title);
            return done(tx, message, &to_page(id)).await;
        }
    };
    let inputs = Inputs {
        resolution: form.resolution,
        resolving: Some(concern_id),
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

pub async fn record_outcome(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<OutcomeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (decision, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_member(&standing)?;
    let errors = match form.validate(now) {
        Err(errors) => errors,
        Ok((statement, review_on)) => {
            let mut tx = state.pool.begin().await?;
            let message =
                match db::record_outcome(&mut tx, id, &user, &statement, review_on, now).await {
                    Ok(_) if decision.effect.is_typed() => {
                        "The outcome is recorded and its effect applied."
                    }
                    Ok(_) => "The outcome is recorded.",
                    Err(e) if e.constraint() == Some("decision_outcomes_pkey") => {
                        return Err(AppError::Conflict(
                            "The outcome of this decision is already recorded.".into(),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
            return done(tx, message, &to_page(id)).await;
        }
    };
    let inputs = Inputs {
        statement: form.statement,
        review_on: form.review_on,
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}

pub async fn withdraw_decision(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_opener(&standing)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(reason) => {
            let mut tx = state.pool.begin().await?;
            db::withdraw(&mut tx, id, &user, &reason, now).await?;
            return done(tx, "The decision is withdrawn.", &to_page(id)).await;
        }
    };
    let inputs = Inputs {
        reason: form.reason,
        ..Inputs::default()
    };
    unprocessable(&state, layout, id, &user, inputs, &errors).await
}
