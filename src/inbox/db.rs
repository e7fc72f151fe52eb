//! The inbox's own SQL. What awaits a person is defined once, in the database function
//! `inbox_items` (migrations/20261125000100_inbox_items.sql): one statement lists it
//! ([`items`]); whether what was listed still stands is the [`Version`] read with the
//! signed-in person.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What a person's inbox is made from, as the database function `inbox_version` gives
/// it (migrations/20261126000100_inbox_version.sql): the teams whose changes can alter it
/// and the latest audit entry of those teams. It is read with the signed-in person
/// (`auth::db::find_for_page`), in the same statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub teams: Vec<i64>,
    pub audit: i64,
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
