//! Who staffs a team, beside the membership forms of its managers:
//!
//! - Creating or delegating a team may name its founding leads and members (GitHub logins,
//!   current members of either team or anyone); they join in the same transaction as the
//!   team, each with a ledger row saying so.
//! - Until a delegated team has a lead of its own, the members of the team that delegated
//!   it may manage its membership (`model::require_member_manager`), so a delegation that
//!   named nobody can still be staffed.
//! - A member manages their own membership from the team page: go on leave, come back
//!   from leave (to the role they held before), and leave the team with an optional
//!   reason. These write the same ledger rows and audit entries as a manager's forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::db::{self, WriteError};
use super::handlers::unprocessable;
use super::model::{Cause, REASON_MAX, Role, Team};
use crate::app::AppState;
use crate::auth::model::{User, login_problem};
use crate::error::AppError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::{Field, Form, FormErrors, render_errors};
use crate::web::layout::Layout;

/// At most this many founding leads and members together.
pub const FOUNDERS_MAX: usize = 20;

/// The people a new team starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Founders {
    pub leads: Vec<String>,
    pub members: Vec<String>,
}

/// Reads logins typed into one box, separated by spaces, commas or new lines (a leading
/// `@` allowed), each once whatever its case (GitHub logins ignore case).
fn logins(field: &'static str, text: &str, errors: &mut FormErrors) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        let login = word.trim_start_matches('@');
        if login.is_empty() {
            continue;
        }
        if let Some(problem) = login_problem(login) {
            errors.add(field, format!("“{login}”: {problem}"));
            return Vec::new();
        }
        if !seen.iter().any(|s| s.eq_ignore_ascii_case(login)) {
            seen.push(login.to_string());
        }
    }
    seen
}

impl Founders {
    /// The form's `leads` and `members` boxes; a login in both is an error.
    pub fn read(leads: &str, members: &str, errors: &mut FormErrors) -> Founders {
        let leads = logins("leads", leads, errors);
        let members = logins("members", members, errors);
        if let Some(both) = members
            .iter()
            .find(|m| leads.iter().any(|l| l.eq_ignore_ascii_case(m)))
        {
            errors.add(
                "members",
                format!("{both} is named as a lead already; name each person once."),
            );
        }
        if leads.len() + members.len() > FOUNDERS_MAX {
            errors.add(
                "members",
                format!(
                    "Name at most {FOUNDERS_MAX} founding leads and members; add the rest on the team's members page."
                ),
            );
        }
        Founders { leads, members }
    }

    /// Adds the founders to the team just made by `slug`, in the same transaction.
    pub async fn add(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        slug: &str,
        parent: Option<&Team>,
        actor: &User,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        if self.leads.is_empty() && self.members.is_empty() {
            return Ok(());
        }
        let team = db::find_team(&mut **tx, slug)
            .await?
            .ok_or_else(|| WriteError::Refused("The new team is gone.".into()))?;
        let named = match parent {
            Some(parent) => format!("when {} delegated the team", parent.name),
            None => "when the team was created".to_string(),
        };
        let people = self
            .leads
            .iter()
            .map(|login| (login, Role::Lead))
            .chain(self.members.iter().map(|login| (login, Role::Member)));
        for (login, role) in people {
            let reason = format!("A founding {}, named {named}.", role.as_str());
            db::add_member(
                tx,
                &team,
                login,
                role,
                &reason,
                Some(actor),
                Cause::DIRECT,
                now,
            )
            .await?;
        }
        Ok(())
    }
}

/// Whether the team has a current lead (see the module's second rule).
pub async fn has_lead(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        r#"select exists (select 1 from memberships
                          where team_id = $1 and left_at is null and role = 'lead') as "found!""#,
        team_id
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// The signed-in person's current row in the team: role and since when.
pub struct OwnRow {
    pub role: Role,
    pub since: OffsetDateTime,
}

pub async fn own_row(
    db: impl PgExecutor<'_>,
    team_id: i64,
    user_id: i64,
) -> Result<Option<OwnRow>, AppError> {
    let row = sqlx::query!(
        "select role, joined_at from memberships
         where team_id = $1 and user_id = $2 and left_at is null",
        team_id,
        user_id
    )
    .fetch_optional(db)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some(OwnRow {
            role: Role::parse(&row.role)
                .ok_or_else(|| AppError::Internal(format!("unknown role {}", row.role)))?,
            since: row.joined_at,
        })),
    }
}

/// The role a person held before going on leave (member if the ledger names none).
async fn role_before_leave(
    db: impl PgExecutor<'_>,
    team_id: i64,
    user_id: i64,
) -> sqlx::Result<Role> {
    let role = sqlx::query_scalar!(
        "select role from memberships
         where team_id = $1 and user_id = $2 and left_at is not null and role <> 'on_leave'
         order by left_at desc, id desc limit 1",
        team_id,
        user_id
    )
    .fetch_optional(db)
    .await?;
    Ok(role
        .as_deref()
        .and_then(Role::parse)
        .unwrap_or(Role::Member))
}

/// The optional reason a member gives for leaving.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OwnForm {
    pub reason: String,
}

impl OwnForm {
    fn reason(&self, default: &str) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let reason = errors.optional("reason", "Reason", &self.reason, REASON_MAX);
        if errors.is_empty() {
            Ok(reason.unwrap_or_else(|| default.to_string()))
        } else {
            Err(errors)
        }
    }
}

/// `/teams/<slug>/leave`: a member confirms leaving, with an optional reason.
#[derive(Template, WebTemplate)]
#[template(path = "teams/leave.html")]
pub struct LeavePage {
    pub layout: Layout,
    pub slug: String,
    pub team_name: String,
    pub role: String,
    pub problems: Vec<String>,
    pub reason: Field,
}

impl LeavePage {
    fn new(layout: Layout, team: &Team, role: Role, reason: &str, errors: &FormErrors) -> Self {
        LeavePage {
            layout,
            slug: team.slug.clone(),
            team_name: team.name.clone(),
            role: role.label().to_string(),
            problems: render_errors(errors),
            reason: Field::new("reason", "Reason (optional)", reason, REASON_MAX, errors)
                .hint("Shown in the team's membership history."),
        }
    }
}

/// The team and the signed-in person's current row in it; 403 when they are not a member.
async fn own_membership(
    state: &AppState,
    slug: &str,
    user: &User,
) -> Result<(Team, OwnRow), AppError> {
    let team = db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    team.require_active()?;
    let row = own_row(&state.pool, team.id, user.id)
        .await?
        .ok_or(AppError::Forbidden(
            "only a current member of the team changes their own membership",
        ))?;
    Ok((team, row))
}

pub async fn confirm_leaving(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<LeavePage, AppError> {
    let (team, row) = own_membership(&state, &slug, &user).await?;
    Ok(LeavePage::new(
        layout,
        &team,
        row.role,
        "",
        &FormErrors::default(),
    ))
}

pub async fn leave(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<OwnForm>,
) -> Result<Response, AppError> {
    let (team, row) = own_membership(&state, &slug, &user).await?;
    let reason = match form.reason("Left of their own accord.") {
        Ok(reason) => reason,
        Err(errors) => {
            return unprocessable(LeavePage::new(
                layout,
                &team,
                row.role,
                &form.reason,
                &errors,
            ));
        }
    };
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    db::record_leaving(
        &mut tx,
        &team,
        &user,
        &reason,
        Some(&user),
        Cause::DIRECT,
        now,
    )
    .await?;
    let message = format!("You left {}. Your history in it stays.", team.name);
    done(tx, message, &format!("/teams/{}", team.slug)).await
}

/// Going on leave and coming back: a role change the member makes themselves, with a
/// button on the team page.
async fn own_role_change(
    state: &AppState,
    user: &User,
    slug: &str,
    away: bool,
) -> Result<Response, AppError> {
    let (team, row) = own_membership(state, slug, user).await?;
    let (role, reason) = match (away, row.role) {
        (true, Role::OnLeave) => {
            return Err(AppError::Conflict(format!(
                "You are on leave from {} already.",
                team.name
            )));
        }
        (false, role) if role != Role::OnLeave => {
            return Err(AppError::Conflict(format!(
                "You are not on leave from {}.",
                team.name
            )));
        }
        (true, _) => (Role::OnLeave, "Went on leave."),
        (false, _) => (
            role_before_leave(&state.pool, team.id, user.id).await?,
            "Back from leave.",
        ),
    };
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    db::change_role(
        &mut tx,
        &team,
        user,
        role,
        reason,
        Some(user),
        Cause::DIRECT,
        now,
    )
    .await?;
    let message = if away {
        format!(
            "You are on leave from {}. You may name a proxy for its decisions on its decisions page.",
            team.name
        )
    } else {
        format!(
            "Welcome back: you are {} of {} again.",
            role.label(),
            team.name
        )
    };
    done(tx, message, &format!("/teams/{}", team.slug)).await
}

pub async fn go_on_leave(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    own_role_change(&state, &user, &slug, true).await
}

pub async fn come_back(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    own_role_change(&state, &user, &slug, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn founders_are_read_from_lists_of_logins() {
        let mut errors = FormErrors::default();
        let founders = Founders::read("@ada, Bo\nbo", "cy  dee,", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(founders.leads, ["ada", "Bo"]);
        assert_eq!(founders.members, ["cy", "dee"]);
        assert_eq!(
            Founders::read("", "", &mut errors),
            Founders::default(),
            "nobody named is fine"
        );
    }

    #[test]
    fn founders_refuse_bad_logins_doubles_and_crowds() {
        let mut errors = FormErrors::default();
        Founders::read("ok -bad-", "", &mut errors);
        assert!(errors.get("leads").is_some_and(|e| e.contains("-bad-")));

        let mut errors = FormErrors::default();
        Founders::read("ada", "ADA", &mut errors);
        assert_eq!(
            errors.get("members"),
            Some("ADA is named as a lead already; name each person once.")
        );

        let mut errors = FormErrors::default();
        let many: Vec<String> = (0..=FOUNDERS_MAX).map(|i| format!("p{i}")).collect();
        Founders::read(&many.join(" "), "", &mut errors);
        assert!(errors.get("members").is_some());
    }
}
