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
        r#"with hits as (
            (select * from (select 'team' as kind, t.id, null::bigint as parent_id, t.slug, t.id as team_id,
                       t.name as title, t.name || E'\n' || t.purpose || E'\n' || t.mandate as doc,
                       t.created_at as at, case when $5 then 0 else ts_rank(t.search, websearch_to_tsquery('english', $1)) end as rank
                  from teams t
                 where ($2::text is null or $2 = 'team') and ($3::bigint is null or t.id = $3)
                   and t.search @@ websearch_to_tsquery('english', $1)
                ) b0 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b0.at end desc, b0.rank desc, b0.at desc, b0.id limit $9)
            union all
            (select * from (select 'rfc', v.rfc_id, null::bigint, null::text, r.team_id, v.title, v.summary || E'\n' || v.body,
                       v.created_at, case when $5 then 0 else ts_rank(v.search, websearch_to_tsquery('english', $1)) end
                  -- The plan is generic (prepared once), so it cannot know how many rows a
                  -- word matches: each GIN scan is fenced (`offset 0`) to run once, and each
                  -- row's parent is looked up by its key (a lateral `offset 0`), which costs
                  -- the same for ten matches or ten thousand.
                  from (select * from rfc_revisions
                         where search @@ websearch_to_tsquery('english', $1) offset 0) v
                  cross join lateral (
                      select r.team_id from rfcs r left join rfc_resolutions rs on rs.rfc_id = r.id
                       where r.id = v.rfc_id and rfc_is_public(r.opens_at, rs.resolved_at, $4) offset 0) r
                 where ($2 is null or $2 = 'rfc') and ($3 is null or r.team_id = $3)
                   and v.number = (select max(w.number) from rfc_revisions w where w.rfc_id = v.rfc_id)
                ) b1 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b1.at end desc, b1.rank desc, b1.at desc, b1.id limit $9)
            union all
            (select * from (select 'feedback', f.id, f.rfc_id, null::text, r.team_id, '', f.body,
                       f.created_at, case when $5 then 0 else ts_rank(f.search, websearch_to_tsquery('english', $1)) end
                  from (select * from rfc_feedback
                         where search @@ websearch_to_tsquery('english', $1)
                           and visibility = 'public' and withdrawn_at is null offset 0) f
                  cross join lateral (
                      select r.team_id from rfcs r left join rfc_resolutions rs on rs.rfc_id = r.id
                       where r.id = f.rfc_id and rfc_is_public(r.opens_at, rs.resolved_at, $4) offset 0) r
                 where ($2 is null or $2 = 'feedback') and ($3 is null or r.team_id = $3)
                ) b2 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b2.at end desc, b2.rank desc, b2.at desc, b2.id limit $9)
            union all
            (select * from (select 'decision', d.id, null::bigint, null::text, d.team_id, d.question,
                       d.body || coalesce(E'\n' || o.statement, ''),
                       d.opened_at,
                       case when $5 then 0 else ts_rank(d.search || coalesce(o.search, ''::tsvector), websearch_to_tsquery('english', $1)) end
                  from (select m.id from decisions m
                         where m.is_public and m.search @@ websearch_to_tsquery('english', $1)
                        union
                        select m.decision_id from decision_outcomes m
                         where m.search @@ websearch_to_tsquery('english', $1) offset 0) matched
                  cross join lateral (
                      select d.id, d.team_id, d.question, d.body, d.opened_at, d.search
                        from decisions d where d.id = matched.id and d.is_public offset 0) d
                  left join lateral (
                      select o.statement, o.search from decision_outcomes o
                       where o.decision_id = d.id offset 0) o on true
                 where ($2 is null or $2 = 'decision') and ($3 is null or d.team_id = $3)
                ) b3 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b3.at end desc, b3.rank desc, b3.at desc, b3.id limit $9)
            union all
            (select * from (select 'call', c.id, null::bigint, null::text, c.team_id, c.title, c.looking_for,
                       c.opens_at, case when $5 then 0 else ts_rank(c.search, websearch_to_tsquery('english', $1)) end
                  from calls c
                 where ($2 is null or $2 = 'call') and ($3 is null or c.team_id = $3)
                   and c.search @@ websearch_to_tsquery('english', $1)
                ) b4 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b4.at end desc, b4.rank desc, b4.at desc, b4.id limit $9)
            union all
            (select * from (select 'post', p.id, null::bigint, p.slug, p.team_id, p.title, p.body,
                       p.published_at, case when $5 then 0 else ts_rank(p.search, websearch_to_tsquery('english', $1)) end
                  from posts p
                 where ($2 is null or $2 = 'post') and ($3 is null or p.team_id = $3)
                   and p.published_at is not null and p.search @@ websearch_to_tsquery('english', $1)
                ) b5 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b5.at end desc, b5.rank desc, b5.at desc, b5.id limit $9)
            union all
            (select * from (select 'comment', c.id, p.id, p.slug, p.team_id, 'Comment on ' || p.title, c.body,
                       c.created_at, case when $5 then 0 else ts_rank(c.search, websearch_to_tsquery('english', $1)) end
                  from (select * from post_comments
                         where search @@ websearch_to_tsquery('english', $1)
                           and deleted_at is null offset 0) c
                  cross join lateral (
                      select p.id, p.slug, p.team_id, p.title from posts p
                       where p.id = c.post_id and p.published_at is not null offset 0) p
                 where ($2 is null or $2 = 'comment') and ($3 is null or p.team_id = $3)
                ) b6 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b6.at end desc, b6.rank desc, b6.at desc, b6.id limit $9)
            union all
            (select * from (select 'person', u.id, null::bigint, u.login, null::bigint, u.login,
                       coalesce(u.name, '') || ' ' || u.login,
                       u.created_at, case when $5 then 0 else ts_rank(u.search, websearch_to_tsquery('simple', $1)) end
                  from users u
                 where ($2 is null or $2 = 'person')
                   and ($3 is null or exists (select from memberships m
                                              where m.user_id = u.id and m.team_id = $3 and m.left_at is null))
                   and u.removed_at is null and u.search @@ websearch_to_tsquery('simple', $1)
                ) b7 (kind, id, parent_id, slug, team_id, title, doc, at, rank)
             order by case when $5 then b7.at end desc, b7.rank desc, b7.at desc, b7.id limit $9)
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
                    then ts_headline('simple', page.doc, websearch_to_tsquery('simple', $1), $8)
                    else ts_headline('english', page.doc, websearch_to_tsquery('english', $1), $8) end as "snippet!",
               page.at as "at!"
          from page
          left join teams t on t.id = page.team_id
         order by case when $5 then page.at end desc, page.rank desc, page.at desc, page.kind, page.id"#,
        q.q,
        q.kind,
        q.team_id,
        q.now,
        q.newest,
        q.limit,
        q.offset,
        q.headline_options,
        q.offset + q.limit,
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
