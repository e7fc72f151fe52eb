//! The search: one statement over every searchable table, each branch with its own
//! visibility rule in the SQL, so that nothing a visitor may not read is ever returned.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// One hit as the statement returns it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub kind: String,
    pub id: i64,
    /// The RFC of a piece of feedback, the post of a comment.
    pub parent_id: Option<i64>,
    /// A team's or post's slug, a person's login.
    pub slug: Option<String>,
    pub team_slug: Option<String>,
    pub team_name: Option<String>,
    pub title: String,
    /// `ts_headline` of the matched text, matches between [`super::model::MARK_START`]
    /// and [`super::model::MARK_END`].
    pub snippet: String,
    pub at: OffsetDateTime,
}

/// What to look for: `kind` and `team_id` narrow it (None: everything).
pub struct Query<'a> {
    pub q: &'a str,
    pub kind: Option<&'a str>,
    pub team_id: Option<i64>,
    pub newest: bool,
    pub limit: i64,
    pub offset: i64,
    pub now: OffsetDateTime,
    pub headline_options: &'a str,
}

/// The hits of one page, best (or newest) first.
///
/// Only the public record comes back, whoever asks: teams; RFCs once public (their
/// window has opened and they were not settled before it did: the SQL function
/// `rfc_is_public`) by their current
/// revision; public, not withdrawn feedback on those RFCs; public decisions (their
/// question, body and recorded outcome); calls; published posts and the comments on them
/// not deleted; people not removed. Private feedback, team-only decisions, nominations
/// and drafts have no branch here at all.
///
/// Every branch is read through its GIN index; ranks are computed for the matches,
/// snippets only for the page's rows.
pub async fn search(db: impl PgExecutor<'_>, q: &Query<'_>) -> sqlx::Result<Vec<Hit>> {
    sqlx::query_as!(
        Hit,
        r#"with query as (
            select websearch_to_tsquery('english', $1) as words,
                   websearch_to_tsquery('simple', $1) as names
        ), hits as (
            select 'team' as kind, t.id, null::bigint as parent_id, t.slug, t.id as team_id,
                   t.name as title, t.name || E'\n' || t.purpose || E'\n' || t.mandate as doc,
                   t.created_at as at, ts_rank(t.search, query.words) as rank
              from teams t, query
             where ($2::text is null or $2 = 'team') and ($3::bigint is null or t.id = $3)
               and t.search @@ query.words
            union all
            select 'rfc', r.id, null, null, r.team_id, v.title, v.summary || E'\n' || v.body,
                   v.created_at, ts_rank(v.search, query.words)
              from rfc_revisions v
              join rfcs r on r.id = v.rfc_id
              left join rfc_resolutions rs on rs.rfc_id = r.id, query
             where ($2 is null or $2 = 'rfc') and ($3 is null or r.team_id = $3)
               and v.search @@ query.words
               and v.number = (select max(w.number) from rfc_revisions w where w.rfc_id = v.rfc_id)
               and rfc_is_public(r.opens_at, rs.resolved_at, $4)
            union all
            select 'feedback', f.id, r.id, null, r.team_id, '', f.body,
                   f.created_at, ts_rank(f.search, query.words)
              from rfc_feedback f
              join rfcs r on r.id = f.rfc_id
              left join rfc_resolutions rs on rs.rfc_id = r.id, query
             where ($2 is null or $2 = 'feedback') and ($3 is null or r.team_id = $3)
               and f.visibility = 'public' and f.withdrawn_at is null
               and f.search @@ query.words
               and rfc_is_public(r.opens_at, rs.resolved_at, $4)
            union all
            select 'decision', d.id, null, null, d.team_id, d.question,
                   d.body || coalesce(E'\n' || o.statement, ''),
                   d.opened_at, ts_rank(d.search || coalesce(o.search, ''::tsvector), query.words)
              from decisions d
              left join decision_outcomes o on o.decision_id = d.id, query
             where ($2 is null or $2 = 'decision') and ($3 is null or d.team_id = $3)
               and d.is_public
               and d.id in (select m.id from decisions m where m.is_public and m.search @@ query.words
                            union
                            select m.decision_id from decision_outcomes m where m.search @@ query.words)
            union all
            select 'call', c.id, null, null, c.team_id, c.title, c.looking_for,
                   c.opens_at, ts_rank(c.search, query.words)
              from calls c, query
             where ($2 is null or $2 = 'call') and ($3 is null or c.team_id = $3)
               and c.search @@ query.words
            union all
            select 'post', p.id, null, p.slug, p.team_id, p.title, p.body,
                   p.published_at, ts_rank(p.search, query.words)
              from posts p, query
             where ($2 is null or $2 = 'post') and ($3 is null or p.team_id = $3)
               and p.published_at is not null and p.search @@ query.words
            union all
            select 'comment', c.id, p.id, p.slug, p.team_id, 'Comment on ' || p.title, c.body,
                   c.created_at, ts_rank(c.search, query.words)
              from post_comments c
              join posts p on p.id = c.post_id, query
             where ($2 is null or $2 = 'comment') and ($3 is null or p.team_id = $3)
               and c.deleted_at is null and p.published_at is not null
               and c.search @@ query.words
            union all
            select 'person', u.id, null, u.login, null, u.login,
                   coalesce(u.name, '') || ' ' || u.login,
                   u.created_at, ts_rank(u.search, query.names)
              from users u, query
             where ($2 is null or $2 = 'person')
               and ($3 is null or exists (select from memberships m
                                          where m.user_id = u.id and m.team_id = $3 and m.left_at is null))
               and u.removed_at is null and u.search @@ query.names
        ), page as (
            select * from hits
             order by case when $5 then at end desc, rank desc, at desc, kind, id
             limit $6 offset $7
        )
        select page.kind as "kind!", page.id as "id!", page.parent_id, page.slug,
               t.slug as "team_slug?", t.name as "team_name?",
               case when page.kind = 'feedback'
                    then (select 'Feedback on ' || w.title from rfc_revisions w
                           where w.rfc_id = page.parent_id order by w.number desc limit 1)
                    else page.title end as "title!",
               case when page.kind = 'person'
                    then ts_headline('simple', page.doc, query.names, $8)
                    else ts_headline('english', page.doc, query.words, $8) end as "snippet!",
               page.at as "at!"
          from page
          left join teams t on t.id = page.team_id, query
         order by case when $5 then page.at end desc, page.rank desc, page.at desc, page.kind, page.id"#,
        q.q,
        q.kind,
        q.team_id,
        q.now,
        q.newest,
        q.limit,
        q.offset,
        q.headline_options,
    )
    .fetch_all(db)
    .await
}

/// The teams each of these people belongs to now, as (person, slug, name).
pub async fn teams_of(
    db: impl PgExecutor<'_>,
    people: &[i64],
) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query!(
        "select m.user_id, t.slug, t.name from memberships m join teams t on t.id = m.team_id
          where m.user_id = any($1) and m.left_at is null and t.revoked_at is null
          order by m.user_id, t.name",
        people
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.user_id, r.slug, r.name))
        .collect())
}
