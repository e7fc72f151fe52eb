//! Overruling a concern (`model::overrule`): its SQL, the button on a concern that opens
//! the linked decision, and the arm of `db::apply_effect` that marks the concern
//! overruled when that decision's outcome is recorded. Opening locks the concerned
//! decision's row and checks the rule under the lock; applying locks it again (after the
//! overrule's own row, which `db::record_outcome` holds: always in that order) and refuses
//! once the concerned decision is no longer open, so its outcome never moves.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::db::{Seats, concerns, lock_decision, open_seated, record, still_open};
use super::handlers::{load_decision, to_page};
use super::model::overrule::{self, Raiser};
use super::model::{self, Concern, Decision, Effect, NewDecision, require_open};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::teams::model::Role;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;

/// Where each concern of a decision stands towards overruling, for its page and its
/// writes: the raiser's standing, the charter's days, and the overrule decisions opened
/// on it.
#[derive(Clone, Debug, Default)]
pub struct Standings {
    pub answer_days: i32,
    pub raisers: HashMap<i64, Raiser>,
    /// Per concern: the overrule decisions opened on it, with whether each is still open.
    pub overrules: HashMap<i64, Vec<(i64, bool)>>,
}

impl Standings {
    /// The overrule of `concern_id` that is still open, if any.
    pub fn pending(&self, concern_id: i64) -> Option<i64> {
        self.overrules
            .get(&concern_id)
            .and_then(|list| list.iter().find(|(_, open)| *open).map(|(id, _)| *id))
    }
}

/// The standings of every concern of `decision` at `now`, in three statements.
pub async fn standings(
    db: &mut sqlx::PgConnection,
    decision: &Decision,
    now: OffsetDateTime,
) -> sqlx::Result<Standings> {
    let answer_days = sqlx::query_scalar!(
        "select concern_answer_days from teams where id = $1",
        decision.team_id
    )
    .fetch_one(&mut *db)
    .await?;
    let rows = sqlx::query!(
        "select c.id, m.role as \"role?\",
                greatest(c.raised_at,
                         (select max(p.at) from decision_positions p
                          where p.decision_id = c.decision_id and p.user_id = c.raised_by and p.by_proxy_id is null),
                         (select max(h.placed_at) from decision_holds h
                          where h.decision_id = c.decision_id and h.placed_by = c.raised_by)) as \"last!\"
         from decision_concerns c
         left join memberships m on m.team_id = $2 and m.user_id = c.raised_by and m.left_at is null
         where c.decision_id = $1",
        decision.id,
        decision.team_id
    )
    .fetch_all(&mut *db)
    .await?;
    let raisers = rows
        .into_iter()
        .map(|r| {
            let role = r.role.as_deref().and_then(Role::parse);
            (
                r.id,
                Raiser {
                    role,
                    last_answer_at: r.last,
                },
            )
        })
        .collect();
    let overrules = overrules_of(&mut *db, decision.id, now).await?;
    Ok(Standings {
        answer_days,
        raisers,
        overrules,
    })
}

/// The overrule decisions opened on the concerns of `decision_id`, oldest first, with
/// whether each is still open at `now`.
async fn overrules_of(
    db: &mut sqlx::PgConnection,
    decision_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<HashMap<i64, Vec<(i64, bool)>>> {
    let rows = sqlx::query!(
        "select d.id, d.overrules_concern_id as \"concern_id!\"
         from decisions d join decision_concerns c on c.id = d.overrules_concern_id
         where c.decision_id = $1
         order by d.id",
        decision_id
    )
    .fetch_all(&mut *db)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let open = still_open(&mut *db, &ids, now).await?;
    let mut found: HashMap<i64, Vec<(i64, bool)>> = HashMap::new();
    for r in rows {
        found
            .entry(r.concern_id)
            .or_default()
            .push((r.id, open.contains(&r.id)));
    }
    Ok(found)
}

/// Opens the decision that would overrule `concern_id` of `decision_id`, for `actor`;
/// returns its id. It closes when the concerned decision closes (after that, overruling
/// could not change it) and is as public as that decision.
pub async fn open_overrule(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    concern_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let concern = find_concern(&mut **tx, decision_id, concern_id).await?;
    let standings = standings(tx, &decision, now).await?;
    let raiser =
        standings.raisers.get(&concern_id).copied().ok_or_else(|| {
            WriteError::Refused("There is no such concern on this decision.".into())
        })?;
    if let Some(problem) = overrule::opening_problem(
        &concern,
        actor.id,
        raiser,
        standings.answer_days,
        standings.pending(concern_id),
        now,
    ) {
        return Err(WriteError::Refused(problem));
    }
    let ground = overrule::ground(raiser, standings.answer_days, now)
        .map(|g| g.describe(&concern.raised_by_login, standings.answer_days))
        .unwrap_or_default();
    let team = crate::teams::db::find_team(&mut **tx, &decision.team_slug)
        .await?
        .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
    let new = NewDecision {
        question: overrule::question(&concern, decision_id),
        body: format!(
            "Decision #{decision_id}, “{}”, is held by the concern “{}”, raised by {} on {}, who cannot answer it now: {ground}.\n\n\
             If this decision passes and its outcome is recorded, the concern is marked overruled and no longer holds decision #{decision_id}. \
             The deciders are those of decision #{decision_id} who are still members and not on leave, without {}, under the same rule.",
            decision.question,
            concern.title,
            concern.raised_by_login,
            crate::web::dates::format_utc(concern.raised_at),
            concern.raised_by_login,
        ),
        closes_at: decision.closes_at,
        is_public: decision.is_public,
        effect: Effect::OverruleConcern {
            decision_id,
            concern_id,
            title: concern.title.clone(),
            raised_by: concern.raised_by_login.clone(),
        },
    };
    let seats = Seats::Overrule {
        of: &decision,
        concern_id,
        raiser: concern.raised_by,
    };
    let id = open_seated(tx, &team, &new, actor, seats, now).await?;
    let details = json!({
        "concern_id": concern_id,
        "concern": concern.title,
        "overrule_decision_id": id,
        "ground": ground,
    });
    record(
        tx,
        &decision,
        "decision.overrule_opened",
        actor,
        details,
        now,
    )
    .await?;
    Ok(id)
}

async fn find_concern(
    db: impl PgExecutor<'_>,
    decision_id: i64,
    concern_id: i64,
) -> Result<Concern, WriteError> {
    concerns(db, decision_id)
        .await?
        .into_iter()
        .find(|c| c.id == concern_id)
        .ok_or_else(|| WriteError::Refused("There is no such concern on this decision.".into()))
}

/// The effect of a recorded overrule (`overrule`, a decision already locked by the
/// caller): the concern is resolved as overruled, with the overrule's link, and the
/// concerned decision's log says so.
pub(super) async fn apply(
    tx: &mut Transaction<'_, Postgres>,
    overrule: &Decision,
    decision_id: i64,
    concern_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let refused = |why: String| WriteError::Refused(format!("The effect cannot be applied: {why}"));
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now))
        .map_err(|_| refused(format!("decision #{decision_id} is no longer open.")))?;
    let concern = find_concern(&mut **tx, decision_id, concern_id).await?;
    if concern.resolved_at.is_some() {
        return Err(refused("the concern is already resolved.".into()));
    }
    let resolution = overrule::resolution(overrule.id);
    sqlx::query!(
        "update decision_concerns set resolved_at = $2, resolution = $3, overruled_by = $4 where id = $1",
        concern_id,
        now,
        resolution,
        overrule.id
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({
        "concern_id": concern_id,
        "concern": concern.title,
        "overrule_decision_id": overrule.id,
    });
    record(
        tx,
        &decision,
        "decision.concern_overruled",
        actor,
        details,
        now,
    )
    .await?;
    Ok(())
}

pub async fn open(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, concern_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let mut tx = state.pool.begin().await?;
    let opened = open_overrule(&mut tx, id, concern_id, &user, now).await?;
    let message = format!(
        "Decision #{opened} is open: if it passes and its outcome is recorded, the concern is overruled."
    );
    done(tx, message, &to_page(opened)).await
}
