//! Overruling a concern through HTTP: only another decider opens the linked decision, and
//! only when the raiser is on leave, has left or has been silent for the charter's days;
//! its deciders are the others; when it passes and its outcome is recorded the concern is
//! marked overruled, with links both ways, and the concerned decision can pass.

use time::Duration;

use crate::decisions::{World, assert_outcome, decision_fields, open, position};
use crate::support::html::{attrs, texts};
use crate::support::{Client, Page};
use crate::teams::{audit_entries, last_audit};

async fn raise(client: &Client, id: i64, title: &str) -> i64 {
    client
        .post(&format!("/decisions/{id}/concerns"), &[("concern", title)])
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let page = client.get(&format!("/decisions/{id}")).await;
    attrs(&page.body, "form[action$='/resolve']", "action")
        .last()
        .and_then(|a| a.split('/').nth(4).and_then(|n| n.parse().ok()))
        .expect("the concern's resolve form")
}

async fn overrule(client: &Client, id: i64, concern: i64) -> Page {
    client
        .post(&format!("/decisions/{id}/concerns/{concern}/overrule"), &[])
        .await
}

fn opened(page: &Page) -> i64 {
    page.location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no new decision: {} {}", page.status, page.body))
}

async fn put_on_leave(world: &World, login: &str) {
    world
        .admin
        .post(
            &format!("/teams/core/members/{login}/role"),
            &[("role", "on_leave"), ("role_reason", "Away")],
        )
        .await
        .assert_redirect("/teams/core");
}

#[tokio::test]
async fn only_another_decider_overrules_the_concern_of_a_raiser_on_leave() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol, dave, ivan) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
        world.person("dave").await,
        world.person("ivan").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    position(&bob, id, "agree_with_concerns", "").await;
    let concern = raise(&bob, id, "Who keeps it current?").await;
    // bob is here and answered today: nobody may overrule him yet.
    let page = carol.get(&format!("/decisions/{id}")).await;
    page.assert_status(200);
    assert!(attrs(&page.body, "form.overrule", "action").is_empty());
    overrule(&carol, id, concern)
        .await
        .assert_status(409)
        .assert_contains("bob can still answer");

    put_on_leave(&world, "bob").await;
    let page = carol.get(&format!("/decisions/{id}")).await;
    assert_eq!(
        attrs(&page.body, "form.overrule", "action"),
        vec![format!("/decisions/{id}/concerns/{concern}/overrule")]
    );
    page.assert_contains("bob is on leave: another decider may open a decision");
    // The raiser does not overrule himself; a member who is not a decider (dave, on leave
    // when it opened) is refused; another team does not see the decision at all.
    overrule(&bob, id, concern)
        .await
        .assert_status(409)
        .assert_contains("You raised this concern");
    let page = bob.get(&format!("/decisions/{id}")).await;
    page.assert_status(200);
    assert!(attrs(&page.body, "form.overrule", "action").is_empty());
    overrule(&dave, id, concern).await.assert_status(403);
    overrule(&ivan, id, concern).await.assert_status(404);
    let before = audit_entries(&world.app).await.len();

    let page = overrule(&carol, id, concern).await;
    let ov = opened(&page);
    let entries = audit_entries(&world.app).await;
    let new: Vec<(&str, &str)> = entries[before..]
        .iter()
        .map(|e| (e.action.as_str(), e.visibility.as_str()))
        .collect();
    assert_eq!(
        new,
        vec![
            ("decision.opened", "team"),
            ("decision.overrule_opened", "team")
        ]
    );
    let entry = entries.last().unwrap();
    assert_eq!(entry.subject, format!("#{id} in core"));
    assert_eq!(entry.details["overrule_decision_id"], ov);
    assert_eq!(entry.details["concern"], "Who keeps it current?");
    // One at a time.
    overrule(&alice, id, concern)
        .await
        .assert_status(409)
        .assert_contains(&format!(
            "Decision #{ov} to overrule this concern is already open"
        ));

    // The overrule: the same rule, the deciders without bob (dave was never one).
    let page = carol.get(&format!("/decisions/{ov}")).await;
    page.assert_status(200).assert_contains(&format!(
        "Overrule the concern “Who keeps it current?” raised by bob on decision #{id}"
    ));
    assert_eq!(texts(&page.body, "td.decider"), vec!["alice", "carol"]);
    assert_eq!(
        attrs(&page.body, ".overrules a", "href"),
        vec![format!("/decisions/{id}")]
    );
    let original = carol.get(&format!("/decisions/{id}")).await;
    assert_eq!(
        attrs(&original.body, ".pending-overrule a", "href"),
        vec![format!("/decisions/{ov}")]
    );
    position(&bob, ov, "object", "").await.assert_status(403);
    position(&alice, ov, "agree", "").await;
    position(&carol, ov, "agree", "").await;
    assert_outcome(&carol.get(&format!("/decisions/{ov}")).await, "Passed");
    alice
        .post(
            &format!("/decisions/{ov}/outcome"),
            &[("statement", "bob is away for months; we go on.")],
        )
        .await
        .assert_redirect(&format!("/decisions/{ov}"));
    let entries = audit_entries(&world.app).await;
    let actions: Vec<&str> = entries
        .iter()
        .rev()
        .take(2)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["decision.outcome_recorded", "decision.concern_overruled"]
    );
    let overruled = &entries[entries.len() - 2];
    assert_eq!(overruled.visibility, "team");
    assert_eq!(overruled.subject, format!("#{id} in core"));
    assert_eq!(overruled.details["overrule_decision_id"], ov);

    // Marked, not deleted, with the link back; it no longer holds the decision.
    let page = alice.get(&format!("/decisions/{id}")).await;
    page.assert_status(200);
    assert_eq!(
        attrs(&page.body, ".overruled a", "href"),
        vec![format!("/decisions/{ov}")]
    );
    assert!(texts(&page.body, ".concerns li")[0].contains("Who keeps it current?"));
    assert!(attrs(&page.body, ".pending-overrule a", "href").is_empty());
    // A second overrule, and the raiser resolving it now, are refused.
    overrule(&carol, id, concern)
        .await
        .assert_status(409)
        .assert_contains("already resolved");
    bob.post(
        &format!("/decisions/{id}/concerns/{concern}/resolve"),
        &[("resolution", "Late.")],
    )
    .await
    .assert_status(409);
    position(&alice, id, "agree", "").await;
    position(&carol, id, "agree", "").await;
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Passed");
}

#[tokio::test]
async fn a_silent_raiser_may_be_overruled_after_the_charters_days() {
    let world = World::new("unanimous", "0").await;
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
                ("hold_days", ""),
                ("answer_days", "3"),
                ("note", "Shorter silences."),
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
    let concern = raise(&bob, id, "Who keeps it current?").await;
    world.app.clock.advance(Duration::days(2));
    // bob answers: a position of his own starts the three days over.
    position(&bob, id, "stand_aside", "").await;
    world
        .app
        .clock
        .advance(Duration::days(3) - Duration::minutes(1));
    overrule(&carol, id, concern)
        .await
        .assert_status(409)
        .assert_contains("has not answered for 3 days (from 2026-03-07 09:00 UTC)");
    world.app.clock.advance(Duration::minutes(1));
    let page = carol.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_contains("bob has not answered on this decision since 2026-03-04 09:00 UTC");
    let ov = opened(&overrule(&carol, id, concern).await);
    // bob is still a member: the others decide without him, and the raiser may still
    // resolve his concern himself, after which the overrule's outcome cannot apply.
    let page = alice.get(&format!("/decisions/{ov}")).await;
    assert_eq!(texts(&page.body, "td.decider"), vec!["alice", "carol"]);
    bob.post(
        &format!("/decisions/{id}/concerns/{concern}/resolve"),
        &[("resolution", "Sorry, settled.")],
    )
    .await
    .assert_redirect(&format!("/decisions/{id}"));
    position(&alice, ov, "agree", "").await;
    position(&carol, ov, "agree", "").await;
    alice
        .post(
            &format!("/decisions/{ov}/outcome"),
            &[("statement", "Go on.")],
        )
        .await
        .assert_status(409)
        .assert_contains("the concern is already resolved");
    assert_eq!(
        last_audit(&world.app).await.action,
        "decision.position_taken"
    );
}

#[tokio::test]
async fn the_concern_of_a_raiser_who_left_may_be_overruled() {
    let world = World::new("all_but", "1").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    let concern = raise(&carol, id, "Not yet").await;
    world
        .admin
        .post(
            "/teams/core/members/carol/leave",
            &[("leave_reason", "Moving on")],
        )
        .await
        .assert_redirect("/teams/core");
    let ov = opened(&overrule(&bob, id, concern).await);
    let page = bob.get(&format!("/decisions/{ov}")).await;
    page.assert_status(200)
        .assert_contains("carol has left the team")
        .assert_contains("All but 1 decider agree");
    assert_eq!(texts(&page.body, "td.decider"), vec!["alice", "bob"]);
}
