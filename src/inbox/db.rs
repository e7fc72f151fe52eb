//! The inbox's own SQL: the header's count, in one query.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// How many items await `user_id`, for the header: one query, one term per room. Each
/// term counts exactly what that room's section lists (without the limit).
pub async fn pending_count(
    db: impl PgExecutor<'_>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select (
             -- decisions::db::awaiting_position
             select count(*)
             from decision_deciders dd
             join decisions d on d.id = dd.decision_id
             where dd.user_id = $1 and d.withdrawn_at is null and d.closes_at > $2
               and exists (select 1 from memberships m where m.team_id = d.team_id and m.user_id = $1 and m.left_at is null)
               and not exists (select 1 from decision_positions p where p.decision_id = d.id and p.user_id = $1)
         ) + (
             -- posts::db::awaiting_review
             select count(*)
             from posts p
             join memberships m on m.team_id = p.team_id and m.user_id = $1 and m.left_at is null
             where p.submitted_at is not null and p.published_at is null and p.author_id <> $1
         ) + (
             -- nominations::db::to_answer
             select count(*)
             from nominations n
             where n.nominee_id = $1 and n.ended_at is null
               and not exists (select 1 from nomination_events e where e.nomination_id = n.id)
         ) + (
             -- nominations::db::stale_calls: from the person's teams to their calls, then
             -- one stale nomination per call (a lateral with a limit, so the planner cannot
             -- turn it into a scan of every nomination)
             select count(*)
             from memberships m
             join calls c on c.team_id = m.team_id
             cross join lateral (
                 select 1 from nominations n
                 where n.call_id = c.id and n.ended_at is null
                   and not exists (select 1 from nomination_events e where e.nomination_id = n.id and e.kind = 'announced')
                   and $2 - greatest(n.created_at, (select max(e.at) from nomination_events e where e.nomination_id = n.id))
                       > make_interval(days => c.stale_after_days)
                 limit 1
             ) stale
             where m.user_id = $1 and m.left_at is null
         ) + (
             -- rfcs::db::awaiting_disposition
             select count(*)
             from rfcs r
             where r.team_id in (select team_id from memberships where user_id = $1 and left_at is null)
               and r.opens_at <= $2 and r.closes_at <= $3
               and r.disposition_published_at is null
               and not exists (select 1 from rfc_resolutions rs where rs.rfc_id = r.id)
               and exists (select 1 from rfc_feedback f where f.rfc_id = r.id and f.withdrawn_at is null
                           and not exists (select 1 from rfc_dispositions d where d.feedback_id = f.id))
         ) as \"count!\"",
        user_id,
        now,
        now + crate::rfcs::model::CLOSING_SOON
    )
    .fetch_one(db)
    .await
}
