//! Staffing a team: founding leads and members named on the creation and delegation forms,
//! the delegating team staffing a delegated team until it has a lead of its own, and a
//! member going on leave, coming back and leaving from the team page.

use crate::support::html::{attrs, texts};
use crate::teams::{World, last_audit, team_fields};

fn with<'a>(
    mut fields: Vec<(&'static str, &'a str)>,
    extra: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    fields.extend_from_slice(extra);
    fields
}

#[tokio::test]
async fn founding_leads_and_members_join_with_the_new_team() {
    let world = World::new().await;
    let fields = with(
        team_fields("tools", "Tools", "The build tools."),
        &[("leads", "@lea-lead, Lou\nlou"), ("members", "mo")],
    );
    world
        .admin
        .post("/teams", &fields)
        .await
        .assert_redirect("/teams/tools");
    let ledger = world.ledger("tools").await;
    let rows: Vec<(&str, &str, &str)> = ledger
        .iter()
        .map(|(login, role, _, reason, _)| (login.as_str(), role.as_str(), reason.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "lea-lead",
                "lead",
                "A founding lead, named when the team was created."
            ),
            (
                "Lou",
                "lead",
                "A founding lead, named when the team was created."
            ),
            (
                "mo",
                "member",
                "A founding member, named when the team was created."
            ),
        ]
    );
    let entry = last_audit(&world.app).await;
    assert_eq!(
        (entry.action.as_str(), entry.actor.as_deref()),
        ("membership.joined", Some("admin"))
    );

    let page = world.app.visitor().get("/teams/tools").await;
    page.assert_status(200);
    let members = texts(&page.body, "#members ~ ul.people li");
    assert_eq!(members.len(), 3, "{members:?}");
    assert!(members[0].starts_with("lea-lead, lead"), "{members:?}");
}

#[tokio::test]
async fn founders_that_cannot_be_read_are_a_form_error_that_keeps_the_text() {
    let world = World::new().await;
    for (leads, members, message) in [
        ("ok -bad-", "", "“-bad-”: A GitHub login has 1 to 39"),
        ("ada", "ADA", "ADA is named as a lead already"),
    ] {
        let fields = with(
            team_fields("tools", "Tools", "The build tools."),
            &[("leads", leads), ("members", members)],
        );
        let page = world.admin.post("/teams", &fields).await;
        page.assert_status(422).assert_contains(message);
        assert_eq!(attrs(&page.body, "input#leads", "value"), [leads]);
        assert_eq!(attrs(&page.body, "input#members", "value"), [members]);
    }
    world
        .app
        .visitor()
        .get("/teams/tools")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn the_delegating_team_staffs_a_delegated_team_until_it_has_a_lead() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;
    let ivan = app.signed_in("ivan").await;
    carol
        .post(
            "/teams/core/delegate",
            &team_fields("docs", "Docs", "The documentation."),
        )
        .await
        .assert_redirect("/teams/docs");
    assert!(world.ledger("docs").await.is_empty());

    // Nobody leads docs yet: carol, of core, manages its membership; ivan, of infra, does not.
    let page = carol.get("/teams/docs").await;
    page.assert_status(200);
    assert_eq!(
        attrs(
            &page.body,
            "ul.actions a[href='/teams/docs/members']",
            "href"
        )
        .len(),
        1
    );
    carol.get("/teams/docs/members").await.assert_status(200);
    ivan.get("/teams/docs/members").await.assert_status(403);
    carol
        .post(
            "/teams/docs/members",
            &[
                ("login", "dana"),
                ("role", "lead"),
                ("reason", "Leads the docs"),
            ],
        )
        .await
        .assert_redirect("/teams/docs/members");

    // Now docs has a lead of its own, and it manages its membership.
    carol.get("/teams/docs/members").await.assert_status(403);
    carol
        .post(
            "/teams/docs/members",
            &[("login", "eve"), ("role", "member"), ("reason", "Too late")],
        )
        .await
        .assert_status(403);
    let page = carol.get("/teams/docs").await;
    page.assert_status(200);
    assert!(
        attrs(
            &page.body,
            "ul.actions a[href='/teams/docs/members']",
            "href"
        )
        .is_empty()
    );
    app.signed_in("dana")
        .await
        .get("/teams/docs/members")
        .await
        .assert_status(200);

    // A delegation may name its first lead: a member of another team, here.
    carol
        .post(
            "/teams/core/delegate",
            &with(
                team_fields("site", "Site", "The web site."),
                &[("leads", "ivan"), ("members", "carol")],
            ),
        )
        .await
        .assert_redirect("/teams/site");
    let rows: Vec<(String, String, String)> = world
        .ledger("site")
        .await
        .into_iter()
        .map(|(login, role, _, reason, _)| (login, role, reason))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "ivan".to_string(),
                "lead".to_string(),
                "A founding lead, named when Core delegated the team.".to_string()
            ),
            (
                "carol".to_string(),
                "member".to_string(),
                "A founding member, named when Core delegated the team.".to_string()
            ),
        ]
    );
    ivan.get("/teams/site/members").await.assert_status(200);
}

#[tokio::test]
async fn a_member_goes_on_leave_comes_back_and_leaves_from_the_team_page() {
    let world = World::new().await;
    let app = &world.app;
    world.add_member("core", "lee", "lead").await;
    let lee = app.signed_in("lee").await;

    let page = lee.get("/teams/core").await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, "section.own-membership p"),
        ["You are lead of Core, in this role since 2026-03-02."]
    );
    assert_eq!(
        texts(&page.body, "section.own-membership button"),
        ["Go on leave"]
    );

    app.clock.advance(time::Duration::hours(2));
    lee.post("/teams/core/away", &[])
        .await
        .assert_redirect("/teams/core");
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.actor.as_deref()),
        ("membership.role_changed", Some("lee"))
    );
    assert_eq!(entry.details["to"], "on_leave");
    let page = lee.get("/teams/core").await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, "section.own-membership button"),
        ["Back from leave"]
    );
    lee.post("/teams/core/away", &[]).await.assert_status(409);

    app.clock.advance(time::Duration::hours(3));
    lee.post("/teams/core/back", &[])
        .await
        .assert_redirect("/teams/core");
    lee.post("/teams/core/back", &[]).await.assert_status(409);
    let roles: Vec<(String, String)> = world
        .ledger("core")
        .await
        .into_iter()
        .filter(|row| row.0 == "lee")
        .map(|(_, role, _, reason, _)| (role, reason))
        .collect();
    assert_eq!(
        roles,
        [
            ("lead".to_string(), "Founding member".to_string()),
            ("on_leave".to_string(), "Went on leave.".to_string()),
            ("lead".to_string(), "Back from leave.".to_string()),
        ],
        "back to the role held before the leave"
    );

    // Leaving: a confirmation with an optional reason, which must be readable text.
    lee.get("/teams/core/leave").await.assert_status(200);
    let page = lee
        .post("/teams/core/leave", &[("reason", "Moving on\u{7}")])
        .await;
    page.assert_status(422)
        .assert_contains("Reason contains control characters.");
    assert_eq!(
        attrs(&page.body, "input#reason", "value"),
        ["Moving on\u{7}"]
    );
    app.clock.advance(time::Duration::hours(2));
    lee.post("/teams/core/leave", &[("reason", "")])
        .await
        .assert_redirect("/teams/core");
    let last = world.ledger("core").await.pop().expect("a row");
    assert_eq!(
        (last.0.as_str(), last.2.as_deref(), last.4.as_deref()),
        ("lee", Some("left"), Some("Left of their own accord."))
    );
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.actor.as_deref()),
        ("membership.left", Some("lee"))
    );
    let page = lee.get("/teams/core").await;
    page.assert_status(200);
    assert!(texts(&page.body, "section.own-membership").is_empty());
    lee.post("/teams/core/leave", &[]).await.assert_status(403);
    lee.get("/teams/core/leave").await.assert_status(403);
}

#[tokio::test]
async fn only_a_signed_in_member_changes_their_own_membership() {
    let world = World::new().await;
    let app = &world.app;
    let visitor = app.visitor();
    visitor
        .get("/teams/core/leave")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fcore%2Fleave");
    for path in ["/teams/core/leave", "/teams/core/away", "/teams/core/back"] {
        visitor.post(path, &[]).await.assert_status(401);
    }
    let ivan = app.signed_in("ivan").await;
    for path in ["/teams/core/leave", "/teams/core/away", "/teams/core/back"] {
        ivan.post(path, &[]).await.assert_status(403);
    }
    ivan.get("/teams/nowhere/leave").await.assert_status(404);
    let page = ivan.get("/teams/core").await;
    page.assert_status(200);
    assert!(texts(&page.body, "section.own-membership").is_empty());
    assert_eq!(world.ledger("core").await.len(), 1, "carol's row only");
}
