//! Personal API tokens through HTTP against PostgreSQL: made at `/settings/tokens` and
//! shown once, stored only as a hash, used as `Authorization: Bearer` on `/api/v1/` only,
//! refused with a JSON 401 that says why (malformed, unknown, revoked, regenerated,
//! expired, unused for 90 days, owner removed), and told about before they end.

use serde_json::Value;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::notify::{app_with_smtp, deliver, give_addresses};
use crate::support::html::{attrs, texts};
use crate::support::logs::token_lines_with;
use crate::support::scenario::Scenario;
use crate::support::smtp::SmtpSink;
use crate::support::{Client, Options, Page, TestApp};

/// Makes a token on the settings page; returns the page that shows it.
async fn make(client: &Client, name: &str, days: &str, scopes: &[&str]) -> Page {
    let key = concord::web::idempotency::new_key();
    let mut fields = vec![
        ("name", name),
        ("expires_in_days", days),
        ("idempotency_key", key.as_str()),
    ];
    fields.extend(scopes.iter().map(|s| ("scopes", *s)));
    client.post("/settings/tokens", &fields).await
}

/// The secret a creation page shows.
#[track_caller]
fn secret_on(page: &Page) -> String {
    page.assert_status(200);
    let shown = attrs(&page.body, "#token-secret", "value");
    assert_eq!(shown.len(), 1, "{}", page.body);
    shown[0].clone()
}

async fn make_secret(client: &Client, name: &str, days: &str, scopes: &[&str]) -> String {
    secret_on(&make(client, name, days, scopes).await)
}

/// An API call with `authorization`, as a bot without cookies makes it.
async fn api(app: &TestApp, path: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.address));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("API call");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")),
    )
}

async fn me(app: &TestApp, secret: &str) -> (u16, Value) {
    api(app, "/api/v1/me", Some(&format!("Bearer {secret}"))).await
}

#[track_caller]
fn assert_refused(answer: &(u16, Value), status: u16, code: &str, says: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{message:?} should say {says:?}");
    assert!(
        body["request_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn a_token_is_shown_once_stored_as_a_hash_and_answers_for_its_owner() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let member = app.signed_in(&s.member).await;

    // The settings page leads to the tokens; the form starts with 30 days and `read` only.
    let settings = member.get("/settings").await;
    settings.assert_status(200);
    assert_eq!(
        attrs(&settings.body, "a[href='/settings/tokens']", "href").len(),
        1
    );
    let form = member.get("/settings/tokens").await;
    form.assert_status(200);
    assert_eq!(attrs(&form.body, "#expires_in_days", "value"), ["30"]);
    assert_eq!(
        attrs(&form.body, "input[name=scopes][checked]", "value"),
        ["read"]
    );
    assert_eq!(attrs(&form.body, "input[name=scopes]", "value").len(), 5);
    assert_eq!(texts(&form.body, ".no-tokens").len(), 1);

    let key = concord::web::idempotency::new_key();
    let fields = [
        ("name", "rfcbot"),
        ("expires_in_days", "30"),
        ("scopes", "read"),
        ("idempotency_key", key.as_str()),
    ];
    let made = member.post("/settings/tokens", &fields).await;
    let secret = secret_on(&made);
    assert_eq!(
        made.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert!(
        secret.starts_with("concord_pat_") && secret.len() == 48,
        "{secret}"
    );
    assert!(concord::tokens::model::is_well_formed(&secret));

    // Sent again (a double click): nothing new, and the list instead of a second secret.
    let again = member.post("/settings/tokens", &fields).await;
    again.assert_redirect("/settings/tokens");
    let count: i64 = sqlx::query_scalar("select count(*) from personal_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);

    // Only the hash is stored; no column holds the secret.
    let (hash, text): (Vec<u8>, String) =
        sqlx::query_as("select token_hash, row_to_json(t)::text from personal_tokens t")
            .fetch_one(&app.pool)
            .await
            .expect("the token");
    assert_eq!(hash, Sha256::digest(secret.as_bytes()).to_vec());
    assert!(!text.contains(&secret[12..]), "{text}");

    // The list shows it, never the secret.
    let list = member.get("/settings/tokens").await;
    list.assert_status(200);
    assert_eq!(texts(&list.body, ".token-name"), ["rfcbot"]);
    assert_eq!(texts(&list.body, ".token-scopes"), ["read"]);
    assert_eq!(texts(&list.body, ".token-used"), ["Never"]);
    assert!(
        texts(&list.body, ".token-expires")[0].contains("2026-04-01"),
        "{}",
        list.body
    );
    list.assert_lacks(&secret[12..]);

    // The API answers for the owner, privately.
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.address))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("me");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["login"], s.member.as_str());
    assert_eq!(body["token"]["name"], "rfcbot");
    assert_eq!(body["token"]["scopes"], serde_json::json!(["read"]));
    let teams: Vec<&str> = body["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .filter_map(|t| t["slug"].as_str())
        .collect();
    assert!(teams.contains(&s.team.as_str()), "{body}");

    // Last used: the time and the address.
    let list = member.get("/settings/tokens").await;
    let used = &texts(&list.body, ".token-used")[0];
    assert!(
        used.contains("2026-03-02") && used.contains("127.0.0.1"),
        "{used}"
    );

    // The secret appeared in no log line and no page but the one that made it.
    assert_eq!(token_lines_with(&secret[12..]), Vec::<String>::new());
    let shown_in = app
        .documents
        .all()
        .into_iter()
        .filter(|d| d.html.contains(&secret[12..]))
        .count();
    assert_eq!(shown_in, 1);
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    for (name, days, scopes, field, says) in [
        ("", "30", vec!["read"], "name", "The name is required."),
        (
            "bot",
            "",
            vec!["read"],
            "expires_in_days",
            "every token expires",
        ),
        (
            "bot",
            "366",
            vec!["read"],
            "expires_in_days",
            "from 1 to 365 days",
        ),
        (
            "bot",
            "never",
            vec!["read"],
            "expires_in_days",
            "from 1 to 365 days",
        ),
        ("bot", "30", vec![], "scopes", "at least one scope"),
        (
            "bot",
            "30",
            vec!["admin"],
            "scopes",
            "\u{201c}admin\u{201d} is not a scope",
        ),
    ] {
        let page = make(&person, name, days, &scopes).await;
        page.assert_status(422);
        let message = texts(&page.body, &format!("#{field}-error")).join(" ");
        assert!(message.contains(says), "{field}: {message:?}");
        assert_eq!(attrs(&page.body, "#name", "value"), [name]);
        assert_eq!(attrs(&page.body, "#expires_in_days", "value"), [days]);
        let ticked = attrs(&page.body, "input[name=scopes][checked]", "value");
        let known: Vec<&str> = scopes.iter().copied().filter(|s| *s != "admin").collect();
        assert_eq!(ticked, known);
        assert!(attrs(&page.body, "#token-secret", "value").is_empty());
    }
    let count: i64 = sqlx::query_scalar("select count(*) from personal_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
    // A visitor has no tokens page.
    let page = app.visitor().get("/settings/tokens").await;
    assert!(page.location().is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn every_token_that_is_not_live_is_refused_with_a_clear_json_401() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let secret = make_secret(&person, "dashboard", "30", &["read"]).await;
    assert_eq!(me(&app, &secret).await.0, 200);

    assert_refused(
        &api(&app, "/api/v1/me", None).await,
        401,
        "token_required",
        "Authorization: Bearer",
    );
    assert_refused(
        &api(&app, "/api/v1/me", Some("Basic YW1iZXI6cGFzcw==")).await,
        401,
        "invalid_authorization",
        "no other kind",
    );
    // One character changed: the checksum fails.
    let mut broken = secret.clone().into_bytes();
    broken[20] = if broken[20] == b'a' { b'b' } else { b'a' };
    let broken = String::from_utf8(broken).expect("text");
    assert_refused(&me(&app, &broken).await, 401, "token_malformed", "checksum");
    assert_refused(
        &me(&app, "concord_pat_short").await,
        401,
        "token_malformed",
        "checksum",
    );
    // Well-formed, but no such token.
    let stranger = concord::tokens::model::new_secret();
    assert_refused(
        &me(&app, &stranger).await,
        401,
        "token_unknown",
        "No such token",
    );
    // A bad token is refused on the public API too; without one it stays open.
    assert_refused(
        &api(&app, "/api/v1/teams", Some(&format!("Bearer {stranger}"))).await,
        401,
        "token_unknown",
        "No such token",
    );
    assert_eq!(api(&app, "/api/v1/teams", None).await.0, 200);
    assert_eq!(
        api(&app, "/api/v1/teams", Some(&format!("Bearer {secret}")))
            .await
            .0,
        200
    );

    // A token without `read` is known but may not read.
    let writer = make_secret(&person, "writer", "30", &["feedback:write"]).await;
    assert_refused(&me(&app, &writer).await, 403, "insufficient_scope", "read");

    // Revoked by its owner, in one click.
    let id: i64 = sqlx::query_scalar("select id from personal_tokens where name = 'dashboard'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let page = person
        .post(&format!("/settings/tokens/{id}/revoke"), &[])
        .await;
    page.assert_redirect("/settings/tokens");
    let list = person.get_follow("/settings/tokens").await;
    list.assert_status(200);
    list.assert_contains("The token “dashboard” is revoked");
    assert_eq!(texts(&list.body, ".token-name"), ["writer"]);
    assert_refused(
        &me(&app, &secret).await,
        401,
        "token_revoked",
        "by its owner",
    );
    // Somebody else's token is not found, and stays alive.
    let other = app.signed_in("basil-moor").await;
    let theirs = make_secret(&other, "theirs", "30", &["read"]).await;
    let their_id: i64 = sqlx::query_scalar("select id from personal_tokens where name = 'theirs'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let page = person
        .post(&format!("/settings/tokens/{their_id}/revoke"), &[])
        .await;
    page.assert_status(404);
    assert_eq!(me(&app, &theirs).await.0, 200);

    // Expired.
    app.clock.advance(Duration::days(30));
    assert_refused(
        &me(&app, &theirs).await,
        401,
        "token_expired",
        "expired at 2026-04-01",
    );

    // A removed person's tokens stop at the next request.
    let other = app.signed_in("basil-moor").await;
    let fresh = make_secret(&other, "fresh", "30", &["read"]).await;
    assert_eq!(me(&app, &fresh).await.0, 200);
    sqlx::query("update users set removed_at = now() where login = 'basil-moor'")
        .execute(&app.pool)
        .await
        .expect("remove");
    assert_refused(&me(&app, &fresh).await, 401, "person_removed", "removed");
}

#[tokio::test]
async fn a_token_is_never_accepted_on_pages_nor_a_cookie_on_the_api() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let secret = make_secret(&person, "bot", "30", &["read"]).await;
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/settings/tokens", app.address))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 303, "a page is for cookies only");
    assert!(
        page.headers()["location"]
            .to_str()
            .is_ok_and(|l| l.starts_with("/login"))
    );
    // The signed-in browser's cookies do not open the API's private answer.
    let answer = person.get("/api/v1/me").await;
    answer.assert_status(401);
    let body: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(body["code"], "token_required");
}

#[tokio::test]
async fn regenerating_keeps_name_and_scopes_and_ends_the_old_secret() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let old = make_secret(&person, "chat bridge", "10", &["read", "comments:write"]).await;
    let id: i64 = sqlx::query_scalar("select id from personal_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    app.clock.advance(Duration::days(2));
    let page = person
        .post(&format!("/settings/tokens/{id}/regenerate"), &[])
        .await;
    let new = secret_on(&page);
    assert_ne!(new, old);
    assert_refused(&me(&app, &old).await, 401, "token_revoked", "regenerated");
    let (status, body) = me(&app, &new).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token"]["name"], "chat bridge");
    assert_eq!(
        body["token"]["scopes"],
        serde_json::json!(["read", "comments:write"])
    );
    // The same lifetime, from now: ten days.
    assert!(
        body["token"]["expires_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-03-14")),
        "{body}"
    );
    // The old one cannot be regenerated again.
    let page = person
        .post(&format!("/settings/tokens/{id}/regenerate"), &[])
        .await;
    page.assert_status(409);
}

#[tokio::test]
async fn last_use_is_written_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let secret = make_secret(&person, "bot", "30", &["read"]).await;
    let last_used = || async {
        sqlx::query_scalar::<_, Option<time::OffsetDateTime>>(
            "select last_used_at from personal_tokens",
        )
        .fetch_one(&app.pool)
        .await
        .expect("last used")
    };
    assert_eq!(last_used().await, None);
    me(&app, &secret).await;
    let first = last_used().await.expect("used");
    app.clock.advance(Duration::seconds(30));
    me(&app, &secret).await;
    assert_eq!(last_used().await, Some(first));
    app.clock.advance(Duration::seconds(31));
    me(&app, &secret).await;
    assert_eq!(last_used().await, Some(first + Duration::seconds(61)));
}

#[tokio::test]
async fn owners_are_told_before_a_token_ends_and_unused_tokens_die_by_themselves() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    give_addresses(&app, &["amber-finch"]).await;
    let person = app.signed_in("amber-finch").await;
    let short = make_secret(&person, "short-lived", "10", &["read"]).await;
    let idle = make_secret(&person, "idle", "365", &["read"]).await;
    let subjects = || {
        sink.to("amber-finch@example.org")
            .into_iter()
            .map(|m| m.subject)
            .filter(|s| s.starts_with("Your API token"))
            .collect::<Vec<_>>()
    };
    deliver(&app).await;
    assert_eq!(subjects(), Vec::<String>::new());

    // Four days later the short one ends within a week: one notice, however often we scan.
    app.clock.advance(Duration::days(4));
    assert_eq!(me(&app, &short).await.0, 200);
    deliver(&app).await;
    deliver(&app).await;
    assert_eq!(
        subjects(),
        ["Your API token “short-lived” ends on 2026-03-12 09:00 UTC"]
    );

    // 84 days after it was made, the idle one is a week from being revoked for disuse.
    app.clock.advance(Duration::days(80));
    deliver(&app).await;
    let told = subjects();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told[1].contains("“idle”") && told[1].contains("2026-05-31"),
        "{told:?}"
    );
    let mail = sink
        .to("amber-finch@example.org")
        .into_iter()
        .find(|m| m.subject.contains("“idle”"))
        .expect("the notice");
    assert!(
        mail.text.contains("not been used for 90 days"),
        "{}",
        mail.text
    );

    // At 90 days it is revoked by the scan, and refused.
    app.clock.advance(Duration::days(6));
    deliver(&app).await;
    let why: Option<String> =
        sqlx::query_scalar("select revoked_why from personal_tokens where name = 'idle'")
            .fetch_one(&app.pool)
            .await
            .expect("why");
    assert_eq!(why.as_deref(), Some("unused"));
    assert_refused(
        &me(&app, &idle).await,
        401,
        "token_revoked",
        "not used for 90 days",
    );
}

async fn report(app: &TestApp, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/token-leaks", app.address))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("report");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn a_reported_leak_revokes_the_token_tells_its_owner_and_answers_the_same_either_way() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    give_addresses(&app, &["amber-finch"]).await;
    let person = app.signed_in("amber-finch").await;
    let leaked = make_secret(&person, "ci bot", "30", &["read"]).await;
    let kept = make_secret(&person, "kept", "30", &["read"]).await;
    let place = "https://example.org/some/repo/blob/main/.env";

    // Strings that are no live token get the same answer as a real one.
    let stranger = concord::tokens::model::new_secret();
    let nothing = report(
        &app,
        &serde_json::json!({ "tokens": ["concord_pat_nonsense", stranger], "url": place })
            .to_string(),
    )
    .await;
    let real = report(
        &app,
        &serde_json::json!({ "tokens": [leaked, "concord_pat_nonsense"], "url": place })
            .to_string(),
    )
    .await;
    assert_eq!(nothing.0, 202);
    assert_eq!(real, nothing);

    assert_refused(
        &me(&app, &leaked).await,
        401,
        "token_revoked",
        "reported leaked",
    );
    assert_eq!(me(&app, &kept).await.0, 200);
    // Reported again (as GitHub's scanner lists them): nothing more happens.
    let again = report(
        &app,
        &serde_json::json!([{ "token": leaked, "type": "concord_pat", "url": place }]).to_string(),
    )
    .await;
    assert_eq!(again.0, 202);

    deliver(&app).await;
    let told: Vec<_> = sink
        .to("amber-finch@example.org")
        .into_iter()
        .filter(|m| m.subject.contains("reported leaked"))
        .collect();
    assert_eq!(told.len(), 1);
    assert!(
        told[0].text.contains(place) && told[0].text.contains("127.0.0.1"),
        "{}",
        told[0].text
    );
    assert!(!told[0].text.contains(&leaked[12..]));

    // The audit log says a token of hers was reported, never the token.
    let entries: Vec<String> = sqlx::query_scalar(
        "select row_to_json(a)::text from audit_entries a where action = 'token.reported_leaked'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit");
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0].contains("ci bot") && !entries[0].contains(&leaked[12..]),
        "{}",
        entries[0]
    );
    assert_eq!(token_lines_with(&leaked[12..]), Vec::<String>::new());

    // What is not a report is refused with a message.
    for body in ["not json", "{}", "[1, 2]", r#"{"tokens": []}"#] {
        let (status, answer) = report(&app, body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "invalid_report");
    }
}

#[tokio::test]
async fn leak_reports_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(Options {
        limits: Some(concord::config::Limits {
            rate_writes_per_address: 2,
            ..concord::config::Limits::without_rate_limits()
        }),
        ..Options::default()
    })
    .await;
    let body = serde_json::json!({ "tokens": ["concord_pat_x"] }).to_string();
    assert_eq!(report(&app, &body).await.0, 202);
    assert_eq!(report(&app, &body).await.0, 202);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/token-leaks", app.address))
        .body(body)
        .send()
        .await
        .expect("report");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}
