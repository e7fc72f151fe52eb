//! HTTP only: the team's GitHub page and the administrators' plan.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pages::{AdminGithubPage, PlanView, TeamGithubPage};
use super::{db, model, sync};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::model::Team;
use crate::web::dates::format_utc;
use crate::web::extract::{Admin, CurrentUser};
use crate::web::flash::done;
use crate::web::form::{Form, FormErrors};
use crate::web::layout::Layout;

/// The team, for one of its leads or an administrator.
async fn linkable_team(state: &AppState, slug: &str, user: &User) -> Result<Team, AppError> {
    let team = crate::teams::db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = db::is_lead(&state.pool, team.id, user.id).await?;
    model::require_linker(true, user.is_admin, lead)?;
    Ok(team)
}

async fn team_page(
    state: &AppState,
    layout: Layout,
    team: &Team,
    may_link: bool,
    typed: &str,
    errors: &FormErrors,
) -> Result<TeamGithubPage, AppError> {
    let linked = db::link(&state.pool, team.id)
        .await?
        .map(|l| (l.github_slug, l.linked_by, format_utc(l.linked_at)));
    let drift = db::drift(&state.pool, team.id)
        .await?
        .into_iter()
        .map(|(login, direction, seen)| model::drift_line(&login, &direction, seen))
        .collect();
    let org = state.github_app.as_ref().map(|app| app.org.clone());
    let mut page = TeamGithubPage::new(layout, team, org, linked, typed, errors);
    page.may_link = may_link;
    page.drift = drift;
    Ok(page)
}

/// The team's members see its link and what the daily check found; its leads and the
/// administrators also set the link.
pub async fn show_team(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<TeamGithubPage, AppError> {
    let team = crate::teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let teams = crate::teams::db::current_team_ids(&state.pool, user.id).await?;
    if !(user.is_admin || teams.contains(&team.id)) {
        return Err(AppError::Forbidden(
            "only the team's members see its GitHub team",
        ));
    }
    let lead = db::is_lead(&state.pool, team.id, user.id).await?;
    let may_link = model::require_linker(true, user.is_admin, lead).is_ok();
    team_page(&state, layout, &team, may_link, "", &FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    github_slug: String,
}

/// Links the team to a GitHub team of the organization, which must exist.
pub async fn link_team(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let team = linkable_team(&state, &slug, &user).await?;
    team.require_active()?;
    let Some(app) = state.github_app.clone() else {
        return Err(AppError::Conflict(
            "The GitHub App is not configured on this site, so teams cannot be linked.".into(),
        ));
    };
    let now = state.clock.now();
    let typed = form.github_slug.trim();
    let mut errors = FormErrors::default();
    let mut found = None;
    if let Some(problem) = model::slug_problem(typed) {
        errors.add("github_slug", problem);
    } else {
        match app.team(typed, now).await {
            Ok(Some(slug)) => found = Some(slug),
            Ok(None) => errors.add(
                "github_slug",
                format!("The organization {} has no team {typed}.", app.org),
            ),
            Err(e) => errors.add(
                "github_slug",
                format!("{e}; nothing was changed, try again in a moment."),
            ),
        }
    }
    let Some(github_slug) = found.filter(|_| errors.is_empty()) else {
        let page = team_page(&state, layout, &team, true, &form.github_slug, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.pool.begin().await?;
    if let Err(e) = db::set_link(&mut tx, &team, &github_slug, &app.org, &user, now).await {
        if e.as_database_error().and_then(|d| d.constraint())
            == Some("github_links_github_slug_key")
        {
            drop(tx);
            errors.add(
                "github_slug",
                format!(
                    "{}/{github_slug} is already linked to another Concord team.",
                    app.org
                ),
            );
            let page = team_page(&state, layout, &team, true, &form.github_slug, &errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        return Err(e.into());
    }
    done(
        tx,
        format!(
            "{} is linked to {}/{github_slug}. The plan on /admin/github shows what differs.",
            team.name, app.org
        ),
        &format!("/teams/{slug}/github"),
    )
    .await
}

pub async fn unlink_team(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let team = linkable_team(&state, &slug, &user).await?;
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    if !db::remove_link(&mut tx, &team, &user, now).await? {
        return Err(AppError::Conflict(format!("{} is not linked.", team.name)));
    }
    done(
        tx,
        format!("{} is no longer linked to a GitHub team.", team.name),
        &format!("/teams/{slug}/github"),
    )
    .await
}

pub async fn show_admin(
    State(state): State<AppState>,
    layout: Layout,
    Admin(_): Admin,
) -> Result<AdminGithubPage, AppError> {
    let Some(app) = state.github_app.clone() else {
        return Ok(AdminGithubPage {
            layout,
            org: None,
            plans: Vec::new(),
            problem: None,
        });
    };
    let (plans, problem) = match sync::plan_all(&state.pool, &app, state.clock.now()).await {
        Ok(plans) => (plans.iter().map(PlanView::from).collect(), None),
        Err(sync::SyncError::Github(e)) => (Vec::new(), Some(e.to_string())),
        Err(sync::SyncError::Database(e)) => return Err(e.into()),
    };
    Ok(AdminGithubPage {
        layout,
        org: Some(app.org.clone()),
        plans,
        problem,
    })
}

/// Makes GitHub match the plan as it is now (read again, so applying twice changes
/// nothing the second time).
pub async fn apply(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Response, AppError> {
    let app = state.github_app.clone().ok_or_else(|| {
        AppError::Conflict("The GitHub App is not configured on this site.".into())
    })?;
    let now = state.clock.now();
    let outcome = async {
        let plans = sync::plan_all(&state.pool, &app, now).await?;
        sync::apply(&state.pool, &app, &plans, Some(admin.id), now).await
    }
    .await;
    let message = match outcome {
        Ok(0) => "GitHub already matched the ledger: nothing was changed.".to_string(),
        Ok(n) => format!(
            "{n} change{} made on GitHub, each written to the audit log.",
            if n == 1 { "" } else { "s" }
        ),
        Err(sync::SyncError::Github(e)) => {
            return Err(AppError::Conflict(format!(
                "{e}. What was done before is in the audit log; apply again once GitHub answers."
            )));
        }
        Err(sync::SyncError::Database(e)) => return Err(e.into()),
    };
    Ok((
        crate::web::flash::success(message),
        axum::response::Redirect::to("/admin/github"),
    )
        .into_response())
}
