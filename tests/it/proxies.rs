//! Proxies through HTTP, per role: the principal, the proxy, another decider, a member of
//! another team, someone who is not a decider. In the `core` team of `decisions::World`:
//! alice (lead), bob and carol decide; dave is on leave; ivan is in `infra`.

use crate::decisions::{World, assert_outcome, decision_fields, open, position};
use crate::support::html::texts;
use crate::support::{Client, Page};
use crate::teams::last_audit;

async fn name(client: &Client, id: i64, login: &str) -> Page {
    client
        .post(&format!("/decisions/{id}/proxy"), &[("proxy_login", login)])
        .await
}

async fn for_principal(client: &Client, id: i64, principal: &str, stance: &str) -> Page {
    client
        .post(
            &format!("/decisions/{id}/proxy/positions"),
            &[
                ("principal", principal),
                ("stance", stance),
                ("comment", ""),
            ],
        )
        .await
}

fn deciders(page: &Page) -> Vec<String> {
    texts(&page.body, "table tbody tr")
}

#[tokio::test]
async fn a_proxys_position_is_the_principals_until_they_speak() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    name(&bob, id, "@carol")
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let entry = last_audit(&world.app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("decision.proxy_named", "team")
    );
    assert_eq!(entry.details["proxy"], "carol");

    let page = carol.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_contains("Take a position for bob")
        .assert_contains("carol for bob, since");
    bob.get(&format!("/decisions/{id}"))
        .await
        .assert_status(200)
        .assert_contains("Your proxy in this decision: carol.")
        .assert_lacks("Name my proxy");

    for_principal(&carol, id, "bob", "agree")
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let entry = last_audit(&world.app).await;
    assert_eq!(entry.action, "decision.position_taken");
    assert_eq!(entry.actor.as_deref(), Some("carol"));
    assert_eq!(entry.details["for"], "bob");
    let page = alice.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_contains("Not yet spoken: alice, carol.");
    let rows = deciders(&page);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("bob") && r.contains("Agree (by carol for bob)")),
        "{rows:?}"
    );
    assert_eq!(
        texts(&page.body, ".position-history li .by-proxy"),
        vec!["by carol for bob"]
    );

    // The record says who took it.
    let record: serde_json::Value = serde_json::from_str(
        &alice
            .get(&format!("/decisions/{id}/record.json"))
            .await
            .assert_status(200)
            .body,
    )
    .expect("json");
    assert_eq!(record["positions"][0]["login"], "bob");
    assert_eq!(record["positions"][0]["by_proxy"], "carol");

    // Bob's own later position replaces it.
    position(&bob, id, "object", "").await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    let rows = deciders(&page);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("bob") && r.contains("Object") && !r.contains("by carol")),
        "{rows:?}"
    );
    assert_outcome(&page, "Open");

    // The proxy again, then everyone agrees: it passes early, the proxy's position counted.
    for_principal(&carol, id, "bob", "agree").await;
    position(&alice, id, "agree", "").await;
    position(&carol, id, "agree", "").await;
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Passed");
    // Closed: nothing more by proxy.
    for_principal(&carol, id, "bob", "stand_aside")
        .await
        .assert_status(409)
        .assert_contains("This decision has passed");
}

#[tokio::test]
async fn proxies_cannot_act_after_being_taken_back() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    name(&bob, id, "carol").await;
    // The inbox shows carol what she holds.
    let inbox = carol.get("/inbox").await;
    inbox.assert_status(200);
    assert!(
        texts(&inbox.body, "li a").contains(&"For bob: Adopt the guideline?".to_string()),
        "{:?}",
        texts(&inbox.body, "li a")
    );
    // Carol names alice for her own seat: alice acts for carol, never for bob.
    name(&carol, id, "alice").await;
    for_principal(&alice, id, "bob", "agree")
        .await
        .assert_status(403);
    for_principal(&alice, id, "carol", "agree")
        .await
        .assert_redirect(&format!("/decisions/{id}"));

    bob.post(&format!("/decisions/{id}/proxy/take-back"), &[])
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let entry = last_audit(&world.app).await;
    assert_eq!(entry.action, "decision.proxy_taken_back");
    assert_eq!(entry.visibility, "team");
    let inbox = carol.get("/inbox").await;
    inbox.assert_status(200).assert_lacks("For bob:");
    let page = carol.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_lacks("Take a position for bob")
        .assert_contains("taken back on");
    for_principal(&carol, id, "bob", "agree")
        .await
        .assert_status(403);
    assert_eq!(
        world
            .count(
                "select count(*) from decision_positions where decision_id = $1 and by_proxy_id is not null",
                id
            )
            .await,
        1,
        "only alice's position for carol"
    );
    // Taking back twice says there is nothing to take back.
    bob.post(&format!("/decisions/{id}/proxy/take-back"), &[])
        .await
        .assert_status(409);
    // Bob may name again, now that the first is taken back.
    name(&bob, id, "carol")
        .await
        .assert_redirect(&format!("/decisions/{id}"));
}

#[tokio::test]
async fn only_a_current_member_who_can_act_is_named() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    for (login, message) in [
        (
            "ivan",
            "ivan is not a member of the team; only its members can be named.",
        ),
        ("nobody-here", "Nobody with that login is known to Concord."),
        ("dave", "dave is on leave"),
        ("bob", "You cannot be your own proxy."),
        ("not a login!", "GitHub login"),
    ] {
        let page = name(&bob, id, login).await;
        page.assert_status(422).assert_contains(message);
        // What was typed is kept.
        assert_eq!(
            crate::support::html::attrs(&page.body, "input#proxy_login", "value"),
            vec![login.to_string()]
        );
    }
    // At most one held per person, one live per principal.
    name(&bob, id, "carol").await;
    name(&alice, id, "carol")
        .await
        .assert_status(422)
        .assert_contains("carol already holds the proxy of bob in this decision");
    name(&bob, id, "alice")
        .await
        .assert_status(422)
        .assert_contains("take it back first");
    // Only deciders name proxies; dave (on leave, not a decider) and ivan cannot.
    for (login, status) in [("dave", 403), ("ivan", 404)] {
        let person = world.person(login).await;
        name(&person, id, "alice").await.assert_status(status);
    }
    let visitor = world.app.visitor();
    name(&visitor, id, "alice").await.assert_status(401);
    assert_eq!(
        world
            .count(
                "select count(*) from decision_proxies where decision_id = $1",
                id
            )
            .await,
        1
    );
}

#[tokio::test]
async fn a_proxy_for_a_leave_seats_the_member_on_leave() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol, dave) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
        world.person("dave").await,
    );
    // Refusals keep what was typed; only members of the team who can act.
    let page = dave
        .post("/teams/core/decisions/proxy", &[("proxy_login", "ivan")])
        .await;
    page.assert_status(422)
        .assert_contains("ivan is not a member of the team");
    assert_eq!(
        crate::support::html::attrs(&page.body, "input#proxy_login", "value"),
        vec!["ivan"]
    );
    dave.post("/teams/core/decisions/proxy", &[("proxy_login", "alice")])
        .await
        .assert_redirect("/teams/core/decisions/proxy");
    let entry = last_audit(&world.app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("decision.leave_proxy_named", "team")
    );
    dave.get("/teams/core/decisions/proxy")
        .await
        .assert_status(200)
        .assert_contains("<strong>alice</strong>");
    // Not a member: no such page for them.
    let ivan = world.person("ivan").await;
    ivan.get("/teams/core/decisions/proxy")
        .await
        .assert_status(403);

    let id = open(&bob, "core", &decision_fields("Adopt the guideline?")).await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_contains("Not yet spoken: alice, bob, carol, dave.")
        .assert_contains("alice for dave, from their proxy for their leave")
        .assert_contains("Take a position for dave");
    for (client, stance) in [(&alice, "agree"), (&bob, "agree"), (&carol, "agree")] {
        position(client, id, stance, "").await;
    }
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Open");
    for_principal(&alice, id, "dave", "agree").await;
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Passed");

    // Taken back, the next decision leaves dave out as any member on leave.
    dave.post("/teams/core/decisions/proxy/take-back", &[])
        .await
        .assert_redirect("/teams/core/decisions/proxy");
    assert_eq!(
        last_audit(&world.app).await.action,
        "decision.leave_proxy_taken_back"
    );
    let next = open(&bob, "core", &decision_fields("And the next?")).await;
    alice
        .get(&format!("/decisions/{next}"))
        .await
        .assert_status(200)
        .assert_contains("Not yet spoken: alice, bob, carol.");
}

#[tokio::test]
async fn a_public_decisions_proxies_are_public_in_the_log() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let mut fields = decision_fields("Publish the roadmap?");
    for f in fields.iter_mut() {
        if f.0 == "visibility" {
            f.1 = "public";
        }
    }
    let id = open(&alice, "core", &fields).await;
    name(&bob, id, "carol").await;
    assert_eq!(last_audit(&world.app).await.visibility, "public");
    world
        .app
        .visitor()
        .get(&format!("/decisions/{id}"))
        .await
        .assert_status(200)
        .assert_contains("carol for bob, since")
        .assert_lacks("Take a position for bob");
}

#[tokio::test]
async fn the_demo_has_a_team_of_two_deciding_through_a_proxy_and_a_hold() {
    let app = crate::support::TestApp::spawn().await;
    assert!(
        concord::demo::seed_if_empty(&app.pool, app.clock.now())
            .await
            .expect("demo data")
    );
    let visitor = app.visitor();
    let list = visitor.get("/teams/stewards/decisions").await;
    list.assert_status(200);
    let ids = crate::support::html::attrs(&list.body, "table a[href^='/decisions/']", "href");
    assert_eq!(ids.len(), 4, "{ids:?}");
    let mut seen = Vec::new();
    for id in ids {
        let page = visitor.get(&id).await;
        page.assert_status(200);
        seen.push(page.body);
    }
    let passed = seen
        .iter()
        .find(|b| b.contains("Move the community call to Thursdays?"))
        .expect("the passed decision");
    assert!(passed.contains("by juniper-holt for kestrel-vane"));
    assert!(passed.contains("outcome outcome-passed"));
    let held = seen
        .iter()
        .find(|b| b.contains("Adopt the revised code of conduct?"))
        .expect("the held decision");
    assert!(held.contains("outcome outcome-open"));
    assert!(held.contains("kestrel-vane placed a hold; it stands until"));
    // Kestrel's concern, raised before the leave, overruled by a linked decision.
    let venue = seen
        .iter()
        .find(|b| b.contains("<h1>Hold the spring meetup in Lisbon?"))
        .expect("the decision with the overruled concern");
    assert_eq!(
        crate::support::html::texts(venue, ".overruled").len(),
        1,
        "the concern is marked overruled"
    );
    // The passed decision comes back for review, on the team page.
    let team = visitor.get("/teams/stewards").await;
    team.assert_status(200);
    assert_eq!(
        crate::support::html::texts(&team.body, ".reviews-due a"),
        vec!["Move the community call to Thursdays?"]
    );
    // Juniper's inbox shows the proxy held for kestrel; the team page, linden flagged.
    let juniper = app.signed_in("juniper-holt").await;
    let team = juniper.get("/teams/stewards").await;
    team.assert_status(200);
    assert_eq!(
        crate::support::html::texts(&team.body, ".inactive .login"),
        vec!["linden-ash"]
    );
    assert_eq!(
        crate::support::html::attrs(&team.body, "form.vouch", "action"),
        vec!["/teams/stewards/members/linden-ash/vouch"]
    );
    juniper
        .get("/inbox")
        .await
        .assert_status(200)
        .assert_contains("For Kestrel Vane: Adopt the revised code of conduct?");
}
