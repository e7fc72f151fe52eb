//! The security defaults: headers on every response, CSRF on every POST, limits, and
//! error pages that show no internals.

use crate::support::TestApp;

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
