//! The inbox's own SQL. What awaits a person is defined once, in the database function
//! `inbox_items` (migrations/20261125000100_inbox_items.sql): one statement lists it
//! ([`items`]), another says whether what was listed is still what awaits ([`version`]).

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What a person's inbox was made from: the teams whose changes can alter it (their own
/// teams, and the teams of the nominations of them still unanswered) and the latest
/// audit entry of those teams. Every change is recorded in the audit log in its own
/// transaction, under the team it concerns, so the inbox is the same while this is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub teams: Vec<i64>,
    pub audit: i64,
}

/// The [`Version`] of `user_id`'s inbox: an index lookup per team.
pub async fn version(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Version> {
    let row = sqlx::query!(
        "with teams as (
             select team_id from memberships where user_id = $1 and left_at is null
             union
             select c.team_id from nominations n join calls c on c.id = n.call_id
             where n.nominee_id = $1 and n.ended_at is null and n.last_event_at is null
         )
         select coalesce(array_agg(t.team_id order by t.team_id), '{}') as \"teams!\",
                coalesce(max(a.id), 0) as \"audit!\"
         from teams t
         cross join lateral (select max(id) as id from audit_entries where team_id = t.team_id) a",
        user_id
    )
    .fetch_one(db)
    .await?;
    Ok(Version {
        teams: row.teams,
        audit: row.audit,
    })
}

/// One row of `inbox_items`, with how many rows its section holds in all.
#[derive(Clone, Debug)]
pub struct Row {
    pub section: i32,
    pub id: i64,
    pub title: String,
    pub team: String,
    pub at: Option<OffsetDateTime>,
    pub post_path: Option<String>,
    pub author: Option<String>,
    pub n: Option<i64>,
    pub total: i64,
}

/// The first `limit` items of every section, in section order, each section soonest
/// first (then by id), with each section's full count.
pub async fn items(
    db: impl PgExecutor<'_>,
    user_id: i64,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as!(
        Row,
        "select section as \"section!\", id as \"id!\", title as \"title!\", team as \"team!\",
                at, post_path, author, n, total as \"total!\"
         from (select i.*,
                      row_number() over (partition by i.section order by i.at, i.id) as place,
                      count(*) over (partition by i.section) as total
               from inbox_items($1, $2, $3) i) ranked
         where place <= $4
         order by section, place",
        user_id,
        now,
        now + crate::rfcs::model::CLOSING_SOON,
        limit
    )
    .fetch_all(db)
    .await
}
