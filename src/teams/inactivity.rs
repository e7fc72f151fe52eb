//! Inactivity (the charter's `inactivity_days`): its rule, SQL and forms.
//!
//! - A member's latest activity in the team is the latest of: joining, a position of
//!   their own on one of its decisions, feedback on one of its RFCs, a post, a review of
//!   a post, a comment on a post, an event they added to a nomination in one of its
//!   calls, and an answer (their own "I am still active", or another member vouching).
//!   It is read from those rows (`last_active`), never stored.
//! - A member is flagged once that is older than the charter's period, and stays flagged
//!   through the notice period (`inactivity_notice_days`, default 30); after it, the team
//!   may move them to alumni by decision. The rule is [`standing`].
//! - The member answers "I am still active"; any other current member vouches for them.
//!   Either is an `activity_answers` row, audited for the team only.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::{Duration, OffsetDateTime};

use crate::app::AppState;
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;

/// How long a flagged member has to answer unless the charter says otherwise.
pub const NOTICE_DAYS_DEFAULT: i32 = 30;

/// The ledger's reason when a decision moves an inactive member to alumni.
pub const LEDGER_REASON: &str = "inactive";

/// Where a member stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Active,
    /// Inactive since `since`; the notice runs until `until`.
    Flagged {
        since: OffsetDateTime,
        until: OffsetDateTime,
    },
    /// The notice ran out at `since` without an answer.
    NoticeOver {
        since: OffsetDateTime,
    },
}

/// The rule: flagged from `last_active + period`, for `notice` days; after that the
/// notice is over. Without a period (`None`) nobody is flagged.
pub fn standing(
    last_active: OffsetDateTime,
    period_days: Option<i32>,
    notice_days: i32,
    now: OffsetDateTime,
) -> Activity {
    let Some(period) = period_days else {
        return Activity::Active;
    };
    let since = last_active + Duration::days(i64::from(period));
    let until = since + Duration::days(i64::from(notice_days));
    if now < since {
        Activity::Active
    } else if now < until {
        Activity::Flagged { since, until }
    } else {
        Activity::NoticeOver { since: until }
    }
}

/// The latest activity of each current member of `team_id`, in one statement.
pub async fn last_active(
    db: impl PgExecutor<'_>,
    team_id: i64,
) -> sqlx::Result<HashMap<i64, OffsetDateTime>> {
    let rows = sqlx::query!(
        "select m.user_id,
                greatest(m.joined_at,
                    (select max(p.at) from decision_positions p join decisions d on d.id = p.decision_id
                     where d.team_id = m.team_id and p.user_id = m.user_id and p.by_proxy_id is null),
                    (select max(f.created_at) from rfc_feedback f join rfcs r on r.id = f.rfc_id
                     where r.team_id = m.team_id and f.author_id = m.user_id),
                    (select max(po.created_at) from posts po where po.team_id = m.team_id and po.author_id = m.user_id),
                    (select max(rv.at) from post_reviews rv join posts po on po.id = rv.post_id
                     where po.team_id = m.team_id and rv.reviewer_id = m.user_id),
                    (select max(c.created_at) from post_comments c join posts po on po.id = c.post_id
                     where po.team_id = m.team_id and c.author_id = m.user_id),
                    (select max(e.at) from nomination_events e join nominations n on n.id = e.nomination_id
                     join calls ca on ca.id = n.call_id
                     where ca.team_id = m.team_id and e.actor_id = m.user_id),
                    (select max(a.at) from activity_answers a where a.team_id = m.team_id and a.user_id = m.user_id)
                ) as \"last!\"
         from memberships m
         where m.team_id = $1 and m.left_at is null",
        team_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.last)).collect())
}

/// A flagged member, as the team page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flagged {
    pub user_id: i64,
    pub login: String,
    pub activity: Activity,
}

/// The team's members flagged at `now`, by login.
pub async fn flagged(
    db: &mut sqlx::PgConnection,
    team: &crate::teams::model::Team,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Flagged>> {
    if team.charter.inactivity_days.is_none() {
        return Ok(Vec::new());
    }
    let last = last_active(&mut *db, team.id).await?;
    let ids: Vec<i64> = last.keys().copied().collect();
    let logins = sqlx::query!(
        "select id, login from users where id = any($1) order by lower(login)",
        &ids
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(logins
        .into_iter()
        .filter_map(|u| {
            let activity = standing(
                *last.get(&u.id)?,
                team.charter.inactivity_days,
                team.charter.inactivity_notice_days,
                now,
            );
            (activity != Activity::Active).then_some(Flagged {
                user_id: u.id,
                login: u.login,
                activity,
            })
        })
        .collect())
}

/// Records that `member` is active, answered by `by` (themself or a voucher). Both must
/// be current members (their rows locked for share, so a leaving waits).
pub async fn answer(
    tx: &mut Transaction<'_, Postgres>,
    team: &crate::teams::model::Team,
    member: &User,
    by: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let members = sqlx::query_scalar!(
        "select user_id from memberships where team_id = $1 and left_at is null and user_id = any($2) for share",
        team.id,
        &[member.id, by.id]
    )
    .fetch_all(&mut **tx)
    .await?;
    if !members.contains(&member.id) || !members.contains(&by.id) {
        return Err(WriteError::Refused(
            "Only a current member of the team answers for a current member.".into(),
        ));
    }
    sqlx::query!(
        "insert into activity_answers (team_id, user_id, by_id, at) values ($1, $2, $3, $4)",
        team.id,
        member.id,
        by.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let action = if member.id == by.id {
        "membership.still_active"
    } else {
        "membership.vouched"
    };
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(by.id),
            action,
            subject: Subject {
                kind: "team",
                id: Some(team.id),
                label: team.slug.clone(),
            },
            team_id: Some(team.id),
            visibility: Visibility::Team,
            details: json!({ "member": member.login }),
        },
    )
    .await?;
    Ok(())
}

async fn team_of(state: &AppState, slug: &str) -> Result<crate::teams::model::Team, AppError> {
    crate::teams::db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The team of `slug`, refused with `why` unless `user` is a current member of it.
async fn member_team(
    state: &AppState,
    slug: &str,
    user: &User,
    why: &'static str,
) -> Result<crate::teams::model::Team, AppError> {
    let team = team_of(state, slug).await?;
    if crate::teams::db::current_team_ids(&state.pool, user.id)
        .await?
        .contains(&team.id)
    {
        Ok(team)
    } else {
        Err(AppError::Forbidden(why))
    }
}

pub async fn still_active(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let team = member_team(
        &state,
        &slug,
        &user,
        "only the team's members answer for themselves",
    )
    .await?;
    let mut tx = state.pool.begin().await?;
    answer(&mut tx, &team, &user, &user, now).await?;
    let message = "Thank you: you are counted as active in the team from now.";
    done(tx, message, &format!("/teams/{slug}")).await
}

pub async fn vouch(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((slug, login)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let team = member_team(
        &state,
        &slug,
        &user,
        "only the team's members vouch for one another",
    )
    .await?;
    let member = crate::auth::db::find_by_login(&state.pool, &login)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.id == user.id {
        return Err(AppError::Conflict(
            "Say that you are still active instead of vouching for yourself.".into(),
        ));
    }
    let mut tx = state.pool.begin().await?;
    answer(&mut tx, &team, &member, &user, now).await?;
    let message = format!(
        "You vouched for {}: they count as active from now.",
        member.login
    );
    done(tx, message, &format!("/teams/{slug}")).await
}

/// Opens the decision "move X to alumni" once X's notice has run out: decided by the
/// team's members without X. X's ledger row is locked first, so two requests (or
/// instances) at once open one decision; a second is refused while one is open.
pub async fn open_alumni_decision(
    tx: &mut Transaction<'_, Postgres>,
    team: &crate::teams::model::Team,
    member: &User,
    opener: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    use crate::decisions::model::{Effect, NewDecision};
    let row = sqlx::query_scalar!(
        "select id from memberships where team_id = $1 and user_id = $2 and left_at is null for update",
        team.id,
        member.id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_none() {
        return Err(WriteError::Refused(format!(
            "{} is not a member of the team.",
            member.login
        )));
    }
    if member.id == opener.id {
        return Err(WriteError::Refused(
            "You cannot open the decision about yourself; say that you are still active instead."
                .into(),
        ));
    }
    let last = last_active(&mut **tx, team.id).await?;
    let activity = last.get(&member.id).map(|at| {
        standing(
            *at,
            team.charter.inactivity_days,
            team.charter.inactivity_notice_days,
            now,
        )
    });
    let Some(Activity::NoticeOver { since }) = activity else {
        return Err(WriteError::Refused(format!(
            "{}'s notice has not run out: they may still say they are active, or be vouched for.",
            member.login
        )));
    };
    let pending = sqlx::query_scalar!(
        "select id from decisions
         where team_id = $1 and effect ->> 'kind' = 'move_to_alumni' and effect ->> 'login' = $2
           and withdrawn_at is null",
        team.id,
        member.login
    )
    .fetch_all(&mut **tx)
    .await?;
    let open = crate::decisions::db::still_open(tx, &pending, now).await?;
    if let Some(id) = pending.iter().find(|id| open.contains(id)) {
        return Err(WriteError::Refused(format!(
            "Decision #{id} to move {} to alumni is already open.",
            member.login
        )));
    }
    let new = NewDecision {
        question: format!("Move {} to alumni?", member.login),
        body: format!(
            "{} has had nothing in {} (a position, feedback, a post, a review, a comment, a nomination note) for {} days, and the notice ran out on {} without an answer or a vouch.\n\n\
             If this passes and its outcome is recorded, {} leaves the team with the reason “{LEDGER_REASON}”; they can be welcomed back like anyone.",
            member.login,
            team.name,
            team.charter.inactivity_days.unwrap_or_default(),
            crate::web::dates::format_utc(since),
            member.login
        ),
        closes_at: now + crate::decisions::model::DEFAULT_OPEN_FOR,
        is_public: false,
        effect: Effect::MoveToAlumni {
            login: member.login.clone(),
        },
    };
    let seats = crate::decisions::db::Seats::Without { user_id: member.id };
    crate::decisions::db::open_seated(tx, team, &new, opener, seats, now).await
}

pub async fn open_alumni(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((slug, login)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let team = member_team(
        &state,
        &slug,
        &user,
        "only the team's members open its decisions",
    )
    .await?;
    let member = crate::auth::db::find_by_login(&state.pool, &login)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let id = open_alumni_decision(&mut tx, &team, &member, &user, now).await?;
    let message = format!(
        "Decision #{id} is open: {} is not among its deciders.",
        member.login
    );
    done(tx, message, &format!("/decisions/{id}")).await
}

/// Notices to members flagged at `now` (one per flagging, keyed by team, member and the
/// moment they were flagged): (key, recipients, notice).
pub async fn notices(
    pool: &sqlx::PgPool,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(String, Vec<i64>, crate::notify::model::Notice)>> {
    let teams: Vec<String> = sqlx::query_scalar!(
        "select slug from teams where inactivity_days is not null and revoked_at is null order by id"
    )
    .fetch_all(pool)
    .await?;
    let mut found = Vec::new();
    let mut conn = pool.acquire().await?;
    for slug in teams {
        let Some(team) = crate::teams::db::find_team(&mut *conn, &slug).await? else {
            continue;
        };
        for f in flagged(&mut conn, &team, now).await? {
            let Activity::Flagged { since, until } = f.activity else {
                continue;
            };
            found.push((
                format!("inactive:{}:{}:{}", team.id, f.user_id, since.unix_timestamp()),
                vec![f.user_id],
                crate::notify::model::Notice {
                    subject: format!("Are you still active in {}?", team.name),
                    text: format!(
                        "Nothing of yours has been in {} for {} days. If you are still active, say so on the team page with the button \u{201c}I am still active\u{201d} before {}; another member may also vouch for you. Otherwise the team may move you to alumni.",
                        team.name,
                        team.charter.inactivity_days.unwrap_or_default(),
                        crate::web::dates::format_utc(until)
                    ),
                    path: format!("/teams/{}#inactivity", team.slug),
                },
            ));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const LAST: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);

    #[test]
    fn flagged_after_the_period_for_the_notice_then_over() {
        let day = |n: i64| LAST + Duration::days(n);
        assert_eq!(standing(LAST, Some(180), 30, day(179)), Activity::Active);
        assert_eq!(
            standing(LAST, Some(180), 30, day(180)),
            Activity::Flagged {
                since: day(180),
                until: day(210)
            }
        );
        assert_eq!(
            standing(LAST, Some(180), 30, day(210) - Duration::seconds(1)),
            Activity::Flagged {
                since: day(180),
                until: day(210)
            }
        );
        assert_eq!(
            standing(LAST, Some(180), 30, day(210)),
            Activity::NoticeOver { since: day(210) }
        );
    }

    #[test]
    fn without_a_period_nobody_is_flagged() {
        assert_eq!(
            standing(LAST, None, 30, LAST + Duration::days(5000)),
            Activity::Active
        );
    }
}
