//! Concord in a real headless Chromium: the main paths, each page checked for valid HTML
//! and accessibility, and a test that those checks do catch a bad page.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::support::{Browser, Documents, Fault, Options, START, TestApp};

#[tokio::test]
async fn home_page() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.goto("/").await;
    assert_eq!(browser.status(), 200);
    assert_eq!(browser.title().await, "Home · Concord");
    browser.assert_text("Development mode").await;
    browser.click_link("Sign in to take part").await;
    assert_eq!(browser.path(), "/login");
    browser.finish().await;
}

#[tokio::test]
async fn development_sign_in_and_sign_out() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    // A login that is not one is refused, and the form keeps what was typed.
    browser.goto("/login").await;
    browser.fill("GitHub login", "not a login!").await;
    browser.click_button("Sign in").await;
    assert_eq!(browser.status(), 422);
    browser.assert_text("Sign in").await;

    browser.sign_in_dev("wren-calloway").await;
    assert_eq!(browser.path(), "/");
    browser.sign_out().await;
    assert_eq!(browser.path(), "/");
    let text = browser.text().await;
    assert!(!text.contains("Signed in as"), "still signed in:\n{text}");

    // The person is now offered on the sign-in page.
    browser.goto("/login").await;
    browser.click_button("wren-calloway (wren-calloway)").await;
    browser.assert_text("Signed in as wren-calloway").await;
    browser.finish().await;
}

#[tokio::test]
async fn github_sign_in() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    // Declining on GitHub's consent page comes back to a clear message.
    app.github().set_fault(Fault::Deny);
    browser.goto("/login").await;
    browser.click_link("Sign in with GitHub").await;
    assert_eq!(browser.status(), 403);
    browser
        .assert_text("You declined to sign in with GitHub")
        .await;

    app.github().set_fault(Fault::None);
    app.github()
        .will_sign_in(4242, "ada-l", Some("Ada Lovelace"));
    browser.goto("/").await;
    browser.click_link("Sign in").await;
    // The browser goes to the stand-in GitHub and follows its redirect back.
    browser.click_link("Sign in with GitHub").await;
    assert_eq!(browser.path(), "/");
    browser.assert_text("Signed in as ada-l").await;
    let text = browser.text().await;
    assert!(!text.contains("Development mode"), "{text}");
    browser.sign_out().await;
    browser.finish().await;
}

#[tokio::test]
async fn error_page() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.goto("/no/such/page").await;
    assert_eq!(browser.status(), 404);
    browser
        .assert_text("There is nothing at this address.")
        .await;
    browser.click_link("Go to the home page").await;
    assert_eq!(browser.path(), "/");
    browser.finish().await;
}

/// The checks are only worth something if they fail: a page with HTML errors and
/// accessibility faults, served by a throwaway server, must be reported on both counts.
#[tokio::test]
async fn checks_catch_a_bad_page() {
    const BAD: &str = r#"<!DOCTYPE html>
<html>
<head><title>Bad</title></head>
<body>
<p>An unclosed <div>division</p>
<img src="/missing.png">
<input type="text" name="nameless">
<p style="color: #bbbbbb; background: #ffffff">Faint text</p>
<a href="/"></a>
</body>
</html>
"#;
    const GOOD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good</h1><p><a href="/bad">A bad page</a></p></main></body>
</html>
"#;
    let documents = Documents::default();
    let site = documents.record(
        Router::new()
            .route("/", get(|| async { Html(GOOD) }))
            .route("/bad", get(|| async { Html(BAD) })),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, site).await });

    let Some(mut browser) = Browser::open_site(&address, documents).await else {
        return;
    };
    browser.goto("/").await;
    let good = browser.check_all().await;
    assert!(good.is_empty(), "the good page should pass:\n{good}");

    browser.click_link("A bad page").await;
    let problems = browser.check_all().await;
    let html: Vec<&str> = problems.html_errors().collect();
    let accessibility: Vec<&str> = problems.accessibility_violations().collect();
    println!("{problems}");
    assert!(
        html.iter().any(|e| e.contains("Unclosed element “div”")),
        "the HTML checker missed the unclosed div:\n{problems}"
    );
    assert!(
        html.iter().any(|e| e.contains("alt")),
        "the HTML checker missed the image without alt:\n{problems}"
    );
    for rule in [
        "html-has-lang",
        "image-alt",
        "label",
        "link-name",
        "color-contrast",
    ] {
        assert!(
            accessibility.iter().any(|v| v.starts_with(rule)),
            "axe missed {rule}:\n{problems}"
        );
    }
    // And a test that ends with these pages fails.
    println!("(the panic that follows is expected)");
    let finished = tokio::spawn(browser.finish()).await;
    assert!(finished.is_err_and(|e| e.is_panic()), "finish() must fail");
}

#[tokio::test]
async fn teams_main_path() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("amber").await;
    browser.goto("/teams").await;
    browser.assert_text("There are no teams yet.").await;
    browser.click_link("Create a top-level team").await;
    // Submitted empty, the form explains what is missing.
    browser.click_button("Create the team").await;
    assert_eq!(browser.status(), 422);
    browser.fill("Slug", "core").await;
    browser.fill("Name", "Core").await;
    browser.fill("Purpose", "Steers the project.").await;
    browser
        .fill("Mandate", "The **direction** of the project.")
        .await;
    browser
        .select("Decision rule", "Unanimous, with at most N deciders absent")
        .await;
    browser.fill("N", "1").await;
    browser.click_button("Create the team").await;
    assert_eq!(browser.path(), "/teams/core");
    browser.assert_text("Core was created.").await;

    browser.click_link("Manage members").await;
    browser.fill("GitHub login", "wren").await;
    browser.fill("Reason", "Founding member").await;
    browser.click_button("Add the member").await;
    browser.assert_text("wren").await;

    browser.goto("/teams").await;
    browser.fill("Who may decide…", "direction").await;
    browser.click_button("Find the team").await;
    browser.assert_text("matches").await;
    browser.click_link("Core").await;
    browser.sign_out().await;
    browser.finish().await;
}

/// The unanimous team `core` with `members` (login, role), made by the administrator.
async fn core_team(admin: &crate::support::Client, members: &[(&str, &str)]) {
    let page = admin
        .post(
            "/teams",
            &[
                ("slug", "core"),
                ("name", "Core"),
                ("purpose", "Steers."),
                ("mandate", "Direction."),
                ("rule_kind", "unanimous"),
                ("rule_n", "0"),
                ("review_on", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.body);
    for (login, role) in members {
        let page = admin
            .post(
                "/teams/core/members",
                &[("login", login), ("role", role), ("reason", "Founder")],
            )
            .await;
        assert!(page.status.is_redirection(), "{}", page.body);
    }
}

/// A unanimous team `slug` of amber and basil, made by the administrator `admin`.
async fn team_of_two(admin: &crate::support::Client, slug: &str, name: &str, purpose: &str) {
    admin
        .post(
            "/teams",
            &[
                ("slug", slug),
                ("name", name),
                ("purpose", purpose),
                ("mandate", "The direction of the project."),
                ("rule_kind", "unanimous"),
                ("rule_n", "0"),
                ("review_on", ""),
                ("note", ""),
            ],
        )
        .await
        .assert_redirect(&format!("/teams/{slug}"));
    for login in ["amber", "basil"] {
        admin
            .post(
                &format!("/teams/{slug}/members"),
                &[
                    ("login", login),
                    ("role", "member"),
                    ("reason", "Founding member"),
                ],
            )
            .await
            .assert_redirect(&format!("/teams/{slug}/members"));
    }
}

#[tokio::test]
async fn decisions_main_path() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    // A team of two, set up as an administrator would.
    let admin = app.signed_in("amber").await;
    team_of_two(&admin, "core", "Core", "Steers the project.").await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };

    // Amber opens a decision; an empty form explains itself first.
    browser.sign_in_dev("amber").await;
    browser.goto("/teams/core/decisions").await;
    browser.click_link("Open a decision").await;
    browser.fill("Question", "").await;
    browser.click_button("Open the decision").await;
    assert_eq!(browser.status(), 422);
    browser
        .fill("Question", "Adopt the release checklist?")
        .await;
    browser
        .fill("Body", "We follow the **checklist** for every release.")
        .await;
    browser
        .choose("Described in words (nothing changes by itself)")
        .await;
    browser
        .fill("In words", "The checklist becomes the rule.")
        .await;
    browser.click_button("Open the decision").await;
    let decision = browser.path().to_string();
    assert!(decision.starts_with("/decisions/"), "{decision}");
    browser.assert_text("Adopt the release checklist?").await;

    // Amber agrees; Basil raises a concern, resolves it, and agrees: it passes early.
    browser.choose("Agree").await;
    browser.click_button("Record my position").await;
    browser.assert_text("Open").await;
    browser.sign_out().await;

    browser.sign_in_dev("basil").await;
    browser.goto("/inbox").await;
    browser.assert_text("Adopt the release checklist?").await;
    browser.click_link("Adopt the release checklist?").await;
    browser
        .fill("Your concern", "Who keeps the checklist current?")
        .await;
    browser.click_button("Raise the concern").await;
    browser
        .assert_text("Who keeps the checklist current?")
        .await;
    browser.fill("How it was resolved", "Amber keeps it.").await;
    browser.click_button("Resolve my concern").await;
    browser.choose("Agree").await;
    browser.click_button("Record my position").await;
    browser.assert_text("Passed").await;

    // A member records the outcome statement.
    browser
        .fill("Outcome statement", "We adopt the release checklist.")
        .await;
    browser.click_button("Record the outcome").await;
    assert_eq!(browser.path(), decision);
    browser.assert_text("We adopt the release checklist.").await;
    browser.finish().await;
}

/// Nominate, accept, shortlist, admit, announce: the pages of each step in the browser;
/// the deciders' positions and outcomes, which the decisions test covers, through HTTP.
#[tokio::test]
async fn nominations_main_path() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    core_team(&admin, &[("alice", "lead"), ("bob", "member")]).await;
    // Signing out ends all of a person's sessions, so the deciders sign in afresh each
    // time (the browser signs alice in and out between the steps).
    let pass = |decision: String| {
        let app = &app;
        async move {
            let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
            for who in [&alice, &bob] {
                who.post(
                    &format!("{decision}/positions"),
                    &[("stance", "agree"), ("comment", "")],
                )
                .await;
            }
            let page = alice
                .post(&format!("{decision}/outcome"), &[("statement", "Agreed.")])
                .await;
            assert!(page.status.is_redirection(), "{}", page.body);
        }
    };

    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("alice").await;
    browser.goto("/teams/core").await;
    browser.click_link("Calls for nominations").await;
    browser.click_link("Open a call for nominations").await;
    browser.fill("Title", "New reviewers").await;
    browser
        .fill("What the team looks for", "People who review kindly.")
        .await;
    browser.click_button("Open the call").await;
    browser
        .assert_text("The call for nominations is open.")
        .await;
    let call = browser.path().to_string();
    browser.sign_out().await;

    browser.sign_in_dev("olga").await;
    browser.goto(&call).await;
    browser.click_link("Nominate someone, or yourself").await;
    browser.click_button("Nominate").await;
    assert_eq!(browser.status(), 422);
    browser.fill("GitHub login of the nominee", "nina").await;
    browser.fill("Statement", "Nina reviews with care.").await;
    browser.click_button("Nominate").await;
    browser.assert_text("Your nomination is sent.").await;
    browser.sign_out().await;

    browser.sign_in_dev("nina").await;
    browser.goto("/me/nominations").await;
    browser.click_link("New reviewers").await;
    browser.click_button("Accept the nomination").await;
    browser.assert_text("You accepted the nomination.").await;
    let nomination = browser.path().to_string();
    browser.sign_out().await;

    browser.sign_in_dev("alice").await;
    browser.goto(&call).await;
    browser.choose("Shortlist nina").await;
    browser
        .click_button("Propose the shortlist as a decision")
        .await;
    browser.assert_text("The decision is open").await;
    pass(browser.path().to_string()).await;
    browser.goto(&nomination).await;
    browser.assert_text("Shortlisted").await;
    browser.click_button("Open a decision to admit nina").await;
    browser.assert_text("nina joins Core as a member").await;
    pass(browser.path().to_string()).await;
    browser.goto(&nomination).await;
    browser.assert_text("Decided: admitted").await;
    browser.click_button("Announce").await;
    browser.goto("/teams/core").await;
    browser.assert_text("nina").await;
    browser.sign_out().await;
    browser.goto(&call).await;
    browser.assert_text("nina").await;
    browser.finish().await;
}

#[tokio::test]
async fn rfcs_main_path() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    // A team with one member, who drafts an RFC.
    browser.sign_in_dev("amber").await;
    browser.goto("/teams/new").await;
    browser.fill("Slug", "core").await;
    browser.fill("Name", "Core").await;
    browser.fill("Purpose", "Steers the project.").await;
    browser
        .fill("Mandate", "The direction of the project.")
        .await;
    browser.fill("N", "0").await;
    browser.click_button("Create the team").await;
    browser.click_link("Manage members").await;
    browser.fill("GitHub login", "wren").await;
    browser.fill("Reason", "Founding member").await;
    browser.click_button("Add the member").await;
    browser.sign_out().await;

    browser.sign_in_dev("wren").await;
    browser.click_link("RFCs").await;
    browser.click_link("Draft an RFC").await;
    browser.click_button("Save the draft").await;
    assert_eq!(browser.status(), 422);
    browser.fill("Title", "Automated contributions").await;
    browser
        .fill("Summary", "How we treat pull requests opened by bots.")
        .await;
    browser
        .fill(
            "Text",
            "Bots may open pull requests.\n\nA human reviews each one.",
        )
        .await;
    browser.click_button("Save the draft").await;
    browser.assert_text("was drafted as revision 1").await;
    browser.click_link("Edit (new revision)").await;
    browser
        .fill(
            "Text",
            "Bots may open pull requests.\n\nTwo humans review each one.",
        )
        .await;
    browser.fill("Change note", "Two reviewers").await;
    browser.click_button("Save as a new revision").await;
    browser.click_link("What the last revision changed").await;
    browser.assert_text("Two humans review each one.").await;
    browser.goto("/rfcs/1").await;

    // The window opens now and closes in a week.
    browser.click_link("Set the feedback window").await;
    browser.fill("Closes at (UTC)", "2026-03-09T09:00").await;
    browser.click_button("Save the window").await;
    browser.assert_text("7 days").await;
    browser.sign_out().await;

    // Public and private feedback from someone outside the team.
    browser.sign_in_dev("pia").await;
    browser.goto("/rfcs/1").await;
    browser.fill("Your feedback", "Please label them.").await;
    browser.click_button("Send feedback on revision 2").await;
    browser.assert_text("your feedback is published").await;
    browser.fill("Your feedback", "A private worry.").await;
    browser
        .choose("Private: only the members of Core can read it")
        .await;
    browser.click_button("Send feedback on revision 2").await;
    browser.assert_text("sent privately to the team").await;
    browser.sign_out().await;
    browser.goto("/rfcs/1").await;
    let text = browser.text().await;
    assert!(text.contains("Please label them."), "{text}");
    assert!(!text.contains("A private worry."), "{text}");

    // The window closes; the team disposes of the feedback and publishes.
    app.clock.set(START + time::Duration::days(7));
    browser.sign_in_dev("wren").await;
    browser.goto("/rfcs/1").await;
    browser.click_link("Dispose of the feedback").await;
    browser.choose("#verdict-1-accepted").await;
    browser.fill("#reason-1", "Added in revision 3.").await;
    browser
        .click_button("Save the disposition of feedback 1")
        .await;
    browser.choose("#verdict-2-noted").await;
    browser.fill("#reason-2", "We will watch for it.").await;
    browser
        .click_button("Save the disposition of feedback 2")
        .await;
    browser.click_button("Publish the disposition").await;
    browser.assert_text("The disposition is published.").await;
    browser.sign_out().await;
    browser.goto("/rfcs/1").await;
    browser
        .assert_text("Disposition: Accepted. Added in revision 3.")
        .await;
    browser
        .assert_text("Private feedback: 1 piece, of which 0 accepted, 0 declined and 1 noted.")
        .await;
    browser.finish().await;
}

#[tokio::test]
async fn notifications_main_path() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    core_team(&admin, &[("alice", "lead")]).await;
    let page = app
        .signed_in("alice")
        .await
        .post(
            "/teams/core/calls",
            &[
                ("title", "New reviewers"),
                ("looking_for", "People who review kindly."),
                ("eligibility", "open"),
                ("eligible_team", ""),
                ("eligible_list", ""),
                ("seats", "1"),
                ("opens_at", "2026-03-02T09:00"),
                ("closes_at", "2026-03-16T09:00"),
                ("stale_after_days", "7"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.body);
    let call: i64 = sqlx::query_scalar("select id from calls")
        .fetch_one(&app.pool)
        .await
        .expect("call");
    let deliver = || concord::notify::worker::pass(&app.state, app.clock.now(), true);

    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("nina").await;
    browser.click_link("Settings").await;
    browser.fill("Address", "nina at example").await;
    browser.click_button("Send the link").await;
    assert_eq!(browser.status(), 422);
    browser.fill("Address", "nina@example.org").await;
    browser.click_button("Send the link").await;
    browser
        .assert_text("We sent a link to nina@example.org")
        .await;
    deliver().await.expect("deliver");
    // The link went to the new address, which is not nina's yet: the mailbox shows the
    // mail once the address is hers, so follow it as her mail client would.
    let link: String = sqlx::query_scalar("select text_body from dev_mail")
        .fetch_one(&app.pool)
        .await
        .expect("kept");
    let path = link
        .split_whitespace()
        .find_map(|w| w.split_once(&app.address).map(|(_, p)| p.to_string()))
        .expect("the link");
    browser.goto(&path).await;
    browser.click_button("Confirm this address").await;
    browser
        .assert_text("Confirmed: notifications go to nina@example.org")
        .await;

    let olga = app.signed_in("olga").await;
    let page = olga
        .post(
            &format!("/calls/{call}/nominate"),
            &[
                ("nominee", "nina"),
                ("statement", "Nina reviews with care."),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.body);
    deliver().await.expect("deliver");
    browser.goto("/dev/mail").await;
    browser
        .click_link("You were nominated: New reviewers")
        .await;
    browser.assert_text("Nina reviews with care.").await;
    let nomination = format!("{}/nominations/", app.address);
    let text = browser.text().await;
    let url = text
        .split_whitespace()
        .find(|w| w.starts_with(&nomination))
        .expect("a link to the nomination")
        .to_string();
    browser.click_link(&url).await;
    browser.click_button("Accept the nomination").await;
    browser.assert_text("You accepted the nomination.").await;

    browser.click_link("Settings").await;
    browser
        .click_link("Choose, for each kind of notification, at once, in a daily digest or off.")
        .await;
    browser.choose("#nomination_moved-off").await;
    browser
        .select("The daily digest comes at (UTC)", "18:00")
        .await;
    browser.click_button("Save").await;
    browser
        .assert_text("Your notification choices are saved.")
        .await;
    browser.finish().await;
}

#[tokio::test]
async fn a_person_makes_a_token_sees_it_once_uses_it_and_revokes_it() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("wren-calloway").await;
    browser.goto("/settings").await;
    browser
        .click_link("Make and revoke personal tokens for bots and scripts that use Concord's API.")
        .await;
    assert_eq!(browser.path(), "/settings/tokens");
    browser.assert_text("You have no tokens.").await;
    browser.fill("Name", "dashboard").await;
    browser.click_button("Make the token").await;
    assert_eq!(browser.status(), 200);
    browser.assert_text("Copy it now").await;
    let secret = browser.value_of("#token-secret").await;
    assert!(concord::tokens::model::is_well_formed(&secret), "{secret}");
    let me = |secret: String| {
        let url = format!("{}/api/v1/me", app.address);
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(secret)
                .send()
                .await
                .expect("the API")
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(secret.clone()).await, 200);
    // Shown once: the list again has the token but not its secret.
    browser.goto("/settings/tokens").await;
    assert!(!browser.text().await.contains(&secret));
    browser.assert_text("dashboard").await;
    browser.click_button("Revoke").await;
    browser
        .assert_text("The token “dashboard” is revoked: it no longer works.")
        .await;
    browser.assert_text("You have no tokens.").await;
    assert_eq!(me(secret).await, 401);
    browser.finish().await;
}

/// The team of two where one is on leave: Basil names Amber his proxy for his leave, Amber
/// opens a decision, takes her position and Basil's by proxy, and it passes.
#[tokio::test]
async fn a_two_person_team_decides_while_one_is_on_leave() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    let admin = app.signed_in("amber").await;
    team_of_two(&admin, "pair", "Pair", "Keeps the project going.").await;
    admin
        .post(
            "/teams/pair/members/basil/role",
            &[("role", "on_leave"), ("role_reason", "Travelling")],
        )
        .await
        .assert_redirect("/teams/pair");
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };

    // Basil, on leave, names Amber; a login that is not a member is refused first.
    browser.sign_in_dev("basil").await;
    browser.goto("/teams/pair/decisions").await;
    browser.click_link("Your proxy while on leave").await;
    browser
        .fill("GitHub login of your proxy", "nobody-here")
        .await;
    browser.click_button("Name my proxy").await;
    assert_eq!(browser.status(), 422);
    browser
        .assert_text("Nobody with that login is known to Concord.")
        .await;
    browser.fill("GitHub login of your proxy", "amber").await;
    browser.click_button("Name my proxy").await;
    browser
        .assert_text("amber is your proxy for the decisions Pair opens while you are on leave.")
        .await;
    browser.sign_out().await;

    // Amber opens a decision: Basil is a decider through her.
    browser.sign_in_dev("amber").await;
    browser.goto("/teams/pair/decisions/new").await;
    browser
        .fill("Question", "Move the meeting to Thursdays?")
        .await;
    browser
        .fill("Body", "Thursdays suit both time zones.")
        .await;
    browser
        .choose("Described in words (nothing changes by itself)")
        .await;
    browser.fill("In words", "We meet on Thursdays.").await;
    browser.click_button("Open the decision").await;
    let decision = browser.path().to_string();
    assert!(decision.starts_with("/decisions/"), "{decision}");
    browser.assert_text("Not yet spoken: amber, basil.").await;
    browser.choose("#stance-agree").await;
    browser.click_button("Record my position").await;
    browser.assert_text("Take a position for basil").await;
    browser.choose("#proxy-stance-agree").await;
    browser.click_button("Record the position for basil").await;
    browser
        .assert_text("Your position for basil is recorded: Agree.")
        .await;
    browser.assert_text("by amber for basil").await;
    browser.assert_text("Passed").await;
    browser
        .fill("Outcome statement", "We meet on Thursdays from now on.")
        .await;
    browser.click_button("Record the outcome").await;
    assert_eq!(browser.path(), decision);
    browser
        .assert_text("We meet on Thursdays from now on.")
        .await;
    browser.finish().await;
}

/// The pair again: Basil raised a concern, then went on leave; Amber, alone, opens the
/// linked decision to overrule it, passes it, records it, and the concern is marked
/// overruled with the link back.
#[tokio::test]
async fn a_concern_whose_raiser_is_on_leave_is_overruled() {
    let app = TestApp::spawn().await;
    app.make_admin("amber").await;
    let admin = app.signed_in("amber").await;
    team_of_two(&admin, "pair", "Pair", "Keeps the project going.").await;
    let page = admin
        .post(
            "/teams/pair/decisions",
            &crate::decisions::decision_fields("Move the meeting to Thursdays?"),
        )
        .await;
    let decision = page.location().expect("the decision").to_string();
    let basil = app.signed_in("basil").await;
    basil
        .post(
            &format!("{decision}/concerns"),
            &[("concern", "Thursdays clash with the release call")],
        )
        .await
        .assert_redirect(&decision);
    admin
        .post(
            "/teams/pair/members/basil/role",
            &[("role", "on_leave"), ("role_reason", "Travelling")],
        )
        .await
        .assert_redirect("/teams/pair");
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("amber").await;
    browser.goto(&decision).await;
    browser
        .assert_text("basil is on leave: another decider may open a decision")
        .await;
    browser.click_button("Open a decision to overrule it").await;
    let overrule = browser.path().to_string();
    assert_ne!(overrule, decision);
    browser
        .assert_text("Overrule the concern “Thursdays clash with the release call” raised by basil")
        .await;
    browser.assert_text("Not yet spoken: amber.").await;
    browser.choose("#stance-agree").await;
    browser.click_button("Record my position").await;
    browser.assert_text("Passed").await;
    browser
        .fill(
            "Outcome statement",
            "The release call moves; Thursdays stand.",
        )
        .await;
    browser.click_button("Record the outcome").await;
    assert_eq!(browser.path(), overrule);
    browser.goto(&decision).await;
    browser.assert_text("Overruled on").await;
    browser.finish().await;
}

/// As a new user would: the footer leads to `/api`, whose curl example is run as shown
/// (by `sh`, with the token in `$CONCORD_TOKEN`) against this Concord; after revoking the
/// token in the browser, the same command gets a 401's JSON.
#[tokio::test]
async fn a_new_user_makes_a_token_runs_the_api_pages_curl_example_and_is_refused_once_revoked() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("tamsin-vale").await;
    browser.goto("/").await;
    browser.click_link("the API").await;
    assert_eq!(browser.path(), "/api");
    let example = browser.text_of("#example-me").await;
    assert!(example.starts_with("curl "), "{example}");
    assert!(example.contains("$CONCORD_TOKEN"), "{example}");
    assert!(
        example.contains(&format!("{}/api/v1/me", app.address)),
        "{example} should call {}",
        app.address
    );
    browser.click_link("your tokens").await;
    assert_eq!(browser.path(), "/settings/tokens");
    browser.fill("Name", "my script").await;
    browser.click_button("Make the token").await;
    let secret = browser.value_of("#token-secret").await;
    // Off the test's runtime thread, which also serves the application.
    let run = |secret: String| {
        let example = example.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                std::process::Command::new("sh")
                    .arg("-c")
                    .arg(&example)
                    .env("CONCORD_TOKEN", secret)
                    .output()
                    .expect("sh and curl")
            })
            .await
            .expect("the command")
        }
    };
    let json = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        serde_json::from_str::<serde_json::Value>(&stdout)
            .unwrap_or_else(|_| panic!("not JSON: {stdout}"))
    };
    let me = json(run(secret.clone()).await);
    assert_eq!(me["login"], "tamsin-vale", "{me}");
    assert_eq!(me["token"]["name"], "my script", "{me}");
    browser.goto("/settings/tokens").await;
    browser.click_button("Revoke").await;
    browser
        .assert_text("The token “my script” is revoked: it no longer works.")
        .await;
    let refused = json(run(secret).await);
    assert_eq!(refused["code"], "token_revoked", "{refused}");
    assert!(
        refused["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    browser.finish().await;
}
