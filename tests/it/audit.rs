//! The audit log page: public entries for everyone, team-only entries for the team's
//! current members only, newest first, a page at a time.

use concord::audit::{self, Entry, Subject, Visibility};
use serde_json::json;

use crate::support::TestApp;
use crate::teams::World;

/// Writes an entry as a room would, inside a transaction.
async fn record(
    app: &TestApp,
    action: &'static str,
    label: &str,
    team: Option<&str>,
    visibility: Visibility,
) {
    let team_id: Option<i64> = match team {
        Some(slug) => Some(
            sqlx::query_scalar("select id from teams where slug = $1")
                .bind(slug)
                .fetch_one(&app.pool)
                .await
                .expect("team"),
        ),
        None => None,
    };
    let mut tx = app.pool.begin().await.expect("transaction");
    audit::record(
        &mut tx,
        &Entry {
            at: app.clock.now(),
            actor_id: None,
            action,
            subject: Subject {
                kind: "nomination",
                id: None,
                label: label.to_string(),
            },
            team_id,
            visibility,
            details: json!({ "statement": format!("details of {label}") }),
        },
    )
    .await
    .expect("record");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn everyone_reads_the_public_log() {
    let world = World::new().await;
    let page = world.app.visitor().get("/audit").await;
    page.assert_status(200)
        .assert_contains("<h1>Audit log</h1>")
        .assert_contains("created the team <a href=\"/teams/core\">Core</a>")
        .assert_contains("<code>membership.joined</code>")
        .assert_contains("carol in core (Core)")
        .assert_contains("2026-03-02 09:00 UTC")
        .assert_contains("<dt>reason</dt><dd>Founding member</dd>");
    // Newest first.
    let infra = page.body.find("carol in core").expect("carol");
    let ivan = page.body.find("ivan in infra").expect("ivan");
    assert!(ivan < infra);
    // A visitor's look at the log needs no session.
    assert!(page.set_cookies().is_empty());
}

#[tokio::test]
async fn team_only_entries_are_for_the_teams_members_only() {
    let world = World::new().await;
    let app = &world.app;
    record(
        app,
        "nomination.created",
        "secret nomination",
        Some("core"),
        Visibility::Team,
    )
    .await;
    record(
        app,
        "nomination.announced",
        "public announcement",
        Some("core"),
        Visibility::Public,
    )
    .await;

    let carol = app.signed_in("carol").await;
    carol
        .get("/audit")
        .await
        .assert_contains("secret nomination")
        .assert_contains("team only")
        .assert_contains("details of secret nomination")
        .assert_contains("public announcement");
    // Visitors, signed-in people, members of another team and administrators who are not
    // members see only the public entry.
    let visitor = app.visitor();
    let someone = app.signed_in("someone").await;
    let ivan = app.signed_in("ivan").await;
    for client in [&visitor, &someone, &ivan, &world.admin] {
        client
            .get("/audit")
            .await
            .assert_status(200)
            .assert_contains("public announcement")
            .assert_lacks("secret nomination")
            .assert_lacks("details of secret nomination");
    }
    // Someone who leaves the team no longer sees its private entries.
    world
        .admin
        .post(
            "/teams/core/members/carol/leave",
            &[("leave_reason", "Stepping down")],
        )
        .await
        .assert_redirect("/teams/core");
    carol.get("/audit").await.assert_lacks("secret nomination");

    // The database refuses a team-only entry without a team.
    let mut tx = app.pool.begin().await.expect("transaction");
    let orphan = audit::record(
        &mut tx,
        &Entry {
            at: app.clock.now(),
            actor_id: None,
            action: "nomination.created",
            subject: Subject {
                kind: "nomination",
                id: None,
                label: "orphan".into(),
            },
            team_id: None,
            visibility: Visibility::Team,
            details: json!({}),
        },
    )
    .await;
    assert!(orphan.is_err());
}

#[tokio::test]
async fn the_log_is_paginated() {
    let app = TestApp::spawn().await;
    for i in 0..60 {
        record(
            &app,
            "test.happened",
            &format!("entry number {i:02}"),
            None,
            Visibility::Public,
        )
        .await;
    }
    let visitor = app.visitor();
    let first = visitor.get("/audit").await;
    first
        .assert_contains("entry number 59")
        .assert_contains("entry number 10")
        .assert_lacks("entry number 09")
        .assert_contains("Older entries");
    let start = first.body.find("/audit?before=").expect("older link");
    let end = first.body[start..].find('"').expect("end of link") + start;
    let second = visitor.get(&first.body[start..end]).await;
    second
        .assert_status(200)
        .assert_contains("entry number 09")
        .assert_contains("entry number 00")
        .assert_lacks("entry number 10")
        .assert_lacks("Older entries")
        .assert_contains("Newest entries");
    // Nonsense in the address is not an error.
    visitor
        .get("/audit?before=yesterday")
        .await
        .assert_status(200)
        .assert_contains("entry number 59");
}
