//! The people-centred flows in a real headless Chromium, each page checked for valid HTML
//! and accessibility: staffing a new team, a member's own leave and leaving, and the
//! pages of people.

use crate::support::{Browser, TestApp};

/// An administrator founds Core with its leads and members; a member of Core delegates Docs
/// without a lead and staffs it, then goes on leave, comes back and leaves Core.
#[tokio::test]
async fn a_team_is_founded_staffed_and_left_from_its_pages() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("amber").await;
    browser.goto("/teams/new").await;
    browser.fill("Slug", "core").await;
    browser.fill("Name", "Core").await;
    browser.fill("Purpose", "Steers the project.").await;
    browser
        .fill("Mandate", "The direction of the project.")
        .await;
    browser.fill("Founding leads (optional)", "amber").await;
    browser
        .fill("Founding members (optional)", "basil, -oops")
        .await;
    browser.click_button("Create the team").await;
    assert_eq!(browser.status(), 422);
    browser.assert_text("“-oops”: A GitHub login").await;
    browser.fill("Founding members (optional)", "basil").await;
    browser.click_button("Create the team").await;
    assert_eq!(browser.path(), "/teams/core");
    browser.assert_text("amber, lead").await;
    browser.assert_text("basil, member").await;

    browser.sign_out().await;

    // Docs starts with nobody; Core's members staff it until it has a lead.
    browser.sign_in_dev("basil").await;
    browser.goto("/teams/core").await;
    browser.click_link("Delegate a team").await;
    browser.fill("Slug", "docs").await;
    browser.fill("Name", "Docs").await;
    browser.fill("Purpose", "Writes the documentation.").await;
    browser.fill("Mandate", "The documentation.").await;
    browser.click_button("Delegate the team").await;
    assert_eq!(browser.path(), "/teams/docs");
    browser.assert_text("No current members.").await;
    browser.click_link("Manage members").await;
    browser.fill("GitHub login", "cleo").await;
    browser.select("Role", "lead").await;
    browser.fill("Reason", "Leads the docs").await;
    browser.click_button("Add the member").await;
    browser.goto("/teams/docs").await;
    browser.assert_text("cleo, lead").await;
    assert!(
        !browser.text().await.contains("Manage members"),
        "Docs has a lead of its own now"
    );

    // Basil goes on leave, comes back, and then leaves Core.
    browser.goto("/teams/core").await;
    browser
        .assert_text("You are member of Core, in this role since")
        .await;
    browser.click_button("Go on leave").await;
    browser.assert_text("You are on leave from Core.").await;
    browser.assert_text("basil, on leave").await;
    browser.click_button("Back from leave").await;
    browser
        .assert_text("Welcome back: you are member of Core again.")
        .await;
    browser.click_link("Leave this team").await;
    browser
        .fill("Reason (optional)", "Time for other things")
        .await;
    browser.click_button("Leave Core").await;
    assert_eq!(browser.path(), "/teams/core");
    browser
        .assert_text("You left Core. Your history in it stays.")
        .await;
    browser.assert_text("Time for other things").await;
    assert!(!browser.text().await.contains("Your membership"));

    // Basil's own page: Core formerly, and his own links; names on team pages lead to
    // their people's pages.
    browser.click_link("Signed in as basil").await;
    assert_eq!(browser.path(), "/people/basil");
    browser.assert_text("Not a member of any team now.").await;
    browser.assert_text("Formerly").await;
    browser.assert_text("Your settings").await;
    browser.goto("/teams/docs").await;
    browser.click_link("cleo").await;
    assert_eq!(browser.path(), "/people/cleo");
    browser.assert_text("Docs: lead since").await;
    browser.sign_out().await;
    browser.finish().await;
}

/// The demo's main pages, for a visitor and for a member, on a phone-sized window in the
/// dark colour scheme: nothing scrolls sideways, and the checks (contrast included) pass.
#[tokio::test]
async fn the_main_pages_fit_a_phone_in_the_dark() {
    let app = TestApp::spawn().await;
    concord::demo::seed_if_empty(&app.pool, app.clock.now())
        .await
        .expect("demo data");
    let post: String = sqlx::query_scalar(
        "select '/posts/' || t.slug || '/' || p.slug from posts p join teams t on t.id = p.team_id
         where p.published_at is not null order by p.id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a published post");
    let (rfc, decision): (i64, i64) = sqlx::query_as(
        "select (select min(id) from rfcs), (select min(id) from decisions where is_public)",
    )
    .fetch_one(&app.pool)
    .await
    .expect("an RFC and a public decision");
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.as_phone_in_the_dark().await;
    let pages = [
        "/".to_string(),
        "/teams".into(),
        "/teams/core".into(),
        "/rfcs".into(),
        format!("/rfcs/{rfc}"),
        "/posts".into(),
        post,
        format!("/decisions/{decision}"),
        "/teams/core/decisions".into(),
        "/people/amber-finch".into(),
        "/search?q=release".into(),
        "/audit".into(),
    ];
    for path in &pages {
        browser.goto(path).await;
        browser.assert_fits_the_phone().await;
    }
    browser.sign_in_dev("amber-finch").await;
    for path in
        pages
            .iter()
            .map(String::as_str)
            .chain(["/inbox", "/settings", "/teams/core/members"])
    {
        browser.goto(path).await;
        browser.assert_fits_the_phone().await;
    }
    browser.sign_out().await;
    browser.finish().await;
}
