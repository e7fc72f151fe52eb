//! Every SQL statement about RFCs, their revisions, windows, feedback and dispositions.
//! Writes take the caller's transaction, lock the RFC's row, check their rule again under
//! that lock, and record their audit entry in the same transaction. Queries that return
//! feedback filter private feedback in SQL, so no page can show what it did not get.

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{
    Resolution, Revision, Rfc, RfcText, Verdict, Visibility, Window, WindowChange, WindowState,
};
use crate::audit::{self, Entry, Subject};
use crate::auth::model::User;
use crate::teams::db::WriteError;
use crate::teams::model::Team;

struct RfcRecord {
    id: i64,
    team_id: i64,
    team_slug: String,
    team_name: String,
    created_at: OffsetDateTime,
    opens_at: Option<OffsetDateTime>,
    closes_at: Option<OffsetDateTime>,
    disposition_published_at: Option<OffsetDateTime>,
    resolution: Option<String>,
    decision_id: Option<i64>,
    resolved_at: Option<OffsetDateTime>,
    revision_id: i64,
    number: i32,
    title: String,
    summary: String,
    body: String,
    pull_request_url: Option<String>,
    change_note: String,
    author_login: String,
    revised_at: OffsetDateTime,
}

fn window(opens_at: Option<OffsetDateTime>, closes_at: Option<OffsetDateTime>) -> Option<Window> {
    match (opens_at, closes_at) {
        (Some(opens_at), Some(closes_at)) => Some(Window {
            opens_at,
            closes_at,
        }),
        _ => None,
    }
}

fn resolution(stored: Option<String>) -> sqlx::Result<Option<Resolution>> {
    stored
        .map(|s| {
            Resolution::parse(&s)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown resolution {s:?}").into()))
        })
        .transpose()
}

impl TryFrom<RfcRecord> for Rfc {
    type Error = sqlx::Error;

    fn try_from(r: RfcRecord) -> sqlx::Result<Rfc> {
        Ok(Rfc {
            id: r.id,
            team_id: r.team_id,
            team_slug: r.team_slug,
            team_name: r.team_name,
            created_at: r.created_at,
            window: window(r.opens_at, r.closes_at),
            disposition_published_at: r.disposition_published_at,
            resolution: resolution(r.resolution)?,
            decision_id: r.decision_id,
            resolved_at: r.resolved_at,
            current: Revision {
                id: r.revision_id,
                number: r.number,
                title: r.title,
                summary: r.summary,
                body: r.body,
                pull_request_url: r.pull_request_url,
                change_note: r.change_note,
                author_login: r.author_login,
                created_at: r.revised_at,
            },
        })
    }
}

/// One RFC with its current revision.
pub async fn find_rfc(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Rfc>> {
    let record = sqlx::query_as!(
        RfcRecord,
        "select r.id, r.team_id, t.slug as team_slug, t.name as team_name, r.created_at,
                r.opens_at, r.closes_at, r.disposition_published_at, rs.resolution as \"resolution?\", rs.decision_id as \"decision_id?\", rs.resolved_at as \"resolved_at?\",
                v.id as \"revision_id!\", v.number as \"number!\", v.title as \"title!\",
                v.summary as \"summary!\", v.body as \"body!\", v.pull_request_url,
                v.change_note as \"change_note!\", u.login as author_login,
                v.created_at as \"revised_at!\"
         from rfcs r
         join teams t on t.id = r.team_id
         join lateral (select * from rfc_revisions where rfc_id = r.id order by number desc limit 1) v on true
         join users u on u.id = v.author_id
         left join rfc_resolutions rs on rs.rfc_id = r.id
         where r.id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    record.map(Rfc::try_from).transpose()
}

/// The RFCs a viewer may list: every RFC whose window has opened, and the drafts of the
/// viewer's teams; newest first.
pub async fn list_rfcs(
    db: impl PgExecutor<'_>,
    viewer_teams: &[i64],
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Rfc>> {
    sqlx::query_as!(
        RfcRecord,
        "select r.id, r.team_id, t.slug as team_slug, t.name as team_name, r.created_at,
                r.opens_at, r.closes_at, r.disposition_published_at, rs.resolution as \"resolution?\", rs.decision_id as \"decision_id?\", rs.resolved_at as \"resolved_at?\",
                v.id as \"revision_id!\", v.number as \"number!\", v.title as \"title!\",
                v.summary as \"summary!\", v.body as \"body!\", v.pull_request_url,
                v.change_note as \"change_note!\", u.login as author_login,
                v.created_at as \"revised_at!\"
         from rfcs r
         join teams t on t.id = r.team_id
         join lateral (select * from rfc_revisions where rfc_id = r.id order by number desc limit 1) v on true
         join users u on u.id = v.author_id
         left join rfc_resolutions rs on rs.rfc_id = r.id
         where (r.opens_at <= $2 and (rs.resolved_at is null or rs.resolved_at >= r.opens_at))
            or r.team_id = any($1::bigint[])
         order by r.created_at desc, r.id desc",
        viewer_teams,
        now
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Rfc::try_from)
    .collect()
}

/// RFCs whose window is open at `now`, closing soonest first: the home page and the feed.
/// The first `limit` are chosen before anything is joined to them, as an array so that
/// the prepared statement's generic plan looks them up by id (it reads a few rows, not
/// every open window's or every RFC).
pub async fn open_for_feedback(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Rfc>> {
    sqlx::query_as!(
        RfcRecord,
        "select r.id, r.team_id, t.slug as team_slug, t.name as team_name, r.created_at,
                r.opens_at, r.closes_at, r.disposition_published_at, rs.resolution as \"resolution?\", rs.decision_id as \"decision_id?\", rs.resolved_at as \"resolved_at?\",
                v.id as \"revision_id!\", v.number as \"number!\", v.title as \"title!\",
                v.summary as \"summary!\", v.body as \"body!\", v.pull_request_url,
                v.change_note as \"change_note!\", u.login as author_login,
                v.created_at as \"revised_at!\"
         from rfcs r
         join teams t on t.id = r.team_id
         join lateral (select * from rfc_revisions where rfc_id = r.id order by number desc limit 1) v on true
         join users u on u.id = v.author_id
         left join rfc_resolutions rs on rs.rfc_id = r.id
         where r.id = any(array(select o.id from rfcs o
                                where o.opens_at <= $1 and o.closes_at > $1
                                  and not exists (select 1 from rfc_resolutions x where x.rfc_id = o.id)
                                order by o.closes_at, o.id
                                limit $2))
         order by r.closes_at, r.id",
        now,
        limit
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Rfc::try_from)
    .collect()
}

/// Every revision of an RFC, oldest first.
pub async fn revisions(db: impl PgExecutor<'_>, rfc_id: i64) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as!(
        Revision,
        "select v.id, v.number, v.title, v.summary, v.body, v.pull_request_url, v.change_note,
                u.login as author_login, v.created_at
         from rfc_revisions v join users u on u.id = v.author_id
         where v.rfc_id = $1
         order by v.number",
        rfc_id
    )
    .fetch_all(db)
    .await
}

/// The RFC a drafting form with this key made, if any.
pub async fn find_by_form_key(
    db: impl PgExecutor<'_>,
    form_key: &str,
    author_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from rfcs where form_key = $1 and created_by = $2",
        form_key,
        author_id
    )
    .fetch_optional(db)
    .await
}

pub(super) fn subject(id: i64, title: &str) -> Subject {
    let label: String = format!("RFC {id}: {title}").chars().take(200).collect();
    Subject {
        kind: "rfc",
        id: Some(id),
        label,
    }
}

/// Public once the RFC is public, else for the team only.
pub(super) fn visibility_at(rfc_public: bool) -> audit::Visibility {
    if rfc_public {
        audit::Visibility::Public
    } else {
        audit::Visibility::Team
    }
}

/// Drafts a new RFC: the RFC and its first revision.
pub async fn create_rfc(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    text: &RfcText,
    form_key: &str,
    actor: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    // A revocation locks the team's row for update: a draft waits for it and sees it.
    let revoked = sqlx::query_scalar!(
        "select revoked_at from teams where id = $1 for share",
        team.id
    )
    .fetch_one(&mut **tx)
    .await?;
    if revoked.is_some() {
        return Err(WriteError::Refused(
            "The team's delegation was revoked; it drafts no more RFCs.".into(),
        ));
    }
    let id = sqlx::query_scalar!(
        "insert into rfcs (team_id, created_by, created_at, form_key) values ($1, $2, $3, $4) returning id",
        team.id,
        actor.id,
        now,
        form_key
    )
    .fetch_one(&mut **tx)
    .await?;
    insert_revision(tx, id, 1, text, actor, now).await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "rfc.drafted",
            subject: subject(id, &text.title),
            team_id: Some(team.id),
            visibility: audit::Visibility::Team,
            details: json!({ "title": text.title }),
        },
    )
    .await?;
    Ok(id)
}

async fn insert_revision(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    number: i32,
    text: &RfcText,
    actor: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into rfc_revisions (rfc_id, number, title, summary, body, pull_request_url, change_note, author_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        rfc_id,
        number,
        text.title,
        text.summary,
        text.body,
        text.pull_request_url,
        text.change_note,
        actor.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks the RFC's row for the rest of the transaction and reads it again: every write
/// about one RFC takes this lock first, so each sees the others' outcome.
pub(super) async fn lock(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
) -> Result<Rfc, WriteError> {
    sqlx::query!("select id from rfcs where id = $1 for update", rfc_id)
        .fetch_one(&mut **tx)
        .await?;
    reread(tx, rfc_id).await
}

async fn reread(tx: &mut Transaction<'_, Postgres>, rfc_id: i64) -> Result<Rfc, WriteError> {
    find_rfc(&mut **tx, rfc_id)
        .await?
        .ok_or_else(|| WriteError::Refused("This RFC no longer exists.".into()))
}

fn conflict(e: crate::error::AppError) -> WriteError {
    match e {
        crate::error::AppError::Conflict(why) => WriteError::Refused(why),
        other => WriteError::Refused(other.to_string()),
    }
}

/// Makes the next numbered revision. An edit that changes nothing (or the same form sent
/// twice) makes none: returns `None`.
pub async fn revise(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    text: &RfcText,
    actor: &User,
    now: OffsetDateTime,
) -> Result<Option<i32>, WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    super::model::require_revisable(&rfc, now).map_err(conflict)?;
    if text.same_as(&rfc.current) {
        return Ok(None);
    }
    let number = rfc.current.number + 1;
    insert_revision(tx, rfc.id, number, text, actor, now).await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "rfc.revised",
            subject: subject(rfc.id, &text.title),
            team_id: Some(rfc.team_id),
            visibility: visibility_at(rfc.is_public(now)),
            details: json!({ "revision": number, "change_note": text.change_note }),
        },
    )
    .await?;
    Ok(Some(number))
}

/// Sets the window, or changes it with a reason. The rules are checked again under the
/// lock against the window as it stands now.
pub async fn set_window(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    form: &super::model::WindowForm,
    actor: &User,
    now: OffsetDateTime,
) -> Result<Result<WindowChange, crate::web::form::FormErrors>, WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    if let Some(resolution) = rfc.resolution {
        return Err(WriteError::Refused(format!(
            "This RFC was {}; its window no longer changes.",
            resolution.as_str()
        )));
    }
    let change = match form.validate(rfc.window, now) {
        Ok(change) => change,
        Err(errors) => return Ok(Err(errors)),
    };
    let new = change.window;
    sqlx::query!(
        "update rfcs set opens_at = $2, closes_at = $3 where id = $1",
        rfc.id,
        new.opens_at,
        new.closes_at
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into rfc_window_changes (rfc_id, old_opens_at, old_closes_at, opens_at, closes_at, reason, actor_id, at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        rfc.id,
        rfc.window.map(|w| w.opens_at),
        rfc.window.map(|w| w.closes_at),
        new.opens_at,
        new.closes_at,
        change.reason,
        actor.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let rfc_was_public = rfc.is_public(now);
    let opens_now = new.state(now) != WindowState::NotYetOpen;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: if rfc.window.is_some() {
                "rfc.window_changed"
            } else {
                "rfc.window_set"
            },
            subject: subject(rfc.id, &rfc.current.title),
            team_id: Some(rfc.team_id),
            visibility: visibility_at(rfc_was_public || opens_now),
            details: json!({
                "opens_at": crate::web::dates::rfc3339(new.opens_at),
                "closes_at": crate::web::dates::rfc3339(new.closes_at),
                "previous_closes_at": rfc.window.map(|w| crate::web::dates::rfc3339(w.closes_at)),
                "reason": change.reason,
            }),
        },
    )
    .await?;
    Ok(Ok(change))
}

/// A logged change of a window.
#[derive(Clone, Debug)]
pub struct WindowChangeRow {
    pub old_closes_at: Option<OffsetDateTime>,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub reason: Option<String>,
    pub actor_login: String,
    pub at: OffsetDateTime,
}

pub async fn window_changes(
    db: impl PgExecutor<'_>,
    rfc_id: i64,
) -> sqlx::Result<Vec<WindowChangeRow>> {
    sqlx::query_as!(
        WindowChangeRow,
        "select c.old_closes_at, c.opens_at, c.closes_at, c.reason, u.login as actor_login, c.at
         from rfc_window_changes c join users u on u.id = c.actor_id
         where c.rfc_id = $1
         order by c.at, c.id",
        rfc_id
    )
    .fetch_all(db)
    .await
}

/// A piece of feedback as a page shows it, with its disposition when the viewer may see it.
#[derive(Clone, Debug)]
pub struct Feedback {
    pub id: i64,
    pub author_id: i64,
    pub author_login: String,
    pub visibility: Visibility,
    pub body: String,
    pub revision_number: i32,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub verdict: Option<Verdict>,
    pub reason: Option<String>,
    pub disposed_by: Option<String>,
}

struct FeedbackRecord {
    id: i64,
    author_id: i64,
    author_login: String,
    visibility: String,
    body: String,
    revision_number: i32,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
    withdrawn_at: Option<OffsetDateTime>,
    verdict: Option<String>,
    reason: Option<String>,
    disposed_by: Option<String>,
}

impl TryFrom<FeedbackRecord> for Feedback {
    type Error = sqlx::Error;

    fn try_from(r: FeedbackRecord) -> sqlx::Result<Feedback> {
        let decode =
            |what: &str, s: &str| sqlx::Error::Decode(format!("unknown {what} {s:?}").into());
        let verdict = match r.verdict.as_deref() {
            None => None,
            Some(v) => Some(Verdict::parse(v).ok_or_else(|| decode("verdict", v))?),
        };
        Ok(Feedback {
            visibility: Visibility::parse(&r.visibility)
                .ok_or_else(|| decode("visibility", &r.visibility))?,
            verdict,
            id: r.id,
            author_id: r.author_id,
            author_login: r.author_login,
            body: r.body,
            revision_number: r.revision_number,
            created_at: r.created_at,
            edited_at: r.edited_at,
            withdrawn_at: r.withdrawn_at,
            reason: r.reason,
            disposed_by: r.disposed_by,
        })
    }
}

/// The feedback on an RFC that the viewer may read, oldest first: public feedback, and
/// private feedback when the viewer is a member of the team (`is_member`) or its author.
/// Dispositions come with it for members, and for everyone once published.
pub async fn feedback(
    db: impl PgExecutor<'_>,
    rfc_id: i64,
    viewer_id: Option<i64>,
    is_member: bool,
) -> sqlx::Result<Vec<Feedback>> {
    sqlx::query_as!(
        FeedbackRecord,
        "select f.id, f.author_id, u.login as author_login, f.visibility, f.body,
                v.number as revision_number, f.created_at, f.edited_at, f.withdrawn_at,
                d.verdict as \"verdict?\", d.reason as \"reason?\", du.login as \"disposed_by?\"
         from rfc_feedback f
         join rfcs r on r.id = f.rfc_id
         join users u on u.id = f.author_id
         join rfc_revisions v on v.id = f.revision_id
         left join rfc_dispositions d on d.feedback_id = f.id
              and ($3 or r.disposition_published_at is not null)
         left join users du on du.id = d.recorded_by
         where f.rfc_id = $1
           and (f.visibility = 'public' or $3 or f.author_id = $2)
         order by f.created_at, f.id",
        rfc_id,
        viewer_id,
        is_member
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Feedback::try_from)
    .collect()
}

/// How many pieces of feedback the RFC page shows at once.
pub const FEEDBACK_PAGE: i64 = 50;

/// One page of the feedback the viewer may read (the same rule as [`feedback`]): the
/// latest [`FEEDBACK_PAGE`] written before the piece `before` (or the latest of all),
/// oldest first, and whether earlier ones exist. Walks `rfc_feedback_rfc_idx` backwards,
/// so its cost does not grow with the number of pieces.
pub async fn feedback_page(
    db: impl PgExecutor<'_>,
    rfc_id: i64,
    viewer_id: Option<i64>,
    is_member: bool,
    before: Option<i64>,
) -> sqlx::Result<(Vec<Feedback>, bool)> {
    let mut rows = sqlx::query_as!(
        FeedbackRecord,
        "select f.id, f.author_id, u.login as author_login, f.visibility, f.body,
                v.number as revision_number, f.created_at, f.edited_at, f.withdrawn_at,
                d.verdict as \"verdict?\", d.reason as \"reason?\", du.login as \"disposed_by?\"
         from rfc_feedback f
         join rfcs r on r.id = f.rfc_id
         join users u on u.id = f.author_id
         join rfc_revisions v on v.id = f.revision_id
         left join rfc_dispositions d on d.feedback_id = f.id
              and ($3 or r.disposition_published_at is not null)
         left join users du on du.id = d.recorded_by
         where f.rfc_id = $1
           and (f.visibility = 'public' or $3 or f.author_id = $2)
           and ($4::bigint is null or (f.created_at, f.id) <
                (select b.created_at, b.id from rfc_feedback b where b.id = $4 and b.rfc_id = $1))
         order by f.created_at desc, f.id desc
         limit $5",
        rfc_id,
        viewer_id,
        is_member,
        before,
        FEEDBACK_PAGE + 1
    )
    .fetch_all(db)
    .await?;
    let earlier = rows.len() as i64 > FEEDBACK_PAGE;
    rows.truncate(FEEDBACK_PAGE as usize);
    rows.reverse();
    let feedback = rows
        .into_iter()
        .map(Feedback::try_from)
        .collect::<sqlx::Result<Vec<_>>>()?;
    Ok((feedback, earlier))
}

/// Earlier texts of the given pieces of feedback (a page of them).
pub async fn feedback_edits_of(
    db: impl PgExecutor<'_>,
    feedback_ids: &[i64],
) -> sqlx::Result<Vec<FeedbackEdit>> {
    sqlx::query_as!(
        FeedbackEdit,
        "select e.feedback_id, v.number as revision_number, e.body, e.replaced_at
         from rfc_feedback_edits e
         join rfc_revisions v on v.id = e.revision_id
         where e.feedback_id = any($1)
         order by e.feedback_id, e.id",
        feedback_ids
    )
    .fetch_all(db)
    .await
}

/// An earlier text of a piece of feedback.
#[derive(Clone, Debug)]
pub struct FeedbackEdit {
    pub feedback_id: i64,
    pub revision_number: i32,
    pub body: String,
    pub replaced_at: OffsetDateTime,
}

/// Earlier texts of the feedback the viewer may read (the same rule as [`feedback`]).
pub async fn feedback_edits(
    db: impl PgExecutor<'_>,
    rfc_id: i64,
    viewer_id: Option<i64>,
    is_member: bool,
) -> sqlx::Result<Vec<FeedbackEdit>> {
    sqlx::query_as!(
        FeedbackEdit,
        "select e.feedback_id, v.number as revision_number, e.body, e.replaced_at
         from rfc_feedback_edits e
         join rfc_feedback f on f.id = e.feedback_id
         join rfc_revisions v on v.id = e.revision_id
         where f.rfc_id = $1
           and (f.visibility = 'public' or $3 or f.author_id = $2)
         order by e.feedback_id, e.id",
        rfc_id,
        viewer_id,
        is_member
    )
    .fetch_all(db)
    .await
}

/// How many pieces of private feedback (not withdrawn) the published disposition
/// accepted, declined and noted, and how many have none: counts only, never text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrivateSummary {
    pub accepted: i64,
    pub declined: i64,
    pub noted: i64,
    pub total: i64,
}

pub async fn private_summary(db: impl PgExecutor<'_>, rfc_id: i64) -> sqlx::Result<PrivateSummary> {
    let row = sqlx::query!(
        "select count(*) filter (where d.verdict = 'accepted') as \"accepted!\",
                count(*) filter (where d.verdict = 'declined') as \"declined!\",
                count(*) filter (where d.verdict = 'noted') as \"noted!\",
                count(*) as \"total!\"
         from rfc_feedback f left join rfc_dispositions d on d.feedback_id = f.id
         where f.rfc_id = $1 and f.visibility = 'private' and f.withdrawn_at is null",
        rfc_id
    )
    .fetch_one(db)
    .await?;
    Ok(PrivateSummary {
        accepted: row.accepted,
        declined: row.declined,
        noted: row.noted,
        total: row.total,
    })
}

/// The RFC a feedback form with this key already gave feedback to, if any.
pub async fn feedback_by_form_key(
    db: impl PgExecutor<'_>,
    form_key: &str,
    author_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from rfc_feedback where form_key = $1 and author_id = $2",
        form_key,
        author_id
    )
    .fetch_optional(db)
    .await
}

fn feedback_subject(rfc_id: i64, feedback_id: i64) -> Subject {
    Subject {
        kind: "rfc_feedback",
        id: Some(feedback_id),
        label: format!("feedback {feedback_id} on RFC {rfc_id}"),
    }
}

fn feedback_visibility(visibility: Visibility) -> audit::Visibility {
    match visibility {
        Visibility::Public => audit::Visibility::Public,
        Visibility::Private => audit::Visibility::Team,
    }
}

/// A new piece of feedback, as its form gave it.
#[derive(Clone, Debug)]
pub struct NewFeedback {
    pub rfc_id: i64,
    pub author_id: i64,
    pub visibility: Visibility,
    pub body: String,
    pub form_key: String,
    pub at: OffsetDateTime,
}

/// What became of a piece of feedback the window took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    Added(i64),
    /// The same form was sent before (its `form_key` is taken); nothing was added.
    SentBefore,
}

/// Adds a piece of feedback, tied to the revision current when it lands. The RFC's row is
/// locked for share, so pieces of feedback do not wait for each other while every change
/// of the RFC itself (its window, a revision, a resolution) waits for them, and the window
/// is checked under that lock (`model::feedback_refusal`): feedback never lands after a
/// window closed or moved.
pub async fn add_feedback(
    tx: &mut Transaction<'_, Postgres>,
    piece: &NewFeedback,
) -> Result<Taken, WriteError> {
    sqlx::query!("select id from rfcs where id = $1 for share", piece.rfc_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| WriteError::Refused("This RFC no longer exists.".into()))?;
    let rfc = reread(tx, piece.rfc_id).await?;
    if let Some(why) = super::model::feedback_refusal(&rfc, piece.at) {
        return Err(WriteError::Refused(why));
    }
    let added = sqlx::query_scalar!(
        "insert into rfc_feedback (rfc_id, revision_id, author_id, visibility, body, created_at, form_key)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (form_key) do nothing
         returning id",
        rfc.id,
        rfc.current.id,
        piece.author_id,
        piece.visibility.as_str(),
        piece.body,
        piece.at,
        piece.form_key
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = added else {
        return Ok(Taken::SentBefore);
    };
    audit::record(
        tx,
        &Entry {
            at: piece.at,
            actor_id: Some(piece.author_id),
            action: "rfc_feedback.submitted",
            subject: feedback_subject(rfc.id, id),
            team_id: Some(rfc.team_id),
            visibility: feedback_visibility(piece.visibility),
            details: json!({ "revision": rfc.current.number, "visibility": piece.visibility.as_str() }),
        },
    )
    .await?;
    Ok(Taken::Added(id))
}

/// A piece of feedback as its author's forms need it.
#[derive(Clone, Debug)]
pub struct OwnFeedback {
    pub id: i64,
    pub rfc_id: i64,
    pub author_id: i64,
    pub visibility: Visibility,
    pub body: String,
    pub revision_id: i64,
    pub withdrawn_at: Option<OffsetDateTime>,
}

pub async fn find_feedback(
    db: impl PgExecutor<'_>,
    rfc_id: i64,
    feedback_id: i64,
) -> sqlx::Result<Option<OwnFeedback>> {
    let row = sqlx::query!(
        "select id, rfc_id, author_id, visibility, body, revision_id, withdrawn_at
         from rfc_feedback where id = $1 and rfc_id = $2",
        feedback_id,
        rfc_id
    )
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(OwnFeedback {
            visibility: Visibility::parse(&r.visibility).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown visibility {:?}", r.visibility).into())
            })?,
            id: r.id,
            rfc_id: r.rfc_id,
            author_id: r.author_id,
            body: r.body,
            revision_id: r.revision_id,
            withdrawn_at: r.withdrawn_at,
        })
    })
    .transpose()
}

/// Replaces the text of one's feedback inside the window, keeping the earlier text; the
/// feedback is then tied to the revision current now.
pub async fn edit_feedback(
    tx: &mut Transaction<'_, Postgres>,
    feedback: &OwnFeedback,
    body: &str,
    author: &User,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let rfc = lock(tx, feedback.rfc_id).await?;
    if let Some(why) = super::model::feedback_refusal(&rfc, now) {
        return Err(WriteError::Refused(why));
    }
    let current = sqlx::query!(
        "select body, revision_id, withdrawn_at from rfc_feedback where id = $1",
        feedback.id
    )
    .fetch_one(&mut **tx)
    .await?;
    if current.withdrawn_at.is_some() {
        return Err(WriteError::Refused(
            "This feedback was withdrawn; it no longer changes.".into(),
        ));
    }
    if current.body == body {
        return Ok(false);
    }
    sqlx::query!(
        "insert into rfc_feedback_edits (feedback_id, revision_id, body, replaced_at) values ($1, $2, $3, $4)",
        feedback.id,
        current.revision_id,
        current.body,
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update rfc_feedback set body = $2, revision_id = $3, edited_at = $4 where id = $1",
        feedback.id,
        body,
        rfc.current.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(author.id),
            action: "rfc_feedback.edited",
            subject: feedback_subject(rfc.id, feedback.id),
            team_id: Some(rfc.team_id),
            visibility: feedback_visibility(feedback.visibility),
            details: json!({ "revision": rfc.current.number }),
        },
    )
    .await?;
    Ok(true)
}

/// Withdraws one's feedback inside the window. Withdrawing twice changes nothing.
pub async fn withdraw_feedback(
    tx: &mut Transaction<'_, Postgres>,
    feedback: &OwnFeedback,
    author: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let rfc = lock(tx, feedback.rfc_id).await?;
    if let Some(why) = super::model::feedback_refusal(&rfc, now) {
        return Err(WriteError::Refused(why));
    }
    let changed = sqlx::query!(
        "update rfc_feedback set withdrawn_at = $2 where id = $1 and withdrawn_at is null",
        feedback.id,
        now
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 1 {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(author.id),
                action: "rfc_feedback.withdrawn",
                subject: feedback_subject(rfc.id, feedback.id),
                team_id: Some(rfc.team_id),
                visibility: feedback_visibility(feedback.visibility),
                details: json!({}),
            },
        )
        .await?;
    }
    Ok(())
}

/// Records (or changes, until published) the disposition of one piece of feedback.
pub async fn record_disposition(
    tx: &mut Transaction<'_, Postgres>,
    feedback: &OwnFeedback,
    (verdict, reason): (Verdict, &str),
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let rfc = lock(tx, feedback.rfc_id).await?;
    super::model::require_disposable(&rfc, now).map_err(conflict)?;
    if feedback.withdrawn_at.is_some() {
        return Err(WriteError::Refused(
            "This feedback was withdrawn by its author; it needs no disposition.".into(),
        ));
    }
    sqlx::query!(
        "insert into rfc_dispositions (feedback_id, rfc_id, verdict, reason, recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (feedback_id) do update
         set verdict = excluded.verdict, reason = excluded.reason,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        feedback.id,
        rfc.id,
        verdict.as_str(),
        reason,
        actor.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "rfc_disposition.recorded",
            subject: feedback_subject(rfc.id, feedback.id),
            team_id: Some(rfc.team_id),
            visibility: audit::Visibility::Team,
            details: json!({ "verdict": verdict.as_str(), "reason": reason }),
        },
    )
    .await?;
    Ok(())
}

/// Publishes the disposition once every piece of feedback (not withdrawn) has one.
pub async fn publish_disposition(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    super::model::require_disposable(&rfc, now).map_err(conflict)?;
    let missing = sqlx::query_scalar!(
        "select count(*) as \"count!\" from rfc_feedback f
         where f.rfc_id = $1 and f.withdrawn_at is null
           and not exists (select 1 from rfc_dispositions d where d.feedback_id = f.id)",
        rfc.id
    )
    .fetch_one(&mut **tx)
    .await?;
    if missing > 0 {
        return Err(WriteError::Refused(format!(
            "{missing} piece{} of feedback still need{} a disposition.",
            if missing == 1 { "" } else { "s" },
            if missing == 1 { "s" } else { "" }
        )));
    }
    sqlx::query!(
        "update rfcs set disposition_published_at = $2, disposition_published_by = $3 where id = $1",
        rfc.id,
        now,
        actor.id
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "rfc.disposition_published",
            subject: subject(rfc.id, &rfc.current.title),
            team_id: Some(rfc.team_id),
            visibility: audit::Visibility::Public,
            details: json!({}),
        },
    )
    .await?;
    Ok(())
}

/// Why `resolution` cannot settle `rfc` at `now`; `None` when it can. Accepting or
/// rejecting waits for the window to close; withdrawing is possible at any stage. Checked
/// when a decision is opened (a form message) and again when its effect is applied.
pub fn resolution_problem(
    rfc: &Rfc,
    resolution: Resolution,
    now: OffsetDateTime,
) -> Option<String> {
    if let Some(done) = rfc.resolution {
        return Some(format!("The RFC was already {}.", done.as_str()));
    }
    let closed = rfc.has_closed(now);
    match resolution {
        Resolution::Withdrawn => None,
        _ if closed => None,
        _ => Some(format!(
            "An RFC is {} only after its feedback window has closed.",
            resolution.as_str()
        )),
    }
}

/// Settles an RFC: the typed effect of a passed decision, applied in the transaction that
/// records the decision's outcome. The rules are checked again under the RFC's lock; the
/// primary key allows one resolution per RFC.
pub async fn resolve(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    team_id: i64,
    resolution: Resolution,
    decision_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let rfc = lock(tx, rfc_id).await?;
    if rfc.team_id != team_id {
        return Err(WriteError::Refused(
            "The RFC belongs to another team; this decision cannot settle it.".into(),
        ));
    }
    if let Some(problem) = resolution_problem(&rfc, resolution, now) {
        return Err(WriteError::Refused(problem));
    }
    sqlx::query!(
        "insert into rfc_resolutions (rfc_id, decision_id, resolution, resolved_at) values ($1, $2, $3, $4)",
        rfc.id,
        decision_id,
        resolution.as_str(),
        now
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: match resolution {
                Resolution::Accepted => "rfc.accepted",
                Resolution::Rejected => "rfc.rejected",
                Resolution::Withdrawn => "rfc.withdrawn",
            },
            subject: subject(rfc.id, &rfc.current.title),
            team_id: Some(rfc.team_id),
            visibility: visibility_at(rfc.is_public(now)),
            details: json!({ "decision": decision_id }),
        },
    )
    .await?;
    Ok(())
}
