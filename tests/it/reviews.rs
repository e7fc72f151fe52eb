//! Review dates through HTTP: a passed decision's outcome carries one; the team page and
//! the inbox list it from 14 days ahead; reminders go through the outbox 14 days ahead and
//! on the day, once each; one click opens the review, linked both ways, once.

use time::Duration;

use crate::decisions::{World, decision_fields, open, position};
use crate::notify::give_addresses;
use crate::support::html::{attrs, texts};
use crate::support::{Client, TestApp};
use crate::teams::last_audit;

async fn reminders(app: &TestApp) -> Vec<(String, String, bool)> {
    concord::notify::reminders::scan(&app.pool, app.clock.now())
        .await
        .expect("scan");
    sqlx::query_as(
        "select u.login, o.dedupe_key, o.digest from outbox o join users u on u.id = o.user_id
         where o.kind = 'decision_review' order by o.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("outbox")
}

async fn passed(world: &World, alice: &Client, visibility: &str) -> i64 {
    let mut fields = decision_fields("Adopt the guideline?");
    fields.retain(|(k, _)| *k != "visibility");
    fields.push(("visibility", visibility));
    let id = open(alice, "core", &fields).await;
    for login in ["alice", "bob", "carol"] {
        position(&world.person(login).await, id, "agree", "").await;
    }
    id
}

#[tokio::test]
async fn a_review_date_comes_back_to_the_team_and_one_click_opens_the_review() {
    let world = World::new("unanimous", "0").await;
    let app = &world.app;
    give_addresses(app, &["alice", "bob", "carol", "dave"]).await;
    let alice = world.person("alice").await;
    let id = passed(&world, &alice, "public").await;
    // A bad date keeps what was typed.
    let page = alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Adopted."), ("review_on", "next spring")],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Enter the review date as YYYY-MM-DD");
    assert_eq!(
        attrs(&page.body, "input[name=review_on]", "value"),
        vec!["next spring"]
    );
    alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Adopted."), ("review_on", "2026-04-01")],
        )
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    assert_eq!(last_audit(app).await.details["review_on"], "2026-04-01");
    let page = alice.get(&format!("/decisions/{id}")).await;
    page.assert_status(200)
        .assert_contains("To be reviewed on 2026-04-01.");

    // 30 days ahead: nothing is due yet.
    let visitor = app.visitor();
    let team = visitor.get("/teams/core").await;
    team.assert_status(200);
    assert!(texts(&team.body, ".reviews-due li").is_empty());
    assert!(reminders(app).await.is_empty());

    // 14 days ahead: the team page (public decision: for everyone), the inbox and one
    // reminder per member not on leave, for the digest; a second scan queues nothing.
    app.clock.set(crate::support::START + Duration::days(16));
    assert_eq!(app.clock.now().date().to_string(), "2026-03-18");
    let team = visitor.get("/teams/core").await;
    assert_eq!(
        attrs(&team.body, ".reviews-due a", "href"),
        vec![format!("/decisions/{id}")]
    );
    let bob = world.person("bob").await;
    bob.get("/inbox")
        .await
        .assert_status(200)
        .assert_contains("Review: Adopt the guideline?")
        .assert_contains("Core, to be reviewed on 2026-04-01");
    let ahead = reminders(app).await;
    let mut logins: Vec<&str> = ahead.iter().map(|(l, _, _)| l.as_str()).collect();
    logins.sort();
    assert_eq!(logins, vec!["alice", "bob", "carol"]);
    assert!(ahead.iter().all(|(_, key, digest)| {
        key.starts_with(&format!("review:{id}:2026-04-01:ahead")) && *digest
    }));
    assert_eq!(reminders(app).await.len(), 3);
    // On the day: once more.
    app.clock.set(crate::support::START + Duration::days(30));
    let all = reminders(app).await;
    assert_eq!(all.len(), 6);
    assert!(
        all[3..]
            .iter()
            .all(|(_, key, _)| key.starts_with(&format!("review:{id}:2026-04-01:day")))
    );

    // One click opens the review; only members may; once.
    let ivan = world.person("ivan").await;
    ivan.post(&format!("/decisions/{id}/review"), &[])
        .await
        .assert_status(403);
    let carol = world.person("carol").await;
    let page = carol.post(&format!("/decisions/{id}/review"), &[]).await;
    let review: i64 = page
        .location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|n| n.parse().ok())
        .expect("the review's address");
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("decision.review_opened", "public")
    );
    assert_eq!(entry.details["review_decision_id"], review);
    carol
        .post(&format!("/decisions/{id}/review"), &[])
        .await
        .assert_status(409)
        .assert_contains(&format!(
            "Decision #{review} already reviews this decision."
        ));
    let page = carol.get(&format!("/decisions/{review}")).await;
    page.assert_status(200)
        .assert_contains("Review decision #")
        .assert_contains("Adopted.");
    assert_eq!(
        attrs(&page.body, ".reviews a", "href"),
        vec![format!("/decisions/{id}")]
    );
    let old = carol.get(&format!("/decisions/{id}")).await;
    old.assert_status(200);
    assert!(attrs(&old.body, "form.review-open", "action").is_empty());
    assert_eq!(
        attrs(&old.body, "p.review a", "href"),
        vec![format!("/decisions/{review}")]
    );
    // Reviewed: no longer due, no more reminders.
    let team = visitor.get("/teams/core").await;
    team.assert_status(200);
    assert!(texts(&team.body, ".reviews-due li").is_empty());
    assert_eq!(reminders(app).await.len(), 6);
}

#[tokio::test]
async fn a_team_only_decisions_review_is_listed_for_its_members_only() {
    let world = World::new("unanimous", "0").await;
    let app = &world.app;
    let alice = world.person("alice").await;
    let id = passed(&world, &alice, "team").await;
    alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Adopted."), ("review_on", "2026-03-10")],
        )
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    let team = app.visitor().get("/teams/core").await;
    team.assert_status(200);
    assert!(texts(&team.body, ".reviews-due li").is_empty());
    let team = alice.get("/teams/core").await;
    assert_eq!(
        attrs(&team.body, ".reviews-due a", "href"),
        vec![format!("/decisions/{id}")]
    );
}
