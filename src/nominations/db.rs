//! Every SQL statement about calls, nominations, endorsements and eligibility lists. Writes
//! on a nomination lock its row first, compute its stage again under the lock, and record
//! their audit entry (team-only: a nomination is private) in the same transaction.

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{Call, Eligibility, EventKind, NewCall, Stage, require_stage, stage_of};
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth;
use crate::auth::model::User;
use crate::notify::db as notify;
use crate::notify::model::{Kind, Notice};
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::{Cause, Role, Team};

struct CallRecord {
    id: i64,
    team_id: i64,
    team_slug: String,
    team_name: String,
    title: String,
    looking_for: String,
    eligibility: String,
    eligible_team_id: Option<i64>,
    eligible_team_slug: Option<String>,
    eligible_team_name: Option<String>,
    eligible_list: Option<String>,
    eligible_github_team: Option<String>,
    seats: i32,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    stale_after_days: i32,
    opened_by_login: String,
}

impl From<CallRecord> for Call {
    fn from(r: CallRecord) -> Call {
        let eligibility = match (
            r.eligibility.as_str(),
            r.eligible_team_id,
            r.eligible_team_slug,
            r.eligible_team_name,
            r.eligible_list,
        ) {
            ("team", Some(team_id), Some(slug), Some(name), _) => Eligibility::TeamMember {
                team_id,
                slug,
                name,
            },
            ("list", _, _, _, Some(list)) => Eligibility::List(list),
            ("github_team", ..) => match r.eligible_github_team {
                Some(slug) => Eligibility::GithubTeam(slug),
                None => Eligibility::Open,
            },
            _ => Eligibility::Open,
        };
        Call {
            id: r.id,
            team_id: r.team_id,
            team_slug: r.team_slug,
            team_name: r.team_name,
            title: r.title,
            looking_for: r.looking_for,
            eligibility,
            seats: r.seats,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            stale_after_days: r.stale_after_days,
            opened_by_login: r.opened_by_login,
        }
    }
}

pub async fn find_call(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Call>> {
    let record = sqlx::query_as!(
        CallRecord,
        "select c.id, c.team_id, t.slug as team_slug, t.name as team_name, c.title, c.looking_for,
                c.eligibility, c.eligible_team_id, e.slug as \"eligible_team_slug?\", e.name as \"eligible_team_name?\",
                c.eligible_list, c.eligible_github_team, c.seats, c.opens_at, c.closes_at, c.stale_after_days, u.login as opened_by_login
         from calls c
         join teams t on t.id = c.team_id
         join users u on u.id = c.opened_by
         left join teams e on e.id = c.eligible_team_id
         where c.id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(record.map(Call::from))
}

/// A team's calls, newest first.
pub async fn team_calls(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<Call>> {
    Ok(sqlx::query_as!(
        CallRecord,
        "select c.id, c.team_id, t.slug as team_slug, t.name as team_name, c.title, c.looking_for,
                c.eligibility, c.eligible_team_id, e.slug as \"eligible_team_slug?\", e.name as \"eligible_team_name?\",
                c.eligible_list, c.eligible_github_team, c.seats, c.opens_at, c.closes_at, c.stale_after_days, u.login as opened_by_login
         from calls c
         join teams t on t.id = c.team_id
         join users u on u.id = c.opened_by
         left join teams e on e.id = c.eligible_team_id
         where c.team_id = $1
         order by c.opens_at desc, c.id desc",
        team_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Call::from)
    .collect())
}

/// Calls whose window is open at `now`, closing soonest first (the home page).
pub async fn open_calls(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Call>> {
    Ok(sqlx::query_as!(
        CallRecord,
        "select c.id, c.team_id, t.slug as team_slug, t.name as team_name, c.title, c.looking_for,
                c.eligibility, c.eligible_team_id, e.slug as \"eligible_team_slug?\", e.name as \"eligible_team_name?\",
                c.eligible_list, c.eligible_github_team, c.seats, c.opens_at, c.closes_at, c.stale_after_days, u.login as opened_by_login
         from calls c
         join teams t on t.id = c.team_id
         join users u on u.id = c.opened_by
         left join teams e on e.id = c.eligible_team_id
         where c.opens_at <= $1 and c.closes_at > $1
         order by c.closes_at, c.id
         limit $2",
        now,
        limit
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Call::from)
    .collect())
}

fn call_subject(call_id: i64, title: &str) -> Subject {
    Subject {
        kind: "call",
        id: Some(call_id),
        label: title.to_string(),
    }
}

/// Opens a call on `team`; `eligible_team_id` is the team named by the rule, if any.
pub async fn create_call(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    new: &NewCall,
    eligible_team_id: Option<i64>,
    opener: &User,
    now: OffsetDateTime,
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into calls (team_id, title, looking_for, eligibility, eligible_team_id, eligible_list, seats,
                            opens_at, closes_at, stale_after_days, opened_by, created_at, eligible_github_team)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         returning id",
        team.id,
        new.title,
        new.looking_for,
        new.eligibility,
        eligible_team_id,
        new.eligible_list,
        new.seats,
        new.opens_at,
        new.closes_at,
        new.stale_after_days,
        opener.id,
        now,
        new.eligible_github_team
    )
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(opener.id),
            action: "call.opened",
            subject: call_subject(id, &new.title),
            team_id: Some(team.id),
            visibility: Visibility::Public,
            details: json!({
                "seats": new.seats,
                "opens_at": crate::web::dates::rfc3339(new.opens_at),
                "closes_at": crate::web::dates::rfc3339(new.closes_at),
            }),
        },
    )
    .await?;
    let event = crate::notify::webhooks::Event::new(
        "call.opened",
        format!("call:{id}:opened"),
        (&team.slug, &team.name),
        &new.title,
        format!("/calls/{id}"),
        now,
        format!(
            "A call for nominations is open from {} to {}.",
            crate::web::dates::format_utc(new.opens_at),
            crate::web::dates::format_utc(new.closes_at)
        ),
    );
    notify::enqueue_webhooks(tx, team.id, &event, now).await?;
    Ok(id)
}

/// Why `login` may not be nominated in `call`, if they may not.
/// `in_github_team` is GitHub's answer for a call open to a GitHub team's members.
pub async fn eligibility_problem(
    db: &sqlx::PgPool,
    call: &Call,
    login: &str,
    in_github_team: bool,
) -> sqlx::Result<Option<String>> {
    let (is_member, on_list) = match &call.eligibility {
        Eligibility::Open => (false, false),
        Eligibility::GithubTeam(_) => (in_github_team, false),
        Eligibility::TeamMember { team_id, .. } => {
            let found = sqlx::query_scalar!(
                "select exists(select 1 from memberships m join users u on u.id = m.user_id
                               where m.team_id = $1 and m.left_at is null and lower(u.login) = lower($2)) as \"found!\"",
                team_id,
                login
            )
            .fetch_one(db)
            .await?;
            (found, false)
        }
        Eligibility::List(list) => {
            let found = sqlx::query_scalar!(
                "select exists(select 1 from eligibility_entries where list_name = $1 and lower(login) = lower($2)) as \"found!\"",
                list,
                login
            )
            .fetch_one(db)
            .await?;
            (false, found)
        }
    };
    Ok(call.eligibility.problem(login, is_member, on_list))
}

/// A nomination as lists and pages need it; its stage comes from its events.
#[derive(Clone, Debug)]
pub struct Nomination {
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub team_id: i64,
    pub team_name: String,
    pub nominee_id: i64,
    pub nominee_login: String,
    pub nominator_id: i64,
    pub nominator_login: String,
    pub statement: String,
    pub created_at: OffsetDateTime,
    pub last_activity: OffsetDateTime,
    pub stale_after_days: i32,
    pub stage: Stage,
    /// Who else nominated the nominee here (`nomination_seconds`), besides `nominator_id`.
    pub seconders: Vec<i64>,
}

struct NominationRecord {
    id: i64,
    call_id: i64,
    call_title: String,
    team_id: i64,
    team_name: String,
    nominee_id: i64,
    nominee_login: String,
    nominator_id: i64,
    nominator_login: String,
    statement: String,
    created_at: OffsetDateTime,
    last_activity: OffsetDateTime,
    stale_after_days: i32,
    kinds: Vec<String>,
    seconders: Vec<i64>,
}

impl From<NominationRecord> for Nomination {
    fn from(r: NominationRecord) -> Nomination {
        Nomination {
            stage: stage_of(r.kinds.iter().filter_map(|k| EventKind::parse(k))),
            id: r.id,
            call_id: r.call_id,
            call_title: r.call_title,
            team_id: r.team_id,
            team_name: r.team_name,
            nominee_id: r.nominee_id,
            nominee_login: r.nominee_login,
            nominator_id: r.nominator_id,
            nominator_login: r.nominator_login,
            statement: r.statement,
            created_at: r.created_at,
            last_activity: r.last_activity,
            stale_after_days: r.stale_after_days,
            seconders: r.seconders,
        }
    }
}

impl Nomination {
    /// Whether `user_id` nominated the nominee here, first or since.
    pub fn nominated_by(&self, user_id: i64) -> bool {
        self.nominator_id == user_id || self.seconders.contains(&user_id)
    }

    pub fn is_stale(&self, now: OffsetDateTime) -> bool {
        super::model::is_stale(
            self.stage,
            self.last_activity,
            time::Duration::days(i64::from(self.stale_after_days)),
            now,
        )
    }
}

/// The nominations matching the filter, in one query with their events folded in:
/// by id, by call, or of/by a person (`$3`).
async fn nominations(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
    call_ids: Option<&[i64]>,
    person_id: Option<i64>,
) -> sqlx::Result<Vec<Nomination>> {
    Ok(sqlx::query_as!(
        NominationRecord,
        "select n.id, n.call_id, c.title as call_title, c.team_id, t.name as team_name,
                n.nominee_id, ne.login as nominee_login, n.nominator_id, nr.login as nominator_login,
                n.statement, n.created_at, c.stale_after_days,
                greatest(n.created_at, ev.last_at) as \"last_activity!\",
                coalesce(ev.kinds, '{}') as \"kinds!\",
                array(select s.nominator_id from nomination_seconds s
                      where s.nomination_id = n.id order by s.created_at) as \"seconders!\"
         from nominations n
         join calls c on c.id = n.call_id
         join teams t on t.id = c.team_id
         join users ne on ne.id = n.nominee_id
         join users nr on nr.id = n.nominator_id
         left join lateral (
             select array_agg(e.kind order by e.id) as kinds, max(e.at) as last_at
             from nomination_events e where e.nomination_id = n.id
         ) ev on true
         where ($1::bigint is null or n.id = $1)
           and ($2::bigint[] is null or n.call_id = any($2))
           and ($3::bigint is null or n.nominee_id = $3 or n.nominator_id = $3
                or exists (select 1 from nomination_seconds s
                           where s.nomination_id = n.id and s.nominator_id = $3))
         order by n.id desc",
        id,
        call_ids,
        person_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Nomination::from)
    .collect())
}

pub async fn find_nomination(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Nomination>> {
    Ok(nominations(db, Some(id), None, None)
        .await?
        .into_iter()
        .next())
}

pub async fn call_nominations(
    db: impl PgExecutor<'_>,
    call_id: i64,
) -> sqlx::Result<Vec<Nomination>> {
    nominations(db, None, Some(&[call_id]), None).await
}

/// The nominations of several calls, in one query.
pub async fn nominations_of_calls(
    db: impl PgExecutor<'_>,
    call_ids: &[i64],
) -> sqlx::Result<Vec<Nomination>> {
    nominations(db, None, Some(call_ids), None).await
}

/// Nominations of `user_id` and nominations they made.
pub async fn my_nominations(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<Nomination>> {
    nominations(db, None, None, Some(user_id)).await
}

/// The logins a call announced, in the order announced (public).
pub async fn announced(db: impl PgExecutor<'_>, call_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select u.login from nomination_events e
         join nominations n on n.id = e.nomination_id
         join users u on u.id = n.nominee_id
         where n.call_id = $1 and e.kind = 'announced'
         order by e.id",
        call_id
    )
    .fetch_all(db)
    .await
}

/// One event in a nomination's history.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: EventKind,
    pub actor_login: Option<String>,
    pub note: Option<String>,
    pub decision_id: Option<i64>,
    pub at: OffsetDateTime,
}

pub async fn events(db: impl PgExecutor<'_>, nomination_id: i64) -> sqlx::Result<Vec<Event>> {
    let rows = sqlx::query!(
        "select e.kind, u.login as \"actor_login?\", e.note, e.decision_id, e.at
         from nomination_events e left join users u on u.id = e.actor_id
         where e.nomination_id = $1 order by e.id",
        nomination_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            EventKind::parse(&r.kind).map(|kind| Event {
                kind,
                actor_login: r.actor_login,
                note: r.note,
                decision_id: r.decision_id,
                at: r.at,
            })
        })
        .collect())
}

fn nomination_subject(n: &Nomination) -> Subject {
    Subject {
        kind: "nomination",
        id: Some(n.id),
        label: format!("#{} in call #{}", n.id, n.call_id),
    }
}

/// Nominates `login` (signed in or not yet) in `call`. When the person already has an
/// open nomination here (the partial unique index `nominations_open_once`), `nominator`'s
/// statement is added to it as a second nominator's (once per nominator; the first
/// nominator repeating themselves adds nothing), so the answer, the nomination's id, is
/// the same whether or not one existed.
pub async fn nominate(
    tx: &mut Transaction<'_, Postgres>,
    call: &Call,
    login: &str,
    nominator: &User,
    statement: &str,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    let nominee = auth::db::ensure_by_login(&mut **tx, login, None, now).await?;
    let created = sqlx::query_scalar!(
        "insert into nominations (call_id, nominee_id, nominator_id, statement, created_at)
         values ($1, $2, $3, $4, $5)
         on conflict (call_id, nominee_id) where ended_at is null do nothing
         returning id",
        call.id,
        nominee.id,
        nominator.id,
        statement,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    let subject = |id: i64| Subject {
        kind: "nomination",
        id: Some(id),
        label: format!("#{id} in call #{}", call.id),
    };
    if let Some(id) = created {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(nominator.id),
                action: "nomination.created",
                subject: subject(id),
                team_id: Some(call.team_id),
                visibility: Visibility::Team,
                details: json!({ "nominee": nominee.login, "self": nominee.id == nominator.id }),
            },
        )
        .await?;
        let key = format!("nomination:{id}:created");
        tell_nominee(tx, call, id, &nominee, nominator, statement, &key, now).await?;
        return Ok(id);
    }
    // The conflicting row is committed (the insert waited for it): lock and second it.
    let (id, first) = sqlx::query!(
        "select id, nominator_id from nominations
         where call_id = $1 and nominee_id = $2 and ended_at is null for update",
        call.id,
        nominee.id
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| (r.id, r.nominator_id))
    .ok_or_else(|| {
        WriteError::Refused("The nomination changed meanwhile; please send it again.".into())
    })?;
    if first == nominator.id {
        return Ok(id);
    }
    let seconded = sqlx::query!(
        "insert into nomination_seconds (nomination_id, nominator_id, statement, created_at)
         values ($1, $2, $3, $4) on conflict do nothing",
        id,
        nominator.id,
        statement,
        now
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if seconded == 1 {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(nominator.id),
                action: "nomination.seconded",
                subject: subject(id),
                team_id: Some(call.team_id),
                visibility: Visibility::Team,
                details: json!({ "nominee": nominee.login }),
            },
        )
        .await?;
        let key = format!("nomination:{id}:seconded:{}", nominator.id);
        tell_nominee(tx, call, id, &nominee, nominator, statement, &key, now).await?;
    }
    Ok(id)
}

/// Tells the nominee who nominated them, with the statement: they may read both on the
/// nomination's page. Nobody is told of nominating themselves.
#[allow(clippy::too_many_arguments)]
async fn tell_nominee(
    tx: &mut Transaction<'_, Postgres>,
    call: &Call,
    id: i64,
    nominee: &User,
    nominator: &User,
    statement: &str,
    key: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    if nominee.id == nominator.id {
        return Ok(());
    }
    let notice = Notice {
        subject: format!("You were nominated: {}", call.title),
        text: format!(
            "{} nominated you in the call \u{201c}{}\u{201d} of {}. Their statement:\n\n{}\n\nOpen the nomination to accept or decline it; nothing moves until you answer.",
            nominator.login, call.title, call.team_name, statement
        ),
        path: format!("/nominations/{id}"),
    };
    notify::enqueue(tx, Kind::Nominated, key, &notice, &[nominee.id], now).await?;
    Ok(())
}

/// One nominator's statement on a nomination.
#[derive(Clone, Debug)]
pub struct Statement {
    pub nominator_id: i64,
    pub nominator_login: String,
    pub statement: String,
}

/// The statements on a nomination, the first nominator's first: all of them, or only
/// `only_by`'s (what a nominator reads, `model::statements_read_by`).
pub async fn statements(
    db: impl PgExecutor<'_>,
    nomination_id: i64,
    only_by: Option<i64>,
) -> sqlx::Result<Vec<Statement>> {
    sqlx::query_as!(
        Statement,
        "select nominator_id as \"nominator_id!\", nominator_login as \"nominator_login!\",
                statement as \"statement!\"
         from (select n.nominator_id, u.login as nominator_login, n.statement, n.created_at, 0 as rank
               from nominations n join users u on u.id = n.nominator_id where n.id = $1
               union all
               select s.nominator_id, u.login, s.statement, s.created_at, 1
               from nomination_seconds s join users u on u.id = s.nominator_id
               where s.nomination_id = $1) all_statements
         where $2::bigint is null or nominator_id = $2
         order by rank, created_at",
        nomination_id,
        only_by
    )
    .fetch_all(db)
    .await
}

/// Locks a nomination's row and reads it again under the lock.
async fn lock_nomination(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> Result<Nomination, WriteError> {
    sqlx::query_scalar!("select id from nominations where id = $1 for update", id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| WriteError::Refused("There is no such nomination.".into()))?;
    find_nomination(&mut **tx, id)
        .await?
        .ok_or_else(|| WriteError::Refused("There is no such nomination.".into()))
}

/// What an event carries besides its kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventLinks {
    pub decision_id: Option<i64>,
    pub membership_id: Option<i64>,
}

/// Adds an event to a nomination if its stage allows it, under the nomination's lock.
/// An event that ends the nomination sets `ended_at` in the same transaction.
pub async fn add_event(
    tx: &mut Transaction<'_, Postgres>,
    nomination_id: i64,
    kind: EventKind,
    actor: &User,
    note: Option<&str>,
    links: EventLinks,
    now: OffsetDateTime,
) -> Result<Nomination, WriteError> {
    let nomination = lock_nomination(tx, nomination_id).await?;
    require_stage(nomination.stage, kind).map_err(WriteError::Refused)?;
    sqlx::query!(
        "insert into nomination_events (nomination_id, kind, actor_id, note, decision_id, membership_id, at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        nomination_id,
        kind.as_str(),
        actor.id,
        note,
        links.decision_id,
        links.membership_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    if kind.ends() {
        sqlx::query!(
            "update nominations set ended_at = $2 where id = $1 and ended_at is null",
            nomination_id,
            now
        )
        .execute(&mut **tx)
        .await?;
    }
    let announced = kind == EventKind::Announced;
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action: match kind {
                EventKind::Accepted => "nomination.accepted",
                EventKind::Declined => "nomination.declined",
                EventKind::Withdrawn => "nomination.withdrawn",
                EventKind::Shortlisted => "nomination.shortlisted",
                EventKind::Interviewed => "nomination.interviewed",
                EventKind::Admitted => "nomination.admitted",
                EventKind::NotSelected => "nomination.not_selected",
                EventKind::Announced => "nomination.announced",
                EventKind::Feedback => "nomination.feedback",
            },
            subject: if announced {
                call_subject(nomination.call_id, &nomination.call_title)
            } else {
                nomination_subject(&nomination)
            },
            team_id: Some(nomination.team_id),
            visibility: if announced {
                Visibility::Public
            } else {
                Visibility::Team
            },
            details: if announced {
                json!({ "announced": nomination.nominee_login })
            } else {
                json!({ "decision_id": links.decision_id })
            },
        },
    )
    .await?;
    notify_moved(tx, &nomination, kind, actor, now).await?;
    Ok(nomination)
}

/// Tells the nominator and the nominee (whoever did not do it) that a nomination was
/// answered or moved on. Both may see its stage; the mail says nothing else (a decline's
/// reason, feedback and notes stay on the page for those who may read them).
async fn notify_moved(
    tx: &mut Transaction<'_, Postgres>,
    nomination: &Nomination,
    kind: EventKind,
    actor: &User,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let what = match kind {
        EventKind::Accepted => "was accepted by the nominee",
        EventKind::Declined => "was declined by the nominee",
        EventKind::Withdrawn => "was withdrawn",
        EventKind::Shortlisted => "was shortlisted",
        EventKind::Interviewed => "moved on: the interview is recorded",
        EventKind::Admitted => "was decided: the nominee is admitted",
        EventKind::NotSelected => "ended: the nominee was not selected",
        EventKind::Announced => "was announced",
        EventKind::Feedback => return Ok(()),
    };
    let recipients: Vec<i64> = [nomination.nominator_id, nomination.nominee_id]
        .into_iter()
        .filter(|id| *id != actor.id)
        .collect();
    let notice = Notice {
        subject: format!("Nomination of {} {what}", nomination.nominee_login),
        text: format!(
            "The nomination of {} in the call \u{201c}{}\u{201d} of {} {what}.",
            nomination.nominee_login, nomination.call_title, nomination.team_name
        ),
        path: format!("/nominations/{}", nomination.id),
    };
    let key = format!("nomination:{}:{}", nomination.id, kind.as_str());
    notify::enqueue(tx, Kind::NominationMoved, &key, &notice, &recipients, now).await?;
    Ok(())
}

/// Applies a passed shortlisting decision: each nomination named must still be accepted
/// and in the deciding team's call.
pub async fn apply_shortlist(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    team_id: i64,
    call_id: i64,
    nomination_ids: &[i64],
    actor: &User,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    check_call(tx, call_id, team_id).await?;
    for id in nomination_ids {
        let n = add_event(
            tx,
            *id,
            EventKind::Shortlisted,
            actor,
            None,
            EventLinks {
                decision_id: Some(decision_id),
                membership_id: None,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            WriteError::Refused(why) => WriteError::Refused(format!(
                "The effect cannot be applied: nomination #{id}: {why}"
            )),
            e => e,
        })?;
        if n.call_id != call_id {
            return Err(WriteError::Refused(format!(
                "The effect cannot be applied: nomination #{id} is not in this call."
            )));
        }
    }
    Ok(())
}

async fn check_call(
    tx: &mut Transaction<'_, Postgres>,
    call_id: i64,
    team_id: i64,
) -> Result<(), WriteError> {
    let owner = sqlx::query_scalar!("select team_id from calls where id = $1", call_id)
        .fetch_optional(&mut **tx)
        .await?;
    if owner != Some(team_id) {
        return Err(WriteError::Refused(
            "The effect cannot be applied: the call is not this team's.".into(),
        ));
    }
    Ok(())
}

/// Applies a passed decision to admit a nominee: the ledger gains the member, linked to
/// the decision and the nomination, and the nomination records it. Returns the ledger row.
pub async fn apply_admit(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    team: &Team,
    call_id: i64,
    nomination_id: i64,
    actor: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    check_call(tx, call_id, team.id).await?;
    let nomination = lock_nomination(tx, nomination_id).await?;
    if nomination.call_id != call_id {
        return Err(WriteError::Refused(
            "The effect cannot be applied: the nomination is not in this call.".into(),
        ));
    }
    require_stage(nomination.stage, EventKind::Admitted)
        .map_err(|why| WriteError::Refused(format!("The effect cannot be applied: {why}")))?;
    let cause = Cause {
        decision_id: Some(decision_id),
        nomination_id: Some(nomination_id),
    };
    let reason = format!("Admitted by decision #{decision_id} from a call for nominations.");
    let (_, membership_id) = teams_db::add_member(
        tx,
        team,
        &nomination.nominee_login,
        Role::Member,
        &reason,
        Some(actor),
        cause,
        now,
    )
    .await
    .map_err(|e| match e.constraint() {
        Some(_) => WriteError::Refused(format!(
            "The effect cannot be applied: {} is already a member of {}.",
            nomination.nominee_login, team.name
        )),
        None => e,
    })?;
    add_event(
        tx,
        nomination_id,
        EventKind::Admitted,
        actor,
        None,
        EventLinks {
            decision_id: Some(decision_id),
            membership_id: Some(membership_id),
        },
        now,
    )
    .await?;
    Ok(membership_id)
}

/// Records a private endorsement of `login` in a call; a repeat by the same author adds
/// nothing.
pub async fn endorse(
    tx: &mut Transaction<'_, Postgres>,
    call: &Call,
    login: &str,
    author: &User,
    body: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let id = sqlx::query_scalar!(
        "insert into call_endorsements (call_id, login, author_id, body, at)
         values ($1, $2, $3, $4, $5)
         on conflict (call_id, lower(login), author_id) do nothing
         returning id",
        call.id,
        login,
        author.id,
        body,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(author.id),
                action: "call.endorsed",
                subject: Subject {
                    kind: "endorsement",
                    id: Some(id),
                    label: format!("in call #{}", call.id),
                },
                team_id: Some(call.team_id),
                visibility: Visibility::Team,
                details: json!({}),
            },
        )
        .await?;
    }
    Ok(())
}

/// Endorsements of `login` in a call (team only): author, text, when.
pub async fn endorsements(
    db: impl PgExecutor<'_>,
    call_id: i64,
    login: &str,
) -> sqlx::Result<Vec<(String, String, OffsetDateTime)>> {
    let rows = sqlx::query!(
        "select u.login, e.body, e.at from call_endorsements e join users u on u.id = e.author_id
         where e.call_id = $1 and lower(e.login) = lower($2) order by e.id",
        call_id,
        login
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.login, r.body, r.at)).collect())
}

// ----- eligibility lists -----

#[derive(Clone, Debug)]
pub struct ListEntry {
    pub id: i64,
    pub list_name: String,
    pub login: String,
    pub added_by: String,
    pub added_at: OffsetDateTime,
}

pub async fn list_entries(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ListEntry>> {
    sqlx::query_as!(
        ListEntry,
        "select e.id, e.list_name, e.login, u.login as added_by, e.added_at
         from eligibility_entries e join users u on u.id = e.added_by
         order by e.list_name, lower(e.login)"
    )
    .fetch_all(db)
    .await
}

/// Adds a login to a list; returns false if it was there already.
pub async fn add_entry(
    tx: &mut Transaction<'_, Postgres>,
    list_name: &str,
    login: &str,
    admin: &User,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let id = sqlx::query_scalar!(
        "insert into eligibility_entries (list_name, login, added_by, added_at) values ($1, $2, $3, $4)
         on conflict (list_name, lower(login)) do nothing returning id",
        list_name,
        login,
        admin.id,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(admin.id),
                action: "eligibility.added",
                subject: Subject {
                    kind: "eligibility_list",
                    id: Some(id),
                    label: list_name.to_string(),
                },
                team_id: None,
                visibility: Visibility::Public,
                details: json!({ "login": login }),
            },
        )
        .await?;
    }
    Ok(id.is_some())
}

pub async fn remove_entry(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    admin: &User,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "delete from eligibility_entries where id = $1 returning list_name, login",
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(r) = &removed {
        audit::record(
            tx,
            &Entry {
                at: now,
                actor_id: Some(admin.id),
                action: "eligibility.removed",
                subject: Subject {
                    kind: "eligibility_list",
                    id: Some(id),
                    label: r.list_name.clone(),
                },
                team_id: None,
                visibility: Visibility::Public,
                details: json!({ "login": r.login }),
            },
        )
        .await?;
    }
    Ok(removed.is_some())
}

// ----- the team page -----

/// How many of a team's nominations are stale at `now` (its page flags them to members),
/// by the same rule as the inbox (`inbox_items`).
pub async fn team_stale_count(
    db: impl PgExecutor<'_>,
    team_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<usize> {
    let count = sqlx::query_scalar!(
        "select count(*) as \"count!\"
         from calls c
         join nominations n on n.call_id = c.id
         where c.team_id = $1
           and n.ended_at is null and n.announced_at is null
           and nomination_is_stale(n.active_at, n.ended_at, n.announced_at, c.stale_after_days, $2)",
        team_id,
        now
    )
    .fetch_one(db)
    .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}
