//! Sign-in: development sign-in, the real GitHub flow against the stand-in, every way it
//! can fail, cookies, session rotation, expiry and sign-out.

use concord::config::Environment;
use time::Duration;

use crate::support::{Client, Fault, Options, Page, TestApp};

/// Sends `person`'s browser from `start` to the stand-in GitHub, which sends it back;
/// returns the local callback path GitHub redirected to, not yet visited.
async fn authorize_at_github(app: &TestApp, person: &Client, start: &str) -> String {
    let authorize = person
        .get(start)
        .await
        .location()
        .expect("redirect to GitHub")
        .to_string();
    let back = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&authorize)
        .send()
        .await
        .expect("authorize");
    let callback = back.headers()["location"].to_str().expect("location");
    callback
        .strip_prefix(&app.address)
        .expect("back to Concord")
        .to_string()
}

/// Runs the whole GitHub round trip in `person`'s browser; returns Concord's answer to
/// the callback.
async fn through_github(app: &TestApp, person: &Client, start: &str) -> Page {
    let callback = authorize_at_github(app, person, start).await;
    person.get(&callback).await
}

async fn users(app: &TestApp) -> Vec<(Option<i64>, String)> {
    sqlx::query_as("select github_id, login from users order by id")
        .fetch_all(&app.pool)
        .await
        .expect("users")
}

async fn session_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .expect("sessions")
}

#[tokio::test]
async fn development_sign_in_and_sign_out() {
    let app = TestApp::spawn().await;
    let person = app.visitor();
    person
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains("Development sign-in");
    let page = person
        .post(
            "/login/dev",
            &[("login", "wren-calloway"), ("next", "/?from=test")],
        )
        .await;
    page.assert_redirect("/?from=test");
    person
        .get("/")
        .await
        .assert_contains("Signed in as <strong>wren-calloway</strong>")
        .assert_contains("Development mode");
    assert_eq!(users(&app).await, vec![(None, "wren-calloway".to_string())]);

    let rows_before = session_rows(&app).await;
    person.sign_out().await.assert_redirect("/");
    assert_eq!(
        session_rows(&app).await,
        rows_before - 1,
        "sign-out deletes the server-side session"
    );
    person.get("/").await.assert_lacks("Signed in as");
}

/// The row's transaction id: it moves whenever the session is written back.
async fn session_writes(app: &TestApp) -> String {
    sqlx::query_scalar("select xmin::text from tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .expect("session row")
}

#[tokio::test]
async fn reading_pages_does_not_write_the_session_back() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("wren-calloway").await;
    person.get("/").await.assert_status(200);
    let before = session_writes(&app).await;
    for path in ["/", "/inbox", "/teams", "/posts", "/inbox"] {
        person.get(path).await.assert_status(200);
    }
    assert_eq!(
        session_writes(&app).await,
        before,
        "a page view wrote the session"
    );
}

#[tokio::test]
async fn development_sign_in_refuses_a_bad_login_and_keeps_it() {
    let app = TestApp::spawn().await;
    let person = app.visitor();
    let page = person
        .post("/login/dev", &[("login", "not a login!")])
        .await;
    page.assert_status(422)
        .assert_contains("value=\"not a login!\"")
        .assert_contains("A GitHub login has 1 to 39 letters")
        .assert_contains("aria-invalid=\"true\"");
    assert!(users(&app).await.is_empty());
}

#[tokio::test]
async fn sign_in_redirects_only_to_local_paths() {
    let app = TestApp::spawn().await;
    for (next, expected) in [
        ("/teams", "/teams"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
        let person = app.visitor();
        person
            .post("/login/dev", &[("login", "amber-finch"), ("next", next)])
            .await
            .assert_redirect(expected);
    }
}

#[tokio::test]
async fn development_sign_in_is_refused_with_github_or_in_production() {
    let with_github = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    let person = with_github.visitor();
    person
        .get("/login")
        .await
        .assert_lacks("Development sign-in")
        .assert_contains("Sign in with GitHub");
    // A crafted request from someone signed in, with a valid token.
    through_github(&with_github, &person, "/auth/github")
        .await
        .assert_status(303);
    person
        .post("/login/dev", &[("login", "mallory")])
        .await
        .assert_status(404);
    assert!(
        users(&with_github)
            .await
            .iter()
            .all(|(_, login)| login != "mallory")
    );

    let production = TestApp::spawn_with(Options {
        github: true,
        environment: Some(Environment::Production),
        ..Options::default()
    })
    .await;
    let visitor = production.visitor();
    visitor.get("/").await.assert_lacks("Development mode");
    visitor
        .get("/login")
        .await
        .assert_lacks("Development sign-in");
    assert!(users(&production).await.is_empty());
}

#[tokio::test]
async fn github_sign_in_runs_the_real_flow() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    let github = app.github();
    github.will_sign_in(4242, "Wren-Calloway", Some("Wren Calloway"));
    let person = app.visitor();
    // A session exists before sign-in (the pending state lives in it)...
    let start = person.get("/auth/github?next=/somewhere").await;
    let authorize = start.location().expect("redirect to GitHub").to_string();
    assert!(authorize.starts_with(&github.url), "{authorize}");
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    assert!(
        !authorize.contains("scope="),
        "no scope is requested: {authorize}"
    );
    let before = person.session_cookie().expect("session before sign-in");

    // The browser goes to GitHub, which sends it back with a code.
    let callback_path = authorize_at_github(&app, &person, "/auth/github?next=/somewhere").await;
    person
        .get(&callback_path)
        .await
        .assert_redirect("/somewhere");

    // ...and its id is rotated at sign-in: the old one is no longer stored.
    let after = person.session_cookie().expect("session after sign-in");
    assert_ne!(before, after, "the session id is rotated at sign-in");
    let old_exists: bool =
        sqlx::query_scalar("select exists(select 1 from tower_sessions.session where id = $1)")
            .bind(&before)
            .fetch_one(&app.pool)
            .await
            .expect("query");
    assert!(!old_exists, "the pre-sign-in session is gone");

    person
        .get("/")
        .await
        .assert_contains("Signed in as <strong>Wren-Calloway</strong>");
    assert_eq!(
        users(&app).await,
        vec![(Some(4242), "Wren-Calloway".to_string())]
    );
    assert_eq!(github.requested_scopes(), vec![None]);
    assert_eq!(github.token_uses(), vec![1], "the token is used once");
    let stored: String = sqlx::query_scalar(
        "select string_agg(encode(data, 'escape'), '') from tower_sessions.session",
    )
    .fetch_one(&app.pool)
    .await
    .expect("sessions");
    assert!(
        !stored.contains("access_token"),
        "no token is kept in the session"
    );

    // Replaying the same callback (code used twice, state consumed) signs nobody in.
    let replay = app.visitor();
    replay.get("/auth/github").await;
    replay
        .get(&callback_path)
        .await
        .assert_status(400)
        .assert_contains("did not start here");
    replay.get("/").await.assert_lacks("Signed in as");
}

#[tokio::test]
async fn github_users_are_keyed_by_their_numeric_id() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    let sign_in = |id: i64, login: &'static str| {
        let app = &app;
        async move {
            app.github().will_sign_in(id, login, None);
            through_github(app, &app.visitor(), "/auth/github")
                .await
                .assert_status(303);
        }
    };
    // An administrator named `old-name` before their first sign-in: the placeholder is claimed.
    app.make_admin("old-name").await;
    sign_in(7, "old-name").await;
    // They rename themselves on GitHub; the same row follows them.
    sign_in(7, "new-name").await;
    // Someone else takes the freed login.
    sign_in(8, "old-name").await;
    let rows: Vec<(Option<i64>, String, bool)> =
        sqlx::query_as("select github_id, login, is_admin from users order by id")
            .fetch_all(&app.pool)
            .await
            .expect("users");
    assert_eq!(
        rows,
        vec![
            (Some(7), "new-name".into(), true),
            (Some(8), "old-name".into(), false)
        ]
    );
}

async fn failed_sign_in(fault: Fault, status: u16, message: &str) {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    app.github().set_fault(fault);
    let person = app.visitor();
    let page = through_github(&app, &person, "/auth/github").await;
    page.assert_status(status)
        .assert_contains(message)
        .assert_lacks("Signed in as");
    person.get("/").await.assert_lacks("Signed in as");
    assert!(
        users(&app).await.is_empty(),
        "nobody is signed up after {fault:?}"
    );
}

#[tokio::test]
async fn github_sign_in_failures_sign_nobody_in() {
    failed_sign_in(Fault::Deny, 403, "You declined to sign in with GitHub").await;
    failed_sign_in(
        Fault::TokenDown,
        502,
        "GitHub could not confirm the sign-in",
    )
    .await;
    failed_sign_in(
        Fault::TokenGarbage,
        502,
        "GitHub could not confirm the sign-in",
    )
    .await;
    failed_sign_in(
        Fault::UserUnauthorized,
        502,
        "GitHub did not tell us who you are",
    )
    .await;
}

#[tokio::test]
async fn github_callback_without_or_with_a_foreign_state_is_refused() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    let person = app.visitor();
    // No sign-in was started in this browser.
    person
        .get("/auth/github/callback?code=abc&state=xyz")
        .await
        .assert_status(400)
        .assert_contains("expired or was already used");
    // A sign-in was started, but the state is someone else's.
    person.get("/auth/github").await;
    person
        .get("/auth/github/callback?code=abc&state=forged")
        .await
        .assert_status(400)
        .assert_contains("did not start here");
    // Missing code.
    person.get("/auth/github").await;
    person.get("/auth/github/callback").await.assert_status(400);
    assert_eq!(app.github().token_requests(), 0, "no code was exchanged");
}

#[tokio::test]
async fn session_cookie_attributes() {
    let app = TestApp::spawn().await;
    let person = app.visitor();
    let token = person.csrf_token().await;
    let page = person
        .post_raw(
            "/login/dev",
            &[("csrf_token", &token), ("login", "amber-finch")],
            None,
        )
        .await;
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("concord_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");

    let https = TestApp::spawn_with(Options {
        https: true,
        ..Options::default()
    })
    .await;
    let person = https.visitor();
    let page = person.get("/login").await;
    page.assert_status(200);
    let cookie = page
        .set_cookies()
        .into_iter()
        .next()
        .expect("session cookie");
    assert!(cookie.starts_with("__Host-concord="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(page.headers.contains_key("strict-transport-security"));
}

#[tokio::test]
async fn a_session_id_planted_before_sign_in_is_not_kept() {
    let app = TestApp::spawn().await;
    let person = app.visitor();
    let url = app.address.parse().expect("url");
    person
        .jar
        .add_cookie_str("concord_session=planted-by-attacker; Path=/", &url);
    person.dev_sign_in("amber-finch").await;
    let id = person.session_cookie().expect("cookie");
    assert_ne!(id, "planted-by-attacker");
    person.get("/").await.assert_contains("Signed in as");
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    // Active every day for a while: idle expiry never strikes...
    for _ in 0..20 {
        app.clock.advance(Duration::days(1));
        person.get("/").await.assert_contains("Signed in as");
    }
    // ...but the absolute limit does.
    app.clock.advance(Duration::days(11));
    person.get("/").await.assert_lacks("Signed in as");

    let idle = app.signed_in("basil-moss").await;
    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    idle.get("/").await.assert_lacks("Signed in as");
}

#[tokio::test]
async fn revoking_sessions_signs_a_person_out_everywhere() {
    let app = TestApp::spawn().await;
    let laptop = app.signed_in("amber-finch").await;
    let phone = app.signed_in("amber-finch").await;
    app.clock.advance(Duration::seconds(1));
    sqlx::query("update users set sessions_valid_after = $1 where login = 'amber-finch'")
        .bind(app.clock.now())
        .execute(&app.pool)
        .await
        .expect("revoke");
    laptop.get("/").await.assert_lacks("Signed in as");
    phone.get("/").await.assert_lacks("Signed in as");
}

#[tokio::test]
async fn signing_out_ends_every_session_of_that_person() {
    let app = TestApp::spawn().await;
    let laptop = app.signed_in("amber-finch").await;
    let phone = app.signed_in("amber-finch").await;
    let someone_else = app.signed_in("basil-moss").await;
    laptop.sign_out().await.assert_redirect("/");
    laptop.get("/").await.assert_lacks("Signed in as");
    phone.get("/").await.assert_lacks("Signed in as");
    someone_else
        .get("/")
        .await
        .assert_contains("Signed in as <strong>basil-moss</strong>");
    // Signing in again, at once, works and lasts.
    phone.dev_sign_in("amber-finch").await;
    phone
        .get("/")
        .await
        .assert_contains("Signed in as <strong>amber-finch</strong>");
    phone.get("/inbox").await.assert_status(200);
}

#[tokio::test]
async fn an_administrators_removal_ends_all_sessions_and_refuses_sign_in() {
    let app = TestApp::spawn().await;
    let laptop = app.signed_in("amber-finch").await;
    let phone = app.signed_in("amber-finch").await;
    let now = app.clock.now();
    assert!(
        concord::auth::remove_person(&app.pool, "amber-finch", true, None, now)
            .await
            .expect("remove")
    );
    // Twice is harmless.
    assert!(
        !concord::auth::remove_person(&app.pool, "amber-finch", true, None, now)
            .await
            .expect("remove again")
    );
    laptop.get("/").await.assert_lacks("Signed in as");
    phone.get("/").await.assert_lacks("Signed in as");
    let page = laptop.post("/login/dev", &[("login", "amber-finch")]).await;
    page.assert_status(403)
        .assert_contains("an administrator has removed this account");
    laptop.get("/").await.assert_lacks("Signed in as");
    app.visitor()
        .get("/audit")
        .await
        .assert_contains("removed the account of");

    // Restored: signing in works again.
    assert!(
        concord::auth::remove_person(&app.pool, "amber-finch", false, None, now)
            .await
            .expect("restore")
    );
    laptop.dev_sign_in("amber-finch").await;
    laptop.get("/").await.assert_contains("Signed in as");
    app.visitor()
        .get("/audit")
        .await
        .assert_contains("restored the account of");
}

#[tokio::test]
async fn github_sign_in_returns_only_to_local_paths() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    for (next, expected) in [
        ("/teams", "/teams"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ] {
        let person = app.visitor();
        let start = format!(
            "/auth/github?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        through_github(&app, &person, &start)
            .await
            .assert_redirect(expected);
    }
}

#[tokio::test]
async fn development_sign_in_refuses_more_foreign_targets() {
    let app = TestApp::spawn().await;
    for next in [
        "/\t/evil.example",
        "javascript:alert(1)",
        "",
        "\\\\evil.example",
    ] {
        let person = app.visitor();
        person
            .post("/login/dev", &[("login", "amber-finch"), ("next", next)])
            .await
            .assert_redirect("/");
    }
}

#[tokio::test]
async fn an_administrator_removes_and_restores_a_person_on_the_people_page() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    let amber = app.signed_in("amber-finch").await;
    let basil = app.signed_in("basil-moss").await;

    // Only administrators, who find it in the navigation.
    admin
        .get("/")
        .await
        .assert_contains("<a href=\"/admin/people\">People</a>");
    basil.get("/").await.assert_lacks("href=\"/admin/people\"");
    basil.get("/admin/people").await.assert_status(403);
    basil
        .post(
            "/admin/people",
            &[("login", "amber-finch"), ("action", "remove")],
        )
        .await
        .assert_status(403);
    app.visitor()
        .get("/admin/people")
        .await
        .assert_redirect("/login?next=%2Fadmin%2Fpeople");

    // Form errors keep what was typed.
    admin
        .post(
            "/admin/people",
            &[("login", "nobody-here"), ("action", "remove")],
        )
        .await
        .assert_status(422)
        .assert_contains("Nobody with the login nobody-here is known.")
        .assert_contains("value=\"nobody-here\"");
    admin
        .post("/admin/people", &[("login", "admin"), ("action", "remove")])
        .await
        .assert_status(422)
        .assert_contains("You cannot remove yourself.");

    admin
        .post_follow(
            "/admin/people",
            &[("login", "amber-finch"), ("action", "remove")],
        )
        .await
        .assert_contains("amber-finch is removed; all their sessions ended.")
        .assert_contains("Restore amber-finch");
    amber.get("/").await.assert_lacks("Signed in as");
    amber
        .post("/login/dev", &[("login", "amber-finch")])
        .await
        .assert_status(403)
        .assert_contains("an administrator has removed this account");
    basil.get("/").await.assert_contains("Signed in as");
    app.visitor()
        .get("/audit")
        .await
        .assert_contains("removed the account of");

    admin
        .post_follow(
            "/admin/people",
            &[("login", "amber-finch"), ("action", "restore")],
        )
        .await
        .assert_contains("amber-finch is restored and may sign in again.")
        .assert_contains("Nobody is removed.");
    amber.dev_sign_in("amber-finch").await;
    amber.get("/").await.assert_contains("Signed in as");
}

#[tokio::test]
async fn githubs_public_address_is_offered_on_settings_and_never_used_unverified() {
    let app = TestApp::spawn_with(Options {
        github: true,
        ..Options::default()
    })
    .await;
    app.github()
        .will_sign_in(5151, "Ivy-Lantern", Some("Ivy Lantern"));
    let person = app.visitor();
    through_github(&app, &person, "/auth/github?next=/settings")
        .await
        .assert_redirect("/settings");
    let page = person.get("/settings").await;
    page.assert_status(200);
    let offered = crate::support::html::attrs(
        &page.body,
        "form.email-suggestion input[name=email]",
        "value",
    );
    assert_eq!(offered, vec!["ivy-lantern@mail.example.org"]);
    // Known, but not an address: nothing is sent there, nothing is queued.
    let (email, queued): (Option<String>, i64) = sqlx::query_as(
        "select email, (select count(*) from outbox) from users where login = 'Ivy-Lantern'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((email, queued), (None, 0));

    // Taking the suggestion starts the same verification as typing it.
    let answer = person
        .post(
            "/settings/email",
            &[("email", "ivy-lantern@mail.example.org")],
        )
        .await;
    answer.assert_redirect("/settings");
    let page = person.get("/settings").await;
    page.assert_status(200);
    assert_eq!(
        crate::support::html::texts(&page.body, ".pending-email strong"),
        vec!["ivy-lantern@mail.example.org"]
    );
    assert!(
        crate::support::html::attrs(&page.body, "form.email-suggestion", "action").is_empty(),
        "no longer offered while its link waits"
    );
}
