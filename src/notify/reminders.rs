//! Reminders the clock makes due: found by a scan once a minute, each event with a unique
//! key per recipient (`db::enqueue`), so scanning again, or on several instances at once,
//! queues nothing twice. Each scan looks back only a few days, so an instance that was
//! down catches up on what it missed while nobody is reminded of something old.

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use super::db;
use super::model::{Kind, Notice};
use super::webhooks::Event;
use crate::web::dates::format_utc;

/// How far back a scan looks for deadlines that passed.
const LOOK_BACK: Duration = Duration::days(3);

/// One event found by a scan: whom to tell and what.
struct Found {
    key: String,
    recipients: Vec<i64>,
    notice: Notice,
}

/// Queues every reminder due at `now`; returns how many notices were queued.
pub async fn scan(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<u64> {
    let mut queued = 0;
    crate::tokens::db::revoke_unused(pool, now).await?;
    for (kind, found) in [
        (
            Kind::DecisionClosingSoon,
            decisions_closing(pool, now).await?,
        ),
        (Kind::ConcernOpen, concerns_open(pool, now).await?),
        (Kind::DecisionClosed, decisions_closed(pool, now).await?),
        (Kind::WindowClosing, windows(pool, now).await?),
        (Kind::PostAwaitsReview, posts_waiting(pool, now).await?),
        (Kind::ActionItemDue, action_items(pool, now).await?),
        (Kind::NominationStale, stale_nominations(pool, now).await?),
        (Kind::CharterReview, charter_reviews(pool, now).await?),
        (Kind::DecisionReview, decision_reviews(pool, now).await?),
        (Kind::InactivityNotice, inactivity_notices(pool, now).await?),
        (Kind::TokenExpiring, tokens_ending(pool, now).await?),
    ] {
        if found.is_empty() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for f in &found {
            queued += db::enqueue(&mut tx, kind, &f.key, &f.notice, &f.recipients, now).await?;
        }
        tx.commit().await?;
    }
    let events = window_events(pool, now).await?;
    if !events.is_empty() {
        let mut tx = pool.begin().await?;
        for (team_id, event) in &events {
            queued += db::enqueue_webhooks(&mut tx, *team_id, event, now).await?;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// Feedback windows that opened or closed lately, for the teams' webhooks (public: an
/// RFC with a window is public from its opening).
async fn window_events(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<(i64, Event)>> {
    let rows = sqlx::query!(
        r#"select r.id, r.team_id, t.slug, t.name, v.title,
                  r.opens_at as "opens_at!", r.closes_at as "closes_at!"
           from rfcs r
           join teams t on t.id = r.team_id
           join lateral (select title from rfc_revisions where rfc_id = r.id order by number desc limit 1) v on true
           where (r.opens_at <= $1 and r.opens_at > $2) or (r.closes_at <= $1 and r.closes_at > $2)"#,
        now,
        now - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    let mut events = Vec::new();
    for r in rows {
        let recent = |at: OffsetDateTime| at <= now && at > now - LOOK_BACK;
        let path = format!("/rfcs/{}", r.id);
        if recent(r.opens_at) {
            events.push((
                r.team_id,
                Event::new(
                    "window.opened",
                    format!("rfc:{}:opened:{}", r.id, r.opens_at.unix_timestamp()),
                    (&r.slug, &r.name),
                    &r.title,
                    path.clone(),
                    r.opens_at,
                    format!("Feedback is open until {}.", format_utc(r.closes_at)),
                ),
            ));
        }
        if recent(r.closes_at) {
            events.push((
                r.team_id,
                Event::new(
                    "window.closed",
                    format!("rfc:{}:closed:{}", r.id, r.closes_at.unix_timestamp()),
                    (&r.slug, &r.name),
                    &r.title,
                    path,
                    r.closes_at,
                    "The feedback window closed.".to_string(),
                ),
            ));
        }
    }
    Ok(events)
}

/// Decisions closing within a day: their deciders who have taken no position.
async fn decisions_closing(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"select d.id, d.question, d.closes_at,
                  array_agg(dd.user_id) as "recipients!"
           from decisions d
           join decision_deciders dd on dd.decision_id = d.id
           where d.closes_at > $1 and d.closes_at <= $1 + interval '24 hours'
             and d.withdrawn_at is null
             and not exists (select 1 from decision_outcomes o where o.decision_id = d.id)
             and not exists (select 1 from decision_positions p
                             where p.decision_id = d.id and p.user_id = dd.user_id)
           group by d.id"#,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Found {
            key: format!("decision:{}:closing", r.id),
            recipients: r.recipients,
            notice: Notice {
                subject: format!("Closes within a day: {}", r.question),
                text: format!(
                    "The decision \u{201c}{}\u{201d} closes at {} and you have not taken a position yet.",
                    r.question,
                    format_utc(r.closes_at)
                ),
                path: format!("/decisions/{}", r.id),
            },
        })
        .collect())
}

/// Concerns still open on decisions closing within a day: their raisers.
async fn concerns_open(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"select c.id, c.title, c.raised_by, d.id as decision_id, d.question, d.closes_at
           from decision_concerns c
           join decisions d on d.id = c.decision_id
           where c.resolved_at is null
             and d.closes_at > $1 and d.closes_at <= $1 + interval '24 hours'
             and d.withdrawn_at is null"#,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Found {
            key: format!("concern:{}:closing", r.id),
            recipients: vec![r.raised_by],
            notice: Notice {
                subject: format!("Your concern is still open: {}", r.title),
                text: format!(
                    "Your concern \u{201c}{}\u{201d} on \u{201c}{}\u{201d} is still open, and the decision closes at {}. Resolve it if it has been answered.",
                    r.title,
                    r.question,
                    format_utc(r.closes_at)
                ),
                path: format!("/decisions/{}", r.decision_id),
            },
        })
        .collect())
}

/// Decisions that closed lately: their deciders learn the outcome.
async fn decisions_closed(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    use crate::decisions::{db as decisions_db, model::Outcome};
    let ids = sqlx::query_scalar!(
        "select id from decisions where closes_at <= $1 and closes_at > $2 and withdrawn_at is null",
        now,
        now - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tallies = decisions_db::tallies(pool, &ids).await?;
    let deciders = sqlx::query!(
        r#"select decision_id, array_agg(user_id) as "users!" from decision_deciders
           where decision_id = any($1) group by decision_id"#,
        &ids
    )
    .fetch_all(pool)
    .await?;
    let mut found = Vec::new();
    for row in deciders {
        let (Some(decision), Some(tally)) = (
            decisions_db::find_decision(pool, row.decision_id).await?,
            tallies.get(&row.decision_id),
        ) else {
            continue;
        };
        let outcome = decision.outcome(tally, now);
        let said = match outcome {
            Outcome::Passed => "passed",
            Outcome::Blocked => "was blocked",
            Outcome::Lapsed => "lapsed",
            Outcome::Open | Outcome::Withdrawn => continue,
        };
        found.push(Found {
            key: format!("decision:{}:closed", decision.id),
            recipients: row.users,
            notice: Notice {
                subject: format!("Decision {said}: {}", decision.question),
                text: format!(
                    "The decision \u{201c}{}\u{201d} of {} {said} when it closed at {}.",
                    decision.question,
                    decision.team_name,
                    format_utc(decision.closes_at)
                ),
                path: format!("/decisions/{}", decision.id),
            },
        });
    }
    Ok(found)
}

/// Feedback windows closing within two days, and windows closed lately with feedback and
/// no published disposition: the team's members.
async fn windows(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"select r.id, r.closes_at as "closes_at!", t.name as team_name, v.title,
                  r.closes_at <= $1 as "closed!",
                  array_agg(m.user_id) as "recipients!"
           from rfcs r
           join teams t on t.id = r.team_id
           join lateral (select title from rfc_revisions where rfc_id = r.id order by number desc limit 1) v on true
           join memberships m on m.team_id = r.team_id and m.left_at is null and m.role <> 'on_leave'
           where not exists (select 1 from rfc_resolutions s where s.rfc_id = r.id)
             and ((r.closes_at > $1 and r.closes_at <= $1 + interval '48 hours')
               or (r.closes_at <= $1 and r.closes_at > $2 and r.disposition_published_at is null
                   and exists (select 1 from rfc_feedback f where f.rfc_id = r.id and f.withdrawn_at is null)))
           group by r.id, t.name, v.title"#,
        now,
        now - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (key, subject, text) = if r.closed {
                (
                    format!("rfc:{}:dispose", r.id),
                    format!("Feedback to dispose of: {}", r.title),
                    format!(
                        "The feedback window of \u{201c}{}\u{201d} ({}) closed at {}; its feedback waits for the team's disposition.",
                        r.title,
                        r.team_name,
                        format_utc(r.closes_at)
                    ),
                )
            } else {
                (
                    format!("rfc:{}:closing:{}", r.id, r.closes_at.unix_timestamp()),
                    format!("Feedback window closes soon: {}", r.title),
                    format!(
                        "The feedback window of \u{201c}{}\u{201d} ({}) closes at {}.",
                        r.title,
                        r.team_name,
                        format_utc(r.closes_at)
                    ),
                )
            };
            Found {
                key,
                recipients: r.recipients,
                notice: Notice {
                    subject,
                    text,
                    path: format!("/rfcs/{}", r.id),
                },
            }
        })
        .collect())
}

/// Posts waiting for review for two days: the team's members other than the author.
async fn posts_waiting(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"select p.id, p.title, p.slug, t.slug as team_slug, t.name as team_name,
                  p.submitted_at as "submitted_at!",
                  array_agg(m.user_id) as "recipients!"
           from posts p
           join teams t on t.id = p.team_id
           join memberships m on m.team_id = p.team_id and m.left_at is null
                and m.role <> 'on_leave' and m.user_id <> p.author_id
           where p.published_at is null and p.submitted_at <= $1 and p.submitted_at > $2
           group by p.id, t.slug, t.name"#,
        now - Duration::days(2),
        now - Duration::days(2) - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Found {
            key: format!("post:{}:waiting:{}", r.id, r.submitted_at.unix_timestamp()),
            recipients: r.recipients,
            notice: Notice {
                subject: format!("Still waiting for review: {}", r.title),
                text: format!(
                    "The post \u{201c}{}\u{201d} of {} has waited for a second member's review since {}.",
                    r.title,
                    r.team_name,
                    format_utc(r.submitted_at)
                ),
                path: format!("/posts/{}/{}", r.team_slug, r.slug),
            },
        })
        .collect())
}

/// Open action items due tomorrow, and overdue ones: their owners.
async fn action_items(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let today = now.date();
    let rows = sqlx::query!(
        r#"select a.id, a.text, a.owner_id, a.due_on, p.title, p.slug, t.slug as team_slug
           from post_action_items a
           join posts p on p.id = a.post_id
           join teams t on t.id = p.team_id
           where a.done_at is null and a.due_on <= $1 and a.due_on > $2"#,
        today + Duration::days(1),
        today - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let overdue = r.due_on < today;
            Found {
                key: format!(
                    "action:{}:{}:{}",
                    r.id,
                    r.due_on,
                    if overdue { "overdue" } else { "due" }
                ),
                recipients: vec![r.owner_id],
                notice: Notice {
                    subject: if overdue {
                        format!("Overdue: {}", r.text)
                    } else {
                        format!("Due tomorrow: {}", r.text)
                    },
                    text: format!(
                        "The action item \u{201c}{}\u{201d} from \u{201c}{}\u{201d} is due on {}.",
                        r.text, r.title, r.due_on
                    ),
                    path: format!("/posts/{}/{}", r.team_slug, r.slug),
                },
            }
        })
        .collect())
}

/// Nominations that went stale lately (idle past their call's stale age): the team's
/// members, who may read the team's nominations. Once per nomination and idle spell.
async fn stale_nominations(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"select n.id, n.active_at as "active_at!", u.login as nominee, c.id as call_id, c.title, t.name as team_name,
                  array_agg(m.user_id) as "recipients!"
           from nominations n
           join calls c on c.id = n.call_id
           join teams t on t.id = c.team_id
           join users u on u.id = n.nominee_id
           join memberships m on m.team_id = c.team_id and m.left_at is null and m.role <> 'on_leave'
           where n.ended_at is null and n.announced_at is null
             and nomination_is_stale(n.active_at, n.ended_at, n.announced_at, c.stale_after_days, $1)
             and not nomination_is_stale(n.active_at, n.ended_at, n.announced_at, c.stale_after_days, $2)
           group by n.id, u.login, c.id, t.name"#,
        now,
        now - LOOK_BACK
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Found {
            key: format!("nomination:{}:stale:{}", r.id, r.active_at.unix_timestamp()),
            recipients: r.recipients,
            notice: Notice {
                subject: format!("A nomination went stale: {}", r.title),
                text: format!(
                    "The nomination of {} in the call \u{201c}{}\u{201d} of {} has had no activity since {}.",
                    r.nominee,
                    r.title,
                    r.team_name,
                    format_utc(r.active_at)
                ),
                path: format!("/nominations/{}", r.id),
            },
        })
        .collect())
}

/// Charters whose review date is within 14 days: the team's members.
async fn charter_reviews(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let today = now.date();
    let rows = sqlx::query!(
        r#"select t.id, t.slug, t.name, t.review_on as "review_on!",
                  array_agg(m.user_id) as "recipients!"
           from teams t
           join memberships m on m.team_id = t.id and m.left_at is null and m.role <> 'on_leave'
           where t.revoked_at is null and t.review_on >= $1 and t.review_on <= $2
           group by t.id"#,
        today,
        today + Duration::days(14)
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Found {
            key: format!("charter:{}:{}", r.id, r.review_on),
            recipients: r.recipients,
            notice: Notice {
                subject: format!("Charter review on {}: {}", r.review_on, r.name),
                text: format!(
                    "The charter of {} is due for review on {}.",
                    r.name, r.review_on
                ),
                path: format!("/teams/{}", r.slug),
            },
        })
        .collect())
}

/// Decisions to be reviewed within 14 days, and on the day (`decisions::reviews`): the
/// team's members.
async fn decision_reviews(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    Ok(crate::decisions::reviews::reminders(pool, now)
        .await?
        .into_iter()
        .map(|(key, recipients, notice)| Found {
            key,
            recipients,
            notice,
        })
        .collect())
}

/// Members flagged as inactive (`teams::inactivity`): themselves, once per flagging.
async fn inactivity_notices(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    Ok(crate::teams::inactivity::notices(pool, now)
        .await?
        .into_iter()
        .map(|(key, recipients, notice)| Found {
            key,
            recipients,
            notice,
        })
        .collect())
}

/// API tokens that expire, or would be revoked for disuse, within 7 days: their owners.
async fn tokens_ending(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<Vec<Found>> {
    let rows = crate::tokens::db::ending_soon(pool, now).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (why, what) = if r.unused {
                ("unused", "will be revoked because it has not been used for 90 days; using it keeps it alive")
            } else {
                ("expires", "expires; make a new one before then if a bot or script still needs it")
            };
            Found {
                key: format!("token:{}:{why}:{}", r.id, r.ends_at.unix_timestamp()),
                recipients: vec![r.user_id],
                notice: Notice {
                    subject: format!("Your API token \u{201c}{}\u{201d} ends on {}", r.name, format_utc(r.ends_at)),
                    text: format!(
                        "Your API token \u{201c}{}\u{201d} {what}. It ends at {}.",
                        r.name,
                        format_utc(r.ends_at)
                    ),
                    path: "/settings/tokens".into(),
                },
            }
        })
        .collect())
}
