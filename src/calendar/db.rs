//! The public deadlines, in one statement.

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

/// One deadline as read: an instant, or a calendar day (a charter review).
#[derive(Clone, Debug)]
pub struct Deadline {
    /// `rfc_opens`, `rfc_closes`, `call_opens`, `call_closes`, `decision_closes`,
    /// `charter_review` (see [`super::model::Kind`]).
    pub kind: String,
    /// The RFC's, call's, decision's or team's id.
    pub id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub title: String,
    pub at: Option<OffsetDateTime>,
    pub on: Option<Date>,
}

/// Which deadlines a feed holds.
pub enum Scope<'a> {
    /// What everyone may read, of every team or of one: RFCs once public (the SQL
    /// function `rfc_is_public`), calls, public decisions, charter reviews.
    Public { team_id: Option<i64> },
    /// Everything of these teams, private ones included (a member's personal feed): every
    /// RFC window (a draft's too), every call, every decision (team-only ones too).
    Teams(&'a [i64]),
}

/// The deadlines in `scope` from `since` on, earliest first, at most `limit`; decisions
/// withdrawn and teams revoked are left out.
pub async fn deadlines(
    db: impl PgExecutor<'_>,
    scope: Scope<'_>,
    now: OffsetDateTime,
    since: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Deadline>> {
    let (team_ids, private): (Option<Vec<i64>>, bool) = match scope {
        Scope::Public { team_id } => (team_id.map(|id| vec![id]), false),
        Scope::Teams(ids) => (Some(ids.to_vec()), true),
    };
    sqlx::query_as!(
        Deadline,
        r#"with rfc as (
            select r.id, r.team_id, r.opens_at, r.closes_at,
                   (select v.title from rfc_revisions v where v.rfc_id = r.id order by v.number desc limit 1) as title
              from rfcs r
              left join rfc_resolutions rs on rs.rfc_id = r.id
             where ($5 or rfc_is_public(r.opens_at, rs.resolved_at, $1))
               and r.closes_at >= $2 and ($3::bigint[] is null or r.team_id = any($3))
        ), deadline as (
            select 'rfc_opens' as kind, id, team_id, title, opens_at as at, null::date as on_day
              from rfc where opens_at >= $2
            union all
            select 'rfc_closes', id, team_id, title, closes_at, null from rfc
            union all
            select 'call_opens', c.id, c.team_id, c.title, c.opens_at, null
              from calls c where c.opens_at >= $2 and ($3 is null or c.team_id = any($3))
            union all
            select 'call_closes', c.id, c.team_id, c.title, c.closes_at, null
              from calls c where c.closes_at >= $2 and ($3 is null or c.team_id = any($3))
            union all
            select 'decision_closes', d.id, d.team_id, d.question, d.closes_at, null
              from decisions d
             where ($5 or d.is_public) and d.withdrawn_at is null and d.closes_at >= $2
               and ($3 is null or d.team_id = any($3))
            union all
            select 'charter_review', t.id, t.id, t.name, null, t.review_on
              from teams t
             where t.review_on >= ($2 at time zone 'utc')::date and t.revoked_at is null
               and ($3 is null or t.id = any($3))
        )
        select d.kind as "kind!", d.id as "id!", t.slug as "team_slug!", t.name as "team_name!",
               coalesce(d.title, '') as "title!", d.at, d.on_day as "on"
          from deadline d join teams t on t.id = d.team_id
         order by coalesce(d.at, d.on_day at time zone 'utc'), d.kind, d.id
         limit $4"#,
        now,
        since,
        team_ids.as_deref(),
        limit,
        private,
    )
    .fetch_all(db)
    .await
}

/// A live personal feed: its owner, found by the hash of its secret. A removed person's
/// feed answers nothing.
pub async fn feed_owner(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        "select u.id, u.login from calendar_feeds f join users u on u.id = f.user_id
          where f.token_hash = $1 and f.revoked_at is null and u.removed_at is null",
        token_hash
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.login)))
}

/// When the person's live feed was made, if they have one.
pub async fn live_feed(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        "select created_at from calendar_feeds where user_id = $1 and revoked_at is null",
        user_id
    )
    .fetch_optional(db)
    .await
}

/// Locks the person's row, so that their feed changes one at a time (two new addresses
/// made at once would otherwise both revoke nothing and collide on `calendar_feeds_one_live`).
pub async fn lock_person(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query_scalar!("select id from users where id = $1 for update", user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(())
}

/// Revokes the person's live feed, if any; whether there was one.
pub async fn revoke_feed(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update calendar_feeds set revoked_at = $2 where user_id = $1 and revoked_at is null",
        user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A new live feed (the caller revoked the one before in the same transaction).
pub async fn create_feed(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into calendar_feeds (user_id, token_hash, created_at) values ($1, $2, $3)",
        user_id,
        token_hash,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
