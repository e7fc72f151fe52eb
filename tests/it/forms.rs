//! Property tests of every form: each POST route in the route table is submitted with
//! generated input in every field — huge, empty, control characters, invalid UTF-8
//! (percent-encoded bytes that are not UTF-8), HTML and JavaScript payloads, SQL-looking
//! text, right-to-left overrides and arbitrary Unicode. The answer must be a success or a
//! 4xx page with a message; never a 5xx; and neither it nor the page a success redirects
//! to may contain executable markup from the input.
//!
//! Inputs come from proptest strategies with a fixed seed (reproducible in CI) and a
//! fixed number of cases per form; requests go over HTTP to the real application, so
//! cases are generated up front rather than shrunk.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::support::scenario::Scenario;
use crate::support::{Client, TestApp};

/// Cases per form.
const CASES: usize = 24;

/// The fields of every form, by route pattern. A POST route missing here fails
/// `every_form_survives_generated_input`.
pub const FORMS: &[(&str, &[&str])] = &[
    ("/admin/people", &["login", "action"]),
    ("/admin/tokens/{id}/revoke", &[]),
    ("/admin/github/apply", &[]),
    ("/teams/{slug}/github", &["github_slug"]),
    ("/teams/{slug}/github/unlink", &[]),
    ("/settings/calendar", &[]),
    ("/settings/calendar/revoke", &[]),
    ("/calls/{id}/endorse", &["login", "endorsement"]),
    ("/calls/{id}/nominate", &["nominee", "statement"]),
    ("/calls/{id}/shortlist", &["nomination", "closes_at"]),
    ("/decisions/{id}/concerns", &["concern"]),
    (
        "/decisions/{id}/concerns/{concern_id}/hand-over",
        &["to_login"],
    ),
    ("/decisions/{id}/concerns/{concern_id}/overrule", &[]),
    (
        "/decisions/{id}/concerns/{concern_id}/resolve",
        &["resolution"],
    ),
    ("/decisions/{id}/holds", &[]),
    ("/decisions/{id}/holds/release", &[]),
    ("/decisions/{id}/outcome", &["statement", "review_on"]),
    ("/decisions/{id}/review", &[]),
    ("/teams/{slug}/still-active", &[]),
    ("/teams/{slug}/members/{login}/vouch", &[]),
    ("/teams/{slug}/members/{login}/alumni", &[]),
    ("/decisions/{id}/positions", &["stance", "comment"]),
    ("/decisions/{id}/proxy", &["proxy_login"]),
    (
        "/decisions/{id}/proxy/positions",
        &["principal", "stance", "comment"],
    ),
    ("/decisions/{id}/proxy/take-back", &[]),
    ("/decisions/{id}/withdraw", &["reason"]),
    ("/eligibility", &["list_name", "login"]),
    ("/eligibility/{id}/remove", &[]),
    ("/login/dev", &["login", "next"]),
    ("/logout", &[]),
    ("/settings/email", &["email"]),
    ("/settings/email/remove", &[]),
    ("/settings/email/verify", &["token"]),
    (
        "/settings/notifications",
        &["nominated", "decision_opened", "digest_hour"],
    ),
    (
        "/teams/{slug}/webhooks",
        &["url", "secret", "idempotency_key"],
    ),
    ("/teams/{slug}/webhooks/{id}/remove", &[]),
    (
        "/settings/tokens",
        &["name", "expires_in_days", "scopes", "idempotency_key"],
    ),
    ("/settings/sign-out-everywhere", &[]),
    ("/settings/tokens/{id}/regenerate", &[]),
    ("/settings/tokens/{id}/revoke", &[]),
    ("/api/v1/token-leaks", &["tokens", "url"]),
    // Without a token these are refused before their JSON is read (tests/it/api_v1.rs
    // sends them bad JSON with one).
    (
        "/api/v1/rfcs",
        &["team", "title", "summary", "body", "pull_request_url"],
    ),
    ("/api/v1/rfcs/{id}/revisions", &["title", "summary", "body"]),
    ("/api/v1/rfcs/{id}/feedback", &["body", "visibility"]),
    ("/api/v1/rfcs/{id}/feedback/{feedback_id}", &["body"]),
    ("/api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw", &[]),
    ("/api/v1/decisions/{id}/positions", &["stance", "comment"]),
    ("/api/v1/posts", &["team", "title", "body"]),
    ("/api/v1/posts/{team}/{slug}", &["title", "body"]),
    ("/api/v1/posts/{team}/{slug}/comments", &["body"]),
    ("/unsubscribe", &["List-Unsubscribe"]),
    ("/nominations/{id}/accept", &["note"]),
    ("/nominations/{id}/admit", &["closes_at"]),
    ("/nominations/{id}/announce", &["note"]),
    ("/nominations/{id}/decline", &["note"]),
    ("/nominations/{id}/feedback", &["note"]),
    ("/nominations/{id}/interview", &["note"]),
    ("/nominations/{id}/not-selected", &["note"]),
    ("/nominations/{id}/withdraw", &["note"]),
    (
        "/posts",
        &[
            "team",
            "title",
            "body",
            "timeline",
            "members",
            "decisions",
            "idempotency_key",
            "action",
        ],
    ),
    (
        "/posts/{team}/{slug}/actions",
        &["text", "owner", "due_on", "status", "idempotency_key"],
    ),
    (
        "/posts/{team}/{slug}/actions/{id}",
        &["text", "owner", "due_on", "status", "idempotency_key"],
    ),
    ("/posts/{team}/{slug}/approve", &["version", "comment"]),
    (
        "/posts/{team}/{slug}/comments",
        &["body", "idempotency_key"],
    ),
    ("/posts/{team}/{slug}/comments/{id}/delete", &[]),
    (
        "/posts/{team}/{slug}/comments/{id}/edit",
        &["body", "idempotency_key"],
    ),
    (
        "/posts/{team}/{slug}/edit",
        &[
            "title",
            "body",
            "timeline",
            "members",
            "decisions",
            "idempotency_key",
            "action",
        ],
    ),
    ("/posts/{team}/{slug}/like", &["like"]),
    ("/posts/{team}/{slug}/pin", &["pin"]),
    (
        "/posts/{team}/{slug}/request-changes",
        &["version", "comment"],
    ),
    ("/posts/{team}/{slug}/submit", &[]),
    (
        "/rfcs",
        &[
            "team",
            "title",
            "summary",
            "body",
            "pull_request_url",
            "change_note",
            "form_key",
        ],
    ),
    ("/rfcs/{id}/concerns", &["concern"]),
    ("/rfcs/{id}/concerns/{concern_id}/resolve", &["resolution"]),
    ("/rfcs/{id}/decision", &["resolution", "body", "closes_at"]),
    ("/rfcs/{id}/disposition/publish", &[]),
    (
        "/rfcs/{id}/edit",
        &[
            "title",
            "summary",
            "body",
            "pull_request_url",
            "change_note",
            "form_key",
        ],
    ),
    ("/rfcs/{id}/feedback", &["body", "visibility", "form_key"]),
    (
        "/rfcs/{id}/feedback/{feedback_id}/disposition",
        &["verdict", "reason"],
    ),
    ("/rfcs/{id}/feedback/{feedback_id}/edit", &["body"]),
    ("/rfcs/{id}/feedback/{feedback_id}/withdraw", &[]),
    ("/rfcs/{id}/window", &["opens_at", "closes_at", "reason"]),
    (
        "/teams",
        &[
            "slug",
            "name",
            "purpose",
            "mandate",
            "rule_kind",
            "rule_n",
            "review_on",
            "hold_days",
            "answer_days",
            "inactivity_days",
            "inactivity_notice_days",
            "note",
            "leads",
            "members",
            "idempotency_key",
        ],
    ),
    (
        "/teams/{slug}/calls",
        &[
            "title",
            "looking_for",
            "eligibility",
            "eligible_team",
            "eligible_list",
            "eligible_github_team",
            "seats",
            "opens_at",
            "closes_at",
            "stale_after_days",
            "idempotency_key",
        ],
    ),
    (
        "/teams/{slug}/charter",
        &[
            "purpose",
            "mandate",
            "rule_kind",
            "rule_n",
            "review_on",
            "hold_days",
            "answer_days",
            "inactivity_days",
            "inactivity_notice_days",
            "note",
        ],
    ),
    (
        "/teams/{slug}/decisions",
        &[
            "question",
            "body",
            "closes_at",
            "visibility",
            "effect_kind",
            "effect_text",
            "member_login",
            "member_change",
            "idempotency_key",
            "slug",
            "name",
            "purpose",
            "mandate",
            "rule_kind",
            "rule_n",
        ],
    ),
    ("/teams/{slug}/decisions/proxy", &["proxy_login"]),
    ("/teams/{slug}/decisions/proxy/take-back", &[]),
    (
        "/teams/{slug}/delegate",
        &[
            "slug",
            "name",
            "purpose",
            "mandate",
            "rule_kind",
            "rule_n",
            "review_on",
            "hold_days",
            "answer_days",
            "inactivity_days",
            "inactivity_notice_days",
            "note",
            "leads",
            "members",
            "idempotency_key",
        ],
    ),
    ("/teams/{slug}/away", &[]),
    ("/teams/{slug}/back", &[]),
    ("/teams/{slug}/leave", &["reason"]),
    ("/teams/{slug}/members", &["login", "role", "reason"]),
    ("/teams/{slug}/members/{login}/leave", &["leave_reason"]),
    (
        "/teams/{slug}/members/{login}/role",
        &["role", "role_reason"],
    ),
    ("/teams/{slug}/revoke", &["reason"]),
];

/// Routes the team member cannot reach; an administrator submits these.
pub const ADMIN_FORMS: &[&str] = &[
    "/admin/people",
    "/admin/tokens/{id}/revoke",
    "/admin/github/apply",
    "/teams/{slug}/github",
    "/teams/{slug}/github/unlink",
    "/eligibility",
    "/eligibility/{id}/remove",
    "/teams",
];

/// One field's generated value: text, or raw bytes that need not be UTF-8.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    fn encode(&self) -> String {
        match self {
            Value::Text(s) => url::form_urlencoded::byte_serialize(s.as_bytes()).collect(),
            Value::Bytes(bytes) => bytes.iter().map(|b| format!("%{b:02X}")).collect(),
        }
    }
}

/// Markup that would run if it reached a page unescaped.
const PAYLOADS: &[&str] = &[
    "<script>x9()</script>",
    "\"><script>x9()</script>",
    "<img src=x onerror=x9()>",
    "<svg onload=x9()>",
    "<a href=\"javascript:x9()\">x</a>",
    "[x](javascript:x9())",
    "<iframe src=\"https://evil.example\"></iframe>",
    "' onmouseover='x9()",
];

/// What must never appear in a response: the payloads' executable parts, unescaped.
const EXECUTABLE: &[&str] = &[
    "<script>x9",
    "<img src=x onerror",
    "<svg onload",
    "href=\"javascript:",
    "<iframe src=\"https://evil",
    "' onmouseover='x9",
];

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        Just(" \t\r\n ".to_string()),
        // Far past every field's limit.
        (1usize..4).prop_map(|n| "é𝕏a".repeat(n * 4000)),
        "[\\x00-\\x1f\\x7f]{1,40}",
        proptest::sample::select(PAYLOADS).prop_map(str::to_string),
        Just("'; drop table users; --".to_string()),
        Just("1 OR 1=1".to_string()),
        Just("\" or \"\"=\"".to_string()),
        Just("admin\u{202e}gnp.exe".to_string()),
        Just("\u{202b}\u{2067}mirror\u{2069}".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("2026-02-30T25:61".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("%00%ff".to_string()),
        any::<String>(),
        "\\PC{0,200}",
    ]
    .boxed()
}

fn value() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => text().prop_map(Value::Text),
        1 => proptest::collection::vec(any::<u8>(), 1..40).prop_map(Value::Bytes),
        1 => Just(Value::Bytes(vec![0xff, 0xfe, 0xc0, 0x80])),
    ]
    .boxed()
}

/// A form: each field present with a value, or left out.
fn form(fields: &'static [&'static str]) -> BoxedStrategy<Vec<(&'static str, Value)>> {
    let per_field: Vec<_> = fields
        .iter()
        .map(|name| proptest::option::weighted(0.9, value()).prop_map(move |v| (*name, v)))
        .collect();
    per_field
        .prop_map(|pairs| {
            pairs
                .into_iter()
                .filter_map(|(name, v)| v.map(|v| (name, v)))
                .collect()
        })
        .boxed()
}

/// Submits `fields` with the client's token from its own origin; returns problems.
async fn submit(client: &Client, path: &str, fields: &[(&str, Value)]) -> (u16, Vec<String>) {
    let token = client.csrf_token().await;
    let mut body = format!("csrf_token={token}");
    for (name, value) in fields {
        body.push('&');
        body.push_str(name);
        body.push('=');
        body.push_str(&value.encode());
    }
    let response = client
        .http
        .post(client.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &client.address)
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(String::from);
    let page = response.text().await.expect("body");
    if status == 403 && std::env::var_os("CONCORD_DEBUG_FORMS").is_some() {
        let message = page
            .split("<h1>")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>()
            .replace('\n', " ");
        println!("403 {path}: {message}");
    }
    let mut problems = Vec::new();
    let input = format!("{fields:?}");
    let shown: String = input.chars().take(600).collect();
    if status >= 500 {
        problems.push(format!("POST {path} answered {status} for {shown}"));
    }
    // The API answers with JSON that says what was wrong; a page everywhere else.
    let explained = if path.starts_with("/api/") {
        serde_json::from_str::<serde_json::Value>(&page)
            .ok()
            .and_then(|v| v["message"].as_str().map(|m| !m.is_empty()))
            .unwrap_or(false)
    } else {
        page.contains("<h1>")
    };
    if (400..500).contains(&status) && !explained {
        problems.push(format!(
            "POST {path} answered {status} without a page for {shown}"
        ));
    }
    problems.extend(executable(&page).map(|e| format!("POST {path} echoed {e:?} for {shown}")));
    if let Some(location) = location.filter(|l| l.starts_with('/')) {
        let next = client.get(&location).await;
        if next.status.as_u16() >= 500 {
            problems.push(format!("GET {location} after POST {path}: {}", next.status));
        }
        problems.extend(
            executable(&next.body).map(|e| format!("GET {location} showed {e:?} after {shown}")),
        );
    }
    (status, problems)
}

fn executable(body: &str) -> Option<&'static str> {
    let lower = body.to_lowercase();
    EXECUTABLE
        .iter()
        .find(|needle| lower.contains(&needle.to_lowercase()))
        .copied()
}

#[tokio::test]
async fn every_form_survives_generated_input() {
    // Every POST route has its form here.
    let posts: BTreeSet<&str> = concord::router::route_table()
        .into_iter()
        .filter(|r| r.method == axum::http::Method::POST)
        .map(|r| r.path)
        .collect();
    let listed: BTreeSet<&str> = FORMS.iter().map(|(path, _)| *path).collect();
    assert_eq!(posts, listed, "every POST route needs its fields in FORMS");

    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let config = Config {
        cases: CASES as u32,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let mut cases = Vec::new();
    for (pattern, fields) in FORMS {
        let strategy = form(fields);
        for _ in 0..CASES {
            let tree = strategy.new_tree(&mut runner).expect("a generated form");
            cases.push((*pattern, tree.current()));
        }
    }
    // Writes that could end the member's access (leaving, a role change, revoking)
    // run last, so that they do not turn the other forms into refusals; sign-out is
    // someone else's.
    let last = |p: &str| {
        ["/leave", "/role", "/revoke"]
            .iter()
            .any(|end| p.ends_with(end))
    };
    cases.sort_by_key(|(pattern, _)| last(pattern));
    let member = app.signed_in(&s.member).await;
    let nominee = app.signed_in(&s.nominee).await;
    let lead = app.signed_in(&s.lead).await;
    let critic = app.signed_in(&s.critic).await;
    let admin = app.signed_in("admin").await;
    let mut problems = Vec::new();
    let mut requests = 0;
    let mut statuses = std::collections::BTreeMap::new();
    let mut refusals = std::collections::BTreeMap::new();
    for client in [&member, &nominee, &lead, &critic, &admin] {
        // Fetch each browser's token before its requests run in parallel: a session's
        // token is made with its first page, and parallel first pages would race.
        client.csrf_token().await;
    }
    let mut numbered = 0usize;
    for chunk in cases.chunks(8) {
        let results = futures::future::join_all(chunk.iter().map(|(pattern, fields)| {
            numbered += 1;
            let n = numbered;
            let app = &app;
            // Whoever may submit the form, so that most cases reach its validation.
            let shared = match *pattern {
                "/login/dev" | "/logout" | "/settings/sign-out-everywhere" => None,
                "/nominations/{id}/accept"
                | "/nominations/{id}/decline"
                | "/nominations/{id}/withdraw" => Some(&nominee),
                "/decisions/{id}/withdraw" | "/posts/{team}/{slug}/submit" => Some(&lead),
                "/posts/{team}/{slug}/comments/{id}/edit"
                | "/rfcs/{id}/feedback/{feedback_id}/edit"
                | "/rfcs/{id}/feedback/{feedback_id}/withdraw" => Some(&critic),
                p if ADMIN_FORMS.contains(&p) => Some(&admin),
                _ => Some(&member),
            };
            let path = s.fill(pattern);
            async move {
                // Signing in and out changes the session: a browser of its own each time.
                let own;
                let client = match (shared, *pattern) {
                    (Some(client), _) => client,
                    (None, "/logout" | "/settings/sign-out-everywhere") => {
                        own = app.signed_in(&format!("leaver-{n}")).await;
                        &own
                    }
                    (None, _) => {
                        own = app.visitor();
                        &own
                    }
                };
                let (status, found) = submit(client, &path, fields).await;
                (status, *pattern, found)
            }
        }))
        .await;
        requests += chunk.len();
        for (status, pattern, found) in results {
            *statuses.entry(status).or_insert(0usize) += 1;
            if matches!(status, 401 | 403) {
                *refusals.entry(pattern).or_insert(0usize) += 1;
            }
            problems.extend(found);
        }
    }
    println!(
        "form properties: {} forms, {CASES} cases each, {requests} submissions; statuses {statuses:?}",
        FORMS.len()
    );
    // Not vacuous: most submissions got past CSRF and sign-in to the handlers.
    let refused =
        statuses.get(&403).copied().unwrap_or(0) + statuses.get(&401).copied().unwrap_or(0);
    assert!(
        refused * 3 < requests,
        "too many refusals: {statuses:?}; by form: {refusals:#?}"
    );
    assert!(statuses.get(&422).is_some_and(|n| *n > 100), "{statuses:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
