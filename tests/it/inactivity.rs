//! Inactivity through HTTP: the charter's period flags members with nothing in the team
//! for that long (computed from their rows and the clock), for the team's members only;
//! "I am still active" and another member's vouch clear the flag; the notice runs out.

use time::Duration;

use crate::decisions::{World, decision_fields, open, position};
use crate::support::START;
use crate::support::html::{attrs, texts};
use crate::teams::last_audit;

#[tokio::test]
async fn members_without_activity_are_flagged_until_they_answer_or_are_vouched_for() {
    let world = World::new("unanimous", "0").await;
    let app = &world.app;
    let charter = |period: &'static str| {
        vec![
            ("purpose", "Things."),
            ("mandate", "Things."),
            ("rule_kind", "unanimous"),
            ("rule_n", "0"),
            ("review_on", ""),
            ("inactivity_days", period),
            ("inactivity_notice_days", "7"),
            ("note", "Inactivity."),
        ]
    };
    world
        .admin
        .post("/teams/core/charter", &charter("12"))
        .await
        .assert_status(422)
        .assert_contains("from 30 to 3650");
    world
        .admin
        .post("/teams/core/charter", &charter("30"))
        .await
        .assert_redirect("/teams/core");
    crate::notify::give_addresses(app, &["alice", "bob", "carol", "dave"]).await;
    let alice = world.person("alice").await;
    let mut fields = decision_fields("Adopt the guideline?");
    fields.retain(|(k, _)| *k != "closes_at");
    fields.push(("closes_at", "2026-04-30T09:00"));
    let id = open(&alice, "core", &fields).await;
    app.clock.set(START + Duration::days(10));
    position(&world.person("bob").await, id, "agree", "")
        .await
        .assert_redirect(&format!("/decisions/{id}"));

    app.clock.set(START + Duration::days(30));
    let (bob, carol, ivan) = (
        world.person("bob").await,
        world.person("carol").await,
        world.person("ivan").await,
    );
    let page = app.visitor().get("/teams/core").await;
    page.assert_status(200);
    assert!(texts(&page.body, ".inactive li").is_empty(), "members only");
    // A notice to each flagged member, once however often the scan runs.
    let notices = || async {
        concord::notify::reminders::scan(&app.pool, app.clock.now())
            .await
            .expect("scan");
        sqlx::query_scalar::<_, String>(
            "select u.login from outbox o join users u on u.id = o.user_id
             where o.kind = 'inactivity_notice' order by u.login",
        )
        .fetch_all(&app.pool)
        .await
        .expect("outbox")
    };
    assert_eq!(notices().await, vec!["alice", "carol", "dave"]);
    assert_eq!(notices().await.len(), 3);
    let page = carol.get("/teams/core").await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, ".inactive .login"),
        vec!["alice", "carol", "dave"]
    );
    assert!(texts(&page.body, ".inactive li")[0].contains(
        "inactive since 2026-04-01 09:00 UTC; the notice runs until 2026-04-08 09:00 UTC"
    ));
    assert_eq!(
        attrs(&page.body, "form.still-active", "action"),
        vec!["/teams/core/still-active"]
    );
    carol
        .post("/teams/core/still-active", &[])
        .await
        .assert_redirect("/teams/core");
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.visibility.as_str()),
        ("membership.still_active", "team")
    );
    bob.post("/teams/core/members/alice/vouch", &[])
        .await
        .assert_redirect("/teams/core");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "membership.vouched");
    assert_eq!(entry.details["member"], "alice");
    ivan.post("/teams/core/members/dave/vouch", &[])
        .await
        .assert_status(403);
    bob.post("/teams/core/members/bob/vouch", &[])
        .await
        .assert_status(409);
    let page = bob.get("/teams/core").await;
    assert_eq!(texts(&page.body, ".inactive .login"), vec!["dave"]);

    // A week later dave's notice has run out; bob's position is 27 days old.
    app.clock.set(START + Duration::days(37));
    let page = world.person("bob").await.get("/teams/core").await;
    page.assert_status(200);
    assert_eq!(texts(&page.body, ".inactive .login"), vec!["dave"]);
    assert!(
        texts(&page.body, ".inactive li")[0].contains("the notice ran out on 2026-04-08 09:00 UTC")
    );

    // Now the team may decide, without dave; one decision at a time.
    let (alice, bob, carol, dave) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
        world.person("dave").await,
    );
    dave.post("/teams/core/members/dave/alumni", &[])
        .await
        .assert_status(409);
    carol
        .post("/teams/core/members/alice/alumni", &[])
        .await
        .assert_status(409)
        .assert_contains("notice has not run out");
    let page = bob.post("/teams/core/members/dave/alumni", &[]).await;
    let decision: i64 = page
        .location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no decision: {} {}", page.status, page.body));
    assert_eq!(last_audit(app).await.action, "decision.opened");
    carol
        .post("/teams/core/members/dave/alumni", &[])
        .await
        .assert_status(409)
        .assert_contains("already open");
    let page = bob.get(&format!("/decisions/{decision}")).await;
    assert_eq!(
        texts(&page.body, "td.decider"),
        vec!["alice", "bob", "carol"]
    );
    for p in [&alice, &bob, &carol] {
        position(p, decision, "agree", "").await;
    }
    bob.post(
        &format!("/decisions/{decision}/outcome"),
        &[("statement", "Dave moves to alumni, with thanks.")],
    )
    .await
    .assert_redirect(&format!("/decisions/{decision}"));
    let (reason, by): (String, i64) = sqlx::query_as(
        "select m.leave_reason, m.closed_by_decision_id from memberships m join users u on u.id = m.user_id
         where u.login = 'dave' and m.team_id = (select id from teams where slug = 'core') and m.left_at is not null
         order by m.id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("dave's ledger row");
    assert_eq!((reason.as_str(), by), ("inactive", decision));
}
