//! Concerns raised on an RFC before a decision settles it: their rules, SQL and forms.
//!
//! - A current member of the RFC's team raises a named concern on an RFC that is not
//!   settled and has no settling decision open (then the concern belongs on that
//!   decision). Only whoever raised it resolves it while it is on the RFC.
//! - When a decision to settle the RFC opens (`handlers::open_settlement`), the open
//!   concerns whose raisers are among its deciders are carried into it, named as before:
//!   the same raiser, title and time raised. From then on they are the decision's
//!   concerns (resolved, handed over or overruled there); the RFC's page links to them.
//!   A concern whose raiser is not a decider (on leave, gone) stays on the RFC.
//! - Every write locks the RFC's row (carrying too, after the decision is opened in the
//!   same transaction), so a concern raised at the moment a decision opens is either
//!   carried or refused, and audits with the RFC's visibility.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::db::{lock, subject, visibility_at};
use super::model::{self, Rfc};
use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::auth::model::User;
use crate::decisions::model::{ConcernForm, ResolveForm};
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::Form;

/// A concern on an RFC, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RfcConcern {
    pub id: i64,
    pub raised_by: i64,
    pub raised_by_login: String,
    pub title: String,
    pub raised_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    pub resolution: Option<String>,
    /// The decision it was carried into.
    pub carried_into: Option<i64>,
}

impl RfcConcern {
    /// Still on the RFC, neither resolved nor carried.
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none() && self.carried_into.is_none()
    }
}

/// Why a concern cannot be raised on `rfc` now; `pending`: its settling decision that is
/// still open.
pub fn raising_problem(rfc: &Rfc, pending: Option<i64>) -> Option<String> {
    if rfc.resolution.is_some() {
        return Some("This RFC is settled; its concerns can no longer change.".into());
    }
    pending.map(|id| {
        format!("Decision #{id} to settle this RFC is open: raise your concern on the decision.")
    })
}

/// Why `user_id` cannot resolve `concern`.
pub fn resolving_problem(concern: &RfcConcern, user_id: i64) -> Option<String> {
    if let Some(id) = concern.carried_into {
        Some(format!(
            "This concern was carried into decision #{id}; resolve it there."
        ))
    } else if concern.resolved_at.is_some() {
        Some("This concern is already resolved.".into())
    } else if concern.raised_by != user_id {
        Some("Only whoever raised a concern resolves it.".into())
    } else {
        None
    }
}

/// The concerns carried into a decision whose deciders are `deciders`: the open ones
/// whose raisers decide.
pub fn to_carry<'a>(concerns: &'a [RfcConcern], deciders: &[i64]) -> Vec<&'a RfcConcern> {
    concerns
        .iter()
        .filter(|c| c.is_open() && deciders.contains(&c.raised_by))
        .collect()
}

/// Every concern raised on the RFC, oldest first.
pub async fn concerns(db: impl PgExecutor<'_>, rfc_id: i64) -> sqlx::Result<Vec<RfcConcern>> {
    sqlx::query_as!(
        RfcConcern,
        "select c.id, c.raised_by, u.login as raised_by_login, c.title, c.raised_at, c.resolved_at, c.resolution,
                dc.decision_id as \"carried_into?\"
         from rfc_concerns c join users u on u.id = c.raised_by
         left join decision_concerns dc on dc.id = c.carried_to
         where c.rfc_id = $1
         order by c.id",
        rfc_id
    )
    .fetch_all(db)
    .await
}

/// The settling decision of `rfc_id` that is open at `now`, if any.
pub async fn pending_settlement(
    db: &mut sqlx::PgConnection,
    rfc_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Option<i64>> {
    let ids = sqlx::query_scalar!(
        "select d.id from decisions d join rfcs r on r.team_id = d.team_id
         where r.id = $1 and d.effect ->> 'kind' = 'resolve_rfc' and (d.effect ->> 'rfc_id')::bigint = $1
           and d.withdrawn_at is null
         order by d.id",
        rfc_id
    )
    .fetch_all(&mut *db)
    .await?;
    let open = crate::decisions::db::still_open(&mut *db, &ids, now).await?;
    Ok(ids.into_iter().find(|id| open.contains(id)))
}

async fn audit_rfc(
    tx: &mut Transaction<'_, Postgres>,
    rfc: &Rfc,
    action: &'static str,
    actor: &User,
    details: serde_json::Value,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action,
            subject: subject(rfc.id, &rfc.current.title),
            team_id: Some(rfc.team_id),
            visibility: visibility_at(rfc.is_public(now)),
            details,
        },
    )
    .await?;
    Ok(())
}

pub async fn raise(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    person: &User,
    title: &str,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    let pending = pending_settlement(tx, rfc_id, now).await?;
    if let Some(problem) = raising_problem(&rfc, pending) {
        return Err(WriteError::Refused(problem));
    }
    let id = sqlx::query_scalar!(
        "insert into rfc_concerns (rfc_id, raised_by, title, raised_at) values ($1, $2, $3, $4) returning id",
        rfc_id,
        person.id,
        title,
        now
    )
    .fetch_one(&mut **tx)
    .await?;
    let details = json!({ "concern_id": id, "concern": title });
    audit_rfc(tx, &rfc, "rfc.concern_raised", person, details, now).await?;
    Ok(id)
}

pub async fn resolve(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    concern_id: i64,
    person: &User,
    resolution: &str,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    let concern = concerns(&mut **tx, rfc_id)
        .await?
        .into_iter()
        .find(|c| c.id == concern_id)
        .ok_or_else(|| WriteError::Refused("There is no such concern on this RFC.".into()))?;
    if let Some(problem) = resolving_problem(&concern, person.id) {
        return Err(WriteError::Refused(problem));
    }
    sqlx::query!(
        "update rfc_concerns set resolved_at = $2, resolution = $3 where id = $1",
        concern_id,
        now,
        resolution
    )
    .execute(&mut **tx)
    .await?;
    let details =
        json!({ "concern_id": concern_id, "concern": concern.title, "resolution": resolution });
    audit_rfc(tx, &rfc, "rfc.concern_resolved", person, details, now).await?;
    Ok(())
}

/// Carries the RFC's open concerns into the decision `decision_id` that was just opened
/// to settle it, in the same transaction; returns how many.
pub async fn carry(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    decision_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<usize, WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    let all = concerns(&mut **tx, rfc_id).await?;
    let deciders = sqlx::query_scalar!(
        "select user_id from decision_deciders where decision_id = $1",
        decision_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let carried = to_carry(&all, &deciders);
    for concern in &carried {
        let into = sqlx::query_scalar!(
            "insert into decision_concerns (decision_id, raised_by, title, raised_at) values ($1, $2, $3, $4)
             returning id",
            decision_id,
            concern.raised_by,
            concern.title,
            concern.raised_at
        )
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query!(
            "update rfc_concerns set carried_to = $2, carried_at = $3 where id = $1",
            concern.id,
            into,
            now
        )
        .execute(&mut **tx)
        .await?;
    }
    if !carried.is_empty() {
        let details = json!({
            "decision_id": decision_id,
            "concerns": carried.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
        });
        audit_rfc(tx, &rfc, "rfc.concerns_carried", actor, details, now).await?;
    }
    Ok(carried.len())
}

async fn load_member(
    state: &AppState,
    id: i64,
    user: &User,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let rfc = super::db::find_rfc(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teams = crate::teams::db::current_team_ids(&state.pool, user.id).await?;
    let standing = model::Standing::of(Some(user.id), rfc.team_id, &teams);
    model::require_reader(&rfc, &standing, now)?;
    model::require_team_member(&standing)
}

fn to_page(id: i64) -> String {
    format!("/rfcs/{id}#concerns-heading")
}

pub async fn raise_concern(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ConcernForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    load_member(&state, id, &user, now).await?;
    let title = form.validate().map_err(|e| {
        AppError::Conflict(
            e.iter()
                .map(|(_, m)| m.clone())
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let mut tx = state.pool.begin().await?;
    match raise(&mut tx, id, &user, &title, now).await {
        Err(e) if e.constraint() == Some("rfc_concerns_once") => Err(AppError::Conflict(
            "You have already raised this concern, and it is not resolved yet.".into(),
        )),
        Err(e) => Err(e.into()),
        Ok(_) => {
            let message =
                "Your concern is raised on the RFC; a decision that settles it will carry it.";
            done(tx, message, &to_page(id)).await
        }
    }
}

pub async fn resolve_concern(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, concern_id)): Path<(i64, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    load_member(&state, id, &user, now).await?;
    let resolution = form.validate().map_err(|e| {
        AppError::Conflict(
            e.iter()
                .map(|(_, m)| m.clone())
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let mut tx = state.pool.begin().await?;
    resolve(&mut tx, id, concern_id, &user, &resolution, now).await?;
    done(tx, "Your concern on the RFC is resolved.", &to_page(id)).await
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn concern(id: i64, raised_by: i64) -> RfcConcern {
        RfcConcern {
            id,
            raised_by,
            raised_by_login: format!("p{raised_by}"),
            title: "Too broad".into(),
            raised_at: datetime!(2026-05-01 12:00 UTC),
            resolved_at: None,
            resolution: None,
            carried_into: None,
        }
    }

    #[test]
    fn open_concerns_of_deciders_are_carried_and_no_others() {
        let resolved = RfcConcern {
            resolved_at: Some(datetime!(2026-05-02 12:00 UTC)),
            resolution: Some("Narrowed.".into()),
            ..concern(2, 1)
        };
        let carried = RfcConcern {
            carried_into: Some(9),
            ..concern(3, 1)
        };
        let all = vec![
            concern(1, 1),
            resolved,
            carried,
            concern(4, 2),
            concern(5, 3),
        ];
        let ids: Vec<i64> = to_carry(&all, &[1, 3]).iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![1, 5]);
    }

    #[test]
    fn only_the_raiser_resolves_a_concern_still_on_the_rfc() {
        assert_eq!(resolving_problem(&concern(1, 1), 1), None);
        assert!(resolving_problem(&concern(1, 1), 2).is_some());
        let carried = RfcConcern {
            carried_into: Some(9),
            ..concern(1, 1)
        };
        assert!(resolving_problem(&carried, 1).unwrap().contains("#9"));
    }
}
