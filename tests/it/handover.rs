//! Handing a concern over through HTTP: only its raiser hands it over, to another decider;
//! then the raiser or that decider resolves it, and nobody else.

use crate::decisions::{World, decision_fields, open};
use crate::support::{Client, Page};
use crate::teams::last_audit;

async fn raise(client: &Client, id: i64) -> i64 {
    client
        .post(
            &format!("/decisions/{id}/concerns"),
            &[("concern", "Who keeps it current?")],
        )
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    last_audit_concern(client, id).await
}

async fn last_audit_concern(client: &Client, id: i64) -> i64 {
    let page = client.get(&format!("/decisions/{id}")).await;
    crate::support::html::attrs(&page.body, "form[action$='/resolve']", "action")
        .first()
        .and_then(|a| a.split('/').nth(4).and_then(|n| n.parse().ok()))
        .expect("the concern's resolve form")
}

async fn hand(client: &Client, id: i64, concern: i64, to: &str) -> Page {
    client
        .post(
            &format!("/decisions/{id}/concerns/{concern}/hand-over"),
            &[("to_login", to)],
        )
        .await
}

async fn resolve(client: &Client, id: i64, concern: i64) -> Page {
    client
        .post(
            &format!("/decisions/{id}/concerns/{concern}/resolve"),
            &[("resolution", "Settled.")],
        )
        .await
}

#[tokio::test]
async fn nobody_but_the_raiser_or_their_hand_over_resolves() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    let concern = raise(&bob, id).await;
    // Only the raiser hands over, and only to another decider still in the team.
    hand(&carol, id, concern, "alice").await.assert_status(409);
    for (to, message) in [
        ("ivan", "ivan is not a decider of this decision"),
        ("dave", "dave is not a decider of this decision"),
        ("bob", "hand it to another decider"),
        ("nobody-here", "Nobody with that login"),
    ] {
        hand(&bob, id, concern, to)
            .await
            .assert_status(409)
            .assert_contains(message);
    }
    resolve(&carol, id, concern).await.assert_status(403);
    hand(&bob, id, concern, "@carol")
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let entry = last_audit(&world.app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("decision.concern_handed_over", "team")
    );
    assert_eq!(entry.details["to"], "carol");
    carol
        .get(&format!("/decisions/{id}"))
        .await
        .assert_contains("Handed over to carol, who may resolve it.")
        .assert_contains("Resolve my concern");
    // alice is neither raiser nor hand-over.
    resolve(&alice, id, concern).await.assert_status(403);
    resolve(&carol, id, concern)
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    assert_eq!(last_audit(&world.app).await.actor.as_deref(), Some("carol"));
    // Resolved: no more hand-over.
    hand(&bob, id, concern, "alice").await.assert_status(409);
}
