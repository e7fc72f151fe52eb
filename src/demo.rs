//! Demo data for development: fictional people (and, as rooms arrive, their teams and
//! work), loaded once into an empty database so the first page is not empty.

use sqlx::{PgPool, Postgres, Transaction};
use time::{Duration, OffsetDateTime};

use crate::auth;
use crate::auth::model::User;
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::{Charter, DecisionRule, NewTeam, Role, RuleKind, Team};

/// Fictional people. `amber-finch` is a site administrator.
pub const PEOPLE: &[(&str, &str)] = &[
    ("amber-finch", "Amber Finch"),
    ("basil-moss", "Basil Moss"),
    ("cedar-lark", "Cedar Lark"),
    ("dahlia-reed", "Dahlia Reed"),
    ("elm-sparrow", "Elm Sparrow"),
    ("fern-wilde", "Fern Wilde"),
    ("gale-thistle", "Gale Thistle"),
    ("hazel-brook", "Hazel Brook"),
];

/// Loads the demo data if there is nobody in the database yet. Returns whether it did.
pub async fn seed_if_empty(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    // One seeder at a time; the second finds the data there.
    sqlx::query!("select pg_advisory_xact_lock(7251)")
        .execute(&mut *tx)
        .await?;
    let empty = sqlx::query_scalar!("select not exists(select 1 from users) as \"empty!\"")
        .fetch_one(&mut *tx)
        .await?;
    if !empty {
        return Ok(false);
    }
    for (login, name) in PEOPLE {
        auth::db::ensure_by_login(&mut *tx, login, Some(name), now).await?;
    }
    sqlx::query!("update users set is_admin = true where login = 'amber-finch'")
        .execute(&mut *tx)
        .await?;
    seed_teams(&mut tx, now).await.map_err(|e| match e {
        WriteError::Database(e) => e,
        WriteError::Refused(why) => sqlx::Error::Protocol(why),
    })?;
    tx.commit().await?;
    Ok(true)
}

/// The demo teams: `core` delegates `packages`; `infrastructure` delegates `ci`; with
/// some history (leaving, rejoining elsewhere, a lead, someone on leave, a charter change).
async fn seed_teams(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let ago = |days: i64| now - Duration::days(days);
    let Some(admin) = person(tx, "amber-finch").await? else {
        return Ok(());
    };
    let core = create(
        tx,
        DemoTeam {
            slug: "core",
            name: "Core",
            purpose: "Sets the direction of the package collection and looks after its community.",
            mandate: "The direction of the collection; anything not delegated to another team; \
                      creating, changing and revoking delegations.",
            rule: (RuleKind::Unanimous, 1),
            review_in_days: 200,
        },
        None,
        &admin,
        (ago(1100), now),
    )
    .await?;
    let infrastructure = create(
        tx,
        DemoTeam {
            slug: "infrastructure",
            name: "Infrastructure",
            purpose: "Runs the machines the community depends on.",
            mandate: "Build machines, hosting, the website's servers, mirrors and their budgets.",
            rule: (RuleKind::Unanimous, 0),
            review_in_days: 90,
        },
        None,
        &admin,
        (ago(1000), now),
    )
    .await?;
    let packages = create(
        tx,
        DemoTeam {
            slug: "packages",
            name: "Packages",
            purpose: "Keeps the collection healthy: what goes in, who maintains it, and what comes out.",
            mandate: "Admission and removal of packages; maintainer assignments; packaging guidelines.",
            rule: (RuleKind::AllBut, 1),
            review_in_days: 300,
        },
        Some(&core),
        &admin,
        (ago(900), now),
    )
    .await?;
    let ci = create(
        tx,
        DemoTeam {
            slug: "ci",
            name: "Continuous integration",
            purpose: "Builds and tests every change to the collection.",
            mandate: "The CI service: runners, caches, and which jobs run on every change.",
            rule: (RuleKind::Unanimous, 1),
            review_in_days: 120,
        },
        Some(&infrastructure),
        &admin,
        (ago(600), now),
    )
    .await?;

    let a = Some(&admin);
    let founding = "Founding member";
    teams_db::add_member(tx, &core, "amber-finch", Role::Lead, founding, a, ago(1100)).await?;
    teams_db::add_member(
        tx,
        &core,
        "basil-moss",
        Role::Member,
        founding,
        a,
        ago(1100),
    )
    .await?;
    teams_db::add_member(
        tx,
        &core,
        "dahlia-reed",
        Role::Member,
        founding,
        a,
        ago(1100),
    )
    .await?;
    teams_db::add_member(
        tx,
        &infrastructure,
        "hazel-brook",
        Role::Lead,
        founding,
        a,
        ago(1000),
    )
    .await?;
    teams_db::add_member(
        tx,
        &infrastructure,
        "gale-thistle",
        Role::Member,
        founding,
        a,
        ago(1000),
    )
    .await?;
    let delegated = "Founding member of the delegated team";
    teams_db::add_member(
        tx,
        &packages,
        "dahlia-reed",
        Role::Member,
        delegated,
        a,
        ago(900),
    )
    .await?;
    teams_db::add_member(
        tx,
        &packages,
        "elm-sparrow",
        Role::Member,
        delegated,
        a,
        ago(880),
    )
    .await?;
    teams_db::add_member(
        tx,
        &packages,
        "cedar-lark",
        Role::Member,
        delegated,
        a,
        ago(880),
    )
    .await?;
    teams_db::add_member(
        tx,
        &packages,
        "fern-wilde",
        Role::Member,
        "Joined after the 2024 call",
        a,
        ago(700),
    )
    .await?;
    teams_db::add_member(tx, &ci, "gale-thistle", Role::Lead, delegated, a, ago(600)).await?;
    teams_db::add_member(tx, &ci, "elm-sparrow", Role::Member, delegated, a, ago(590)).await?;

    let (Some(dahlia), Some(cedar), Some(fern), Some(gale)) = (
        person(tx, "dahlia-reed").await?,
        person(tx, "cedar-lark").await?,
        person(tx, "fern-wilde").await?,
        person(tx, "gale-thistle").await?,
    ) else {
        return Ok(());
    };
    let reason = "Stepped down to focus on the packages team";
    teams_db::record_leaving(tx, &core, &dahlia, reason, Some(&dahlia), ago(500)).await?;
    let reason = "Chosen by the team to lead it";
    teams_db::change_role(
        tx,
        &packages,
        &dahlia,
        Role::Lead,
        reason,
        Some(&dahlia),
        ago(500),
    )
    .await?;
    let reason = "Moved on to infrastructure work";
    teams_db::record_leaving(tx, &packages, &cedar, reason, Some(&cedar), ago(300)).await?;
    let reason = "Joined to work on mirrors";
    teams_db::add_member(
        tx,
        &infrastructure,
        "cedar-lark",
        Role::Member,
        reason,
        Some(&gale),
        ago(280),
    )
    .await?;
    teams_db::change_role(
        tx,
        &packages,
        &fern,
        Role::OnLeave,
        "Parental leave",
        Some(&fern),
        ago(60),
    )
    .await?;

    let change = crate::teams::model::CharterChange {
        purpose: ci.purpose.clone(),
        charter: Charter {
            mandate: "The CI service: runners, caches, which jobs run on every change, and the release pipeline."
                .into(),
            ..ci.charter.clone()
        },
        note: Some("The release pipeline moved from infrastructure to CI.".into()),
    };
    teams_db::change_charter(tx, &ci, &change, &gale, ago(200)).await?;
    Ok(())
}

async fn person(tx: &mut Transaction<'_, Postgres>, login: &str) -> sqlx::Result<Option<User>> {
    auth::db::find_by_login(&mut **tx, login).await
}

struct DemoTeam {
    slug: &'static str,
    name: &'static str,
    purpose: &'static str,
    mandate: &'static str,
    rule: (RuleKind, i32),
    review_in_days: i64,
}

async fn create(
    tx: &mut Transaction<'_, Postgres>,
    team: DemoTeam,
    parent: Option<&Team>,
    actor: &User,
    (at, now): (OffsetDateTime, OffsetDateTime),
) -> Result<Team, WriteError> {
    let new = NewTeam {
        slug: team.slug.into(),
        name: team.name.into(),
        purpose: team.purpose.into(),
        charter: Charter {
            mandate: team.mandate.into(),
            rule: DecisionRule {
                kind: team.rule.0,
                n: team.rule.1,
            },
            review_on: Some((now + Duration::days(team.review_in_days)).date()),
        },
        note: None,
    };
    teams_db::create_team(tx, &new, parent, actor, at).await?;
    teams_db::find_team(&mut **tx, team.slug)
        .await?
        .ok_or_else(|| WriteError::Refused(format!("the demo team {} vanished", team.slug)))
}
