//! Holds through HTTP: a decider places one, it keeps the decision from passing early,
//! its placer releases it or it lapses by itself after the charter's days; nobody else
//! releases it; a non-decider places none.

use time::Duration;

use crate::decisions::{World, assert_outcome, decision_fields, open, position};
use crate::support::html::texts;
use crate::teams::last_audit;

#[tokio::test]
async fn a_hold_keeps_a_decision_from_passing_early_until_it_lapses() {
    let world = World::new("unanimous", "0").await;
    // The charter sets three days.
    world
        .admin
        .post(
            "/teams/core/charter",
            &[
                ("purpose", "Things."),
                ("mandate", "Things."),
                ("rule_kind", "unanimous"),
                ("rule_n", "0"),
                ("review_on", ""),
                ("hold_days", "3"),
                ("note", "Shorter holds."),
            ],
        )
        .await
        .assert_redirect("/teams/core");
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    bob.post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let entry = last_audit(&world.app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("decision.hold_placed", "team")
    );
    assert_eq!(entry.details["hold_days"], 3);
    // One each.
    bob.post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_status(409);
    for p in [&alice, &bob, &carol] {
        position(p, id, "agree", "").await;
    }
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Open");
    page.assert_contains("a hold keeps it from passing early");
    assert_eq!(
        texts(&page.body, ".needs li"),
        vec![
            "the hold of bob to be released or to lapse on 2026-03-05 09:00 UTC before it can pass early"
        ]
    );
    // Only bob releases it; alice has none.
    alice
        .post(&format!("/decisions/{id}/holds/release"), &[])
        .await
        .assert_status(409);
    world.app.clock.advance(Duration::days(3));
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Passed");
    assert_eq!(
        texts(&page.body, ".hold-history li"),
        vec![
            "2026-03-02 09:00 UTC: bob placed a hold; it lapsed by itself on 2026-03-05 09:00 UTC after 3 days."
        ]
    );
    // The lapse wrote nothing.
    assert_eq!(
        last_audit(&world.app).await.action,
        "decision.position_taken"
    );
}

#[tokio::test]
async fn the_placer_releases_a_hold_and_it_passes() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    carol
        .post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    for p in [&alice, &bob, &carol] {
        position(p, id, "agree", "").await;
    }
    assert_outcome(&bob.get(&format!("/decisions/{id}")).await, "Open");
    carol
        .get(&format!("/decisions/{id}"))
        .await
        .assert_contains("Release my hold");
    bob.get(&format!("/decisions/{id}"))
        .await
        .assert_status(200)
        .assert_lacks("Release my hold");
    carol
        .post(&format!("/decisions/{id}/holds/release"), &[])
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    assert_eq!(
        last_audit(&world.app).await.action,
        "decision.hold_released"
    );
    let page = bob.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Passed");
    page.assert_contains("carol placed a hold; it released on");
    // Closed: no more holds.
    bob.post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_status(409);
}

#[tokio::test]
async fn only_deciders_place_holds() {
    let world = World::new("unanimous", "0").await;
    let alice = world.person("alice").await;
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    // dave is on leave (not a decider); ivan is in another team.
    world
        .person("dave")
        .await
        .post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_status(403);
    world
        .person("ivan")
        .await
        .post(&format!("/decisions/{id}/holds"), &[])
        .await
        .assert_status(404);
    assert_eq!(
        world
            .count(
                "select count(*) from decision_holds where decision_id = $1",
                id
            )
            .await,
        0
    );
}

#[tokio::test]
async fn the_charter_refuses_a_hold_length_out_of_range() {
    let world = World::new("unanimous", "0").await;
    let page = world
        .admin
        .post(
            "/teams/core/charter",
            &[
                ("purpose", "Things."),
                ("mandate", "Things."),
                ("rule_kind", "unanimous"),
                ("rule_n", "0"),
                ("review_on", ""),
                ("hold_days", "99"),
                ("note", ""),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Days a hold lasts is a whole number from 1 to 60.");
    assert_eq!(
        crate::support::html::attrs(&page.body, "input#hold_days", "value"),
        vec!["99"]
    );
}
