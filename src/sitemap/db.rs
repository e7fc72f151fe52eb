use sqlx::PgExecutor;
use time::OffsetDateTime;

/// One public page and when it last changed.
pub struct Entry {
    pub path: String,
    pub lastmod: OffsetDateTime,
}

/// Every public page with a row behind it, at most `limit`: teams, RFCs once public (the
/// SQL function `rfc_is_public`), published posts, public decisions, calls.
pub async fn public_pages(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"select path as "path!", lastmod as "lastmod!" from (
            select '/teams/' || t.slug as path, t.updated_at as lastmod from teams t
            union all
            select '/rfcs/' || r.id, (select max(v.created_at) from rfc_revisions v where v.rfc_id = r.id)
              from rfcs r left join rfc_resolutions rs on rs.rfc_id = r.id
             where rfc_is_public(r.opens_at, rs.resolved_at, $1)
            union all
            select '/posts/' || t.slug || '/' || p.slug, p.updated_at
              from posts p join teams t on t.id = p.team_id where p.published_at is not null
            union all
            select '/decisions/' || d.id, d.opened_at from decisions d where d.is_public
            union all
            select '/calls/' || c.id, c.created_at from calls c
        ) pages
        limit $2"#,
        now,
        limit
    )
    .fetch_all(db)
    .await
}
