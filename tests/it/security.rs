//! The security defaults: headers on every response, CSRF on every POST, limits, and
//! error pages that show no internals.

use concord::config::Limits;

use crate::support::{Client, Options, Page, TestApp};

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    for path in [
        "/",
        "/login",
        "/healthz",
        "/readyz",
        "/static/style.css",
        "/no-such-page",
    ] {
        let page = visitor.get(path).await;
        let csp = page.headers["content-security-policy"]
            .to_str()
            .expect("csp");
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert!(page.headers.contains_key("referrer-policy"), "{path}");
        assert!(page.headers.contains_key("x-request-id"), "{path}");
        assert!(
            !page.headers.contains_key("strict-transport-security"),
            "{path}: no HSTS over http"
        );
    }
}

#[tokio::test]
async fn a_post_without_the_token_or_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let token = person.csrf_token().await;
    let origin = app.address.as_str();

    // No token, a wrong token, another site's Origin: refused, and still signed in.
    person
        .post_raw("/logout", &[], Some(origin))
        .await
        .assert_status(403);
    person
        .post_raw("/logout", &[("csrf_token", "0000")], Some(origin))
        .await
        .assert_status(403);
    person
        .post_raw(
            "/logout",
            &[("csrf_token", &token)],
            Some("https://evil.example"),
        )
        .await
        .assert_status(403)
        .assert_contains("another site");
    person.get("/").await.assert_contains("Signed in as");

    // A browser's cross-site form post, told apart by Sec-Fetch-Site.
    let response = person
        .http
        .post(person.url("/logout"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
    person.get("/").await.assert_contains("Signed in as");

    // Another person's token does not work in this session.
    let other = app.signed_in("basil-moss").await;
    let other_token = other.csrf_token().await;
    person
        .post_raw("/logout", &[("csrf_token", &other_token)], Some(origin))
        .await
        .assert_status(403);

    // With its own token, from this site, it works.
    person
        .post_raw("/logout", &[("csrf_token", &token)], Some(origin))
        .await
        .assert_redirect("/");
}

#[tokio::test]
async fn state_never_changes_on_get() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    person.get("/logout").await.assert_status(405);
    person
        .get("/login/dev?login=mallory")
        .await
        .assert_status(405);
    person
        .get("/")
        .await
        .assert_contains("Signed in as <strong>amber-finch</strong>");
}

#[tokio::test]
async fn error_pages_show_a_request_id_and_no_internals() {
    let app = TestApp::spawn().await;
    let page = app.visitor().get("/no-such-page").await;
    page.assert_status(404)
        .assert_contains("<h1>Not Found</h1>")
        .assert_contains("There is nothing at this address.");
    let id = page.headers["x-request-id"].to_str().expect("id");
    page.assert_contains(id);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let person = app.visitor();
    let huge = "x".repeat(300 * 1024);
    let page = person.post("/login/dev", &[("login", &huge)]).await;
    assert!(page.status == 413 || page.status == 400, "{}", page.status);
    page.assert_contains("too large");
}

#[tokio::test]
async fn a_sign_in_is_required_for_private_pages() {
    // A protected GET sends visitors to sign in and back.
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let page = visitor.get("/logout").await;
    page.assert_status(405);
}

#[tokio::test]
async fn health_checks() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor
        .get("/healthz")
        .await
        .assert_status(200)
        .assert_contains("ok");
    visitor
        .get("/readyz")
        .await
        .assert_status(200)
        .assert_contains("ready");
    app.pool.close().await;
    visitor.get("/readyz").await.assert_status(503);
    visitor.get("/").await.assert_status(200);
}

fn with_limits(limits: Limits) -> Options {
    Options {
        limits: Some(limits),
        ..Options::default()
    }
}

#[track_caller]
fn assert_too_many(page: &Page, message: &str) {
    page.assert_status(429)
        .assert_contains("<h1>Too Many Requests</h1>")
        .assert_contains(message);
    let wait: u64 = page.headers["retry-after"]
        .to_str()
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    page.assert_contains(&format!("Please wait {wait} second"));
}

#[tokio::test]
async fn sign_ins_are_limited_per_address() {
    let app = TestApp::spawn_with(with_limits(Limits {
        rate_sign_ins_per_address: 3,
        ..Limits::without_rate_limits()
    }))
    .await;
    for login in ["amber-finch", "basil-moss", "cedar-wren"] {
        app.signed_in(login).await;
    }
    let fourth = app.visitor();
    let page = fourth.post("/login/dev", &[("login", "dara-lark")]).await;
    assert_too_many(&page, "Too many sign-in attempts from your address.");
    // Reading pages is not limited.
    fourth.get("/login").await.assert_status(200);
}

#[tokio::test]
async fn github_sign_ins_are_limited_per_address_too() {
    let app = TestApp::spawn_with(Options {
        github: true,
        limits: Some(Limits {
            rate_sign_ins_per_address: 2,
            ..Limits::without_rate_limits()
        }),
        ..Options::default()
    })
    .await;
    let person = app.visitor();
    person.get("/auth/github").await.assert_status(303);
    person.get("/auth/github").await.assert_status(303);
    let page = person.get("/auth/github").await;
    assert_too_many(&page, "Too many sign-in attempts");
}

#[tokio::test]
async fn writes_are_limited_per_person() {
    let app = TestApp::spawn_with(with_limits(Limits {
        rate_writes_per_person: 3,
        ..Limits::without_rate_limits()
    }))
    .await;
    let person = app.signed_in("amber-finch").await;
    for _ in 0..3 {
        let page = person.post("/teams", &[("name", "")]).await;
        assert_ne!(page.status, 429, "{}", page.body);
    }
    let page = person.post("/teams", &[("name", "")]).await;
    assert_too_many(&page, "You have made too many changes in a short time.");
    // Someone else at the same address is not held back.
    let other = app.signed_in("basil-moss").await;
    let page = other.post("/teams", &[("name", "")]).await;
    assert_ne!(page.status, 429);
    // Refused requests (no CSRF token) do not use up a person's allowance.
    let third = app.signed_in("cedar-wren").await;
    for _ in 0..5 {
        third
            .post_raw("/teams", &[], Some(&app.address))
            .await
            .assert_status(403);
    }
    let page = third.post("/teams", &[("name", "")]).await;
    assert_ne!(page.status, 429);
}

/// Posts with this `X-Forwarded-For` header.
async fn post_from(person: &Client, forwarded_for: &str) -> u16 {
    let token = person.csrf_token().await;
    person
        .http
        .post(person.url("/teams"))
        .header("origin", &person.address)
        .header("x-forwarded-for", forwarded_for)
        .form(&[("csrf_token", token.as_str()), ("name", "")])
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

#[tokio::test]
async fn writes_are_limited_per_address_found_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(with_limits(Limits {
        rate_writes_per_address: 2,
        trusted_proxies: vec!["127.0.0.0/8".parse().expect("net")],
        ..Limits::without_rate_limits()
    }))
    .await;
    let person = app.signed_in("amber-finch").await;
    // The proxy appends the real client; what the client wrote to the left is ignored.
    assert_ne!(post_from(&person, "203.0.113.7").await, 429);
    assert_ne!(post_from(&person, "1.2.3.4, 203.0.113.7").await, 429);
    assert_eq!(post_from(&person, "9.9.9.9, 203.0.113.7").await, 429);
    // Another client behind the same proxy has its own allowance.
    assert_ne!(post_from(&person, "203.0.113.8").await, 429);

    // Without trusted proxies the header is ignored: everyone here is 127.0.0.1.
    let app = TestApp::spawn_with(with_limits(Limits {
        rate_writes_per_address: 2,
        ..Limits::without_rate_limits()
    }))
    .await;
    let person = app.signed_in("amber-finch").await;
    assert_ne!(post_from(&person, "203.0.113.1").await, 429);
    assert_ne!(post_from(&person, "203.0.113.2").await, 429);
    assert_eq!(post_from(&person, "203.0.113.3").await, 429);
}

/// Every POST route in the route table refuses a request without the token, with a
/// wrong token, from another origin, and a browser's cross-site request — and changes
/// nothing, whoever sends it.
#[tokio::test]
async fn every_post_route_refuses_forged_requests() {
    use crate::support::scenario::Scenario;

    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let member = app.signed_in(&s.member).await;
    let token = member.csrf_token().await;
    let posts: Vec<_> = concord::router::route_table()
        .into_iter()
        .filter(|r| r.method == axum::http::Method::POST)
        // The one-click unsubscribe is posted by mail clients without cookies (RFC 8058):
        // its credential is the link's own token (tests/it/notify.rs).
        .filter(|r| r.path != "/unsubscribe")
        // The API takes no cookies: its writes are authorized by a bearer token, which a
        // cross-site form cannot send (tests/it/api_v1.rs), and leaked tokens are reported
        // by scanners without any (tests/it/tokens.rs).
        .filter(|r| !r.path.starts_with("/api/"))
        .collect();
    assert!(posts.len() > 40, "{} POST routes", posts.len());
    let audit_before: i64 = sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    let origin = app.address.as_str();
    let checks = posts.iter().map(|route| {
        let path = s.fill(route.path);
        let member = &member;
        let token = token.as_str();
        let s = &s;
        async move {
            let mut failures = Vec::new();
            let fields = [("team", s.team.as_str())];
            let with_token = [("csrf_token", token), ("team", s.team.as_str())];
            let wrong = [("csrf_token", "0000"), ("team", s.team.as_str())];
            for (what, page) in [
                (
                    "no token",
                    member.post_raw(&path, &fields, Some(origin)).await,
                ),
                (
                    "a wrong token",
                    member.post_raw(&path, &wrong, Some(origin)).await,
                ),
                (
                    "another origin",
                    member
                        .post_raw(&path, &with_token, Some("https://evil.example"))
                        .await,
                ),
                (
                    "the null origin",
                    member.post_raw(&path, &with_token, Some("null")).await,
                ),
            ] {
                if page.status != 403 {
                    failures.push(format!("POST {path} with {what}: {}", page.status));
                }
            }
            let response = member
                .http
                .post(member.url(&path))
                .header("sec-fetch-site", "cross-site")
                .form(&with_token)
                .send()
                .await
                .expect("post");
            if response.status() != 403 {
                failures.push(format!(
                    "POST {path} cross-site (Sec-Fetch-Site): {}",
                    response.status()
                ));
            }
            failures
        }
    });
    let failures: Vec<String> = futures::future::join_all(checks)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let audit_after: i64 = sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(
        audit_before, audit_after,
        "a refused request changed something"
    );
    // Still signed in: /logout was refused too.
    member.get("/").await.assert_contains("Signed in as");
}

#[tokio::test]
async fn tabs_opened_at_once_after_sign_in_share_one_token() {
    let app = TestApp::spawn().await;
    let amber = app.visitor();
    amber.dev_sign_in("amber-finch").await;
    // No page seen since signing in; four open at once, as tabs restored by a browser.
    let pages =
        futures::future::join_all(["/", "/teams", "/posts", "/inbox"].map(|path| amber.get(path)))
            .await;
    let tokens: Vec<String> = pages
        .iter()
        .map(|page| crate::support::find_csrf_token(&page.body).expect("a form token"))
        .collect();
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "tabs got different tokens: {tokens:?}"
    );
    // A form from any of them is accepted.
    amber
        .post_raw(
            "/logout",
            &[("csrf_token", tokens[3].as_str())],
            Some(&amber.address),
        )
        .await
        .assert_status(303);
}

#[tokio::test]
async fn a_rate_limited_form_comes_back_with_what_was_typed() {
    let app = TestApp::spawn_with(with_limits(Limits {
        rate_writes_per_person: 1,
        ..Limits::without_rate_limits()
    }))
    .await;
    let person = app.signed_in("amber-finch").await;
    person.post("/teams", &[("name", "")]).await;
    let typed = "A long thought <b>worth</b> keeping\nover two lines.";
    let page = person
        .post("/teams", &[("name", "Readers"), ("purpose", typed)])
        .await;
    assert_too_many(&page, "You have made too many changes in a short time.");
    let html = scraper::Html::parse_document(&page.body);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let form = html
        .select(&select("form[method=post][action=\"/teams\"]"))
        .next()
        .expect("the refused form, to send again");
    let fields: Vec<(String, String)> = form
        .select(&select("textarea"))
        .map(|t| {
            (
                t.value().attr("name").unwrap_or("").to_string(),
                t.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("name".to_string(), "Readers".to_string()),
            ("purpose".to_string(), typed.to_string())
        ]
    );
    let token = form
        .select(&select("input[type=hidden][name=csrf_token]"))
        .next()
        .and_then(|i| i.value().attr("value"));
    assert_eq!(token, Some(person.csrf_token().await.as_str()));
}

#[tokio::test]
async fn an_expired_form_gives_its_text_back_but_a_forged_one_does_not() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    person.csrf_token().await;
    let typed = "Everything I wrote\nbefore lunch.";
    let origin = app.address.as_str();
    let expired = person
        .post_raw(
            "/teams",
            &[("csrf_token", "0000"), ("purpose", typed)],
            Some(origin),
        )
        .await;
    expired
        .assert_status(403)
        .assert_contains("the form has expired");
    let html = scraper::Html::parse_document(&expired.body);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let shown: Vec<String> = html
        .select(&select("textarea[readonly]"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(shown, [typed]);
    assert!(
        html.select(&select("form[method=post]")).next().is_none(),
        "no way to send it again"
    );
    let forged = person
        .post_raw(
            "/teams",
            &[("purpose", typed)],
            Some("https://evil.example"),
        )
        .await;
    forged.assert_status(403);
    assert!(!forged.body.contains("before lunch"), "{}", forged.body);
}
