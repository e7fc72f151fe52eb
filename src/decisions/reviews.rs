//! Review dates (`model::reviews`): their SQL, the one-click "review" that opens a new
//! decision linked to the old one, the team page's list of reviews due and the reminders
//! the notifications scan queues. The date itself is recorded with the outcome
//! (`db::record_outcome`). Opening a review locks the old decision's row; a unique index
//! (`decisions_reviews_once`) keeps it to one review per decision however requests race.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use time::{Date, Duration, OffsetDateTime};

use super::db::{lock_decision, open_decision, record, recorded_outcome};
use super::handlers::{load_decision, to_page};
use super::model::reviews::{self, CATCH_UP_DAYS};
use super::model::{self, DEFAULT_OPEN_FOR, Effect, NewDecision};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::notify::model::Notice;
use crate::teams::db::WriteError;
use crate::web::dates::format_date;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;

/// How a decision is linked to reviews.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// The decision this one reviews.
    pub reviews: Option<i64>,
    /// The decision that reviews this one.
    pub reviewed_by: Option<i64>,
}

pub async fn links(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Links> {
    let row = sqlx::query!(
        "select d.reviews_decision_id,
                (select r.id from decisions r where r.reviews_decision_id = d.id) as reviewed_by
         from decisions d where d.id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(|r| Links {
            reviews: r.reviews_decision_id,
            reviewed_by: r.reviewed_by,
        })
        .unwrap_or_default())
}

/// A review due, as the team page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub question: String,
    pub review_on: Date,
}

/// The team's reviews due at `now` (`decision_review_due`) and not yet opened, soonest
/// first: every one for its members, the public decisions' for everyone else.
pub async fn due_for_team(
    db: impl PgExecutor<'_>,
    team_id: i64,
    member: bool,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as!(
        Due,
        "select d.id, d.question, o.review_on as \"review_on!\"
         from decision_outcomes o join decisions d on d.id = o.decision_id
         where d.team_id = $1 and o.review_on is not null and decision_review_due(o.review_on, $2)
           and ($3 or d.is_public)
           and not exists (select 1 from decisions r where r.reviews_decision_id = d.id)
         order by o.review_on, d.id
         limit 50",
        team_id,
        now,
        member
    )
    .fetch_all(db)
    .await
}

/// Opens the decision that reviews decision `id`; returns its id.
pub async fn open_review(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    let (decision, _) = lock_decision(tx, id).await?;
    let outcome = recorded_outcome(&mut **tx, id).await?;
    let Some((outcome, review_on)) = outcome.and_then(|o| o.review_on.map(|day| (o, day))) else {
        return Err(WriteError::Refused(
            "This decision has no review date to review it on.".into(),
        ));
    };
    if let Some(by) = links(&mut **tx, id).await?.reviewed_by {
        return Err(WriteError::Refused(format!(
            "Decision #{by} already reviews this decision."
        )));
    }
    let team = crate::teams::db::find_team(&mut **tx, &decision.team_slug)
        .await?
        .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
    let new = NewDecision {
        question: reviews::question(id, &decision.question),
        body: format!(
            "Decision #{id}, “{}”, passed with the outcome recorded on {}:\n\n{}\n\nIt was to be reviewed on {}. Do we keep it, change it or end it?",
            decision.question,
            format_date(outcome.recorded_at.date()),
            outcome.statement,
            format_date(review_on)
        ),
        closes_at: now + DEFAULT_OPEN_FOR,
        is_public: decision.is_public,
        effect: Effect::Text {
            text: format!(
                "What the outcome statement says becomes of decision #{id}: kept, changed or ended."
            ),
        },
    };
    let review = open_decision(tx, &team, &new, actor, now).await?;
    sqlx::query!(
        "update decisions set reviews_decision_id = $2 where id = $1",
        review,
        id
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({ "review_decision_id": review, "review_on": format_date(review_on) });
    record(tx, &decision, "decision.review_opened", actor, details, now).await?;
    Ok(review)
}

pub async fn open(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (_, standing) = load_decision(&state, id, Some(&user)).await?;
    model::require_member(&standing)?;
    let mut tx = state.pool.begin().await?;
    let review = match open_review(&mut tx, id, &user, now).await {
        Err(e) if e.constraint() == Some("decisions_reviews_once") => {
            return Err(AppError::Conflict(
                "A review of this decision was opened at the same moment.".into(),
            ));
        }
        other => other?,
    };
    let message = format!("Decision #{review} reviews decision #{id}; it is open.");
    done(tx, message, &to_page(review)).await
}

/// The review reminders due at `now`: (unique key, recipients, notice). The recipients
/// are the team's members not on leave, who may read the decision whether it is public or
/// not.
pub async fn reminders(
    pool: &PgPool,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(String, Vec<i64>, Notice)>> {
    let today = now.date();
    let rows = sqlx::query!(
        "select d.id, d.question, t.name as team_name, o.review_on as \"review_on!\",
                array_agg(m.user_id order by m.user_id) as \"recipients!\"
         from decision_outcomes o
         join decisions d on d.id = o.decision_id
         join teams t on t.id = d.team_id and t.revoked_at is null
         join memberships m on m.team_id = d.team_id and m.left_at is null and m.role <> 'on_leave'
         where o.review_on between $1 and $2
           and not exists (select 1 from decisions r where r.reviews_decision_id = d.id)
         group by d.id, d.question, t.name, o.review_on",
        today - Duration::days(CATCH_UP_DAYS),
        today + Duration::days(reviews::AHEAD_DAYS)
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let stage = reviews::reminder(r.review_on, today)?;
            let day = format_date(r.review_on);
            let (subject, when) = match stage {
                reviews::Reminder::Ahead => (format!("Review on {day}"), format!("is to be reviewed on {day}")),
                reviews::Reminder::OnTheDay => (format!("Review due today ({day})"), format!("was to be reviewed on {day}")),
            };
            let notice = Notice {
                subject: format!("{subject}: {}", r.question),
                text: format!(
                    "Decision #{} of {}, \u{201c}{}\u{201d}, {when}. Its page has a button to open the review.",
                    r.id, r.team_name, r.question
                ),
                path: format!("/decisions/{}", r.id),
            };
            let key = format!("review:{}:{day}:{}", r.id, stage.key());
            Some((key, r.recipients, notice))
        })
        .collect())
}
