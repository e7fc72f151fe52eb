//! Concerns raised on an RFC before a decision exists, through HTTP: only the team's
//! members raise them, only their raiser resolves them, and the decision that settles
//! the RFC carries the open ones in, named as before.

use time::Duration;

use crate::rfcs::{decision_id, open_rfc, open_settlement};
use crate::support::html::{attrs, texts};
use crate::support::{Client, Page, START};
use crate::teams::last_audit;

async fn raise(client: &Client, id: i64, title: &str) -> Page {
    client
        .post(&format!("/rfcs/{id}/concerns"), &[("concern", title)])
        .await
}

fn concern_ids(page: &Page) -> Vec<i64> {
    attrs(&page.body, "form[action$='/resolve']", "action")
        .iter()
        .filter_map(|a| a.split('/').nth(4).and_then(|n| n.parse().ok()))
        .collect()
}

#[tokio::test]
async fn concerns_raised_on_an_rfc_are_carried_into_the_decision_that_settles_it() {
    let (world, carol, id) = open_rfc().await;
    world.add_member("core", "bob", "member").await;
    let app = &world.app;
    let (bob, ivan) = (app.signed_in("bob").await, app.signed_in("ivan").await);
    // Another team's member and a visitor raise nothing.
    raise(&ivan, id, "Not ours").await.assert_status(403);
    let visitor = app.visitor();
    let refused = visitor
        .post(&format!("/rfcs/{id}/concerns"), &[("concern", "Anon")])
        .await;
    assert!(refused.status.is_client_error() || refused.status.is_redirection());
    raise(&bob, id, "  ")
        .await
        .assert_status(409)
        .assert_contains("Concern is required");

    raise(&bob, id, "Too broad")
        .await
        .assert_redirect(&format!("/rfcs/{id}#concerns-heading"));
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("rfc.concern_raised", "public")
    );
    raise(&bob, id, "too broad")
        .await
        .assert_status(409)
        .assert_contains("already raised");
    app.clock.advance(Duration::hours(1));
    raise(&carol, id, "A typo in the title")
        .await
        .assert_redirect(&format!("/rfcs/{id}#concerns-heading"));
    let page = carol.get(&format!("/rfcs/{id}")).await;
    page.assert_status(200);
    let carols = concern_ids(&page);
    assert_eq!(carols.len(), 1, "carol resolves only her own");
    let bobs = concern_ids(&bob.get(&format!("/rfcs/{id}")).await);
    assert_eq!(bobs.len(), 1);
    // Only the raiser resolves.
    bob.post(
        &format!("/rfcs/{id}/concerns/{}/resolve", carols[0]),
        &[("resolution", "Fine.")],
    )
    .await
    .assert_status(409)
    .assert_contains("Only whoever raised a concern resolves it.");
    carol
        .post(
            &format!("/rfcs/{id}/concerns/{}/resolve", carols[0]),
            &[("resolution", "Fixed in revision 1.")],
        )
        .await
        .assert_redirect(&format!("/rfcs/{id}#concerns-heading"));
    assert_eq!(last_audit(app).await.action, "rfc.concern_resolved");

    // The window closes; the decision carries bob's open concern, not carol's resolved one.
    app.clock.set(START + Duration::days(8));
    // Sessions idle for a week have ended.
    let (bob, carol) = (app.signed_in("bob").await, app.signed_in("carol").await);
    let page = open_settlement(&carol, id, "accepted").await;
    let decision = decision_id(&page);
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("rfc.concerns_carried", "public")
    );
    assert_eq!(entry.details["decision_id"], decision);
    assert_eq!(entry.details["concerns"], serde_json::json!(["Too broad"]));
    let page = bob.get(&format!("/decisions/{decision}")).await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, ".concerns li p:first-child"),
        vec![
            "Too broad (raised by bob on 2026-03-02 09:00 UTC). Unresolved: it holds the decision."
        ]
    );
    // The RFC links to it; nothing more is raised on the RFC while the decision is open.
    let rfc = carol.get(&format!("/rfcs/{id}")).await;
    assert_eq!(
        attrs(&rfc.body, ".rfc-concerns .carried a", "href"),
        vec![format!("/decisions/{decision}")]
    );
    assert!(attrs(&rfc.body, "form[action$='/concerns']", "action").is_empty());
    raise(&carol, id, "Late")
        .await
        .assert_status(409)
        .assert_contains(&format!("Decision #{decision} to settle this RFC is open"));
    bob.post(
        &format!("/rfcs/{id}/concerns/{}/resolve", bobs[0]),
        &[("resolution", "On the RFC.")],
    )
    .await
    .assert_status(409)
    .assert_contains(&format!("carried into decision #{decision}"));

    // Settled there, the acceptance carries a review date that the RFC shows.
    let on_decision = concern_ids(&bob.get(&format!("/decisions/{decision}")).await);
    bob.post(
        &format!("/decisions/{decision}/concerns/{}/resolve", on_decision[0]),
        &[("resolution", "Narrowed in revision 2.")],
    )
    .await
    .assert_redirect(&format!("/decisions/{decision}"));
    for p in [&bob, &carol] {
        crate::decisions::position(p, decision, "agree", "").await;
    }
    carol
        .post(
            &format!("/decisions/{decision}/outcome"),
            &[("statement", "Accepted."), ("review_on", "2027-03-10")],
        )
        .await
        .assert_redirect(&format!("/decisions/{decision}"));
    let rfc = visitor.get(&format!("/rfcs/{id}")).await;
    rfc.assert_status(200);
    assert_eq!(
        texts(&rfc.body, "span.review"),
        vec!["To be reviewed on 2027-03-10."]
    );
}
