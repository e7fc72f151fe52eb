//! The demo's team of two that survives being small and busy: `stewards`, where
//! kestrel-vane is on leave and has named juniper-holt proxy for the decisions opened
//! meanwhile. One decision passed with juniper's position for kestrel; one is open,
//! agreed by both, and held by kestrel's hold ("I need time to read"), which lapses by
//! itself after the charter's five days. Kestrel's concern on the venue, raised before
//! the leave, was overruled by a linked decision that juniper alone decided; the call's
//! move comes back for review within two weeks. Linden, who joined later and has not been
//! seen for 200 days, is flagged as inactive with the notice running.

use sqlx::{Postgres, Transaction};
use time::{Duration, OffsetDateTime};

use crate::decisions::db as decisions_db;
use crate::decisions::model::{Effect, NewDecision, Stance};
use crate::decisions::proxies::db as proxies_db;
use crate::teams::db::{self as teams_db, WriteError};
use crate::teams::model::{Cause, Charter, DecisionRule, NewTeam, Role, RuleKind};

pub async fn seed(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let ago = |days: i64| now - Duration::days(days);
    let (Some(admin), Some(juniper_user), Some(kestrel)) = (
        super::person(tx, "amber-finch").await?,
        super::person(tx, "juniper-holt").await?,
        super::person(tx, "kestrel-vane").await?,
    ) else {
        return Ok(());
    };
    let juniper = &juniper_user;
    let new = NewTeam {
        slug: "stewards".into(),
        name: "Stewards".into(),
        purpose: "Two people, in two time zones, who look after the community's meetings and \
                  its code of conduct."
            .into(),
        charter: Charter {
            mandate: "The community calls, the code of conduct and its enforcement.".into(),
            rule: DecisionRule {
                kind: RuleKind::Unanimous,
                n: 0,
            },
            review_on: Some((now + Duration::days(120)).date()),
            hold_days: 5,
            answer_days: 10,
            inactivity_days: Some(180),
            inactivity_notice_days: 30,
        },
        note: Some("A team of two: proxies and holds keep it deciding.".into()),
    };
    teams_db::create_team(tx, &new, None, &admin, Cause::DIRECT, ago(400)).await?;
    let Some(team) = teams_db::find_team(&mut **tx, "stewards").await? else {
        return Ok(());
    };
    for (login, role) in [("juniper-holt", Role::Lead), ("kestrel-vane", Role::Member)] {
        let reason = "Founding steward";
        teams_db::add_member(
            tx,
            &team,
            login,
            role,
            reason,
            Some(&admin),
            Cause::DIRECT,
            ago(400),
        )
        .await?;
    }
    // Before the leave: kestrel raised a concern, then could not answer it.
    let venue = decisions_db::open_decision(
        tx,
        &team,
        &NewDecision {
            question: "Hold the spring meetup in Lisbon?".into(),
            body: "A venue near the station has offered its hall for free.".into(),
            closes_at: now + Duration::days(6),
            is_public: true,
            effect: Effect::Text {
                text: "The spring meetup is in Lisbon.".into(),
            },
        },
        juniper,
        ago(24),
    )
    .await?;
    let comment = Some("Yes, if the hall is step-free.");
    decisions_db::take_position(
        tx,
        venue,
        &kestrel,
        Stance::AgreeWithConcerns,
        comment,
        ago(23),
    )
    .await?;
    let concern = "Is the hall step-free?";
    let concern_id = decisions_db::raise_concern(tx, venue, &kestrel, concern, ago(23)).await?;
    let reason = "Parental leave until spring";
    teams_db::change_role(
        tx,
        &team,
        &kestrel,
        Role::OnLeave,
        reason,
        Some(&admin),
        Cause::DIRECT,
        ago(20),
    )
    .await?;
    proxies_db::name_leave_proxy(tx, &team, &kestrel, "juniper-holt", ago(20)).await?;

    // Passed: juniper's own position and juniper's for kestrel.
    let id = decisions_db::open_decision(
        tx,
        &team,
        &NewDecision {
            question: "Move the community call to Thursdays?".into(),
            body: "Thursdays at 16:00 UTC suit both hemispheres better than Mondays.".into(),
            closes_at: ago(3),
            is_public: true,
            effect: Effect::Text {
                text: "The community call moves to Thursdays at 16:00 UTC.".into(),
            },
        },
        juniper,
        ago(10),
    )
    .await?;
    decisions_db::take_position(tx, id, juniper, Stance::Agree, None, ago(10)).await?;
    let comment = Some("Kestrel said before leaving that Thursdays work.");
    proxies_db::take_position_for(tx, id, juniper, kestrel.id, Stance::Agree, comment, ago(9))
        .await?;
    let statement = "The community call is on Thursdays at 16:00 UTC from next week.";
    let review_on = Some((now + Duration::days(10)).date());
    decisions_db::record_outcome(tx, id, juniper, statement, review_on, ago(9)).await?;

    // Kestrel is on leave: juniper overrules the venue concern, deciding alone.
    let overrule =
        crate::decisions::overrule::open_overrule(tx, venue, concern_id, juniper, ago(3)).await?;
    decisions_db::take_position(tx, overrule, juniper, Stance::Agree, None, ago(3)).await?;
    let statement = "The venue confirmed step-free access by mail; the concern is answered.";
    decisions_db::record_outcome(tx, overrule, juniper, statement, None, ago(3)).await?;

    // Open: both agree, but kestrel asked for time to read.
    let id = decisions_db::open_decision(
        tx,
        &team,
        &NewDecision {
            question: "Adopt the revised code of conduct?".into(),
            body: "The revision adds a section on how reports are handled and by whom.".into(),
            closes_at: now + Duration::days(10),
            is_public: true,
            effect: Effect::Text {
                text: "The revised code of conduct replaces the current one.".into(),
            },
        },
        juniper,
        ago(2),
    )
    .await?;
    crate::decisions::holds::place_hold(tx, id, &kestrel, ago(2) + Duration::hours(1)).await?;
    decisions_db::take_position(tx, id, juniper, Stance::Agree, None, ago(1)).await?;
    let comment = Some("Kestrel agreed to the draft in the thread.");
    proxies_db::take_position_for(tx, id, juniper, kestrel.id, Stance::Agree, comment, ago(1))
        .await?;

    // Linden joined to help with the meetups and has not been seen since: past the
    // charter's 180 days, flagged on the team page, the notice running (`teams::inactivity`).
    let reason = "Helps with the meetups";
    teams_db::add_member(
        tx,
        &team,
        "linden-ash",
        Role::Member,
        reason,
        Some(juniper),
        Cause::DIRECT,
        ago(200),
    )
    .await?;
    Ok(())
}
