//! Every SQL statement about decisions. Writes take the caller's transaction, lock the
//! decision's row first (`select ... for update`), compute the outcome again under that
//! lock, and record their audit entry in the same transaction.

use std::collections::HashMap;

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{
    Concern, Decider, Decision, Effect, NewDecision, Outcome, Position, RecordedOutcome, Stance,
    Tally, membership_change_problem, require_open,
};
use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth;
use crate::auth::model::User;
use crate::notify::db as notify;
use crate::notify::model::{Kind, Notice};
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::{Cause, DecisionRule, RuleKind, Team};

fn decode_error(what: &str, found: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {found:?}").into())
}

struct DecisionRecord {
    id: i64,
    team_id: i64,
    team_slug: String,
    team_name: String,
    question: String,
    body: String,
    is_public: bool,
    opened_by: i64,
    opener_login: String,
    opened_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    rule_kind: String,
    rule_n: i32,
    effect: serde_json::Value,
    hold_days: i32,
    withdrawn_at: Option<OffsetDateTime>,
    withdrawn_by: Option<String>,
    withdrawal_reason: Option<String>,
}

impl TryFrom<DecisionRecord> for Decision {
    type Error = sqlx::Error;

    fn try_from(r: DecisionRecord) -> sqlx::Result<Decision> {
        let kind = RuleKind::parse(&r.rule_kind)
            .ok_or_else(|| decode_error("decision rule", &r.rule_kind))?;
        let effect: Effect = serde_json::from_value(r.effect)
            .map_err(|e| sqlx::Error::Decode(format!("decision effect: {e}").into()))?;
        Ok(Decision {
            id: r.id,
            team_id: r.team_id,
            team_slug: r.team_slug,
            team_name: r.team_name,
            question: r.question,
            body: r.body,
            is_public: r.is_public,
            opened_by: r.opened_by,
            opener_login: r.opener_login,
            opened_at: r.opened_at,
            closes_at: r.closes_at,
            rule: DecisionRule { kind, n: r.rule_n },
            effect,
            hold_days: r.hold_days,
            withdrawn_at: r.withdrawn_at,
            withdrawn_by: r.withdrawn_by,
            withdrawal_reason: r.withdrawal_reason,
        })
    }
}

pub async fn find_decision(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Decision>> {
    let record = sqlx::query_as!(
        DecisionRecord,
        "select d.id, d.team_id, t.slug as team_slug, t.name as team_name, d.question, d.body, d.is_public,
                d.opened_by, o.login as opener_login, d.opened_at, d.closes_at, d.rule_kind, d.rule_n, d.effect, d.hold_days,
                d.withdrawn_at, w.login as \"withdrawn_by?\", d.withdrawal_reason
         from decisions d
         join teams t on t.id = d.team_id
         join users o on o.id = d.opened_by
         left join users w on w.id = d.withdrawn_by
         where d.id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    record.map(Decision::try_from).transpose()
}

/// Locks a decision's row for the rest of the transaction: every write on one decision
/// takes this lock first, so each sees the others' outcome.
pub(super) async fn lock_decision(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> Result<(Decision, Tally), WriteError> {
    sqlx::query_scalar!("select id from decisions where id = $1 for update", id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| WriteError::Refused("There is no such decision.".into()))?;
    let decision = find_decision(&mut **tx, id)
        .await?
        .ok_or_else(|| WriteError::Refused("There is no such decision.".into()))?;
    let tally = tallies(&mut **tx, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((decision, tally))
}

/// A team's decisions, newest first: all of them for its members, the public ones for
/// everyone else.
pub async fn team_decisions(
    db: impl PgExecutor<'_>,
    team_id: i64,
    include_private: bool,
) -> sqlx::Result<Vec<Decision>> {
    sqlx::query_as!(
        DecisionRecord,
        "select d.id, d.team_id, t.slug as team_slug, t.name as team_name, d.question, d.body, d.is_public,
                d.opened_by, o.login as opener_login, d.opened_at, d.closes_at, d.rule_kind, d.rule_n, d.effect, d.hold_days,
                d.withdrawn_at, w.login as \"withdrawn_by?\", d.withdrawal_reason
         from decisions d
         join teams t on t.id = d.team_id
         join users o on o.id = d.opened_by
         left join users w on w.id = d.withdrawn_by
         where d.team_id = $1 and (d.is_public or $2)
         order by d.opened_at desc, d.id desc",
        team_id,
        include_private
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Decision::try_from)
    .collect()
}

/// The tally of each decision in `ids`, in one query: deciders, current stances (the
/// latest position per decider) and unresolved concerns.
pub async fn tallies(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<HashMap<i64, Tally>> {
    let rows = sqlx::query!(
        "select d.id,
                (select count(*) from decision_deciders dd where dd.decision_id = d.id) as \"deciders!\",
                cur.agree as \"agree!\", cur.stand_aside as \"stand_aside!\", cur.object as \"object!\",
                cur.present as \"present!\",
                (select count(*) from decision_concerns c where c.decision_id = d.id and c.resolved_at is null)
                    as \"unresolved!\",
                (select max(h.lapses_at) from decision_holds h where h.decision_id = d.id and h.released_at is null)
                    as held_until
         from decisions d
         cross join lateral (
             select count(*) filter (where l.stance in ('agree', 'agree_with_concerns')) as agree,
                    count(*) filter (where l.stance = 'stand_aside') as stand_aside,
                    count(*) filter (where l.stance = 'object') as object,
                    count(*) as present
             from (select distinct on (p.user_id) p.stance
                   from decision_positions p
                   where p.decision_id = d.id
                   order by p.user_id, p.id desc) l
         ) cur
         where d.id = any($1)",
        ids
    )
    .fetch_all(db)
    .await?;
    let size = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|r| {
            let deciders = size(r.deciders);
            (
                r.id,
                Tally {
                    deciders,
                    agree: size(r.agree),
                    stand_aside: size(r.stand_aside),
                    object: size(r.object),
                    absent: deciders.saturating_sub(size(r.present)),
                    unresolved_concerns: size(r.unresolved),
                    held_until: r.held_until,
                },
            )
        })
        .collect())
}

/// Which of the decisions `ids` are open at `now` (`model::outcome`), in two statements.
pub async fn still_open(
    db: &mut sqlx::PgConnection,
    ids: &[i64],
    now: OffsetDateTime,
) -> sqlx::Result<std::collections::HashSet<i64>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = sqlx::query!(
        "select id, rule_kind, rule_n, closes_at, withdrawn_at from decisions where id = any($1)",
        ids
    )
    .fetch_all(&mut *db)
    .await?;
    let tallies = tallies(&mut *db, ids).await?;
    let mut open = std::collections::HashSet::new();
    for r in rows {
        let rule = DecisionRule {
            kind: RuleKind::parse(&r.rule_kind)
                .ok_or_else(|| decode_error("rule", &r.rule_kind))?,
            n: r.rule_n,
        };
        let tally = tallies.get(&r.id).copied().unwrap_or_default();
        if super::model::outcome(&tally, rule, r.closes_at, r.withdrawn_at.is_some(), now).is_open()
        {
            open.insert(r.id);
        }
    }
    Ok(open)
}

pub async fn deciders(db: impl PgExecutor<'_>, decision_id: i64) -> sqlx::Result<Vec<Decider>> {
    sqlx::query_as!(
        Decider,
        "select u.id as user_id, u.login, u.name
         from decision_deciders dd join users u on u.id = dd.user_id
         where dd.decision_id = $1
         order by lower(u.login)",
        decision_id
    )
    .fetch_all(db)
    .await
}

/// Every position taken, in the order taken.
pub async fn positions(db: impl PgExecutor<'_>, decision_id: i64) -> sqlx::Result<Vec<Position>> {
    let rows = sqlx::query!(
        "select p.id, p.user_id, u.login, p.stance, p.comment, p.at, pu.login as \"by_proxy?\"
         from decision_positions p join users u on u.id = p.user_id
         left join decision_proxies dp on dp.id = p.by_proxy_id
         left join users pu on pu.id = dp.proxy_id
         where p.decision_id = $1
         order by p.id",
        decision_id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Position {
                stance: Stance::parse(&r.stance)
                    .ok_or_else(|| decode_error("stance", &r.stance))?,
                id: r.id,
                user_id: r.user_id,
                login: r.login,
                comment: r.comment,
                at: r.at,
                by_proxy: r.by_proxy,
            })
        })
        .collect()
}

pub async fn concerns(db: impl PgExecutor<'_>, decision_id: i64) -> sqlx::Result<Vec<Concern>> {
    sqlx::query_as!(
        Concern,
        "select c.id, c.raised_by, u.login as raised_by_login, c.title, c.raised_at, c.resolved_at, c.resolution,
                c.handed_to, h.login as \"handed_to_login?\", c.overruled_by
         from decision_concerns c join users u on u.id = c.raised_by
         left join users h on h.id = c.handed_to
         where c.decision_id = $1
         order by c.id",
        decision_id
    )
    .fetch_all(db)
    .await
}

pub async fn recorded_outcome(
    db: impl PgExecutor<'_>,
    decision_id: i64,
) -> sqlx::Result<Option<RecordedOutcome>> {
    let row = sqlx::query!(
        "select o.statement, u.login as recorded_by, o.recorded_at, o.membership_id, o.review_on,
                t.slug as \"team_slug?\", t.name as \"team_name?\"
         from decision_outcomes o
         join users u on u.id = o.recorded_by
         left join teams t on t.id = o.delegated_team_id
         where o.decision_id = $1",
        decision_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| RecordedOutcome {
        statement: r.statement,
        recorded_by: r.recorded_by,
        recorded_at: r.recorded_at,
        membership_id: r.membership_id,
        delegated_team: r.team_slug.zip(r.team_name),
        review_on: r.review_on,
    }))
}

/// Whether `user_id` is among the frozen deciders.
pub async fn is_decider(
    db: impl PgExecutor<'_>,
    decision_id: i64,
    user_id: i64,
) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        "select exists(select 1 from decision_deciders where decision_id = $1 and user_id = $2) as \"found!\"",
        decision_id,
        user_id
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

fn subject(decision: &Decision) -> Subject {
    Subject {
        kind: "decision",
        id: Some(decision.id),
        label: format!("#{} in {}", decision.id, decision.team_slug),
    }
}

fn visibility(is_public: bool) -> Visibility {
    if is_public {
        Visibility::Public
    } else {
        Visibility::Team
    }
}

pub(super) async fn record(
    tx: &mut Transaction<'_, Postgres>,
    decision: &Decision,
    action: &'static str,
    actor: &User,
    details: serde_json::Value,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &Entry {
            at: now,
            actor_id: Some(actor.id),
            action,
            subject: subject(decision),
            team_id: Some(decision.team_id),
            visibility: visibility(decision.is_public),
            details,
        },
    )
    .await?;
    Ok(())
}

/// Who decides a decision being opened.
pub(crate) enum Seats<'a> {
    /// The team's current members who are not on leave (and the leave proxies' principals),
    /// under the team's rule.
    Roster,
    /// The team's current members who are not on leave, without `user_id` (no leave
    /// proxies are seated), under the team's rule: a decision about that member.
    Without { user_id: i64 },
    /// An overrule of a concern of `of` (`overrule`): `of`'s deciders who are still
    /// members and not on leave, without the concern's raiser, under `of`'s frozen rule.
    Overrule {
        of: &'a Decision,
        concern_id: i64,
        raiser: i64,
    },
}

/// Opens a decision on `team`, freezing its rule and its deciders: the current members
/// who are not on leave. Refused if the team was revoked or nobody could decide.
pub async fn open_decision(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    new: &NewDecision,
    opener: &User,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    open_seated(tx, team, new, opener, Seats::Roster, now).await
}

pub(crate) async fn open_seated(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    new: &NewDecision,
    opener: &User,
    seats: Seats<'_>,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    // A shared lock on the team: membership changes (which lock it for update) wait, so
    // the roster frozen here is the roster at `now`.
    let revoked = sqlx::query_scalar!(
        "select revoked_at from teams where id = $1 for share",
        team.id
    )
    .fetch_one(&mut **tx)
    .await?;
    if revoked.is_some() {
        return Err(WriteError::Refused(
            "The team's delegation was revoked; it no longer decides anything.".into(),
        ));
    }
    let (rule_kind, rule_n, hold_days, overrules) = match &seats {
        Seats::Roster | Seats::Without { .. } => {
            let rule = sqlx::query!(
                "select rule_kind, rule_n, hold_days from teams where id = $1",
                team.id
            )
            .fetch_one(&mut **tx)
            .await?;
            (rule.rule_kind, rule.rule_n, rule.hold_days, None)
        }
        Seats::Overrule { of, concern_id, .. } => (
            of.rule.kind.as_str().to_string(),
            of.rule.n,
            of.hold_days,
            Some(*concern_id),
        ),
    };
    let effect = serde_json::to_value(&new.effect)
        .map_err(|e| WriteError::Refused(format!("The effect could not be stored: {e}")))?;
    let id = sqlx::query_scalar!(
        "insert into decisions (team_id, question, body, is_public, opened_by, opened_at, closes_at, rule_kind, rule_n, effect, hold_days,
                                overrules_concern_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id",
        team.id,
        new.question,
        new.body,
        new.is_public,
        opener.id,
        now,
        new.closes_at,
        rule_kind,
        rule_n,
        effect,
        hold_days,
        overrules
    )
    .fetch_one(&mut **tx)
    .await?;
    let frozen = match &seats {
        Seats::Roster => {
            let frozen = sqlx::query_scalar!(
                "insert into decision_deciders (decision_id, user_id)
                 select $1, m.user_id from memberships m
                 where m.team_id = $2 and m.left_at is null and m.role <> 'on_leave'
                 returning user_id",
                id,
                team.id
            )
            .fetch_all(&mut **tx)
            .await?;
            if frozen.is_empty() {
                return Err(WriteError::Refused(format!(
                    "Nobody in {} could decide: every member is on leave.",
                    team.name
                )));
            }
            let seated =
                super::proxies::db::seat_leave_proxies(tx, id, team.id, &frozen, now).await?;
            frozen.into_iter().chain(seated).collect()
        }
        Seats::Without { user_id } => {
            let frozen = sqlx::query_scalar!(
                "insert into decision_deciders (decision_id, user_id)
                 select $1, m.user_id from memberships m
                 where m.team_id = $2 and m.left_at is null and m.role <> 'on_leave' and m.user_id <> $3
                 returning user_id",
                id,
                team.id,
                user_id
            )
            .fetch_all(&mut **tx)
            .await?;
            if frozen.is_empty() {
                return Err(WriteError::Refused(format!(
                    "Nobody else in {} could decide: the others are on leave.",
                    team.name
                )));
            }
            frozen
        }
        Seats::Overrule { of, raiser, .. } => {
            let frozen: Vec<i64> = sqlx::query_scalar!(
                "insert into decision_deciders (decision_id, user_id)
                 select $1, dd.user_id from decision_deciders dd
                 join memberships m on m.team_id = $2 and m.user_id = dd.user_id and m.left_at is null
                 where dd.decision_id = $3 and dd.user_id <> $4 and m.role <> 'on_leave'
                 returning user_id",
                id,
                team.id,
                of.id,
                raiser
            )
            .fetch_all(&mut **tx)
            .await?;
            if frozen.is_empty() {
                return Err(WriteError::Refused(
                    "Nobody else among the deciders could decide an overrule: they have left or are on leave.".into(),
                ));
            }
            frozen
        }
    };
    let decision = find_decision(&mut **tx, id)
        .await?
        .ok_or_else(|| WriteError::Refused("The decision vanished.".into()))?;
    let details = json!({
        "question": decision.question,
        "closes_at": crate::web::dates::rfc3339(decision.closes_at),
        "decision_rule": decision.rule.describe(),
        "effect": decision.effect.describe(&team.name),
        "deciders": frozen.len(),
        "public": decision.is_public,
    });
    record(tx, &decision, "decision.opened", opener, details, now).await?;
    // The deciders are the team's members, who may read the decision, public or not.
    let notice = Notice {
        subject: format!("Your position is asked: {}", decision.question),
        text: format!(
            "{} opened a decision of {} in which you decide: \u{201c}{}\u{201d}. It closes at {}.",
            opener.login,
            team.name,
            decision.question,
            crate::web::dates::format_utc(decision.closes_at)
        ),
        path: format!("/decisions/{id}"),
    };
    let others: Vec<i64> = frozen.into_iter().filter(|u| *u != opener.id).collect();
    let key = format!("decision:{id}:opened");
    notify::enqueue(tx, Kind::DecisionOpened, &key, &notice, &others, now).await?;
    Ok(id)
}

/// Records a position. A repeat of the decider's current position (same stance and
/// comment) adds nothing; returns whether a position was added.
pub async fn take_position(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    decider: &User,
    stance: Stance,
    comment: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let seat = Seat {
        decider_id: decider.id,
        by_proxy: None,
    };
    insert_position(tx, &decision, seat, decider, stance, comment, now).await
}

/// Whose seat a position is for: the decider's, taken by them or by their proxy
/// (`decisions::model::proxies`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Seat<'a> {
    pub decider_id: i64,
    /// The proxy row and the principal's login, when a proxy takes it.
    pub by_proxy: Option<(i64, &'a str)>,
}

/// Adds a position to `seat` under the decision's lock (taken, and the decision found
/// open, by the caller), unless it repeats the seat's current one. `actor` took it.
pub(super) async fn insert_position(
    tx: &mut Transaction<'_, Postgres>,
    decision: &Decision,
    seat: Seat<'_>,
    actor: &User,
    stance: Stance,
    comment: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let by_proxy_id = seat.by_proxy.map(|(id, _)| id);
    let latest = sqlx::query!(
        "select stance, comment, by_proxy_id from decision_positions
         where decision_id = $1 and user_id = $2 order by id desc limit 1",
        decision.id,
        seat.decider_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if latest.is_some_and(|l| {
        l.stance == stance.as_str()
            && l.comment.as_deref() == comment
            && l.by_proxy_id == by_proxy_id
    }) {
        return Ok(false);
    }
    sqlx::query!(
        "insert into decision_positions (decision_id, user_id, stance, comment, at, by_proxy_id)
         values ($1, $2, $3, $4, $5, $6)",
        decision.id,
        seat.decider_id,
        stance.as_str(),
        comment,
        now,
        by_proxy_id
    )
    .execute(&mut **tx)
    .await?;
    let details = match seat.by_proxy {
        None => json!({ "stance": stance.as_str(), "comment": comment }),
        Some((_, principal)) => {
            json!({ "stance": stance.as_str(), "comment": comment, "for": principal })
        }
    };
    record(tx, decision, "decision.position_taken", actor, details, now).await?;
    Ok(true)
}

/// Raises a named concern. Raising the same open concern again breaks
/// `decision_concerns_once`.
pub async fn raise_concern(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    decider: &User,
    title: &str,
    now: OffsetDateTime,
) -> Result<i64, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let id = sqlx::query_scalar!(
        "insert into decision_concerns (decision_id, raised_by, title, raised_at)
         values ($1, $2, $3, $4)
         returning id",
        decision_id,
        decider.id,
        title,
        now
    )
    .fetch_one(&mut **tx)
    .await?;
    let details = json!({ "concern_id": id, "concern": title });
    record(
        tx,
        &decision,
        "decision.concern_raised",
        decider,
        details,
        now,
    )
    .await?;
    Ok(id)
}

/// Resolves a concern; only whoever raised it may (the handler checks first; this checks
/// again under the lock).
pub async fn resolve_concern(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    concern_id: i64,
    person: &User,
    resolution: &str,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let concern = concerns(&mut **tx, decision_id)
        .await?
        .into_iter()
        .find(|c| c.id == concern_id)
        .ok_or_else(|| WriteError::Refused("There is no such concern on this decision.".into()))?;
    if !super::model::handover::may_resolve(&concern, person.id) {
        return Err(WriteError::Refused(
            "Only whoever raised a concern, or the decider they handed it to, resolves it.".into(),
        ));
    }
    if concern.resolved_at.is_some() {
        return Err(WriteError::Refused(
            "This concern is already resolved.".into(),
        ));
    }
    sqlx::query!(
        "update decision_concerns set resolved_at = $2, resolution = $3 where id = $1",
        concern_id,
        now,
        resolution
    )
    .execute(&mut **tx)
    .await?;
    let details =
        json!({ "concern_id": concern_id, "concern": concern.title, "resolution": resolution });
    record(
        tx,
        &decision,
        "decision.concern_resolved",
        person,
        details,
        now,
    )
    .await?;
    Ok(())
}

/// Withdraws an open decision.
pub async fn withdraw(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    person: &User,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    sqlx::query!(
        "update decisions set withdrawn_at = $2, withdrawn_by = $3, withdrawal_reason = $4 where id = $1",
        decision_id,
        now,
        person.id,
        reason
    )
    .execute(&mut **tx)
    .await?;
    record(
        tx,
        &decision,
        "decision.withdrawn",
        person,
        json!({ "reason": reason }),
        now,
    )
    .await?;
    Ok(())
}

/// What applying an effect made, for the outcome's record.
#[derive(Clone, Copy, Debug, Default)]
pub struct Applied {
    pub membership_id: Option<i64>,
    pub delegated_team_id: Option<i64>,
}

/// Records the outcome statement of a passed decision and applies its effect, in the
/// caller's transaction: both happen, exactly once, or neither. A second request finds
/// the outcome recorded (under the decision's lock, and the primary key besides).
pub async fn record_outcome(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    person: &User,
    statement: &str,
    review_on: Option<time::Date>,
    now: OffsetDateTime,
) -> Result<Applied, WriteError> {
    let (decision, tally) = lock_decision(tx, decision_id).await?;
    let already = sqlx::query_scalar!(
        "select exists(select 1 from decision_outcomes where decision_id = $1) as \"found!\"",
        decision_id
    )
    .fetch_one(&mut **tx)
    .await?;
    if already {
        return Err(WriteError::Refused(
            "The outcome of this decision is already recorded.".into(),
        ));
    }
    let outcome = decision.outcome(&tally, now);
    if outcome != Outcome::Passed {
        return Err(WriteError::Refused(format!(
            "Only a passed decision gets an outcome statement; this one is {}.",
            outcome.label().to_lowercase()
        )));
    }
    let applied = apply_effect(tx, &decision, person, now).await?;
    // A linked team's GitHub team follows the ledger row (the outbox of `src/github`).
    if let Some(membership_id) = applied.membership_id {
        crate::github::db::queue_for_membership(tx, decision.id, membership_id, now).await?;
    }
    sqlx::query!(
        "insert into decision_outcomes (decision_id, statement, recorded_by, recorded_at, membership_id, delegated_team_id, review_on)
         values ($1, $2, $3, $4, $5, $6, $7)",
        decision_id,
        statement,
        person.id,
        now,
        applied.membership_id,
        applied.delegated_team_id,
        review_on
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({
        "statement": statement,
        "effect": decision.effect.describe(&decision.team_name),
        "membership_id": applied.membership_id,
        "delegated_team_id": applied.delegated_team_id,
        "review_on": review_on.map(crate::web::dates::format_date),
    });
    record(
        tx,
        &decision,
        "decision.outcome_recorded",
        person,
        details,
        now,
    )
    .await?;
    if decision.is_public {
        let event = crate::notify::webhooks::Event::new(
            "decision.outcome",
            format!("decision:{}:outcome", decision.id),
            (&decision.team_slug, &decision.team_name),
            &decision.question,
            format!("/decisions/{}", decision.id),
            now,
            format!("The decision passed: {statement}"),
        );
        notify::enqueue_webhooks(tx, decision.team_id, &event, now).await?;
    }
    Ok(applied)
}

/// Applies a passed decision's effect, through the owning room's `db`, with the decision
/// as the cause so the ledger and the audit log link back to it. Each kind of effect has
/// its arm here.
async fn apply_effect(
    tx: &mut Transaction<'_, Postgres>,
    decision: &Decision,
    actor: &User,
    now: OffsetDateTime,
) -> Result<Applied, WriteError> {
    let cause = Cause::decision(decision.id);
    match &decision.effect {
        Effect::Text { .. } => Ok(Applied::default()),
        Effect::ResolveRfc {
            rfc_id, resolution, ..
        } => {
            crate::rfcs::db::resolve(
                tx,
                *rfc_id,
                decision.team_id,
                *resolution,
                decision.id,
                actor,
                now,
            )
            .await
            .map_err(|e| match e {
                WriteError::Refused(why) => {
                    WriteError::Refused(format!("The effect cannot be applied: {why}"))
                }
                other => other,
            })?;
            Ok(Applied::default())
        }
        Effect::ChangeMembership { login, role } => {
            let team = teams_db::find_team(&mut **tx, &decision.team_slug)
                .await?
                .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
            let person = auth::db::find_by_login(&mut **tx, login).await?;
            let current = match &person {
                None => None,
                Some(person) => current_role(tx, team.id, person.id).await?,
            };
            if let Some(problem) = membership_change_problem(login, current, *role) {
                return Err(WriteError::Refused(format!(
                    "The effect cannot be applied: {problem}"
                )));
            }
            // The ledger is public: a team-only decision's question stays out of it.
            let reason = if decision.is_public {
                format!("By decision #{}: {}", decision.id, decision.question)
            } else {
                format!("By decision #{}.", decision.id)
            };
            let membership_id = match (person, current, role) {
                (Some(person), Some(_), Some(role)) => {
                    teams_db::change_role(
                        tx,
                        &team,
                        &person,
                        *role,
                        &reason,
                        Some(actor),
                        cause,
                        now,
                    )
                    .await?
                }
                (Some(person), Some(_), None) => {
                    teams_db::record_leaving(tx, &team, &person, &reason, Some(actor), cause, now)
                        .await?
                }
                (_, None, Some(role)) => {
                    teams_db::add_member(tx, &team, login, *role, &reason, Some(actor), cause, now)
                        .await?
                        .1
                }
                (_, None, None) | (None, Some(_), _) => {
                    return Err(WriteError::Refused(format!(
                        "The effect cannot be applied: {login} is not a member."
                    )));
                }
            };
            Ok(Applied {
                membership_id: Some(membership_id),
                ..Applied::default()
            })
        }
        Effect::DelegateTeam(delegation) => {
            let parent = teams_db::find_team(&mut **tx, &decision.team_slug)
                .await?
                .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
            let new = delegation.to_new_team(decision.id);
            let id = teams_db::create_team(tx, &new, Some(&parent), actor, cause, now)
                .await
                .map_err(|e| match e.constraint() {
                    Some("teams_slug_key") => WriteError::Refused(format!(
                        "The effect cannot be applied: another team already has the slug {}.",
                        new.slug
                    )),
                    _ => e,
                })?;
            Ok(Applied {
                delegated_team_id: Some(id),
                ..Applied::default()
            })
        }
        Effect::ShortlistNominations {
            call_id,
            nominations,
            ..
        } => {
            let ids: Vec<i64> = nominations.iter().map(|n| n.nomination_id).collect();
            crate::nominations::db::apply_shortlist(
                tx,
                decision.id,
                decision.team_id,
                *call_id,
                &ids,
                actor,
                now,
            )
            .await?;
            Ok(Applied::default())
        }
        Effect::MoveToAlumni { login } => {
            let team = teams_db::find_team(&mut **tx, &decision.team_slug)
                .await?
                .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
            let person = auth::db::find_by_login(&mut **tx, login).await?;
            let current = match &person {
                None => None,
                Some(person) => current_role(tx, team.id, person.id).await?,
            };
            let (Some(person), Some(_)) = (person, current) else {
                return Err(WriteError::Refused(format!(
                    "The effect cannot be applied: {login} is no longer a member."
                )));
            };
            let membership_id = teams_db::record_leaving(
                tx,
                &team,
                &person,
                crate::teams::inactivity::LEDGER_REASON,
                Some(actor),
                cause,
                now,
            )
            .await?;
            Ok(Applied {
                membership_id: Some(membership_id),
                ..Applied::default()
            })
        }
        Effect::OverruleConcern {
            decision_id,
            concern_id,
            ..
        } => {
            super::overrule::apply(tx, decision, *decision_id, *concern_id, actor, now).await?;
            Ok(Applied::default())
        }
        Effect::AdmitNominee {
            call_id,
            nomination_id,
            ..
        } => {
            let team = teams_db::find_team(&mut **tx, &decision.team_slug)
                .await?
                .ok_or_else(|| WriteError::Refused("The team no longer exists.".into()))?;
            let membership_id = crate::nominations::db::apply_admit(
                tx,
                decision.id,
                &team,
                *call_id,
                *nomination_id,
                actor,
                now,
            )
            .await?;
            Ok(Applied {
                membership_id: Some(membership_id),
                ..Applied::default()
            })
        }
    }
}

/// A person's current role in a team, if they are a member.
pub async fn current_role(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    user_id: i64,
) -> Result<Option<crate::teams::model::Role>, WriteError> {
    let role = sqlx::query_scalar!(
        "select role from memberships where team_id = $1 and user_id = $2 and left_at is null",
        team_id,
        user_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    match role {
        None => Ok(None),
        Some(role) => crate::teams::model::Role::parse(&role)
            .map(Some)
            .ok_or_else(|| WriteError::Database(decode_error("role", &role))),
    }
}
