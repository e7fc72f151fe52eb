//! Demo data for development: fictional people (and, as rooms arrive, their teams,
//! decisions and work), loaded once into an empty database so the first page is not empty.

use sqlx::{PgPool, Postgres, Transaction};
use time::{Duration, OffsetDateTime};

use crate::auth;
use crate::auth::model::User;
use crate::decisions::db as decisions_db;
use crate::decisions::model::{Effect, NewDecision, Stance};
use crate::posts::db::{self as posts_db, WriteError as PostWriteError};
use crate::posts::model::{ActionItemFields, LinkTarget, PostContent, TimelineEvent};
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::{Cause, Charter, DecisionRule, NewTeam, Role, RuleKind, Team};

/// Fictional people. `amber-finch` is a site administrator.
mod governance;

pub const PEOPLE: &[(&str, &str)] = &[
    ("amber-finch", "Amber Finch"),
    ("basil-moss", "Basil Moss"),
    ("cedar-lark", "Cedar Lark"),
    ("dahlia-reed", "Dahlia Reed"),
    ("elm-sparrow", "Elm Sparrow"),
    ("fern-wilde", "Fern Wilde"),
    ("gale-thistle", "Gale Thistle"),
    ("hazel-brook", "Hazel Brook"),
    ("ivy-marsh", "Ivy Marsh"),
    ("juniper-holt", "Juniper Holt"),
    ("kestrel-vane", "Kestrel Vane"),
    ("linden-ash", "Linden Ash"),
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
    let refused = |e: WriteError| match e {
        WriteError::Database(e) => e,
        WriteError::Refused(why) => sqlx::Error::Protocol(why),
    };
    // First, so that the other rooms' history stays on the audit log's first page.
    governance::seed(&mut tx, now).await.map_err(refused)?;
    seed_teams(&mut tx, now).await.map_err(refused)?;
    seed_decisions(&mut tx, now).await.map_err(refused)?;
    seed_nominations(&mut tx, now).await.map_err(refused)?;
    seed_rfcs(&mut tx, now).await.map_err(refused)?;
    seed_posts(&mut tx, now).await.map_err(|e| match e {
        PostWriteError::Database(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    })?;
    // Verified addresses at example.org, given after the history above so that it queues
    // no mail: what people do from now on does (kept for /dev/mail).
    sqlx::query!(
        "update users set email = login || '@example.org', email_verified_at = $1 where email is null",
        now
    )
    .execute(&mut *tx)
    .await?;
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
    teams_db::add_member(
        tx,
        &core,
        "amber-finch",
        Role::Lead,
        founding,
        a,
        Cause::DIRECT,
        ago(1100),
    )
    .await?;
    teams_db::add_member(
        tx,
        &core,
        "basil-moss",
        Role::Member,
        founding,
        a,
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
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
        Cause::DIRECT,
        ago(700),
    )
    .await?;
    teams_db::add_member(
        tx,
        &ci,
        "gale-thistle",
        Role::Lead,
        delegated,
        a,
        Cause::DIRECT,
        ago(600),
    )
    .await?;
    teams_db::add_member(
        tx,
        &ci,
        "elm-sparrow",
        Role::Member,
        delegated,
        a,
        Cause::DIRECT,
        ago(590),
    )
    .await?;

    let (Some(dahlia), Some(cedar), Some(fern), Some(gale)) = (
        person(tx, "dahlia-reed").await?,
        person(tx, "cedar-lark").await?,
        person(tx, "fern-wilde").await?,
        person(tx, "gale-thistle").await?,
    ) else {
        return Ok(());
    };
    let reason = "Stepped down to focus on the packages team";
    teams_db::record_leaving(
        tx,
        &core,
        &dahlia,
        reason,
        Some(&dahlia),
        Cause::DIRECT,
        ago(500),
    )
    .await?;
    let reason = "Chosen by the team to lead it";
    teams_db::change_role(
        tx,
        &packages,
        &dahlia,
        Role::Lead,
        reason,
        Some(&dahlia),
        Cause::DIRECT,
        ago(500),
    )
    .await?;
    let reason = "Moved on to infrastructure work";
    teams_db::record_leaving(
        tx,
        &packages,
        &cedar,
        reason,
        Some(&cedar),
        Cause::DIRECT,
        ago(300),
    )
    .await?;
    let reason = "Joined to work on mirrors";
    teams_db::add_member(
        tx,
        &infrastructure,
        "cedar-lark",
        Role::Member,
        reason,
        Some(&gale),
        Cause::DIRECT,
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
        Cause::DIRECT,
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

/// Demo decisions: one passed whose effect made cedar-lark a lead of infrastructure, one
/// blocked by an objection, one open with a concern (waiting for elm-sparrow), and a
/// team-only one waiting for the core team.
async fn seed_decisions(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let ago = |days: i64| now - Duration::days(days);
    let mut people = Vec::new();
    for login in [
        "amber-finch",
        "basil-moss",
        "cedar-lark",
        "dahlia-reed",
        "elm-sparrow",
        "gale-thistle",
        "hazel-brook",
    ] {
        match person(tx, login).await? {
            Some(p) => people.push(p),
            None => return Ok(()),
        }
    }
    let [amber, basil, cedar, dahlia, elm, gale, hazel] = &people[..] else {
        return Ok(());
    };
    let (Some(core), Some(infrastructure), Some(packages)) = (
        teams_db::find_team(&mut **tx, "core").await?,
        teams_db::find_team(&mut **tx, "infrastructure").await?,
        teams_db::find_team(&mut **tx, "packages").await?,
    ) else {
        return Ok(());
    };
    let text = |text: &str| Effect::Text { text: text.into() };

    // Passed early, its outcome recorded: cedar-lark becomes a lead of infrastructure.
    let id = decisions_db::open_decision(
        tx,
        &infrastructure,
        &NewDecision {
            question: "Should cedar-lark lead the mirrors work?".into(),
            body: "Cedar has run the mirrors since joining. Making them a lead lets them \
                   approve mirror budgets without waiting for Hazel."
                .into(),
            closes_at: ago(33),
            is_public: true,
            effect: Effect::ChangeMembership {
                login: "cedar-lark".into(),
                role: Some(Role::Lead),
            },
        },
        hazel,
        ago(40),
    )
    .await?;
    decisions_db::take_position(tx, id, hazel, Stance::Agree, None, ago(39)).await?;
    let comment = Some("Yes, and let us review the mirror budget together in spring.");
    decisions_db::take_position(tx, id, gale, Stance::AgreeWithConcerns, comment, ago(38)).await?;
    let comment = Some("It is about me, so I stand aside.");
    decisions_db::take_position(tx, id, cedar, Stance::StandAside, comment, ago(37)).await?;
    let statement = "Cedar Lark leads the mirrors work from today.";
    decisions_db::record_outcome(tx, id, hazel, statement, None, ago(36)).await?;

    // Blocked at its closing time by an objection.
    let id = decisions_db::open_decision(
        tx,
        &core,
        &NewDecision {
            question: "Move to a quarterly release schedule?".into(),
            body: "Releases every three months instead of every six weeks.".into(),
            closes_at: ago(16),
            is_public: true,
            effect: text("The release schedule becomes quarterly from the next cycle."),
        },
        amber,
        ago(30),
    )
    .await?;
    decisions_db::take_position(tx, id, amber, Stance::Agree, None, ago(29)).await?;
    let comment =
        Some("Security fixes cannot wait three months; let us talk about backports first.");
    decisions_db::take_position(tx, id, basil, Stance::Object, comment, ago(25)).await?;

    // Open, with a concern: waiting for elm-sparrow.
    let id = decisions_db::open_decision(
        tx,
        &packages,
        &NewDecision {
            question: "Adopt the guideline for vendored dependencies?".into(),
            body: "Packages may vendor a dependency only when it is not packaged on its own, \
                   and must name its version and licence."
                .into(),
            closes_at: now + Duration::days(5),
            is_public: true,
            effect: text("The guideline is added to the packaging guidelines."),
        },
        dahlia,
        ago(2),
    )
    .await?;
    decisions_db::take_position(tx, id, dahlia, Stance::Agree, None, ago(2)).await?;
    let concern = "Say how vendored code gets security updates";
    decisions_db::raise_concern(tx, id, elm, concern, ago(1)).await?;

    // Team-only and open: waiting for the core team.
    decisions_db::open_decision(
        tx,
        &core,
        &NewDecision {
            question: "Invite a security adviser to the core team's meetings?".into(),
            body: "An adviser without a vote, for a year.".into(),
            closes_at: now + Duration::days(3),
            is_public: false,
            effect: text("Core invites an adviser for a year."),
        },
        basil,
        ago(1),
    )
    .await?;
    Ok(())
}

/// One open call of `packages` with nominations at several stages: shortlisted, waiting
/// for the nominee, accepted and stale, declined. (The shortlisting is recorded directly
/// here; in the application it follows a decision.)
async fn seed_nominations(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    use crate::nominations::db as nominations_db;
    use crate::nominations::model::{EventKind, NewCall};
    let ago = |days: i64| now - Duration::days(days);
    let Some(packages) = teams_db::find_team(&mut **tx, "packages").await? else {
        return Ok(());
    };
    let mut people = Vec::new();
    for login in [
        "dahlia-reed",
        "elm-sparrow",
        "basil-moss",
        "ivy-marsh",
        "juniper-holt",
        "kestrel-vane",
        "linden-ash",
    ] {
        match person(tx, login).await? {
            Some(p) => people.push(p),
            None => return Ok(()),
        }
    }
    let [dahlia, elm, basil, ivy, juniper, kestrel, linden] = &people[..] else {
        return Ok(());
    };
    let call = NewCall {
        title: "New package reviewers".into(),
        looking_for: "People who review package updates carefully and kindly. \
                      You will review a few pull requests a week and join a monthly call."
            .into(),
        eligibility: "open",
        eligible_team: None,
        eligible_list: None,
        eligible_github_team: None,
        seats: 2,
        opens_at: ago(10),
        closes_at: now + Duration::days(14),
        stale_after_days: 7,
    };
    let id = nominations_db::create_call(tx, &packages, &call, None, dahlia, ago(10)).await?;
    let Some(call) = nominations_db::find_call(&mut **tx, id).await? else {
        return Ok(());
    };
    let links = nominations_db::EventLinks::default();
    let statement = "Ivy has reviewed packaging changes for a year and explains every request.";
    let n = nominations_db::nominate(tx, &call, &ivy.login, elm, statement, ago(9)).await?;
    nominations_db::add_event(tx, n, EventKind::Accepted, ivy, None, links, ago(8)).await?;
    nominations_db::add_event(tx, n, EventKind::Shortlisted, dahlia, None, links, ago(2)).await?;
    let statement = "I maintain three packages and would like to help review others.";
    nominations_db::nominate(tx, &call, &juniper.login, juniper, statement, ago(3)).await?;
    let statement = "Kestrel fixed our build scripts and knows the tooling well.";
    let n = nominations_db::nominate(tx, &call, &kestrel.login, basil, statement, ago(9)).await?;
    nominations_db::add_event(tx, n, EventKind::Accepted, kestrel, None, links, ago(9)).await?;
    let statement = "Linden has the patience this needs.";
    let n = nominations_db::nominate(tx, &call, &linden.login, elm, statement, ago(6)).await?;
    let reason = Some("Thank you, but I have no time this year.");
    nominations_db::add_event(tx, n, EventKind::Declined, linden, reason, links, ago(5)).await?;
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
            hold_days: crate::teams::model::HOLD_DAYS_DEFAULT,
            answer_days: crate::decisions::model::overrule::ANSWER_DAYS_DEFAULT,
            inactivity_days: None,
            inactivity_notice_days: crate::teams::inactivity::NOTICE_DAYS_DEFAULT,
        },
        note: None,
    };
    teams_db::create_team(tx, &new, parent, actor, Cause::DIRECT, at).await?;
    teams_db::find_team(&mut **tx, team.slug)
        .await?
        .ok_or_else(|| WriteError::Refused(format!("the demo team {} vanished", team.slug)))
}

/// Two RFCs: one of `packages` open for feedback, with public and private feedback over two
/// revisions; one of `core` whose window closed, with its disposition published.
async fn seed_rfcs(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    use crate::rfcs::db as rfcs_db;
    use crate::rfcs::model::{RfcText, Verdict, Visibility, WindowForm};
    use crate::web::dates::format_datetime_local;

    let ago = |days: i64| now - Duration::days(days);
    let (Some(packages), Some(core)) = (
        teams_db::find_team(&mut **tx, "packages").await?,
        teams_db::find_team(&mut **tx, "core").await?,
    ) else {
        return Ok(());
    };
    let mut people = Vec::new();
    for login in [
        "dahlia-reed",
        "elm-sparrow",
        "basil-moss",
        "hazel-brook",
        "gale-thistle",
        "amber-finch",
        "cedar-lark",
        "fern-wilde",
    ] {
        match person(tx, login).await? {
            Some(user) => people.push(user),
            None => return Ok(()),
        }
    }
    let [dahlia, elm, basil, hazel, gale, amber, cedar, fern] = &people[..] else {
        return Ok(());
    };
    let window = |closes: OffsetDateTime| WindowForm {
        opens_at: String::new(),
        closes_at: format_datetime_local(closes),
        reason: String::new(),
    };
    let refused = |errors: crate::web::form::FormErrors| {
        WriteError::Refused(format!("the demo window was refused: {errors:?}"))
    };

    // Open for feedback: two revisions, feedback on both, one piece private.
    let mut text = RfcText {
        title: "Policy on automated contributions".into(),
        summary: "How the collection accepts pull requests opened by bots and automated tools."
            .into(),
        body:
            "## What tools may do\n\nAutomated tools may open pull requests against the collection when:\n\n\
               1. the tool is listed on the wiki with a human owner;\n\
               2. every pull request says it was made by a tool;\n\
               3. a maintainer of the package reviews it before merging.\n\n\
               ## Not covered\n\nUpdates of the tools themselves.\n"
                .into(),
        pull_request_url: Some("https://example.org/packages/policies/pull/42".into()),
        change_note: "First draft".into(),
    };
    let open =
        rfcs_db::create_rfc(tx, &packages, &text, "demo-rfc-automated", dahlia, ago(10)).await?;
    rfcs_db::set_window(tx, open, &window(now + Duration::days(4)), dahlia, ago(3))
        .await?
        .map_err(refused)?;
    let feedback = [
        (
            basil,
            "Please say which label the pull requests carry, so that we can filter them.",
            Visibility::Public,
            ago(2),
        ),
        (
            hazel,
            "Our CI budget is tight: a burst of automated pull requests could use a week of build minutes. Can we cap them?",
            Visibility::Private,
            ago(2) + Duration::hours(3),
        ),
    ];
    for (i, (author, body, visibility, at)) in feedback.into_iter().enumerate() {
        let key = format!("demo-feedback-open-{i}");
        give_feedback(tx, open, (body, visibility), &key, author, at).await?;
    }
    text.body = text.body.replace(
        "2. every pull request says it was made by a tool;",
        "2. every pull request says it was made by a tool and carries the `automated` label;",
    );
    text.change_note = "Name the label automated pull requests carry".into();
    rfcs_db::revise(tx, open, &text, elm, ago(1)).await?;
    // A concern raised before any decision settles the RFC: the settling decision will
    // carry it in (`rfcs::concerns`).
    let concern = "The policy does not say who vets a tool before it may open pull requests.";
    crate::rfcs::concerns::raise(tx, open, elm, concern, ago(1) + Duration::hours(1)).await?;
    give_feedback(
        tx,
        open,
        (
            "The label helps. Could the policy also say how to reach a tool's owner?",
            Visibility::Public,
        ),
        "demo-feedback-open-2",
        gale,
        ago(1) + Duration::hours(2),
    )
    .await?;

    // Closed, with its disposition published.
    let text = RfcText {
        title: "Response times for security reports".into(),
        summary: "How quickly the team answers a report of a security problem in the collection."
            .into(),
        body: "A member acknowledges every security report within two working days and \
               publishes an advisory within fourteen days of a fix.\n"
            .into(),
        pull_request_url: None,
        change_note: "First draft".into(),
    };
    let closed = rfcs_db::create_rfc(tx, &core, &text, "demo-rfc-security", amber, ago(60)).await?;
    rfcs_db::set_window(tx, closed, &window(ago(36)), amber, ago(50))
        .await?
        .map_err(refused)?;
    let feedback = [
        (
            cedar,
            "Two working days is fine; please also name a backup contact.",
            Visibility::Public,
            Verdict::Accepted,
            "A backup contact is named in the final text.",
        ),
        (
            fern,
            "I would rather not commit to fourteen days for advisories while we have so few reviewers.",
            Visibility::Private,
            Verdict::Noted,
            "We keep fourteen days and will review it in six months.",
        ),
        (
            hazel,
            "Could reports go to a mailing list instead of a person?",
            Visibility::Public,
            Verdict::Declined,
            "A list leaks reports to too many people; a person stays the contact.",
        ),
    ];
    for (i, (author, body, visibility, verdict, reason)) in feedback.into_iter().enumerate() {
        let key = format!("demo-feedback-closed-{i}");
        let at = ago(45) + Duration::days(i as i64);
        let id = give_feedback(tx, closed, (body, visibility), &key, author, at).await?;
        let found = rfcs_db::find_feedback(&mut **tx, closed, id)
            .await?
            .ok_or_else(|| WriteError::Refused("the demo feedback vanished".into()))?;
        rfcs_db::record_disposition(tx, &found, (verdict, reason), amber, ago(33)).await?;
    }
    rfcs_db::publish_disposition(tx, closed, amber, ago(32)).await?;
    Ok(())
}

/// A demo post: drafted, submitted and (unless `reviewer` is `None`) approved, `days` ago.
struct DemoPost<'a> {
    team: &'a str,
    author: &'a str,
    reviewer: Option<&'a str>,
    title: &'a str,
    body: &'a str,
    timeline: Vec<TimelineEvent>,
    members: &'a [&'a str],
    days: i64,
}

/// Feedback as a person gives it, written in the seeding transaction.
async fn give_feedback(
    tx: &mut Transaction<'_, Postgres>,
    rfc_id: i64,
    (body, visibility): (&str, crate::rfcs::model::Visibility),
    form_key: &str,
    author: &User,
    at: OffsetDateTime,
) -> Result<i64, WriteError> {
    use crate::rfcs::db as rfcs_db;
    let piece = rfcs_db::NewFeedback {
        rfc_id,
        author_id: author.id,
        visibility,
        body: body.into(),
        form_key: form_key.into(),
        at,
    };
    match rfcs_db::add_feedback(tx, &piece).await? {
        rfcs_db::Taken::Added(id) => Ok(id),
        rfcs_db::Taken::SentBefore => Err(WriteError::Refused(
            "the demo feedback was not taken".into(),
        )),
    }
}

async fn write_post(
    tx: &mut Transaction<'_, Postgres>,
    post: DemoPost<'_>,
    now: OffsetDateTime,
) -> Result<Option<crate::posts::model::Post>, PostWriteError> {
    let at = now - Duration::days(post.days);
    let (Some(team), Some(author)) = (
        teams_db::find_team(&mut **tx, post.team).await?,
        person(tx, post.author).await?,
    ) else {
        return Ok(None);
    };
    let content = PostContent {
        title: post.title.into(),
        body: post.body.into(),
        timeline: post.timeline,
        links: post
            .members
            .iter()
            .map(|login| LinkTarget::Member {
                login: (*login).into(),
            })
            .collect(),
    };
    let nonce = format!("demo-{}-{}", post.team, post.days);
    let slug = posts_db::create_post(
        tx,
        &team,
        &author,
        &content,
        &nonce,
        at - Duration::hours(3),
    )
    .await?;
    let Some(draft) = posts_db::find_post(&mut **tx, post.team, &slug).await? else {
        return Ok(None);
    };
    posts_db::submit_post(tx, draft.id, &author, at - Duration::hours(2)).await?;
    if let Some(login) = post.reviewer
        && let Some(reviewer) = person(tx, login).await?
    {
        posts_db::approve_post(tx, draft.id, &reviewer, draft.version, at).await?;
    }
    Ok(posts_db::find_post(&mut **tx, post.team, &slug).await?)
}

/// Demo updates: a pinned core update, a packages update announcing a member, an
/// incident report from infrastructure with its action items, a CI update with a like and
/// a comment, and a core post still in review (awaiting basil-moss).
async fn seed_posts(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), PostWriteError> {
    let day = |days: i64, hour: u8, minute: u8| {
        let at = now - Duration::days(days);
        at.replace_time(time::Time::from_hms(hour, minute, 0).unwrap_or(time::Time::MIDNIGHT))
    };
    let core = write_post(
        tx,
        DemoPost {
            team: "core",
            author: "basil-moss",
            reviewer: Some("amber-finch"),
            title: "Core update: automated contributions policy open for feedback",
            body: "This month the core team:\n\n\
                   - opened a **policy on automated contributions** for public feedback until the end of the week;\n\
                   - delegated the new *CI* team its mandate over the release pipeline;\n\
                   - set the date of our next charter review.\n\n\
                   Questions are welcome in the comments below.",
            timeline: Vec::new(),
            members: &[],
            days: 12,
        },
        now,
    )
    .await?;
    if let (Some(post), Some(amber)) = (core, person(tx, "amber-finch").await?) {
        posts_db::set_pin(tx, post.id, &amber, true, now - Duration::days(11)).await?;
    }
    write_post(
        tx,
        DemoPost {
            team: "packages",
            author: "dahlia-reed",
            reviewer: Some("elm-sparrow"),
            title: "Packages: spring cleaning and a new maintainer rota",
            body: "We removed 42 unmaintained packages after the usual notice period, and \
                   [Elm Sparrow](https://example.org/elm) now runs the maintainer rota.\n\n\
                   | month | packages removed |\n|---|---|\n| January | 17 |\n| February | 25 |",
            timeline: Vec::new(),
            members: &["elm-sparrow"],
            days: 8,
        },
        now,
    )
    .await?;
    let incident = write_post(
        tx,
        DemoPost {
            team: "infrastructure",
            author: "hazel-brook",
            reviewer: Some("gale-thistle"),
            title: "Mirror sync outage",
            body: "For about five hours the mirrors served a stale index. No data was lost. \
                   This report says what happened and what we will change.",
            timeline: vec![
                TimelineEvent {
                    at: day(6, 14, 5),
                    event: "The primary mirror stops syncing after a disk fills up.".into(),
                },
                TimelineEvent {
                    at: day(6, 16, 40),
                    event: "A user reports stale packages; on-call starts investigating.".into(),
                },
                TimelineEvent {
                    at: day(6, 19, 10),
                    event: "Old snapshots removed; sync restored and verified.".into(),
                },
            ],
            members: &[],
            days: 5,
        },
        now,
    )
    .await?;
    if let (Some(post), Some(hazel)) = (incident, person(tx, "hazel-brook").await?) {
        let items = [
            (
                "Alert when a mirror falls more than an hour behind",
                "cedar-lark",
                14,
                false,
            ),
            ("Prune snapshots automatically", "gale-thistle", -1, true),
        ];
        for (i, (text, owner, due_in, done)) in items.into_iter().enumerate() {
            let fields = ActionItemFields {
                text: text.into(),
                owner: owner.into(),
                due_on: (now + Duration::days(due_in)).date(),
                done,
            };
            let at = now - Duration::days(5);
            posts_db::create_action_item(tx, &post, &fields, &format!("demo-item-{i}"), &hazel, at)
                .await?;
        }
    }
    let ci = write_post(
        tx,
        DemoPost {
            team: "ci",
            author: "gale-thistle",
            reviewer: Some("elm-sparrow"),
            title: "CI caches moved to the new runners",
            body: "Builds now share a cache across runners, so a typical change is checked in \
                   about half the time. Tell us in the comments if a job got slower.",
            timeline: Vec::new(),
            members: &[],
            days: 2,
        },
        now,
    )
    .await?;
    if let (Some(post), Some(fern), Some(hazel)) = (
        ci,
        person(tx, "fern-wilde").await?,
        person(tx, "hazel-brook").await?,
    ) {
        let at = now - Duration::days(1);
        posts_db::set_like(tx, &post, &fern, true, at).await?;
        posts_db::set_like(tx, &post, &hazel, true, at).await?;
        let comment = "Much faster for the documentation jobs, thank you!";
        posts_db::create_comment(tx, &post, &fern, comment, "demo-comment-1", at).await?;
    }
    write_post(
        tx,
        DemoPost {
            team: "core",
            author: "amber-finch",
            reviewer: None,
            title: "Our charter review is coming up",
            body: "Core reviews its charter next season. Draft: what should change in our mandate?",
            timeline: Vec::new(),
            members: &[],
            days: 0,
        },
        now,
    )
    .await?;
    Ok(())
}
