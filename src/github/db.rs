//! Every SQL statement of the GitHub App: links, GitHub ids, the changes decisions queue,
//! the drift seen and the daily check. Writes take the caller's transaction and audit in it.

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{Action, Wanted};
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth::model::User;
use crate::teams::model::Team;

/// A Concord team linked to a GitHub team.
#[derive(Clone, Debug)]
pub struct Link {
    pub team_id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub github_slug: String,
    pub linked_by: String,
    pub linked_at: OffsetDateTime,
}

/// The team's link, if it has one.
pub async fn link(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Option<Link>> {
    sqlx::query_as!(
        Link,
        "select l.team_id, t.slug as team_slug, t.name as team_name, l.github_slug,
                u.login as linked_by, l.linked_at
         from github_links l join teams t on t.id = l.team_id join users u on u.id = l.linked_by
         where l.team_id = $1",
        team_id
    )
    .fetch_optional(db)
    .await
}

/// Every linked team, by Concord slug.
pub async fn links(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Link>> {
    sqlx::query_as!(
        Link,
        "select l.team_id, t.slug as team_slug, t.name as team_name, l.github_slug,
                u.login as linked_by, l.linked_at
         from github_links l join teams t on t.id = l.team_id join users u on u.id = l.linked_by
         where t.revoked_at is null
         order by t.slug"
    )
    .fetch_all(db)
    .await
}

fn team_subject(team: &Team) -> Subject {
    Subject {
        kind: "team",
        id: Some(team.id),
        label: team.name.clone(),
    }
}

/// Links a team (or moves its link to another GitHub team). A GitHub team linked to
/// another Concord team breaks `github_links_github_slug_key`.
pub async fn set_link(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    github_slug: &str,
    org: &str,
    by: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into github_links (team_id, github_slug, linked_by, linked_at)
         values ($1, $2, $3, $4)
         on conflict (team_id) do update
             set github_slug = excluded.github_slug, linked_by = excluded.linked_by,
                 linked_at = excluded.linked_at",
        team.id,
        github_slug,
        by.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(by.id),
            action: "github.linked",
            subject: team_subject(team),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: json!({ "github_team": format!("{org}/{github_slug}") }),
        },
    )
    .await
    .map(|_| ())
}

/// Unlinks a team; false when it was not linked.
pub async fn remove_link(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    by: &User,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let Some(slug) = sqlx::query_scalar!(
        "delete from github_links where team_id = $1 returning github_slug",
        team.id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(by.id),
            action: "github.unlinked",
            subject: team_subject(team),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: json!({ "github_team": slug }),
        },
    )
    .await?;
    Ok(true)
}

/// Whether the person is a lead of the team now.
pub async fn is_lead(db: impl PgExecutor<'_>, team_id: i64, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from memberships
                          where team_id = $1 and user_id = $2 and left_at is null and role = 'lead')
           as "lead!""#,
        team_id,
        user_id
    )
    .fetch_one(db)
    .await
}

/// The team's current members (any role) with their GitHub ids when known.
pub async fn wanted(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<Wanted>> {
    sqlx::query_as!(
        Wanted,
        "select u.id as user_id, u.login, u.github_id
         from memberships m join users u on u.id = m.user_id
         where m.team_id = $1 and m.left_at is null
         order by u.login",
        team_id
    )
    .fetch_all(db)
    .await
}

/// Records the GitHub id a login resolved to, for a person Concord knew only by login.
/// An id another person already holds is left alone (that person signed in with it).
pub async fn set_github_id(
    db: impl PgExecutor<'_>,
    user_id: i64,
    github_id: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set github_id = $2
         where id = $1 and github_id is null
           and not exists (select 1 from users where github_id = $2)",
        user_id,
        github_id
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records one change made on GitHub (by `concord github apply`, `/admin/github` or the
/// worker), in the team's public log.
#[allow(clippy::too_many_arguments)]
pub async fn audit_change(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    team_name: &str,
    github_team: &str,
    action: Action,
    login: &str,
    why: &str,
    actor_id: Option<i64>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id,
            action: match action {
                Action::Add => "github.member_added",
                Action::Remove => "github.member_removed",
            },
            subject: Subject {
                kind: "team",
                id: Some(team_id),
                label: team_name.to_string(),
            },
            team_id: Some(team_id),
            visibility: Visibility::Public,
            details: json!({ "github_team": github_team, "login": login, "why": why }),
        },
    )
    .await
    .map(|_| ())
}

/// Queues the GitHub side of the ledger row a decision wrote (`membership_id`), if its
/// team is linked, in the transaction recording the outcome: it commits, or neither
/// happens. An open row (joined, or a new role) puts the person on the GitHub team; a
/// closed one (left) takes them off ([`super::model::action_for`]).
pub async fn queue_for_membership(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    membership_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let Some(row) = sqlx::query!(
        "select m.team_id, m.user_id, m.left_at is null as \"open!\"
         from memberships m join github_links l on l.team_id = m.team_id
         where m.id = $1",
        membership_id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    let queued = sqlx::query!(
        "insert into github_changes (team_id, decision_id, user_id, action, dedupe_key, created_at, next_attempt_at)
         values ($1, $2, $3, $4, $5, $6, $6)
         on conflict (dedupe_key) do nothing",
        row.team_id,
        decision_id,
        row.user_id,
        super::model::action_for(row.open).as_str(),
        format!("decision:{decision_id}:membership:{membership_id}"),
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(queued.rows_affected() == 1)
}

/// A queued change, claimed by the worker.
pub struct DueChange {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub github_slug: Option<String>,
    pub login: String,
    pub github_id: Option<i64>,
    pub user_id: i64,
    pub action: String,
    pub attempts: i32,
    pub created_at: OffsetDateTime,
}

/// Claims due changes, oldest first; rows another instance holds are skipped.
pub async fn claim_due(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<DueChange>> {
    sqlx::query_as!(
        DueChange,
        r#"select c.id, c.team_id, t.name as team_name, l.github_slug as "github_slug?",
                  u.login, u.github_id, c.user_id, c.action, c.attempts, c.created_at
           from github_changes c
           join teams t on t.id = c.team_id
           join users u on u.id = c.user_id
           left join github_links l on l.team_id = c.team_id
           where c.applied_at is null and c.failed_at is null and c.next_attempt_at <= $1
           order by c.next_attempt_at, c.id
           limit $2
           for update of c skip locked"#,
        now,
        limit
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_applied(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update github_changes set applied_at = $2, attempts = attempts + 1, last_error = null
         where id = $1",
        id,
        now
    )
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Records a failed attempt: tried again at `next`, or given up (`next` is none).
pub async fn mark_failed_attempt(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    why: &str,
    next: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let why: String = why.chars().take(1000).collect();
    sqlx::query!(
        "update github_changes
         set attempts = attempts + 1, last_error = $2,
             next_attempt_at = coalesce($3, next_attempt_at),
             failed_at = case when $3::timestamptz is null then $4::timestamptz else null end
         where id = $1",
        id,
        why,
        next,
        now
    )
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// What a decision asked of GitHub, and how it went.
pub struct DecisionChange {
    pub login: String,
    pub github_slug: Option<String>,
    pub action: String,
    pub attempts: i32,
    pub applied_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
}

pub async fn decision_changes(
    db: impl PgExecutor<'_>,
    decision_id: i64,
) -> sqlx::Result<Vec<DecisionChange>> {
    sqlx::query_as!(
        DecisionChange,
        r#"select u.login, l.github_slug as "github_slug?", c.action, c.attempts, c.applied_at,
                  c.failed_at, c.next_attempt_at, c.last_error
           from github_changes c
           join users u on u.id = c.user_id
           left join github_links l on l.team_id = c.team_id
           where c.decision_id = $1
           order by c.id"#,
        decision_id
    )
    .fetch_all(db)
    .await
}

/// Records what the daily check found for a team: differences no longer there are
/// dropped, and the new ones are returned (each told once while it lasts).
pub async fn record_drift(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    found: &[(String, &'static str)],
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(String, String)>> {
    let logins: Vec<String> = found.iter().map(|(l, _)| l.clone()).collect();
    let directions: Vec<String> = found.iter().map(|(_, d)| d.to_string()).collect();
    sqlx::query!(
        "delete from github_drift d
         where d.team_id = $1
           and not exists (select 1 from unnest($2::text[], $3::text[]) f(login, direction)
                           where f.login = d.login and f.direction = d.direction)",
        team_id,
        &logins,
        &directions
    )
    .execute(&mut **tx)
    .await?;
    let rows = sqlx::query!(
        r#"insert into github_drift (team_id, login, direction, seen_at)
           select $1, f.login, f.direction, $4 from unnest($2::text[], $3::text[]) f(login, direction)
           on conflict do nothing
           returning login, direction"#,
        team_id,
        &logins,
        &directions,
        now
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.login, r.direction)).collect())
}

/// Forgets a team's recorded drift (GitHub was just made to match).
pub async fn clear_drift(tx: &mut Transaction<'_, Postgres>, team_id: i64) -> sqlx::Result<u64> {
    sqlx::query!("delete from github_drift where team_id = $1", team_id)
        .execute(&mut **tx)
        .await
        .map(|done| done.rows_affected())
}

/// What the daily check last found for a team: (login, direction, seen).
pub async fn drift(
    db: impl PgExecutor<'_>,
    team_id: i64,
) -> sqlx::Result<Vec<(String, String, OffsetDateTime)>> {
    Ok(sqlx::query!(
        "select login, direction, seen_at from github_drift where team_id = $1
         order by direction, login",
        team_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.login, r.direction, r.seen_at))
    .collect())
}

/// Claims today's drift check for this instance, in the caller's transaction (another
/// instance's claim of the same day makes this one wait, then find it taken).
pub async fn claim_check(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into github_checks (day, checked_at) values ($1, $2) on conflict do nothing",
        now.date(),
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The daily check found new drift: a team-only audit entry (which also moves the
/// members' inbox version).
pub async fn audit_drift(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    team_name: &str,
    github_team: &str,
    new: &[(String, String)],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: None,
            action: "github.drift_found",
            subject: Subject {
                kind: "team",
                id: Some(team_id),
                label: team_name.to_string(),
            },
            team_id: Some(team_id),
            visibility: Visibility::Team,
            details: json!({
                "github_team": github_team,
                "new": new.iter().map(|(l, d)| json!({ "login": l, "direction": d })).collect::<Vec<_>>(),
            }),
        },
    )
    .await
    .map(|_| ())
}

/// A public RFC linking a pull request, with Concord's comment on it so far.
pub struct PrCandidate {
    pub rfc_id: i64,
    pub team_name: String,
    pub title: String,
    pub pull_request_url: String,
    pub opens_at: Option<OffsetDateTime>,
    pub closes_at: Option<OffsetDateTime>,
    pub published: bool,
    pub repo: Option<String>,
    pub number: Option<i32>,
    pub comment_id: Option<i64>,
    pub stage: Option<String>,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub attempts: Option<i32>,
    pub first_failed_at: Option<OffsetDateTime>,
}

/// Public RFCs (`rfc_is_public`) whose current revision links a pull request on
/// github.com and whose comment is not at its last stage yet.
pub async fn pr_candidates(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<PrCandidate>> {
    sqlx::query_as!(
        PrCandidate,
        r#"select r.id as rfc_id, t.name as team_name, v.title, v.pull_request_url as "pull_request_url!",
                  r.opens_at, r.closes_at, r.disposition_published_at is not null as "published!",
                  c.repo as "repo?", c.number as "number?", c.comment_id as "comment_id?",
                  c.stage as "stage?", c.next_attempt_at as "next_attempt_at?",
                  c.attempts as "attempts?", c.first_failed_at as "first_failed_at?"
           from rfcs r
           join teams t on t.id = r.team_id
           cross join lateral (select title, pull_request_url from rfc_revisions
                               where rfc_id = r.id order by number desc limit 1) v
           left join rfc_resolutions rs on rs.rfc_id = r.id
           left join github_pr_comments c on c.rfc_id = r.id
           where v.pull_request_url like 'https://github.com/%/pull/%'
             and rfc_is_public(r.opens_at, rs.resolved_at, $1)
             and (c.stage is distinct from 'disposition' or c.repo is distinct from split_part(substr(v.pull_request_url, 20), '/', 1) || '/' || split_part(substr(v.pull_request_url, 20), '/', 2))
           order by r.id"#,
        now
    )
    .fetch_all(db)
    .await
}

/// Records the comment written (or edited) at a stage.
#[allow(clippy::too_many_arguments)]
pub async fn record_pr_comment(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    repo: &str,
    number: i64,
    comment_id: i64,
    stage: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let number = i32::try_from(number).unwrap_or(i32::MAX);
    sqlx::query!(
        "insert into github_pr_comments (rfc_id, repo, number, comment_id, stage, written_at, next_attempt_at)
         values ($1, $2, $3, $4, $5, $6, $6)
         on conflict (rfc_id) do update
             set repo = excluded.repo, number = excluded.number, comment_id = excluded.comment_id,
                 stage = excluded.stage, written_at = excluded.written_at,
                 next_attempt_at = excluded.next_attempt_at, attempts = 0,
                 first_failed_at = null, last_error = null",
        rfc_id,
        repo,
        number,
        comment_id,
        stage,
        now
    )
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Records a failed write of the comment, tried again from `next`.
pub async fn record_pr_failure(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    repo: &str,
    number: i64,
    why: &str,
    next: OffsetDateTime,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let number = i32::try_from(number).unwrap_or(i32::MAX);
    let why: String = why.chars().take(1000).collect();
    sqlx::query!(
        "insert into github_pr_comments (rfc_id, repo, number, next_attempt_at, attempts, first_failed_at, last_error)
         values ($1, $2, $3, $4, 1, $5, $6)
         on conflict (rfc_id) do update
             set next_attempt_at = excluded.next_attempt_at,
                 attempts = github_pr_comments.attempts + 1,
                 first_failed_at = coalesce(github_pr_comments.first_failed_at, excluded.first_failed_at),
                 last_error = excluded.last_error",
        rfc_id,
        repo,
        number,
        next,
        now,
        why
    )
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Takes the pull-request pass for this instance until the transaction ends (another
/// instance running it at the same moment skips its turn).
pub async fn try_pr_lock(tx: &mut Transaction<'_, Postgres>) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select pg_try_advisory_xact_lock(2112081003) as "locked!""#)
        .fetch_one(&mut **tx)
        .await
}
