//! Every SQL statement about posts. Writes take the caller's transaction, lock the post's
//! row first (so a review, an edit and a submission of one post see each other's outcome),
//! check the rule again under the lock, and record their audit entry in the transaction.

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::{Date, OffsetDateTime};

use super::model::{
    ActionItem, ActionItemFields, Comment, LinkTarget, Post, PostContent, PostState, TimelineEvent,
    numbered_slug, revision_text, slugify, timeline_text,
};
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth;
use crate::auth::model::User;
use crate::notify::db as notify;
use crate::notify::model::{Kind, Notice};
use crate::teams::model::Team;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A rule checked under the post's lock refused it; the message is for people.
    #[error("{0}")]
    Refused(String),
    /// A form field names something that cannot be used; shown next to the field.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<WriteError> for crate::error::AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Refused(why) => crate::error::AppError::Conflict(why),
            WriteError::Invalid { message, .. } => crate::error::AppError::Conflict(message),
            WriteError::Database(e) => crate::error::AppError::Database(e),
        }
    }
}

/// Builds a [`Post`] from any record that has the post columns.
macro_rules! post_of {
    ($r:expr) => {
        Post {
            id: $r.id,
            team_id: $r.team_id,
            team_slug: $r.team_slug,
            team_name: $r.team_name,
            author_id: $r.author_id,
            author_login: $r.author_login,
            author_name: $r.author_name,
            slug: $r.slug,
            title: $r.title,
            body: $r.body,
            version: $r.version,
            submitted_at: $r.submitted_at,
            published_at: $r.published_at,
            approved_by: $r.approved_by,
            pinned_at: $r.pinned_at,
            edited_at: $r.edited_at,
            created_at: $r.created_at,
            updated_at: $r.updated_at,
        }
    };
}

/// One post by its permalink, whatever its state: the handler decides who may see it.
pub async fn find_post(
    db: impl PgExecutor<'_>,
    team_slug: &str,
    slug: &str,
) -> sqlx::Result<Option<Post>> {
    let record = sqlx::query!(
        "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                p.submitted_at, p.published_at, r.login as \"approved_by?\", p.pinned_at,
                (select max(v.at) from post_revisions v where v.post_id = p.id and v.number > 1) as edited_at,
                p.created_at, p.updated_at
         from posts p
         join teams t on t.id = p.team_id
         join users a on a.id = p.author_id
         left join users r on r.id = p.approved_by
         where t.slug = $1 and p.slug = $2",
        team_slug,
        slug
    )
    .fetch_optional(db)
    .await?;
    Ok(record.map(|r| post_of!(r)))
}

/// Locks a post's row for the rest of the transaction and reads it as it now is.
async fn lock_post(tx: &mut Transaction<'_, Postgres>, id: i64) -> sqlx::Result<Post> {
    let r = sqlx::query!(
        "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                p.submitted_at, p.published_at, r.login as \"approved_by?\", p.pinned_at,
                (select max(v.at) from post_revisions v where v.post_id = p.id and v.number > 1) as edited_at,
                p.created_at, p.updated_at
         from posts p
         join teams t on t.id = p.team_id
         join users a on a.id = p.author_id
         left join users r on r.id = p.approved_by
         where p.id = $1
         for update of p",
        id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(post_of!(r))
}

/// A published post in a list, with its counts.
#[derive(Clone, Debug)]
pub struct Listed {
    pub post: Post,
    pub likes: i64,
    pub comments: i64,
}

/// Published posts, newest first (pinned first when `pinned_first`), of one team or all.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    team_id: Option<i64>,
    pinned_first: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Listed>> {
    // Two statements rather than one with `($1 is null or team_id = $1)`: PostgreSQL can
    // keep one generic plan for each (the list of all posts walks `posts_published_idx`),
    // where the combined one was planned again on every execution.
    let Some(team_id) = team_id else {
        let rows = sqlx::query!(
            "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                    a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                    p.submitted_at, p.published_at, r.login as \"approved_by?\", p.pinned_at,
                    (select max(v.at) from post_revisions v where v.post_id = p.id and v.number > 1) as edited_at,
                    p.created_at, p.updated_at,
                    (select count(*) from post_likes l where l.post_id = p.id) as \"likes!\",
                    (select count(*) from post_comments c where c.post_id = p.id and c.deleted_at is null) as \"comments!\"
             from posts p
             join teams t on t.id = p.team_id
             join users a on a.id = p.author_id
             left join users r on r.id = p.approved_by
             where p.published_at is not null
             order by p.published_at desc, p.id desc
             limit $1 offset $2",
            limit,
            offset
        )
        .fetch_all(db)
        .await?;
        return Ok(rows
            .into_iter()
            .map(|r| Listed {
                likes: r.likes,
                comments: r.comments,
                post: post_of!(r),
            })
            .collect());
    };
    let rows = sqlx::query!(
        "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                p.submitted_at, p.published_at, r.login as \"approved_by?\", p.pinned_at,
                (select max(v.at) from post_revisions v where v.post_id = p.id and v.number > 1) as edited_at,
                p.created_at, p.updated_at,
                (select count(*) from post_likes l where l.post_id = p.id) as \"likes!\",
                (select count(*) from post_comments c where c.post_id = p.id and c.deleted_at is null) as \"comments!\"
         from posts p
         join teams t on t.id = p.team_id
         join users a on a.id = p.author_id
         left join users r on r.id = p.approved_by
         where p.published_at is not null and p.team_id = $1
         order by case when $2 then p.pinned_at is null else true end, p.published_at desc, p.id desc
         limit $3 offset $4",
        team_id,
        pinned_first,
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            likes: r.likes,
            comments: r.comments,
            post: post_of!(r),
        })
        .collect())
}

/// A person's drafts and posts in review, most recently changed first.
pub async fn unpublished_by(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<Post>> {
    let rows = sqlx::query!(
        "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                p.submitted_at, p.published_at, null::text as \"approved_by?\", p.pinned_at,
                null::timestamptz as edited_at, p.created_at, p.updated_at
         from posts p
         join teams t on t.id = p.team_id
         join users a on a.id = p.author_id
         where p.author_id = $1 and p.published_at is null
         order by p.updated_at desc, p.id desc
         limit 50",
        user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| post_of!(r)).collect())
}

/// Posts awaiting `user_id`'s review: in review, in a team they belong to now, written by
/// someone else. Oldest submission first; at most `limit`. The inbox's section 2
/// (`inbox_items`) holds the same posts.
pub async fn awaiting_review(
    db: impl PgExecutor<'_>,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<Post>> {
    let rows = sqlx::query!(
        "select p.id, p.team_id, t.slug as team_slug, t.name as team_name, p.author_id,
                a.login as author_login, a.name as author_name, p.slug, p.title, p.body, p.version,
                p.submitted_at, p.published_at, null::text as \"approved_by?\", p.pinned_at,
                null::timestamptz as edited_at, p.created_at, p.updated_at
         from posts p
         join teams t on t.id = p.team_id
         join users a on a.id = p.author_id
         join memberships m on m.team_id = p.team_id and m.user_id = $1 and m.left_at is null
         where p.submitted_at is not null and p.published_at is null and p.author_id <> $1
         order by p.submitted_at, p.id
         limit $2",
        user_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| post_of!(r)).collect())
}

/// Whether a person is a current member of a team (any role).
pub async fn is_member(db: impl PgExecutor<'_>, team_id: i64, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        "select exists(select 1 from memberships where team_id = $1 and user_id = $2 and left_at is null) as \"member!\"",
        team_id,
        user_id
    )
    .fetch_one(db)
    .await
}

fn subject(post: &Post) -> Subject {
    post_subject(post.id, &post.team_slug, &post.slug)
}

fn post_subject(id: i64, team_slug: &str, slug: &str) -> Subject {
    Subject {
        kind: "post",
        id: Some(id),
        label: format!("{team_slug}/{slug}"),
    }
}

/// Audit entries about a post are public once it is published, team-only before.
fn visibility(post: &Post) -> Visibility {
    match post.state() {
        PostState::Published => Visibility::Public,
        _ => Visibility::Team,
    }
}

async fn record(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    actor: &User,
    action: &'static str,
    visibility: Visibility,
    details: serde_json::Value,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action,
            subject: subject(post),
            team_id: Some(post.team_id),
            visibility,
            details,
        },
    )
    .await?;
    Ok(())
}

/// Creates a draft. A repeated submission (same author and form nonce) finds the draft it
/// made. Returns the slug.
pub async fn create_post(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    author: &User,
    content: &PostContent,
    nonce: &str,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    if let Some(slug) = sqlx::query_scalar!(
        "select slug from posts where author_id = $1 and form_nonce = $2",
        author.id,
        nonce
    )
    .fetch_optional(&mut **tx)
    .await?
    {
        return Ok(slug);
    }
    let base = slugify(&content.title);
    for n in 1..=50 {
        let slug = numbered_slug(&base, n);
        let id = sqlx::query_scalar!(
            "insert into posts (team_id, author_id, slug, title, body, form_nonce, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $7)
             on conflict do nothing
             returning id",
            team.id,
            author.id,
            slug,
            content.title,
            content.body,
            nonce,
            now
        )
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else {
            // The slug is taken, or the same form arrived twice at once.
            if let Some(slug) = sqlx::query_scalar!(
                "select slug from posts where author_id = $1 and form_nonce = $2",
                author.id,
                nonce
            )
            .fetch_optional(&mut **tx)
            .await?
            {
                return Ok(slug);
            }
            continue;
        };
        let post = lock_post(tx, id).await?;
        replace_links(tx, &post, &content.links).await?;
        replace_timeline(tx, id, &content.timeline).await?;
        record(
            tx,
            &post,
            author,
            "post.drafted",
            Visibility::Team,
            json!({ "title": content.title }),
            now,
        )
        .await?;
        return Ok(slug);
    }
    Err(WriteError::Refused(
        "Too many posts of this team have this title; choose another.".into(),
    ))
}

/// Changes a post's content. A draft's text simply changes; a post in review goes back
/// to draft (the approval must cover the text as it is); a published post keeps every
/// version as a numbered revision. Returns whether anything changed.
pub async fn update_post(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    editor: &User,
    content: &PostContent,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let post = lock_post(tx, post_id).await?;
    let old_timeline = timeline_text(&timeline(&mut **tx, post.id).await?);
    let new_timeline = timeline_text(&content.timeline);
    let old_links: Vec<String> = links(&mut **tx, post.id)
        .await?
        .iter()
        .map(LinkRow::key)
        .collect();
    let new_links: Vec<String> = content.links.iter().map(LinkTarget::key).collect();
    let links_same = old_links == new_links;
    if post.title == content.title
        && post.body == content.body
        && old_timeline == new_timeline
        && links_same
    {
        return Ok(false);
    }
    let state = post.state();
    sqlx::query!(
        "update posts set title = $2, body = $3, version = version + 1, updated_at = $4,
                submitted_at = case when published_at is null then null else submitted_at end
         where id = $1",
        post.id,
        content.title,
        content.body,
        now
    )
    .execute(&mut **tx)
    .await?;
    replace_links(tx, &post, &content.links).await?;
    replace_timeline(tx, post.id, &content.timeline).await?;
    let mut details = json!({ "title": content.title });
    if state == PostState::Published {
        let number = sqlx::query_scalar!(
            "insert into post_revisions (post_id, number, title, body, timeline, editor_id, at)
             select $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6 from post_revisions where post_id = $1
             returning number",
            post.id,
            content.title,
            content.body,
            new_timeline,
            editor.id,
            now
        )
        .fetch_one(&mut **tx)
        .await?;
        details["revision"] = json!(number);
    }
    if state == PostState::InReview {
        details["returned_to_draft"] = json!(true);
    }
    record(
        tx,
        &post,
        editor,
        "post.edited",
        visibility(&post),
        details,
        now,
    )
    .await?;
    Ok(true)
}

/// Replaces a post's links. Announced members must be current members of its team;
/// decisions must be public decisions of its team.
async fn replace_links(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    targets: &[LinkTarget],
) -> Result<(), WriteError> {
    sqlx::query!("delete from post_links where post_id = $1", post.id)
        .execute(&mut **tx)
        .await?;
    let mut logins: Vec<String> = Vec::new();
    let mut decision_ids: Vec<i64> = Vec::new();
    for target in targets {
        match target {
            LinkTarget::Member { login } => logins.push(login.to_lowercase()),
            LinkTarget::Decision { id } => decision_ids.push(*id),
        }
    }
    if !logins.is_empty() {
        link_members(tx, post, &logins).await?;
    }
    if !decision_ids.is_empty() {
        link_decisions(tx, post, &decision_ids).await?;
    }
    Ok(())
}

async fn link_members(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    logins: &[String],
) -> Result<(), WriteError> {
    let found = sqlx::query!(
        "select u.id, lower(u.login) as \"login!\" from users u
         join memberships m on m.user_id = u.id and m.team_id = $1 and m.left_at is null
         where lower(u.login) = any($2::text[])",
        post.team_id,
        logins
    )
    .fetch_all(&mut **tx)
    .await?;
    let missing: Vec<&str> = logins
        .iter()
        .filter(|l| !found.iter().any(|f| &f.login == *l))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(WriteError::Invalid {
            field: "members",
            message: format!(
                "Not a current member of {}: {}. Announce members once they have joined.",
                post.team_name,
                missing.join(", ")
            ),
        });
    }
    let ids: Vec<i64> = logins
        .iter()
        .filter_map(|l| found.iter().find(|f| &f.login == l).map(|f| f.id))
        .collect();
    sqlx::query!(
        "insert into post_links (post_id, kind, member_id, position)
         select $1, 'member', id, ord - 1 from unnest($2::bigint[]) with ordinality as t(id, ord)",
        post.id,
        &ids
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn link_decisions(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    ids: &[i64],
) -> Result<(), WriteError> {
    let found = sqlx::query_scalar!(
        "select id from decisions where id = any($1::bigint[]) and team_id = $2 and is_public",
        ids,
        post.team_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !found.contains(id))
        .map(|id| format!("#{id}"))
        .collect();
    if !missing.is_empty() {
        return Err(WriteError::Invalid {
            field: "decisions",
            message: format!(
                "Not a public decision of {}: {}. Posts link their own team's public decisions.",
                post.team_name,
                missing.join(", ")
            ),
        });
    }
    sqlx::query!(
        "insert into post_links (post_id, kind, decision_id, position)
         select $1, 'decision', id, ord - 1 from unnest($2::bigint[]) with ordinality as t(id, ord)",
        post.id,
        ids
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn replace_timeline(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    events: &[TimelineEvent],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from post_timeline_events where post_id = $1",
        post_id
    )
    .execute(&mut **tx)
    .await?;
    let ats: Vec<OffsetDateTime> = events.iter().map(|e| e.at).collect();
    let texts: Vec<String> = events.iter().map(|e| e.event.clone()).collect();
    sqlx::query!(
        "insert into post_timeline_events (post_id, position, at, event)
         select $1, ord - 1, at, event from unnest($2::timestamptz[], $3::text[]) with ordinality as t(at, event, ord)",
        post_id,
        &ats,
        &texts
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A link as the post's page shows it: a member (login, name) or a decision (id, question).
#[derive(Clone, Debug)]
pub struct LinkRow {
    pub kind: String,
    pub login: Option<String>,
    pub name: Option<String>,
    pub decision_id: Option<i64>,
    pub question: Option<String>,
}

impl LinkRow {
    /// The same key as [`LinkTarget::key`] gives the target it was made from.
    pub fn key(&self) -> String {
        match (&self.login, self.decision_id) {
            (Some(login), _) => LinkTarget::Member {
                login: login.clone(),
            }
            .key(),
            (None, Some(id)) => LinkTarget::Decision { id }.key(),
            (None, None) => format!("{}:?", self.kind),
        }
    }
}

/// A post's links, members first, each kind in the order written. A decision shows only
/// while it is public.
pub async fn links(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<LinkRow>> {
    sqlx::query_as!(
        LinkRow,
        "select l.kind, u.login as \"login?\", u.name as \"name?\", d.id as \"decision_id?\",
                d.question as \"question?\"
         from post_links l
         left join users u on u.id = l.member_id
         left join decisions d on d.id = l.decision_id
         where l.post_id = $1 and (l.decision_id is null or d.is_public)
         order by l.kind desc, l.position, l.id",
        post_id
    )
    .fetch_all(db)
    .await
}

pub async fn timeline(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<TimelineEvent>> {
    sqlx::query_as!(
        TimelineEvent,
        "select at, event from post_timeline_events where post_id = $1 order by position",
        post_id
    )
    .fetch_all(db)
    .await
}

/// The author submits a draft for review.
pub async fn submit_post(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    author: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let post = lock_post(tx, post_id).await?;
    if post.state() != PostState::Draft {
        return Err(WriteError::Refused(
            "The post is not a draft any more.".into(),
        ));
    }
    sqlx::query!(
        "update posts set submitted_at = $2, updated_at = $2 where id = $1",
        post.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        &post,
        author,
        "post.submitted",
        Visibility::Team,
        json!({ "version": post.version }),
        now,
    )
    .await?;
    // The team's members may read drafts in review; the author needs no mail of it.
    let reviewers: Vec<i64> = notify::team_members(&mut **tx, post.team_id)
        .await?
        .into_iter()
        .filter(|id| *id != post.author_id)
        .collect();
    let notice = Notice {
        subject: format!("Waiting for your review: {}", post.title),
        text: format!(
            "{} submitted the post \u{201c}{}\u{201d} of {} for review. It is published once another member approves it.",
            post.author_login, post.title, post.team_name
        ),
        path: post_path(&post),
    };
    let key = format!("post:{}:submitted:{}", post.id, now.unix_timestamp());
    notify::enqueue(tx, Kind::PostAwaitsReview, &key, &notice, &reviewers, now).await?;
    Ok(())
}

fn post_path(post: &Post) -> String {
    format!("/posts/{}/{}", post.team_slug, post.slug)
}

/// Checks, under the post's lock, what the reviewer's request must satisfy: the post is
/// still in review at the version they read, and they are another current member.
async fn check_review(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    reviewer: &User,
    version: i32,
) -> Result<(), WriteError> {
    if post.author_id == reviewer.id {
        return Err(WriteError::Refused(
            "The author cannot review their own post.".into(),
        ));
    }
    if post.state() != PostState::InReview {
        return Err(WriteError::Refused("The post is not in review.".into()));
    }
    if post.version != version {
        return Err(WriteError::Refused(
            "The post changed since you opened it; read it again before reviewing.".into(),
        ));
    }
    if !is_member(&mut **tx, post.team_id, reviewer.id).await? {
        return Err(WriteError::Refused(
            "Only the team's members review its posts.".into(),
        ));
    }
    Ok(())
}

/// Another member approves the post at the version they read: it is published, and its
/// text becomes revision 1 of its history.
pub async fn approve_post(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    reviewer: &User,
    version: i32,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let post = lock_post(tx, post_id).await?;
    check_review(tx, &post, reviewer, version).await?;
    sqlx::query!(
        "insert into post_reviews (post_id, author_id, reviewer_id, verdict, post_version, at)
         values ($1, $2, $3, 'approved', $4, $5)",
        post.id,
        post.author_id,
        reviewer.id,
        version,
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update posts set published_at = $2, approved_by = $3, updated_at = $2 where id = $1",
        post.id,
        now,
        reviewer.id
    )
    .execute(&mut **tx)
    .await?;
    let timeline = timeline_text(&timeline(&mut **tx, post.id).await?);
    sqlx::query!(
        "insert into post_revisions (post_id, number, title, body, timeline, editor_id, at)
         values ($1, 1, $2, $3, $4, $5, $6)",
        post.id,
        post.title,
        post.body,
        timeline,
        post.author_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        &post,
        reviewer,
        "post.published",
        Visibility::Public,
        json!({ "title": post.title, "author": post.author_login, "approved_by": reviewer.login }),
        now,
    )
    .await?;
    let text = format!(
        "{} approved your post \u{201c}{}\u{201d}; it is published.",
        reviewer.login, post.title
    );
    let key = format!("post:{}:approved", post.id);
    tell_author(
        tx,
        &post,
        &key,
        format!("Published: {}", post.title),
        text,
        now,
    )
    .await?;
    let event = crate::notify::webhooks::Event::new(
        "post.published",
        format!("post:{}:published", post.id),
        (&post.team_slug, &post.team_name),
        &post.title,
        post_path(&post),
        now,
        format!("{} published an update.", post.author_login),
    );
    notify::enqueue_webhooks(tx, post.team_id, &event, now).await?;
    Ok(())
}

/// Another member asks for changes: the post goes back to its author as a draft.
pub async fn request_changes(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    reviewer: &User,
    version: i32,
    comment: &str,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let post = lock_post(tx, post_id).await?;
    check_review(tx, &post, reviewer, version).await?;
    sqlx::query!(
        "insert into post_reviews (post_id, author_id, reviewer_id, verdict, comment, post_version, at)
         values ($1, $2, $3, 'changes_requested', $4, $5, $6)",
        post.id,
        post.author_id,
        reviewer.id,
        comment,
        version,
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update posts set submitted_at = null, updated_at = $2 where id = $1",
        post.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        &post,
        reviewer,
        "post.changes_requested",
        Visibility::Team,
        json!({ "comment": comment }),
        now,
    )
    .await?;
    let text = format!(
        "{} asked for changes to your post \u{201c}{}\u{201d}; it is a draft again:\n\n{comment}",
        reviewer.login, post.title
    );
    let key = format!("post:{}:changes:{version}", post.id);
    let subject = format!("Changes asked: {}", post.title);
    tell_author(tx, &post, &key, subject, text, now).await?;
    Ok(())
}

/// Tells a post's author how its review went.
async fn tell_author(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    key: &str,
    subject: String,
    text: String,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let notice = Notice {
        subject,
        text,
        path: post_path(post),
    };
    notify::enqueue(tx, Kind::PostReviewed, key, &notice, &[post.author_id], now).await?;
    Ok(())
}

/// A review as the post's page shows it to the team.
#[derive(Clone, Debug)]
pub struct ReviewRow {
    pub reviewer_login: String,
    pub verdict: String,
    pub comment: Option<String>,
    pub post_version: i32,
    pub at: OffsetDateTime,
}

pub async fn reviews(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<ReviewRow>> {
    sqlx::query_as!(
        ReviewRow,
        "select u.login as reviewer_login, r.verdict, r.comment, r.post_version, r.at
         from post_reviews r join users u on u.id = r.reviewer_id
         where r.post_id = $1 order by r.at, r.id",
        post_id
    )
    .fetch_all(db)
    .await
}

/// A published version of a post.
#[derive(Clone, Debug)]
pub struct Revision {
    pub number: i32,
    pub title: String,
    pub body: String,
    pub timeline: String,
    pub editor_login: String,
    pub at: OffsetDateTime,
}

impl Revision {
    pub fn text(&self) -> String {
        revision_text(&self.title, &self.body, &self.timeline)
    }
}

pub async fn revisions(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as!(
        Revision,
        "select r.number, r.title, r.body, r.timeline, u.login as editor_login, r.at
         from post_revisions r join users u on u.id = r.editor_id
         where r.post_id = $1 order by r.number",
        post_id
    )
    .fetch_all(db)
    .await
}

/// Likes or takes the like back. One like per person (the primary key), so likes sent at
/// once by many people, or twice by one, count exactly. Returns whether anything changed.
pub async fn set_like(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    user: &User,
    like: bool,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let changed = if like {
        sqlx::query!(
            "insert into post_likes (post_id, user_id, at) values ($1, $2, $3) on conflict do nothing",
            post.id,
            user.id,
            now
        )
        .execute(&mut **tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query!(
            "delete from post_likes where post_id = $1 and user_id = $2",
            post.id,
            user.id
        )
        .execute(&mut **tx)
        .await?
        .rows_affected()
    } > 0;
    if changed {
        let action = if like { "post.liked" } else { "post.unliked" };
        record(tx, post, user, action, Visibility::Public, json!({}), now).await?;
    }
    Ok(changed)
}

/// How many people like a post, and whether `user_id` is one of them.
pub async fn like_summary(
    db: impl PgExecutor<'_>,
    post_id: i64,
    user_id: Option<i64>,
) -> sqlx::Result<(i64, bool)> {
    let row = sqlx::query!(
        "select count(*) as \"count!\", coalesce(bool_or(user_id = $2), false) as \"mine!\"
         from post_likes where post_id = $1",
        post_id,
        user_id
    )
    .fetch_one(db)
    .await?;
    Ok((row.count, row.mine))
}

/// Pins or unpins a published post. Returns whether anything changed.
pub async fn set_pin(
    tx: &mut Transaction<'_, Postgres>,
    post_id: i64,
    user: &User,
    pin: bool,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let post = lock_post(tx, post_id).await?;
    if post.state() != PostState::Published {
        return Err(WriteError::Refused(
            "Only published posts can be pinned.".into(),
        ));
    }
    if post.pinned_at.is_some() == pin {
        return Ok(false);
    }
    sqlx::query!(
        "update posts set pinned_at = case when $2::boolean then $3::timestamptz end,
                pinned_by = case when $2::boolean then $4::bigint end
         where id = $1",
        post.id,
        pin,
        now,
        user.id
    )
    .execute(&mut **tx)
    .await?;
    let action = if pin { "post.pinned" } else { "post.unpinned" };
    record(tx, &post, user, action, Visibility::Public, json!({}), now).await?;
    Ok(true)
}

struct CommentRecord {
    id: i64,
    post_id: i64,
    author_id: i64,
    author_login: String,
    body: String,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
    deleted_at: Option<OffsetDateTime>,
    deleted_by: Option<String>,
    deleted_by_author: bool,
}

impl From<CommentRecord> for Comment {
    fn from(r: CommentRecord) -> Comment {
        Comment {
            id: r.id,
            post_id: r.post_id,
            author_id: r.author_id,
            author_login: r.author_login,
            body: r.body,
            created_at: r.created_at,
            edited_at: r.edited_at,
            deleted_at: r.deleted_at,
            deleted_by: r.deleted_by,
            deleted_by_author: r.deleted_by_author,
        }
    }
}

/// A post's comments, oldest first, deleted ones included (the page shows a tombstone).
pub async fn comments(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<Comment>> {
    let rows = sqlx::query_as!(
        CommentRecord,
        "select c.id, c.post_id, c.author_id, a.login as author_login, c.body, c.created_at, c.edited_at,
                c.deleted_at, d.login as \"deleted_by?\", coalesce(c.deleted_by = c.author_id, false) as \"deleted_by_author!\"
         from post_comments c
         join users a on a.id = c.author_id
         left join users d on d.id = c.deleted_by
         where c.post_id = $1
         order by c.created_at, c.id",
        post_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Comment::from).collect())
}

/// How many comments the post's page shows at once.
pub const COMMENT_PAGE: i64 = 50;

/// One page of a post's comments: the latest [`COMMENT_PAGE`] written before the comment
/// `before` (or the latest of all), oldest first, and whether earlier ones exist. Walks
/// `post_comments_post_idx` backwards, so its cost does not grow with the comments.
pub async fn comment_page(
    db: impl PgExecutor<'_>,
    post_id: i64,
    before: Option<i64>,
) -> sqlx::Result<(Vec<Comment>, bool)> {
    let mut rows = sqlx::query_as!(
        CommentRecord,
        "select c.id, c.post_id, c.author_id, a.login as author_login, c.body, c.created_at, c.edited_at,
                c.deleted_at, d.login as \"deleted_by?\", coalesce(c.deleted_by = c.author_id, false) as \"deleted_by_author!\"
         from post_comments c
         join users a on a.id = c.author_id
         left join users d on d.id = c.deleted_by
         where c.post_id = $1
           and ($2::bigint is null or (c.created_at, c.id) <
                (select b.created_at, b.id from post_comments b where b.id = $2 and b.post_id = $1))
         order by c.created_at desc, c.id desc
         limit $3",
        post_id,
        before,
        COMMENT_PAGE + 1
    )
    .fetch_all(db)
    .await?;
    let earlier = rows.len() as i64 > COMMENT_PAGE;
    rows.truncate(COMMENT_PAGE as usize);
    rows.reverse();
    Ok((rows.into_iter().map(Comment::from).collect(), earlier))
}

/// Earlier versions of the given comments (a page of them), deleted ones left out.
pub async fn comment_versions_of(
    db: impl PgExecutor<'_>,
    comment_ids: &[i64],
) -> sqlx::Result<Vec<CommentVersion>> {
    sqlx::query_as!(
        CommentVersion,
        "select v.comment_id, v.body, v.written_at
         from post_comment_versions v join post_comments c on c.id = v.comment_id
         where v.comment_id = any($1) and c.deleted_at is null
         order by v.comment_id, v.id",
        comment_ids
    )
    .fetch_all(db)
    .await
}

pub async fn find_comment(
    db: impl PgExecutor<'_>,
    post_id: i64,
    comment_id: i64,
) -> sqlx::Result<Option<Comment>> {
    let row = sqlx::query_as!(
        CommentRecord,
        "select c.id, c.post_id, c.author_id, a.login as author_login, c.body, c.created_at, c.edited_at,
                c.deleted_at, d.login as \"deleted_by?\", coalesce(c.deleted_by = c.author_id, false) as \"deleted_by_author!\"
         from post_comments c
         join users a on a.id = c.author_id
         left join users d on d.id = c.deleted_by
         where c.post_id = $1 and c.id = $2",
        post_id,
        comment_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Comment::from))
}

/// An earlier version of an edited comment.
#[derive(Clone, Debug)]
pub struct CommentVersion {
    pub comment_id: i64,
    pub body: String,
    pub written_at: OffsetDateTime,
}

/// The earlier versions of all of a post's comments, oldest first.
pub async fn comment_versions(
    db: impl PgExecutor<'_>,
    post_id: i64,
) -> sqlx::Result<Vec<CommentVersion>> {
    sqlx::query_as!(
        CommentVersion,
        "select v.comment_id, v.body, v.written_at
         from post_comment_versions v join post_comments c on c.id = v.comment_id
         where c.post_id = $1 and c.deleted_at is null
         order by v.comment_id, v.id",
        post_id
    )
    .fetch_all(db)
    .await
}

/// How many comments a person wrote since `since`.
pub async fn comments_written_since(
    db: impl PgExecutor<'_>,
    author_id: i64,
    since: OffsetDateTime,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select count(*) as \"count!\" from post_comments where author_id = $1 and created_at > $2",
        author_id,
        since
    )
    .fetch_one(db)
    .await
}

/// Adds a comment. A repeated submission (same author and form nonce) adds nothing.
pub async fn create_comment(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    author: &User,
    body: &str,
    nonce: &str,
    now: OffsetDateTime,
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into post_comments (post_id, author_id, body, form_nonce, created_at)
         values ($1, $2, $3, $4, $5)
         on conflict (author_id, form_nonce) do nothing
         returning id",
        post.id,
        author.id,
        body,
        nonce,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    match id {
        Some(id) => {
            record(
                tx,
                post,
                author,
                "post.commented",
                Visibility::Public,
                json!({ "comment": id }),
                now,
            )
            .await?;
            Ok(id)
        }
        None => {
            sqlx::query_scalar!(
                "select id from post_comments where author_id = $1 and form_nonce = $2",
                author.id,
                nonce
            )
            .fetch_one(&mut **tx)
            .await
        }
    }
}

/// Changes a comment's text, keeping the text it replaces.
pub async fn edit_comment(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    comment: &Comment,
    editor: &User,
    body: &str,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let current = sqlx::query!(
        "select body, created_at, edited_at, deleted_at from post_comments where id = $1 for update",
        comment.id
    )
    .fetch_one(&mut **tx)
    .await?;
    if current.deleted_at.is_some() {
        return Err(WriteError::Refused("The comment was deleted.".into()));
    }
    if current.body == body {
        return Ok(());
    }
    sqlx::query!(
        "insert into post_comment_versions (comment_id, body, written_at, replaced_at) values ($1, $2, $3, $4)",
        comment.id,
        current.body,
        current.edited_at.unwrap_or(current.created_at),
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update post_comments set body = $2, edited_at = $3 where id = $1",
        comment.id,
        body,
        now
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        post,
        editor,
        "post.comment_edited",
        Visibility::Public,
        json!({ "comment": comment.id }),
        now,
    )
    .await?;
    Ok(())
}

/// Deletes a comment: its text leaves the page, the record (and the versions) stay.
pub async fn delete_comment(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    comment: &Comment,
    by: &User,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "update post_comments set deleted_at = $2, deleted_by = $3 where id = $1 and deleted_at is null",
        comment.id,
        now,
        by.id
    )
    .execute(&mut **tx)
    .await?
    .rows_affected()
        > 0;
    if deleted {
        record(
            tx,
            post,
            by,
            "post.comment_deleted",
            Visibility::Public,
            json!({ "comment": comment.id, "by_author": comment.author_id == by.id }),
            now,
        )
        .await?;
    }
    Ok(deleted)
}

struct ActionRecord {
    id: i64,
    post_id: i64,
    text: String,
    owner_login: String,
    due_on: Date,
    done_at: Option<OffsetDateTime>,
}

impl From<ActionRecord> for ActionItem {
    fn from(r: ActionRecord) -> ActionItem {
        ActionItem {
            id: r.id,
            post_id: r.post_id,
            text: r.text,
            owner_login: r.owner_login,
            due_on: r.due_on,
            done_at: r.done_at,
        }
    }
}

/// A post's action items, by due date.
pub async fn action_items(db: impl PgExecutor<'_>, post_id: i64) -> sqlx::Result<Vec<ActionItem>> {
    let rows = sqlx::query_as!(
        ActionRecord,
        "select i.id, i.post_id, i.text, u.login as owner_login, i.due_on, i.done_at
         from post_action_items i join users u on u.id = i.owner_id
         where i.post_id = $1 order by i.due_on, i.id",
        post_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

pub async fn find_action_item(
    db: impl PgExecutor<'_>,
    post_id: i64,
    item_id: i64,
) -> sqlx::Result<Option<ActionItem>> {
    let row = sqlx::query_as!(
        ActionRecord,
        "select i.id, i.post_id, i.text, u.login as owner_login, i.due_on, i.done_at
         from post_action_items i join users u on u.id = i.owner_id
         where i.post_id = $1 and i.id = $2",
        post_id,
        item_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ActionItem::from))
}

/// An action item with the published post it belongs to, for the team's pages.
#[derive(Clone, Debug)]
pub struct TeamActionItem {
    pub item: ActionItem,
    pub post_slug: String,
    pub post_title: String,
}

/// The action items of a team's published posts: open ones first (by due date), then
/// done ones (most recently done first). `open_only` leaves the done ones out.
pub async fn team_action_items(
    db: impl PgExecutor<'_>,
    team_id: i64,
    open_only: bool,
    limit: i64,
) -> sqlx::Result<Vec<TeamActionItem>> {
    let rows = sqlx::query!(
        "select i.id, i.post_id, i.text, u.login as owner_login, i.due_on, i.done_at,
                p.slug as post_slug, p.title as post_title
         from post_action_items i
         join posts p on p.id = i.post_id
         join users u on u.id = i.owner_id
         where p.team_id = $1 and p.published_at is not null and (not $2 or i.done_at is null)
         order by i.done_at is not null, case when i.done_at is null then i.due_on end, i.done_at desc, i.id
         limit $3",
        team_id,
        open_only,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamActionItem {
            item: ActionItem {
                id: r.id,
                post_id: r.post_id,
                text: r.text,
                owner_login: r.owner_login,
                due_on: r.due_on,
                done_at: r.done_at,
            },
            post_slug: r.post_slug,
            post_title: r.post_title,
        })
        .collect())
}

/// Adds an action item to a post. A repeated submission adds nothing.
pub async fn create_action_item(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    fields: &ActionItemFields,
    nonce: &str,
    actor: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let owner = match auth::db::find_by_login(&mut **tx, &fields.owner).await? {
        Some(owner) => owner,
        None => auth::db::ensure_by_login(&mut **tx, &fields.owner, None, now).await?,
    };
    let id = sqlx::query_scalar!(
        "insert into post_action_items (post_id, text, owner_id, due_on, done_at, done_by, form_nonce, created_at, updated_at)
         values ($1, $2, $3, $4, case when $5::boolean then $7::timestamptz end,
                 case when $5::boolean then $6::bigint end, $8, $7, $7)
         on conflict (post_id, form_nonce) do nothing
         returning id",
        post.id,
        fields.text,
        owner.id,
        fields.due_on,
        fields.done,
        actor.id,
        now,
        nonce
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        record(
            tx,
            post,
            actor,
            "post.action_added",
            visibility(post),
            json!({ "item": id, "text": fields.text, "owner": owner.login, "due_on": crate::web::dates::format_date(fields.due_on) }),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Changes an action item (text, owner, due date, open or done).
pub async fn update_action_item(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    item: &ActionItem,
    fields: &ActionItemFields,
    actor: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let owner = match auth::db::find_by_login(&mut **tx, &fields.owner).await? {
        Some(owner) => owner,
        None => auth::db::ensure_by_login(&mut **tx, &fields.owner, None, now).await?,
    };
    let changed = sqlx::query!(
        "update post_action_items
         set text = $2, owner_id = $3, due_on = $4, updated_at = $6,
             done_at = case when not $5 then null when done_at is null then $6 else done_at end,
             done_by = case when not $5 then null when done_at is null then $7 else done_by end
         where id = $1 and (text, owner_id, due_on, done_at is not null) is distinct from ($2, $3, $4, $5)",
        item.id,
        fields.text,
        owner.id,
        fields.due_on,
        fields.done,
        now,
        actor.id
    )
    .execute(&mut **tx)
    .await?
    .rows_affected()
        > 0;
    if changed {
        record(
            tx,
            post,
            actor,
            "post.action_changed",
            visibility(post),
            json!({
                "item": item.id,
                "text": fields.text,
                "owner": owner.login,
                "due_on": crate::web::dates::format_date(fields.due_on),
                "status": if fields.done { "done" } else { "open" },
            }),
            now,
        )
        .await?;
    }
    Ok(())
}
