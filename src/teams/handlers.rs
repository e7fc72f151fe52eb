use crate::web::form::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::db::{self, WriteError};
use super::model::{
    self, Cause, CharterFields, CharterForm, LeaveForm, MemberForm, RevokeForm, RoleForm, Standing,
    Team, TeamForm,
};
use super::pages::{
    Actions, CharterPage, MemberInputs, MemberPage, MembersPage, RevokePage, TeamFormPage,
    TeamPage, TreePage,
};
use super::staffing::{self, Founders};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::web::extract::{Admin, CurrentUser};
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::idempotency;
use crate::web::layout::Layout;

/// The team and where `user` stands towards it.
async fn load(
    state: &AppState,
    slug: &str,
    user: Option<&User>,
) -> Result<(Team, Standing), AppError> {
    let team = db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let user_teams = match user {
        Some(user) => db::current_team_ids(&state.pool, user.id).await?,
        None => Vec::new(),
    };
    let standing = Standing::of(user, &team, &user_teams);
    Ok((team, standing))
}

/// Whether the team has a current lead, for `model::require_member_manager`; asked of the
/// database only for the members of the delegating team, the only ones it concerns.
async fn has_lead(state: &AppState, team: &Team, standing: &Standing) -> Result<bool, AppError> {
    Ok(standing.is_parent_member && staffing::has_lead(&state.pool, team.id).await?)
}

async fn load_person(state: &AppState, login: &str) -> Result<User, AppError> {
    crate::auth::db::find_by_login(&state.pool, login)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) fn unprocessable(page: impl IntoResponse) -> Result<Response, AppError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A refusal found under the transaction's locks, shown on the form.
fn refused(e: WriteError) -> Result<FormErrors, AppError> {
    match e {
        WriteError::Refused(why) => {
            let mut errors = FormErrors::default();
            errors.add("form", why);
            Ok(errors)
        }
        other => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct TreeQuery {
    q: Option<String>,
}

pub async fn list_teams(
    State(state): State<AppState>,
    layout: Layout,
    Query(query): Query<TreeQuery>,
) -> Result<TreePage, AppError> {
    let teams = db::list_teams(&state.pool).await?;
    let counts = db::member_counts(&state.pool).await?;
    Ok(TreePage::new(
        layout,
        &teams,
        &counts,
        query.q.as_deref().unwrap_or(""),
    ))
}

/// `?members=<page>` pages through the current members.
#[derive(Debug, Default, Deserialize)]
pub struct TeamQuery {
    members: Option<String>,
}

pub async fn show_team(
    State(state): State<AppState>,
    layout: Layout,
    Path(slug): Path<String>,
    Query(query): Query<TeamQuery>,
) -> Result<TeamPage, AppError> {
    let now = state.clock.now();
    // A malformed or absurd page number shows the first page rather than an error.
    let members_page = query
        .members
        .and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let (team, standing) = load(&state, &slug, layout.user.as_ref()).await?;
    let sub_teams = db::sub_teams(&state.pool, team.id).await?;
    let events = db::charter_events(&state.pool, team.id).await?;
    let offset = (members_page - 1) * db::MEMBER_PAGE;
    let ledger = db::ledger_page(&state.pool, team.id, offset).await?;
    let active = team.is_active();
    let actions = Actions {
        manage_members: active
            && model::require_member_manager(&standing, has_lead(&state, &team, &standing).await?)
                .is_ok(),
        edit_charter: active && model::require_charter_editor(&standing).is_ok(),
        github: crate::github::model::require_viewer(standing.is_admin, standing.is_member).is_ok(),
        delegate: active && model::require_delegator(&standing).is_ok(),
        revoke: active && model::require_revoker(&standing, &team).is_ok(),
    };
    let mut page = TeamPage::new(
        layout,
        &team,
        &sub_teams,
        &events,
        &ledger,
        members_page,
        actions,
        now,
    );
    let member_id = page.layout.user.as_ref().map(|u| u.id);
    if let Some(user_id) = member_id.filter(|_| standing.is_member && active) {
        let own = staffing::own_row(&state.pool, team.id, user_id).await?;
        page.own = own.as_ref().map(super::pages::OwnMembership::of);
    }
    if standing.is_member {
        let mut conn = state.pool.acquire().await?;
        let me = page.layout.user.as_ref().map(|u| u.id);
        page.inactive = super::inactivity::flagged(&mut conn, &team, now)
            .await?
            .into_iter()
            .map(|f| {
                let text = match f.activity {
                    super::inactivity::Activity::Flagged { since, until } => format!(
                        "inactive since {}; the notice runs until {}",
                        crate::web::dates::format_utc(since),
                        crate::web::dates::format_utc(until)
                    ),
                    super::inactivity::Activity::NoticeOver { since } => format!(
                        "inactive; the notice ran out on {}, and the team may move them to alumni by decision",
                        crate::web::dates::format_utc(since)
                    ),
                    super::inactivity::Activity::Active => String::new(),
                };
                let over = matches!(
                    f.activity,
                    super::inactivity::Activity::NoticeOver { .. }
                );
                (f.login, text, Some(f.user_id) == me, over)
            })
            .collect();
        let stale = crate::nominations::db::team_stale_count(&state.pool, team.id, now).await?;
        page.stale_nominations = crate::nominations::pages::stale_text(stale);
    }
    let updates = crate::posts::db::list_published(&state.pool, Some(team.id), true, 5, 0).await?;
    page.updates = updates
        .iter()
        .map(crate::posts::pages::PostItem::of)
        .collect();
    let open = crate::posts::db::team_action_items(&state.pool, team.id, true, 50).await?;
    page.open = crate::posts::pages::team_action_views(&open, &team.slug, now);
    page.reviews =
        crate::decisions::reviews::due_for_team(&state.pool, team.id, standing.is_member, now)
            .await?
            .into_iter()
            .map(|d| {
                (
                    d.id,
                    d.question,
                    crate::web::dates::format_date(d.review_on),
                )
            })
            .collect();
    Ok(page)
}

fn blank_team_form() -> TeamForm {
    TeamForm {
        charter: CharterFields {
            rule_kind: model::RuleKind::Unanimous.as_str().into(),
            rule_n: "0".into(),
            ..CharterFields::default()
        },
        idempotency_key: crate::web::idempotency::new_key(),
        ..TeamForm::default()
    }
}

pub async fn new_team(layout: Layout, Admin(_): Admin) -> TeamFormPage {
    TeamFormPage::new(layout, None, &blank_team_form(), &FormErrors::default())
}

pub async fn create_team(
    State(state): State<AppState>,
    layout: Layout,
    Admin(user): Admin,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    save_team(&state, layout, None, &user, form).await
}

pub async fn new_delegation(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<TeamFormPage, AppError> {
    let (parent, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_delegator(&standing)?;
    parent.require_active()?;
    Ok(TeamFormPage::new(
        layout,
        Some(&parent),
        &blank_team_form(),
        &FormErrors::default(),
    ))
}

pub async fn create_delegation(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    let (parent, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_delegator(&standing)?;
    parent.require_active()?;
    save_team(&state, layout, Some(&parent), &user, form).await
}

async fn save_team(
    state: &AppState,
    layout: Layout,
    parent: Option<&Team>,
    user: &User,
    form: TeamForm,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut founder_errors = FormErrors::default();
    let founders = Founders::read(&form.leads, &form.members, &mut founder_errors);
    let errors = match form.validate(now) {
        Err(mut errors) => {
            for (field, message) in founder_errors.iter() {
                errors.add(field, message.clone());
            }
            errors
        }
        Ok(_) if !founder_errors.is_empty() => founder_errors,
        Ok(new) => {
            let message = match parent {
                Some(parent) => format!("{} delegated {}.", parent.name, new.name),
                None => format!("{} was created.", new.name),
            };
            let mut tx = state.pool.begin().await?;
            let key = idempotency::key_or_new(&form.idempotency_key);
            if let Some(to) = idempotency::claim(&mut tx, user.id, &key, now).await? {
                return done(tx, message, &to).await;
            }
            let made = match db::create_team(&mut tx, &new, parent, user, Cause::DIRECT, now).await
            {
                Ok(_) => founders.add(&mut tx, &new.slug, parent, user, now).await,
                Err(e) => Err(e),
            };
            match made {
                Ok(()) => {
                    let to = format!("/teams/{}", new.slug);
                    idempotency::made(&mut tx, user.id, &key, &to).await?;
                    return done(tx, message, &to).await;
                }
                Err(e) if e.constraint() == Some("teams_slug_key") => {
                    let mut errors = FormErrors::default();
                    errors.add(
                        "slug",
                        "Another team already has this slug; choose another.",
                    );
                    errors
                }
                Err(e) => refused(e)?,
            }
        }
    };
    unprocessable(TeamFormPage::new(layout, parent, &form, &errors))
}

pub async fn edit_charter(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<CharterPage, AppError> {
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_charter_editor(&standing)?;
    team.require_active()?;
    Ok(CharterPage::new(
        layout,
        &team,
        &CharterForm::from_team(&team),
        &FormErrors::default(),
    ))
}

pub async fn update_charter(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<CharterForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_charter_editor(&standing)?;
    team.require_active()?;
    let errors = match form.validate(&team, now) {
        Err(errors) => errors,
        Ok(change) => {
            let mut tx = state.pool.begin().await?;
            match db::change_charter(&mut tx, &team, &change, &user, now).await {
                Ok(()) => {
                    let message = format!("The charter of {} was changed.", team.name);
                    return done(tx, message, &format!("/teams/{}", team.slug)).await;
                }
                Err(e) => refused(e)?,
            }
        }
    };
    unprocessable(CharterPage::new(layout, &team, &form, &errors))
}

async fn current_member_count(state: &AppState, team: &Team) -> Result<usize, AppError> {
    let ledger = db::ledger(&state.pool, team.id).await?;
    Ok(model::roster(&ledger).current.len())
}

pub async fn confirm_revocation(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<RevokePage, AppError> {
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_revoker(&standing, &team)?;
    team.require_active()?;
    let members = current_member_count(&state, &team).await?;
    Ok(RevokePage::new(
        layout,
        &team,
        members,
        "",
        &FormErrors::default(),
    ))
}

pub async fn revoke_team(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_revoker(&standing, &team)?;
    team.require_active()?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(reason) => {
            let mut tx = state.pool.begin().await?;
            match db::revoke_team(&mut tx, &team, &reason, &user, now).await {
                Ok(()) => {
                    let message = format!("The delegation of {} was revoked.", team.name);
                    return done(tx, message, &format!("/teams/{}", team.slug)).await;
                }
                Err(e) => refused(e)?,
            }
        }
    };
    let members = current_member_count(&state, &team).await?;
    unprocessable(RevokePage::new(
        layout,
        &team,
        members,
        &form.reason,
        &errors,
    ))
}

pub async fn manage_members(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<MembersPage, AppError> {
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_member_manager(&standing, has_lead(&state, &team, &standing).await?)?;
    team.require_active()?;
    let ledger = db::ledger(&state.pool, team.id).await?;
    let form = MemberForm {
        role: model::Role::Member.as_str().into(),
        ..MemberForm::default()
    };
    Ok(MembersPage::new(
        layout,
        &team,
        &ledger,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn add_member(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_member_manager(&standing, has_lead(&state, &team, &standing).await?)?;
    team.require_active()?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(new) => {
            let mut tx = state.pool.begin().await?;
            match db::add_member(
                &mut tx,
                &team,
                &new.login,
                new.role,
                &new.reason,
                Some(&user),
                Cause::DIRECT,
                now,
            )
            .await
            {
                Ok((person, _)) => {
                    let message = format!(
                        "{} joined {} as {}.",
                        person.login,
                        team.name,
                        new.role.label()
                    );
                    return done(tx, message, &format!("/teams/{}/members", team.slug)).await;
                }
                Err(e)
                    if matches!(
                        e.constraint(),
                        Some("memberships_one_open" | "memberships_no_overlap")
                    ) =>
                {
                    let mut errors = FormErrors::default();
                    errors.add(
                        "login",
                        format!(
                            "{} is already a current member of {}.",
                            new.login, team.name
                        ),
                    );
                    errors
                }
                Err(e) => refused(e)?,
            }
        }
    };
    let ledger = db::ledger(&state.pool, team.id).await?;
    unprocessable(MembersPage::new(layout, &team, &ledger, &form, &errors))
}

pub async fn show_member(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((slug, login)): Path<(String, String)>,
) -> Result<MemberPage, AppError> {
    let (team, standing) = load(&state, &slug, Some(&user)).await?;
    model::require_member_manager(&standing, has_lead(&state, &team, &standing).await?)?;
    team.require_active()?;
    let person = load_person(&state, &login).await?;
    let ledger = db::ledger(&state.pool, team.id).await?;
    Ok(MemberPage::new(
        layout,
        &team,
        &person,
        &ledger,
        &MemberInputs::default(),
        &FormErrors::default(),
    ))
}

/// What the member forms need: the team, the person, the ledger, and their current role.
struct MemberContext {
    team: Team,
    person: User,
    ledger: Vec<model::LedgerRow>,
    role: Option<model::Role>,
    now: OffsetDateTime,
}

async fn member_context(
    state: &AppState,
    user: &User,
    slug: &str,
    login: &str,
) -> Result<MemberContext, AppError> {
    let now = state.clock.now();
    let (team, standing) = load(state, slug, Some(user)).await?;
    model::require_member_manager(&standing, has_lead(state, &team, &standing).await?)?;
    team.require_active()?;
    let person = load_person(state, login).await?;
    let ledger = db::ledger(&state.pool, team.id).await?;
    let role = ledger
        .iter()
        .find(|row| row.user_id == person.id && row.left_at.is_none())
        .map(|row| row.role);
    Ok(MemberContext {
        team,
        person,
        ledger,
        role,
        now,
    })
}

fn not_a_member(c: &MemberContext) -> AppError {
    AppError::Conflict(format!(
        "{} is not a current member of {}.",
        c.person.login, c.team.name
    ))
}

pub async fn change_role(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((slug, login)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let c = member_context(&state, &user, &slug, &login).await?;
    let current = c.role.ok_or_else(|| not_a_member(&c))?;
    let errors = match form.validate(current) {
        Err(errors) => errors,
        Ok((role, reason)) => {
            let mut tx = state.pool.begin().await?;
            match db::change_role(
                &mut tx,
                &c.team,
                &c.person,
                role,
                &reason,
                Some(&user),
                Cause::DIRECT,
                c.now,
            )
            .await
            {
                Ok(_) => {
                    let message = format!(
                        "{} is now {} of {}.",
                        c.person.login,
                        role.label(),
                        c.team.name
                    );
                    return done(tx, message, &format!("/teams/{}", c.team.slug)).await;
                }
                Err(e) => refused(e)?,
            }
        }
    };
    let inputs = MemberInputs {
        role: form,
        leave_reason: String::new(),
    };
    unprocessable(MemberPage::new(
        layout, &c.team, &c.person, &c.ledger, &inputs, &errors,
    ))
}

pub async fn record_leaving(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((slug, login)): Path<(String, String)>,
    Form(form): Form<LeaveForm>,
) -> Result<Response, AppError> {
    let c = member_context(&state, &user, &slug, &login).await?;
    c.role.ok_or_else(|| not_a_member(&c))?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(reason) => {
            let mut tx = state.pool.begin().await?;
            match db::record_leaving(
                &mut tx,
                &c.team,
                &c.person,
                &reason,
                Some(&user),
                Cause::DIRECT,
                c.now,
            )
            .await
            {
                Ok(_) => {
                    let message = format!("{} left {}.", c.person.login, c.team.name);
                    return done(tx, message, &format!("/teams/{}", c.team.slug)).await;
                }
                Err(e) => refused(e)?,
            }
        }
    };
    let inputs = MemberInputs {
        role: RoleForm::default(),
        leave_reason: form.leave_reason,
    };
    unprocessable(MemberPage::new(
        layout, &c.team, &c.person, &c.ledger, &inputs, &errors,
    ))
}
