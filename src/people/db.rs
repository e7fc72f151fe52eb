//! The statements behind a person's page.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// How many of each kind of contribution the page lists (the newest).
pub const PER_KIND: i64 = 10;

/// One public contribution: `kind` is `rfc`, `feedback`, `position` or `post`.
#[derive(Clone, Debug)]
pub struct Contribution {
    pub kind: String,
    /// The RFC, the feedback, the decision or the post.
    pub id: i64,
    /// For feedback, its RFC.
    pub parent_id: Option<i64>,
    /// For a post, its slug in the team.
    pub slug: Option<String>,
    pub team_slug: String,
    pub team_name: String,
    /// The RFC's current title, the decision's question, the post's title.
    pub title: String,
    /// For a position, its stance.
    pub detail: Option<String>,
    pub at: OffsetDateTime,
}

/// The newest public contributions of a person, [`PER_KIND`] of each kind, newest first.
/// Only what everyone may read: RFCs and feedback while the RFC is public
/// (`rfc_is_public`), public feedback not withdrawn, the latest position in each public
/// decision, published posts.
pub async fn contributions(
    db: impl PgExecutor<'_>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Contribution>> {
    sqlx::query_as!(
        Contribution,
        r#"select c.kind as "kind!", c.id as "id!", c.parent_id, c.slug, t.slug as "team_slug!",
                  t.name as "team_name!", c.title as "title!", c.detail, c.at as "at!"
           from (
               (select 'rfc' as kind, r.id, null::bigint as parent_id, null::text as slug, r.team_id,
                       (select w.title from rfc_revisions w where w.rfc_id = r.id
                         order by w.number desc limit 1) as title,
                       null::text as detail, r.created_at as at
                  from rfcs r left join rfc_resolutions rs on rs.rfc_id = r.id
                 where r.created_by = $1 and rfc_is_public(r.opens_at, rs.resolved_at, $2)
                 order by r.created_at desc limit $3)
               union all
               (select 'feedback', f.id, f.rfc_id, null, r.team_id,
                       (select w.title from rfc_revisions w where w.rfc_id = r.id
                         order by w.number desc limit 1),
                       null, f.created_at
                  from rfc_feedback f
                  join rfcs r on r.id = f.rfc_id
                  left join rfc_resolutions rs on rs.rfc_id = r.id
                 where f.author_id = $1 and f.visibility = 'public' and f.withdrawn_at is null
                   and rfc_is_public(r.opens_at, rs.resolved_at, $2)
                 order by f.created_at desc limit $3)
               union all
               (select 'position', d.id, null, null, d.team_id, d.question, p.stance, p.at
                  from (select distinct on (decision_id) decision_id, stance, at
                          from decision_positions where user_id = $1
                         order by decision_id, id desc) p
                  join decisions d on d.id = p.decision_id
                 where d.is_public
                 order by p.at desc limit $3)
               union all
               (select 'post', p.id, null, p.slug, p.team_id, p.title, null, p.published_at
                  from posts p
                 where p.author_id = $1 and p.published_at is not null
                 order by p.published_at desc limit $3)
           ) c
           join teams t on t.id = c.team_id
           order by c.at desc, c.kind, c.id"#,
        user_id,
        now,
        PER_KIND
    )
    .fetch_all(db)
    .await
}

/// Who a person is, as their page shows them.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

/// A person by login, whatever its case.
pub async fn find_person(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<Option<Person>> {
    sqlx::query_as!(
        Person,
        "select id, login, name, avatar_url from users where lower(login) = lower($1)",
        login
    )
    .fetch_optional(db)
    .await
}
