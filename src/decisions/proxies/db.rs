//! Every SQL statement about proxies. Writes on a decision's proxies take the decision's
//! row lock first (`decisions::db::lock_decision`), check the rule of
//! `decisions::model::proxies` under it, and audit in the same transaction. Standing
//! proxies lock their team's row for share, as membership reads that must hold do.

use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use crate::audit::{self, Entry, Subject, Visibility};
use crate::auth::model::User;
use crate::decisions::db::{self as decisions_db, Seat};
use crate::decisions::model::proxies::{self, Candidate, Proxy, StandingProxy};
use crate::decisions::model::{Stance, require_open};
use crate::teams::db::WriteError;
use crate::teams::model::Team;

/// Every proxy of a decision, live or taken back, in the order named.
pub async fn decision_proxies(
    db: impl PgExecutor<'_>,
    decision_id: i64,
) -> sqlx::Result<Vec<Proxy>> {
    let rows = sqlx::query!(
        "select dp.id, dp.principal_id, pr.login as principal_login, dp.proxy_id, px.login as proxy_login,
                dp.named_at, dp.revoked_at, dp.leave_proxy_id
         from decision_proxies dp
         join users pr on pr.id = dp.principal_id
         join users px on px.id = dp.proxy_id
         where dp.decision_id = $1
         order by dp.id",
        decision_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Proxy {
            id: r.id,
            principal_id: r.principal_id,
            principal_login: r.principal_login,
            proxy_id: r.proxy_id,
            proxy_login: r.proxy_login,
            named_at: r.named_at,
            revoked_at: r.revoked_at,
            from_leave: r.leave_proxy_id.is_some(),
        })
        .collect())
}

/// The person with `login` and where they stand in the team, or `None` if nobody has it.
pub async fn candidate(
    db: &mut sqlx::PgConnection,
    team_id: i64,
    login: &str,
) -> sqlx::Result<Option<Candidate>> {
    let Some(user) = crate::auth::db::find_by_login(&mut *db, login).await? else {
        return Ok(None);
    };
    let role = sqlx::query_scalar!(
        "select role from memberships where team_id = $1 and user_id = $2 and left_at is null",
        team_id,
        user.id
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(Some(Candidate {
        user_id: user.id,
        login: user.login,
        is_member: role.is_some(),
        on_leave: role.as_deref() == Some("on_leave"),
    }))
}

/// Names `login` as `principal`'s proxy in an open decision; returns the proxy's login.
pub async fn name_proxy(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    principal: &User,
    login: &str,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    let (decision, tally) = decisions_db::lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let found = candidate(tx, decision.team_id, login).await?;
    let existing = decision_proxies(&mut **tx, decision_id).await?;
    // Naming the same proxy again (a repeated submission) changes nothing.
    if let (Some(found), Some(live)) = (&found, proxies::proxy_of(&existing, principal.id, now))
        && live.proxy_id == found.user_id
    {
        return Ok(found.login.clone());
    }
    if let Some(problem) = proxies::naming_problem(principal.id, found.as_ref(), &existing, now) {
        return Err(WriteError::Refused(problem));
    }
    let Some(found) = found else {
        return Err(WriteError::Refused("Nobody has that login.".into()));
    };
    sqlx::query!(
        "insert into decision_proxies (decision_id, principal_id, proxy_id, named_at)
         values ($1, $2, $3, $4)",
        decision_id,
        principal.id,
        found.user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({ "proxy": found.login });
    decisions_db::record(
        tx,
        &decision,
        "decision.proxy_named",
        principal,
        details,
        now,
    )
    .await?;
    Ok(found.login)
}

/// Takes back `principal`'s live proxy in an open decision; returns the proxy's login.
pub async fn take_back(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    principal: &User,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    let (decision, tally) = decisions_db::lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let existing = decision_proxies(&mut **tx, decision_id).await?;
    let Some(live) = proxies::proxy_of(&existing, principal.id, now) else {
        return Err(WriteError::Refused(
            "You have no proxy in this decision to take back.".into(),
        ));
    };
    sqlx::query!(
        "update decision_proxies set revoked_at = $2 where id = $1",
        live.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let details = json!({ "proxy": live.proxy_login });
    decisions_db::record(
        tx,
        &decision,
        "decision.proxy_taken_back",
        principal,
        details,
        now,
    )
    .await?;
    Ok(live.proxy_login.clone())
}

/// Records a position that `actor` takes as proxy of `principal_id`. Returns whether a
/// position was added (a repeat adds nothing).
pub async fn take_position_for(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    actor: &User,
    principal_id: i64,
    stance: Stance,
    comment: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, WriteError> {
    let (decision, tally) = decisions_db::lock_decision(tx, decision_id).await?;
    require_open(decision.outcome(&tally, now)).map_err(WriteError::Refused)?;
    let existing = decision_proxies(&mut **tx, decision_id).await?;
    let proxy = proxies::acting_for(&existing, actor.id, principal_id, now)
        .map_err(|why| WriteError::Refused(format!("You cannot take this position: {why}.")))?;
    let principal_is_member = sqlx::query_scalar!(
        "select exists(select 1 from memberships
                       where team_id = $1 and user_id = $2 and left_at is null) as \"found!\"",
        decision.team_id,
        principal_id
    )
    .fetch_one(&mut **tx)
    .await?;
    if !principal_is_member {
        return Err(WriteError::Refused(format!(
            "{} has left the team, so nobody takes positions for them any more.",
            proxy.principal_login
        )));
    }
    let seat = Seat {
        decider_id: principal_id,
        by_proxy: Some((proxy.id, &proxy.principal_login)),
    };
    decisions_db::insert_position(tx, &decision, seat, actor, stance, comment, now).await
}

/// Seats the members on leave whose standing proxy can act as deciders of a decision
/// opening now, with a proxy for it each (`proxies::leave_seats`); returns who was seated.
pub async fn seat_leave_proxies(
    tx: &mut Transaction<'_, Postgres>,
    decision_id: i64,
    team_id: i64,
    frozen: &[i64],
    now: OffsetDateTime,
) -> sqlx::Result<Vec<i64>> {
    let standing: Vec<StandingProxy> = sqlx::query!(
        "select lp.id, lp.principal_id, lp.proxy_id,
                exists(select 1 from memberships pm
                       where pm.team_id = lp.team_id and pm.user_id = lp.proxy_id
                         and pm.left_at is null and pm.role <> 'on_leave') as \"can_act!\"
         from leave_proxies lp
         join memberships m on m.team_id = lp.team_id and m.user_id = lp.principal_id
                            and m.left_at is null and m.role = 'on_leave'
         where lp.team_id = $1 and lp.revoked_at is null
         order by lp.named_at, lp.id",
        team_id
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| StandingProxy {
        leave_proxy_id: r.id,
        principal_id: r.principal_id,
        proxy_id: r.proxy_id,
        proxy_can_act: r.can_act,
    })
    .collect();
    let seats = proxies::leave_seats(frozen, &standing);
    for seat in &seats {
        sqlx::query!(
            "insert into decision_deciders (decision_id, user_id) values ($1, $2)",
            decision_id,
            seat.principal_id
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "insert into decision_proxies (decision_id, principal_id, proxy_id, leave_proxy_id, named_at)
             values ($1, $2, $3, $4, $5)",
            decision_id,
            seat.principal_id,
            seat.proxy_id,
            seat.leave_proxy_id,
            now
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(seats.into_iter().map(|s| s.principal_id).collect())
}

// ----- standing proxies for a leave -----

/// A person's live standing proxy in a team: (the proxy's login, named at).
pub async fn leave_proxy(
    db: impl PgExecutor<'_>,
    team_id: i64,
    principal_id: i64,
) -> sqlx::Result<Option<(String, OffsetDateTime)>> {
    let row = sqlx::query!(
        "select u.login, lp.named_at from leave_proxies lp join users u on u.id = lp.proxy_id
         where lp.team_id = $1 and lp.principal_id = $2 and lp.revoked_at is null",
        team_id,
        principal_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.login, r.named_at)))
}

fn team_entry(
    team: &Team,
    actor: &User,
    action: &'static str,
    details: serde_json::Value,
    now: OffsetDateTime,
) -> Entry {
    Entry {
        at: now,
        actor_id: Some(actor.id),
        action,
        subject: Subject {
            kind: "team",
            id: Some(team.id),
            label: team.slug.clone(),
        },
        team_id: Some(team.id),
        // Who stands in for whom is the team's business.
        visibility: Visibility::Team,
        details,
    }
}

/// Names `login` as `principal`'s standing proxy in `team`; returns the proxy's login.
pub async fn name_leave_proxy(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    principal: &User,
    login: &str,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    sqlx::query_scalar!("select id from teams where id = $1 for share", team.id)
        .fetch_one(&mut **tx)
        .await?;
    let Some(found) = candidate(tx, team.id, login).await? else {
        return Err(WriteError::Refused(
            "Nobody with that login is known to Concord.".into(),
        ));
    };
    if let Some(problem) = proxies::candidate_problem(principal.id, &found) {
        return Err(WriteError::Refused(problem));
    }
    if let Some((current, _)) = leave_proxy(&mut **tx, team.id, principal.id).await? {
        // Naming the same proxy again (a repeated submission) changes nothing.
        if current.eq_ignore_ascii_case(&found.login) {
            return Ok(current);
        }
        return Err(WriteError::Refused(format!(
            "Your proxy for your leave is already {current}; take it back first."
        )));
    }
    sqlx::query!(
        "insert into leave_proxies (team_id, principal_id, proxy_id, named_at)
         values ($1, $2, $3, $4)",
        team.id,
        principal.id,
        found.user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    let entry = team_entry(
        team,
        principal,
        "decision.leave_proxy_named",
        json!({ "proxy": found.login }),
        now,
    );
    audit::record(tx, &entry).await?;
    Ok(found.login)
}

/// Takes back `principal`'s standing proxy in `team`. Decisions already opened keep the
/// proxy made for them until it is taken back there.
pub async fn take_back_leave_proxy(
    tx: &mut Transaction<'_, Postgres>,
    team: &Team,
    principal: &User,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    let row = sqlx::query!(
        "update leave_proxies lp set revoked_at = $3
         from users u
         where u.id = lp.proxy_id and lp.team_id = $1 and lp.principal_id = $2 and lp.revoked_at is null
         returning u.login",
        team.id,
        principal.id,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Err(WriteError::Refused(
            "You have no proxy for your leave to take back.".into(),
        ));
    };
    let entry = team_entry(
        team,
        principal,
        "decision.leave_proxy_taken_back",
        json!({ "proxy": row.login }),
        now,
    );
    audit::record(tx, &entry).await?;
    Ok(row.login)
}
