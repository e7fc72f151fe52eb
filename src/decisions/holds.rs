//! Holds (`model::holds`): their SQL and their two forms on a decision's page, placing one
//! and releasing it. Each write locks the decision's row, computes the outcome again under
//! the lock and audits in the same transaction. A lapse writes nothing: it is computed.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::db::{lock_decision, record};
use super::handlers::{load_decision, to_page};
use super::model::holds::{self, Hold};
use super::model::{self, require_open};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::web::dates::{format_utc, rfc3339};
use crate::web::extract::CurrentUser;
use crate::web::flash::done;

/// Every hold placed on a decision, in the order placed.
pub async fn holds(db: impl PgExecutor<'_>, decision_id: i64) -> sqlx::Result<Vec<Hold>> {
    sqlx::query_as!(
        Hold,
        "select h.id, h.placed_by, u.login as placed_by_login, h.placed_at, h.lapses_at, h.released_at
         from decision_holds h join users u on u.id = h.placed_by
         where h.decision_id = $1
         order by h.id",
        decision_id
    )
    .fetch_all(db)
    .await
}

/// Places `decider`'s hold on an open decision; returns when it lapses.
pub async fn place_hold(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    decider: &User,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let placed = holds(&mut **tx, decision_id).await?;
    if let Some(problem) = holds::placing_problem(&placed, decider.id) {
        return Err(WriteError::Refused(problem.into()));
    }
    let lapses_at = holds::lapses_at(now, decision.hold_days);
    sqlx::query!(
        "insert into decision_holds (decision_id, placed_by, placed_at, lapses_at)
         values ($1, $2, $3, $4)",
        decision_id,
        decider.id,
        now,
        lapses_at
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({ "lapses_at": rfc3339(lapses_at), "hold_days": decision.hold_days });
    record(tx, &decision, "decision.hold_placed", decider, details, now).await?;
    Ok(lapses_at)
}

/// Releases `decider`'s standing hold.
pub async fn release_hold(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    decider: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let placed = holds(&mut **tx, decision_id).await?;
    let Some(hold) = holds::releasable(&placed, decider.id, now) else {
        return Err(WriteError::Refused(
            "You have no standing hold on this decision to release.".into(),
        ));
    };
    sqlx::query!(
        "update decision_holds set released_at = $2 where id = $1",
        hold.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        &decision,
        "decision.hold_released",
        decider,
        json!({ "placed_at": rfc3339(hold.placed_at) }),
        now,
    )
    .await?;
    Ok(())
}

pub async fn place(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let mut tx = state.pool.begin().await?;
    let lapses_at = match place_hold(&mut tx, id, &user, now).await {
        Err(e) if e.constraint() == Some("decision_holds_once") => {
            return Err(AppError::Conflict(
                "You have already placed a hold on this decision.".into(),
            ));
        }
        other => other?,
    };
    let message = format!(
        "Your hold is placed: the decision cannot pass early until you release it or it lapses on {}.",
        format_utc(lapses_at)
    );
    done(tx, message, &to_page(id)).await
}

pub async fn release(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let mut tx = state.pool.begin().await?;
    release_hold(&mut tx, id, &user, now).await?;
    done(tx, "Your hold is released.", &to_page(id)).await
}
