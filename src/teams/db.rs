//! Every SQL statement about teams, charters and the membership ledger. Writes take the
//! caller's transaction and record their audit entry in it.

use std::collections::HashMap;

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::{Date, OffsetDateTime};

use super::model::{
    Cause, Charter, CharterChange, DecisionRule, EndKind, LedgerRow, NewTeam, Role, RuleKind, Team,
    changed_fields,
};
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth;
use crate::auth::model::User;
use crate::notify::db as notify;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A rule checked under the transaction's locks refused it; the message is for people.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl WriteError {
    /// The constraint a write broke (a unique index, an exclusion), if that is what
    /// happened: the handler turns it into a form message.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            WriteError::Database(e) => e.as_database_error().and_then(|e| e.constraint()),
            WriteError::Refused(_) => None,
        }
    }
}

impl From<WriteError> for crate::error::AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Refused(why) => crate::error::AppError::Conflict(why),
            WriteError::Database(e) => crate::error::AppError::Database(e),
        }
    }
}

struct TeamRecord {
    id: i64,
    slug: String,
    name: String,
    purpose: String,
    mandate: String,
    rule_kind: String,
    rule_n: i32,
    review_on: Option<Date>,
    hold_days: i32,
    answer_days: i32,
    inactivity_days: Option<i32>,
    inactivity_notice_days: i32,
    parent_id: Option<i64>,
    parent_slug: Option<String>,
    parent_name: Option<String>,
    created_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
}

fn decode<T>(value: Option<T>, what: &str, found: &str) -> sqlx::Result<T> {
    value.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {found:?}").into()))
}

fn rule(kind: &str, n: i32) -> sqlx::Result<DecisionRule> {
    Ok(DecisionRule {
        kind: decode(RuleKind::parse(kind), "decision rule", kind)?,
        n,
    })
}

impl TryFrom<TeamRecord> for Team {
    type Error = sqlx::Error;

    fn try_from(r: TeamRecord) -> sqlx::Result<Team> {
        Ok(Team {
            charter: Charter {
                mandate: r.mandate,
                rule: rule(&r.rule_kind, r.rule_n)?,
                review_on: r.review_on,
                hold_days: r.hold_days,
                answer_days: r.answer_days,
                inactivity_days: r.inactivity_days,
                inactivity_notice_days: r.inactivity_notice_days,
            },
            id: r.id,
            slug: r.slug,
            name: r.name,
            purpose: r.purpose,
            parent_id: r.parent_id,
            parent_slug: r.parent_slug,
            parent_name: r.parent_name,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        })
    }
}

pub async fn find_team(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<Team>> {
    if crate::web::extract::names_nothing(slug) {
        return Ok(None);
    }
    let record = sqlx::query_as!(
        TeamRecord,
        "select t.id, t.slug, t.name, t.purpose, t.mandate, t.rule_kind, t.rule_n, t.review_on, t.hold_days, t.concern_answer_days as answer_days, t.inactivity_days, t.inactivity_notice_days,
                t.parent_id, p.slug as \"parent_slug?\", p.name as \"parent_name?\", t.created_at, t.revoked_at
         from teams t left join teams p on p.id = t.parent_id
         where t.slug = $1",
        slug
    )
    .fetch_optional(db)
    .await?;
    record.map(Team::try_from).transpose()
}

/// Every team, revoked ones included, by name.
pub async fn list_teams(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Team>> {
    sqlx::query_as!(
        TeamRecord,
        "select t.id, t.slug, t.name, t.purpose, t.mandate, t.rule_kind, t.rule_n, t.review_on, t.hold_days, t.concern_answer_days as answer_days, t.inactivity_days, t.inactivity_notice_days,
                t.parent_id, p.slug as \"parent_slug?\", p.name as \"parent_name?\", t.created_at, t.revoked_at
         from teams t left join teams p on p.id = t.parent_id
         order by t.name, t.id"
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Team::try_from)
    .collect()
}

/// A short list for the home page: active teams, by name.
pub async fn list_active_names(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> sqlx::Result<Vec<(String, String, String)>> {
    let rows = sqlx::query!(
        "select slug, name, purpose from teams where revoked_at is null order by name, id limit $1",
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.slug, r.name, r.purpose))
        .collect())
}

/// How many people each team has now (teams without members are absent).
pub async fn member_counts(db: impl PgExecutor<'_>) -> sqlx::Result<HashMap<i64, i64>> {
    let rows = sqlx::query!(
        "select team_id, count(*) as \"count!\" from memberships where left_at is null group by team_id"
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.team_id, r.count)).collect())
}

/// A team delegated by another, as the delegating team's page lists it.
#[derive(Clone, Debug)]
pub struct SubTeam {
    pub slug: String,
    pub name: String,
    pub mandate: String,
    pub revoked_at: Option<OffsetDateTime>,
}

pub async fn sub_teams(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<SubTeam>> {
    sqlx::query_as!(
        SubTeam,
        "select slug, name, mandate, revoked_at from teams where parent_id = $1 order by revoked_at nulls first, name",
        team_id
    )
    .fetch_all(db)
    .await
}

/// The ids of the teams a person belongs to now.
pub async fn current_team_ids(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select team_id from memberships where user_id = $1 and left_at is null order by team_id",
        user_id
    )
    .fetch_all(db)
    .await
}

/// A dated, attributed record of a charter.
#[derive(Clone, Debug)]
pub struct CharterEvent {
    pub id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub parent_slug: Option<String>,
    pub parent_name: Option<String>,
    pub kind: String,
    pub charter: Charter,
    pub note: Option<String>,
    pub actor_login: Option<String>,
    pub at: OffsetDateTime,
}

/// The records of a team's own charter and of the delegations it made, oldest first.
pub async fn charter_events(
    db: impl PgExecutor<'_>,
    team_id: i64,
) -> sqlx::Result<Vec<CharterEvent>> {
    let rows = sqlx::query!(
        "select e.id, t.slug as team_slug, t.name as team_name, p.slug as \"parent_slug?\", p.name as \"parent_name?\",
                e.kind, e.mandate, e.rule_kind, e.rule_n, e.review_on, e.hold_days, e.concern_answer_days, e.inactivity_days, e.inactivity_notice_days, e.note, u.login as \"actor_login?\", e.at
         from charter_events e
         join teams t on t.id = e.team_id
         left join teams p on p.id = e.parent_id
         left join users u on u.id = e.actor_id
         where e.team_id = $1 or e.parent_id = $1
         order by e.at, e.id",
        team_id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CharterEvent {
                charter: Charter {
                    mandate: r.mandate,
                    rule: rule(&r.rule_kind, r.rule_n)?,
                    review_on: r.review_on,
                    hold_days: r.hold_days,
                    answer_days: r.concern_answer_days,
                    inactivity_days: r.inactivity_days,
                    inactivity_notice_days: r.inactivity_notice_days,
                },
                id: r.id,
                team_slug: r.team_slug,
                team_name: r.team_name,
                parent_slug: r.parent_slug,
                parent_name: r.parent_name,
                kind: r.kind,
                note: r.note,
                actor_login: r.actor_login,
                at: r.at,
            })
        })
        .collect()
}

struct LedgerRecord {
    id: i64,
    team_id: i64,
    user_id: i64,
    login: String,
    name: Option<String>,
    role: String,
    joined_at: OffsetDateTime,
    join_reason: String,
    added_by: Option<String>,
    left_at: Option<OffsetDateTime>,
    end_kind: Option<String>,
    leave_reason: Option<String>,
    closed_by: Option<String>,
    decision_id: Option<i64>,
    nomination_id: Option<i64>,
}

impl TryFrom<LedgerRecord> for LedgerRow {
    type Error = sqlx::Error;

    fn try_from(r: LedgerRecord) -> sqlx::Result<LedgerRow> {
        let end_kind = match r.end_kind.as_deref() {
            None => None,
            Some(kind) => Some(decode(EndKind::parse(kind), "end of membership", kind)?),
        };
        Ok(LedgerRow {
            role: decode(Role::parse(&r.role), "role", &r.role)?,
            end_kind,
            id: r.id,
            team_id: r.team_id,
            user_id: r.user_id,
            login: r.login,
            name: r.name,
            joined_at: r.joined_at,
            join_reason: r.join_reason,
            added_by: r.added_by,
            left_at: r.left_at,
            leave_reason: r.leave_reason,
            closed_by: r.closed_by,
            decision_id: r.decision_id,
            nomination_id: r.nomination_id,
        })
    }
}

/// One team's whole ledger, oldest first.
pub async fn ledger(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as!(
        LedgerRecord,
        "select m.id, m.team_id, m.user_id, u.login, u.name, m.role, m.joined_at, m.join_reason,
                a.login as \"added_by?\", m.left_at, m.end_kind, m.leave_reason, c.login as \"closed_by?\",
                m.decision_id, m.nomination_id
         from memberships m
         join users u on u.id = m.user_id
         left join users a on a.id = m.added_by
         left join users c on c.id = m.closed_by
         where m.team_id = $1
         order by m.joined_at, m.id",
        team_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(LedgerRow::try_from)
    .collect()
}

/// Every ledger row of one person, in every team, oldest first (for the person's page).
pub async fn person_ledger(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as!(
        LedgerRecord,
        "select m.id, m.team_id, m.user_id, u.login, u.name, m.role, m.joined_at, m.join_reason,
                a.login as \"added_by?\", m.left_at, m.end_kind, m.leave_reason, c.login as \"closed_by?\",
                m.decision_id, m.nomination_id
         from memberships m
         join users u on u.id = m.user_id
         left join users a on a.id = m.added_by
         left join users c on c.id = m.closed_by
         where m.user_id = $1
         order by m.joined_at, m.id",
        user_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(LedgerRow::try_from)
    .collect()
}

/// The slug and name of each of these teams (revoked ones included), by id.
pub async fn team_names(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> sqlx::Result<HashMap<i64, (String, String)>> {
    let rows = sqlx::query!("select id, slug, name from teams where id = any($1)", ids)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, (r.slug, r.name))).collect())
}

/// How many current members the team page lists at once.
pub const MEMBER_PAGE: i64 = 100;
/// How many alumni and history rows the team page shows (the latest).
pub const LATEST_ROWS: i64 = 50;

/// What the team page shows of the ledger.
#[derive(Clone, Debug, Default)]
pub struct LedgerPage {
    /// Every row of the people shown, oldest first.
    pub rows: Vec<LedgerRow>,
    /// The current members on this page: at most [`MEMBER_PAGE`] + 1, the extra one
    /// telling that another page follows.
    pub on_page: std::collections::HashSet<i64>,
    /// How many current members the team has.
    pub current_count: i64,
}

struct PagedLedgerRecord {
    id: i64,
    team_id: i64,
    user_id: i64,
    login: String,
    name: Option<String>,
    role: String,
    joined_at: OffsetDateTime,
    join_reason: String,
    added_by: Option<String>,
    left_at: Option<OffsetDateTime>,
    end_kind: Option<String>,
    leave_reason: Option<String>,
    closed_by: Option<String>,
    decision_id: Option<i64>,
    nomination_id: Option<i64>,
    on_page: bool,
    current_count: i64,
}

/// The ledger rows the team page needs, in one query: every row of the people on one page
/// of current members (leads first, then members, then those on leave, each longest in
/// their role first: `memberships_current_idx`), of the [`LATEST_ROWS`] people who left
/// most recently (`memberships_left_idx`), and of the people in the latest
/// [`LATEST_ROWS`] rows (`memberships_team_idx`). Each part reads a bounded slice of an
/// index, so the page costs about the same for a team of ten and of two thousand. Written
/// for the prepared statement's generic plan, which guesses a few dozen members a team:
/// `offset 0` keeps "no longer a member" a lookup per person who left (pulled up into an
/// anti-join, it compared each of them with every current member: 16 ms for a team of
/// 2,000), and the array keeps the rows read through the btree `(team_id, user_id)`
/// rather than the exclusion constraint's GiST index.
pub async fn ledger_page(
    db: impl PgExecutor<'_>,
    team_id: i64,
    offset: i64,
) -> sqlx::Result<LedgerPage> {
    let records = sqlx::query_as!(
        PagedLedgerRecord,
        "with page as (
             select o.user_id from memberships o
             where o.team_id = $1 and o.left_at is null
             order by case o.role when 'lead' then 0 when 'member' then 1 else 2 end, o.joined_at, o.id
             limit $2 offset $3
         ),
         shown as (
             select user_id from page
             union
             (select l.user_id from memberships l
              where l.team_id = $1 and l.end_kind = 'left'
                and not exists (select 1 from memberships o
                                where o.team_id = l.team_id and o.user_id = l.user_id and o.left_at is null
                                offset 0)
              order by l.left_at desc, l.id desc limit $4)
             union
             (select h.user_id from memberships h where h.team_id = $1
              order by h.joined_at desc, h.id desc limit $4)
         )
         select m.id, m.team_id, m.user_id, u.login, u.name, m.role, m.joined_at, m.join_reason,
                a.login as \"added_by?\", m.left_at, m.end_kind, m.leave_reason, c.login as \"closed_by?\",
                m.decision_id, m.nomination_id,
                m.user_id in (select user_id from page) as \"on_page!\",
                (select count(*) from memberships n where n.team_id = $1 and n.left_at is null) as \"current_count!\"
         from memberships m
         join users u on u.id = m.user_id
         left join users a on a.id = m.added_by
         left join users c on c.id = m.closed_by
         where m.team_id = $1 and m.user_id = any(array(select user_id from shown))
         order by m.joined_at, m.id",
        team_id,
        MEMBER_PAGE + 1,
        offset,
        LATEST_ROWS
    )
    .fetch_all(db)
    .await?;
    let mut page = LedgerPage::default();
    for r in records {
        page.current_count = r.current_count;
        if r.on_page {
            page.on_page.insert(r.user_id);
        }
        page.rows.push(LedgerRow::try_from(LedgerRecord {
            id: r.id,
            team_id: r.team_id,
            user_id: r.user_id,
            login: r.login,
            name: r.name,
            role: r.role,
            joined_at: r.joined_at,
            join_reason: r.join_reason,
            added_by: r.added_by,
            left_at: r.left_at,
            end_kind: r.end_kind,
            leave_reason: r.leave_reason,
            closed_by: r.closed_by,
            decision_id: r.decision_id,
            nomination_id: r.nomination_id,
        })?);
    }
    Ok(page)
}

/// Every team's ledger at once, oldest first (for the API's list of teams).
pub async fn all_ledgers(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as!(
        LedgerRecord,
        "select m.id, m.team_id, m.user_id, u.login, u.name, m.role, m.joined_at, m.join_reason,
                a.login as \"added_by?\", m.left_at, m.end_kind, m.leave_reason, c.login as \"closed_by?\",
                m.decision_id, m.nomination_id
         from memberships m
         join users u on u.id = m.user_id
         left join users a on a.id = m.added_by
         left join users c on c.id = m.closed_by
         order by m.team_id, m.joined_at, m.id"
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(LedgerRow::try_from)
    .collect()
}

fn team_subject(id: i64, slug: &str) -> Subject {
    Subject {
        kind: "team",
        id: Some(id),
        label: slug.to_string(),
    }
}

/// Adds what caused a change to its audit details, so the log links back to it.
fn with_cause(mut details: serde_json::Value, cause: Cause) -> serde_json::Value {
    if let Some(id) = cause.decision_id {
        details["decision_id"] = json!(id);
    }
    if let Some(id) = cause.nomination_id {
        details["nomination_id"] = json!(id);
    }
    details
}

fn charter_json(charter: &Charter) -> serde_json::Value {
    json!({
        "mandate": charter.mandate,
        "decision_rule": charter.rule.describe(),
        "review_on": charter.review_on.map(crate::web::dates::format_date),
        "hold_days": charter.hold_days,
        "concern_answer_days": charter.answer_days,
        "inactivity_days": charter.inactivity_days,
        "inactivity_notice_days": charter.inactivity_notice_days,
    })
}

/// Locks a team's row for the rest of the transaction and refuses if it was revoked.
/// Delegations, charter changes, revocations and membership changes of one team all take
/// this lock, so each sees the others' outcome.
async fn lock_active(tx: &mut Transaction<'_, Postgres>, team_id: i64) -> Result<(), WriteError> {
    let revoked = sqlx::query_scalar!(
        "select revoked_at from teams where id = $1 for update",
        team_id
    )
    .fetch_one(&mut **tx)
    .await?;
    match revoked {
        None => Ok(()),
        Some(_) => Err(WriteError::Refused(
            "The team's delegation was revoked; it can no longer change.".into(),
        )),
    }
}

/// Creates a team: top-level when `parent` is `None`, else delegated by `parent`.
pub async fn create_team(
    tx: &mut Transaction<'_, Postgres>,
    new: &NewTeam,
    parent: Option<&Team>,
    actor: &User,
    cause: Cause,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    if let Some(parent) = parent {
        lock_active(tx, parent.id).await?;
    }
    let parent_id = parent.map(|p| p.id);
    let charter = &new.charter;
    let id = sqlx::query_scalar!(
        "insert into teams (slug, name, purpose, mandate, rule_kind, rule_n, review_on, parent_id, created_at, updated_at, hold_days, concern_answer_days,
                            inactivity_days, inactivity_notice_days)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13)
         returning id",
        new.slug,
        new.name,
        new.purpose,
        charter.mandate,
        charter.rule.kind.as_str(),
        charter.rule.n,
        charter.review_on,
        parent_id,
        now,
        charter.hold_days,
        charter.answer_days,
        charter.inactivity_days,
        charter.inactivity_notice_days
    )
    .fetch_one(&mut **tx)
    .await?;
    let kind = if parent.is_some() {
        "delegated"
    } else {
        "created"
    };
    insert_event(
        tx,
        Event {
            team_id: id,
            parent_id,
            kind,
            charter,
            note: new.note.as_deref(),
            decision_id: cause.decision_id,
        },
        actor,
        now,
    )
    .await?;
    let mut details = with_cause(charter_json(charter), cause);
    details["name"] = json!(new.name);
    details["parent"] = json!(parent.map(|p| p.slug.clone()));
    details["note"] = json!(new.note);
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: if parent.is_some() {
                "team.delegated"
            } else {
                "team.created"
            },
            subject: team_subject(id, &new.slug),
            team_id: Some(id),
            visibility: Visibility::Public,
            details,
        },
    )
    .await?;
    Ok(id)
}

/// One dated record of a charter, as [`insert_event`] writes it.
struct Event<'a> {
    team_id: i64,
    parent_id: Option<i64>,
    kind: &'a str,
    charter: &'a Charter,
    note: Option<&'a str>,
    decision_id: Option<i64>,
}

async fn insert_event(
    tx: &mut Transaction<'_, Postgres>,
    event: Event<'_>,
    actor: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let charter = event.charter;
    sqlx::query!(
        "insert into charter_events (team_id, parent_id, kind, mandate, rule_kind, rule_n, review_on, note, actor_id, at, decision_id, hold_days, concern_answer_days,
                                    inactivity_days, inactivity_notice_days)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        event.team_id,
        event.parent_id,
        event.kind,
        charter.mandate,
        charter.rule.kind.as_str(),
        charter.rule.n,
        charter.review_on,
        event.note,
        actor.id,
        now,
        event.decision_id,
        charter.hold_days,
        charter.answer_days,
        charter.inactivity_days,
        charter.inactivity_notice_days
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Changes a team's purpose and charter, keeping a dated record of the new charter.
pub async fn change_charter(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    change: &CharterChange,
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    lock_active(tx, team.id).await?;
    let charter = &change.charter;
    sqlx::query!(
        "update teams set purpose = $2, mandate = $3, rule_kind = $4, rule_n = $5, review_on = $6, updated_at = $7,
                          hold_days = $8, concern_answer_days = $9, inactivity_days = $10, inactivity_notice_days = $11
         where id = $1",
        team.id,
        change.purpose,
        charter.mandate,
        charter.rule.kind.as_str(),
        charter.rule.n,
        charter.review_on,
        now,
        charter.hold_days,
        charter.answer_days,
        charter.inactivity_days,
        charter.inactivity_notice_days
    )
    .execute(&mut **tx)
    .await?;
    insert_event(
        tx,
        Event {
            team_id: team.id,
            parent_id: team.parent_id,
            kind: "charter_changed",
            charter,
            note: change.note.as_deref(),
            decision_id: None,
        },
        actor,
        now,
    )
    .await?;
    let mut details = charter_json(charter);
    details["changed"] = json!(changed_fields(team, change));
    details["note"] = json!(change.note);
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "team.charter_changed",
            subject: team_subject(team.id, &team.slug),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details,
        },
    )
    .await?;
    Ok(())
}

/// Revokes a delegated team: it keeps its history, its open memberships end, and it can
/// no longer change. A team that still has active sub-teams cannot be revoked.
pub async fn revoke_team(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    reason: &str,
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    lock_active(tx, team.id).await?;
    let active_children = sqlx::query_scalar!(
        "select slug from teams where parent_id = $1 and revoked_at is null order by slug",
        team.id
    )
    .fetch_all(&mut **tx)
    .await?;
    if !active_children.is_empty() {
        return Err(WriteError::Refused(format!(
            "{} still delegates to {}; revoke those delegations first.",
            team.name,
            active_children.join(", ")
        )));
    }
    sqlx::query!(
        "update teams set revoked_at = $2, updated_at = $2 where id = $1",
        team.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let closed = sqlx::query_scalar!(
        "update memberships m set left_at = $2, end_kind = 'left', leave_reason = 'The team''s delegation was revoked.',
                closed_by = $3
         from users u
         where m.team_id = $1 and m.left_at is null and u.id = m.user_id
         returning u.login",
        team.id,
        now,
        actor.id
    )
    .fetch_all(&mut **tx)
    .await?;
    insert_event(
        tx,
        Event {
            team_id: team.id,
            parent_id: team.parent_id,
            kind: "revoked",
            charter: &team.charter,
            note: Some(reason),
            decision_id: None,
        },
        actor,
        now,
    )
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: "team.revoked",
            subject: team_subject(team.id, &team.slug),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: json!({ "reason": reason, "parent": team.parent_slug, "memberships_ended": closed }),
        },
    )
    .await?;
    Ok(())
}

fn membership_subject(team: &Team, login: &str, membership_id: i64) -> Subject {
    Subject {
        kind: "membership",
        id: Some(membership_id),
        label: format!("{} in {}", login, team.slug),
    }
}

/// Adds a person by GitHub login (creating the person if Concord does not know them yet).
/// Returns the person and the new ledger row's id. A person who is already a member
/// breaks `memberships_one_open`.
#[allow(clippy::too_many_arguments)]
pub async fn add_member(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    login: &str,
    role: Role,
    reason: &str,
    actor: Option<&User>,
    cause: Cause,
    now: OffsetDateTime,
) -> Result<(User, i64), WriteError> {
    lock_active(tx, team.id).await?;
    let known = auth::db::find_by_login(&mut **tx, login).await?;
    let person = match &known {
        Some(person) => person.clone(),
        None => auth::db::ensure_by_login(&mut **tx, login, None, now).await?,
    };
    let actor_id = actor.map(|a| a.id);
    let id = sqlx::query_scalar!(
        "insert into memberships (team_id, user_id, role, joined_at, join_reason, added_by, decision_id, nomination_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning id",
        team.id,
        person.id,
        role.as_str(),
        now,
        reason,
        actor_id,
        cause.decision_id,
        cause.nomination_id
    )
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id,
            action: "membership.joined",
            subject: membership_subject(team, &person.login, id),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: with_cause(
                json!({
                    "login": person.login,
                    "role": role.as_str(),
                    "reason": reason,
                    "new_to_concord": known.is_none(),
                }),
                cause,
            ),
        },
    )
    .await?;
    let event = crate::notify::webhooks::Event::new(
        "member.joined",
        format!("membership:{id}:joined"),
        (&team.slug, &team.name),
        &team.name,
        format!("/teams/{}", team.slug),
        now,
        format!("{} joined as {}.", person.login, role.as_str()),
    );
    notify::enqueue_webhooks(tx, team.id, &event, now).await?;
    Ok((person, id))
}

/// Closes a person's open row in a team; returns the row's id and role.
#[allow(clippy::too_many_arguments)]
async fn close_open_row(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    person: &User,
    end: EndKind,
    reason: &str,
    actor: Option<&User>,
    cause: Cause,
    now: OffsetDateTime,
) -> Result<(i64, Role), WriteError> {
    let row = sqlx::query!(
        "update memberships set left_at = $3, end_kind = $4, leave_reason = $5, closed_by = $6,
                closed_by_decision_id = $7
         where team_id = $1 and user_id = $2 and left_at is null
         returning id, role",
        team.id,
        person.id,
        now,
        end.as_str(),
        reason,
        actor.map(|a| a.id),
        cause.decision_id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| {
        WriteError::Refused(format!(
            "{} is not a current member of {}.",
            person.login, team.name
        ))
    })?;
    let role = decode(Role::parse(&row.role), "role", &row.role)?;
    Ok((row.id, role))
}

/// Changes a current member's role: the open row closes and the next opens at `now`.
/// Returns the new row's id.
#[allow(clippy::too_many_arguments)]
pub async fn change_role(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    person: &User,
    role: Role,
    reason: &str,
    actor: Option<&User>,
    cause: Cause,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    lock_active(tx, team.id).await?;
    let (_, previous) = close_open_row(
        tx,
        team,
        person,
        EndKind::RoleChanged,
        reason,
        actor,
        cause,
        now,
    )
    .await?;
    if previous == role {
        return Err(WriteError::Refused(format!(
            "{} is already {} of {}.",
            person.login,
            role.label(),
            team.name
        )));
    }
    let actor_id = actor.map(|a| a.id);
    let id = sqlx::query_scalar!(
        "insert into memberships (team_id, user_id, role, joined_at, join_reason, added_by, decision_id, nomination_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning id",
        team.id,
        person.id,
        role.as_str(),
        now,
        reason,
        actor_id,
        cause.decision_id,
        cause.nomination_id
    )
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id,
            action: "membership.role_changed",
            subject: membership_subject(team, &person.login, id),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: with_cause(
                json!({
                    "login": person.login,
                    "from": previous.as_str(),
                    "to": role.as_str(),
                    "reason": reason,
                }),
                cause,
            ),
        },
    )
    .await?;
    Ok(id)
}

/// Records that a member leaves: the open row closes; the history stays. Returns the
/// closed row's id.
#[allow(clippy::too_many_arguments)]
pub async fn record_leaving(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    person: &User,
    reason: &str,
    actor: Option<&User>,
    cause: Cause,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    lock_active(tx, team.id).await?;
    let (id, role) =
        close_open_row(tx, team, person, EndKind::Left, reason, actor, cause, now).await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: actor.map(|a| a.id),
            action: "membership.left",
            subject: membership_subject(team, &person.login, id),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: with_cause(
                json!({ "login": person.login, "role": role.as_str(), "reason": reason }),
                cause,
            ),
        },
    )
    .await?;
    let event = crate::notify::webhooks::Event::new(
        "member.left",
        format!("membership:{id}:left"),
        (&team.slug, &team.name),
        &team.name,
        format!("/teams/{}", team.slug),
        now,
        format!("{} left the team.", person.login),
    );
    notify::enqueue_webhooks(tx, team.id, &event, now).await?;
    Ok(id)
}
