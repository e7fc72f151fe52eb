//! Handing a concern over (`model::handover`): its SQL and its form on the decision's
//! page. The write locks the decision's row, checks the rule again under the lock and
//! audits in the same transaction.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use super::db::{concerns, is_decider, lock_decision, record};
use super::handlers::{load_decision, to_page};
use super::model::handover::{self, Recipient};
use super::model::{self, require_open};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::Form;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HandOverForm {
    pub to_login: String,
}

/// Hands `concern_id` over from its raiser to the decider `login`; returns their login.
pub async fn hand_over(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    concern_id: i64,
    raiser: &User,
    login: &str,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let concern = concerns(&mut **tx, decision_id)
        .await?
        .into_iter()
        .find(|c| c.id == concern_id)
        .ok_or_else(|| WriteError::Refused("There is no such concern on this decision.".into()))?;
    let recipient = match crate::auth::db::find_by_login(&mut **tx, login).await? {
        None => None,
        Some(user) => Some(Recipient {
            is_decider: is_decider(&mut **tx, decision_id, user.id).await?,
            is_member: crate::decisions::db::current_role(tx, decision.team_id, user.id)
                .await?
                .is_some(),
            user_id: user.id,
            login: user.login,
        }),
    };
    if let Some(problem) = handover::handover_problem(&concern, raiser.id, recipient.as_ref()) {
        return Err(WriteError::Refused(problem));
    }
    let Some(to) = recipient else {
        return Err(WriteError::Refused("Nobody has that login.".into()));
    };
    sqlx::query!(
        "update decision_concerns set handed_to = $2, handed_at = $3 where id = $1",
        concern_id,
        to.user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({ "concern_id": concern_id, "concern": concern.title, "to": to.login });
    record(
        tx,
        &decision,
        "decision.concern_handed_over",
        raiser,
        details,
        now,
    )
    .await?;
    Ok(to.login)
}

pub async fn hand_over_concern(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, concern_id)): Path<(i64, i64)>,
    Form(form): Form<HandOverForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_decider(&standing)?;
    let login = form.to_login.trim().trim_start_matches('@');
    if let Some(problem) = crate::auth::model::login_problem(login) {
        return Err(AppError::Conflict(format!(
            "Hand the concern to whom? {problem}"
        )));
    }
    let mut tx = state.pool.begin().await?;
    let to = hand_over(&mut tx, id, concern_id, &user, login, now).await?;
    let message = format!("The concern is handed over to {to}, who may now resolve it.");
    done(tx, message, &to_page(id)).await
}
