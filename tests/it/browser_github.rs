//! The GitHub App's main path in a real headless Chromium: a lead links the team to a
//! GitHub team (after a typo the form keeps what was typed), an administrator reads the
//! plan and applies it, and the plan is then in step. Every page is checked for valid
//! HTML and accessibility.

use crate::github::World;
use crate::support::Browser;

#[tokio::test]
async fn a_lead_links_the_team_and_an_administrator_applies_the_plan() {
    let world = World::new().await;
    let Some(mut browser) = Browser::open(&world.app).await else {
        return;
    };
    browser.sign_in_dev("alice").await;
    browser.goto("/teams/core/github").await;
    browser.assert_text("Not linked to a GitHub team.").await;
    browser.fill("GitHub team slug", "maintainer").await;
    browser.click_button("Link").await;
    assert_eq!(browser.status(), 422);
    browser
        .assert_text("The organization concord-test has no team maintainer.")
        .await;
    assert_eq!(browser.value_of("#github_slug").await, "maintainer");
    browser.fill("GitHub team slug", "maintainers").await;
    browser.click_button("Link").await;
    browser
        .assert_text("Linked to concord-test/maintainers by alice")
        .await;
    browser.sign_out().await;

    browser.sign_in_dev("admin").await;
    browser.goto("/admin/github").await;
    browser
        .assert_text("Core and concord-test/maintainers")
        .await;
    browser
        .assert_text("not in Concord's ledger of the team")
        .await;
    browser
        .click_button("Apply: make 3 changes on GitHub")
        .await;
    browser
        .assert_text("3 changes made on GitHub, each written to the audit log.")
        .await;
    browser
        .assert_text("In step: GitHub has exactly the team's current members.")
        .await;
    assert_eq!(
        world.app.github().team_logins("maintainers"),
        ["alice", "bob", "carol"]
    );
    browser.finish().await;
}
