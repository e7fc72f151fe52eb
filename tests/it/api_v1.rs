//! The JSON API with personal tokens, through HTTP against PostgreSQL: the tokens ×
//! routes matrix (every scope allows exactly its writes), private material never reaching
//! a token without `read` or a person outside the team, pagination, ETags and caching,
//! the rooms' rules on writes, input a bot can get wrong, `Idempotency-Key` and the
//! per-token rate limit.

use std::collections::BTreeSet;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::support::html::attrs;
use crate::support::scenario::{Marker, Scenario, markers_in};
use crate::support::{Client, TestApp};

/// A token made on the settings page by `client`'s person, with `scopes`.
pub async fn token(client: &Client, name: &str, scopes: &[&str]) -> String {
    let key = concord::web::idempotency::new_key();
    let mut fields = vec![
        ("name", name),
        ("expires_in_days", "30"),
        ("idempotency_key", key.as_str()),
    ];
    fields.extend(scopes.iter().map(|s| ("scopes", *s)));
    let page = client.post("/settings/tokens", &fields).await;
    page.assert_status(200);
    let shown = attrs(&page.body, "#token-secret", "value");
    assert_eq!(shown.len(), 1, "{}", page.body);
    shown[0].clone()
}

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A call as a bot makes it: no cookies, the token (if any) as a bearer.
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    secret: Option<&str>,
    body: Option<&Value>,
    extra: &[(&str, &str)],
) -> Answer {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", app.address);
    let mut request = match method {
        "GET" => client.get(url),
        _ => client.post(url),
    };
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("API call");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

/// The scope sets of the matrix, in its columns' order.
const SCOPE_SETS: [(&str, &[&str]); 6] = [
    ("none", &[]),
    ("read", &["read"]),
    ("feedback", &["feedback:write"]),
    ("comments", &["comments:write"]),
    ("drafts", &["drafts:write"]),
    ("positions", &["positions:write"]),
];

/// The exact status of every API route for a member of the scenario's team, per scope
/// set: no token, `read`, `feedback:write`, `comments:write`, `drafts:write`,
/// `positions:write`. Reads answer everyone (a visitor's view without `read`); the
/// scenario's decision is private, so only `read` sees it. Each write opens for its
/// scope alone. Every `/api/v1/` route is here, and nothing else.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, [u16; 6])] = &[
    ("GET", "/api/v1/openapi.json", [200; 6]),
    ("GET", "/api/v1/me", [401, 200, 403, 403, 403, 403]),
    ("GET", "/api/v1/teams", [200; 6]),
    ("GET", "/api/v1/teams/{slug}", [200; 6]),
    ("GET", "/api/v1/teams/{slug}/decisions", [200; 6]),
    ("GET", "/api/v1/teams/{slug}/calls", [200; 6]),
    ("GET", "/api/v1/rfcs", [200; 6]),
    ("GET", "/api/v1/rfcs/{id}", [200; 6]),
    ("GET", "/api/v1/decisions/{id}", [404, 200, 404, 404, 404, 404]),
    ("GET", "/api/v1/calls/{id}", [200; 6]),
    ("GET", "/api/v1/posts", [200; 6]),
    ("GET", "/api/v1/posts/{team}/{slug}", [200; 6]),
    ("GET", "/api/v1/audit", [200; 6]),
    ("POST", "/api/v1/rfcs", [401, 403, 403, 403, 201, 403]),
    ("POST", "/api/v1/rfcs/{id}/revisions", [401, 403, 403, 403, 201, 403]),
    ("POST", "/api/v1/rfcs/{id}/feedback", [401, 403, 201, 403, 403, 403]),
    ("POST", "/api/v1/rfcs/{id}/feedback/{feedback_id}", [401, 403, 200, 403, 403, 403]),
    ("POST", "/api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw", [401, 403, 200, 403, 403, 403]),
    ("POST", "/api/v1/decisions/{id}/positions", [401, 403, 403, 403, 403, 201]),
    ("POST", "/api/v1/posts", [401, 403, 403, 403, 201, 403]),
    ("POST", "/api/v1/posts/{team}/{slug}", [401, 403, 403, 403, 200, 403]),
    ("POST", "/api/v1/posts/{team}/{slug}/comments", [401, 403, 403, 201, 403, 403]),
    ("POST", "/api/v1/token-leaks", [202; 6]),
];

/// A valid body for each write.
fn body_for(s: &Scenario, pattern: &str) -> Option<Value> {
    Some(match pattern {
        "/api/v1/rfcs" => json!({
            "team": s.team, "title": "Bot policy", "summary": "Bots.", "body": "Bots may comment.",
        }),
        "/api/v1/rfcs/{id}/revisions" => json!({
            "title": "Open policy, revised", "summary": "How we work.", "body": "Bots may open and merge pull requests.",
            "change_note": "Mirrored from the pull request.",
        }),
        "/api/v1/rfcs/{id}/feedback" => json!({"body": "A bot's thought.", "visibility": "public"}),
        "/api/v1/rfcs/{id}/feedback/{feedback_id}" => json!({"body": "A bot's second thought."}),
        "/api/v1/decisions/{id}/positions" => {
            json!({"stance": "agree", "comment": "Fine by the bot."})
        }
        "/api/v1/posts" => {
            json!({"team": s.team, "title": "Weekly bot update", "body": "All quiet."})
        }
        "/api/v1/posts/{team}/{slug}" => json!({"title": "My draft", "body": "Revised by a bot."}),
        "/api/v1/posts/{team}/{slug}/comments" => json!({"body": "Nice work, from a bot."}),
        "/api/v1/token-leaks" => {
            json!({"tokens": ["concord_pat_not-one"], "url": "https://example.test/x"})
        }
        _ => return None,
    })
}

/// The member's own piece of feedback on the open RFC, and their own post draft.
async fn own_things(app: &TestApp, s: &Scenario) -> (i64, String) {
    let member = app.signed_in(&s.member).await;
    let key = concord::rfcs::model::new_form_key();
    let page = member
        .post(
            &format!("/rfcs/{}/feedback", s.rfc),
            &[
                ("body", "The member's own thought."),
                ("visibility", "public"),
                ("form_key", &key),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let feedback: i64 = sqlx::query_scalar(
        "select f.id from rfc_feedback f join users u on u.id = f.author_id
         where u.login = $1 and f.rfc_id = $2",
    )
    .bind(&s.member)
    .bind(s.rfc)
    .fetch_one(&app.pool)
    .await
    .expect("own feedback");
    let key = concord::web::idempotency::new_key();
    let page = member
        .post(
            "/posts",
            &[
                ("team", s.team.as_str()),
                ("title", "My draft"),
                ("body", "Drafted on the site."),
                ("idempotency_key", &key),
            ],
        )
        .await;
    let draft = page.location().expect("draft made").to_string();
    (feedback, draft)
}

#[tokio::test]
async fn every_scope_allows_exactly_its_writes_and_nothing_else() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let (own_feedback, own_draft) = own_things(&app, &s).await;
    let member = app.signed_in(&s.member).await;

    // Every API route has a row, and every row a route.
    let routed: BTreeSet<(String, String)> = concord::router::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let listed: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        routed, listed,
        "routes without a row, or rows without a route"
    );

    let mut problems = Vec::new();
    for (column, (set, scopes)) in SCOPE_SETS.iter().enumerate() {
        let secret = match scopes.is_empty() {
            true => None,
            false => Some(token(&member, set, scopes).await),
        };
        for (method, pattern, expected) in MATRIX {
            let path = match (*method, *pattern) {
                (_, p) if p.contains("{feedback_id}") => p
                    .replace("{id}", &s.rfc.to_string())
                    .replace("{feedback_id}", &own_feedback.to_string()),
                ("POST", "/api/v1/posts/{team}/{slug}") => format!("/api/v1{own_draft}"),
                (_, p) => s.fill(p),
            };
            let body = if *method == "POST" {
                body_for(&s, pattern)
            } else {
                None
            };
            let answer = call(&app, method, &path, secret.as_deref(), body.as_ref(), &[]).await;
            if answer.status != expected[column] {
                problems.push(format!(
                    "{set}: {method} {path} answered {} (expected {}): {}",
                    answer.status, expected[column], answer.text
                ));
                continue;
            }
            if answer.status >= 400 {
                let refusal = answer.json();
                if refusal["code"].as_str().is_none_or(str::is_empty)
                    || refusal["message"].as_str().is_none_or(str::is_empty)
                    || refusal["request_id"].as_str().is_none_or(str::is_empty)
                {
                    problems.push(format!(
                        "{set}: {method} {path}: no code/message/request id: {refusal}"
                    ));
                }
            }
            if secret.is_some() && answer.header("cache-control") != "private, no-store" {
                problems.push(format!(
                    "{set}: {method} {path}: Cache-Control {:?} for a token's answer",
                    answer.header("cache-control")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The writes landed where the forms' own writes land.
    let count = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    assert_eq!(
        count("select count(*) from rfc_revisions where title = 'Open policy, revised'").await,
        1
    );
    assert_eq!(
        count("select count(*) from rfc_feedback where body = 'A bot''s thought.'").await,
        1
    );
    assert_eq!(
        count("select count(*) from rfc_feedback where body = 'A bot''s second thought.' and withdrawn_at is not null").await,
        1
    );
    assert_eq!(
        count("select count(*) from post_comments where body = 'Nice work, from a bot.'").await,
        1
    );
    assert_eq!(
        count("select count(*) from posts where title = 'Weekly bot update' and published_at is null and submitted_at is null").await,
        1
    );
    assert_eq!(
        count("select count(*) from decision_positions where comment = 'Fine by the bot.'").await,
        1
    );
    assert_eq!(
        count("select count(*) from rfcs r join rfc_revisions v on v.rfc_id = r.id where v.title = 'Bot policy' and r.opens_at is null").await,
        1,
        "the bot's RFC is a draft"
    );
}

/// Every API read, and the drafts and private decision the route patterns are not filled
/// with.
fn read_paths(s: &Scenario) -> Vec<String> {
    let mut paths: Vec<String> = concord::router::route_table()
        .into_iter()
        .filter(|r| r.method == axum::http::Method::GET && r.path.starts_with("/api/v1/"))
        .map(|r| s.fill(r.path))
        .collect();
    paths.extend([
        format!("/api/v1/rfcs/{}", s.draft_rfc),
        format!("/api/v1/decisions/{}", s.shortlist),
        format!("/api/v1{}", s.draft_post),
        "/api/v1/audit?limit=100".to_string(),
    ]);
    paths
}

#[tokio::test]
async fn private_markers_never_reach_a_token_without_read_or_outside_the_team() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let writes = [
        "feedback:write",
        "comments:write",
        "drafts:write",
        "positions:write",
    ];
    let member = app.signed_in(&s.member).await;
    let other = app.signed_in(&s.other).await;
    let someone = app.signed_in(&s.someone).await;
    let callers = [
        ("no token", None, false),
        (
            "the member without read",
            Some(token(&member, "writes", &writes).await),
            false,
        ),
        (
            "another team's member with read",
            Some(token(&other, "read", &["read"]).await),
            false,
        ),
        (
            "someone with every scope",
            Some(token(&someone, "all", &[&["read"][..], &writes[..]].concat()).await),
            false,
        ),
        (
            "the member with read",
            Some(token(&member, "read", &["read"]).await),
            true,
        ),
    ];
    let mut leaks = Vec::new();
    let mut seen = BTreeSet::new();
    for (who, secret, may_read) in &callers {
        for path in read_paths(&s) {
            let answer = call(&app, "GET", &path, secret.as_deref(), None, &[]).await;
            assert!(
                [200, 401, 403, 404].contains(&answer.status),
                "{who}: GET {path} answered {}: {}",
                answer.status,
                answer.text
            );
            for (marker, n) in markers_in(&answer.text) {
                if *may_read && n == s.n {
                    seen.insert(marker.name());
                } else {
                    leaks.push(format!("{who} sees {} in GET {path}", marker.name()));
                }
            }
        }
        // The drafts and the private decision are not there for them at all.
        if !may_read {
            for path in [
                format!("/api/v1/rfcs/{}", s.draft_rfc),
                format!("/api/v1/decisions/{}", s.shortlist),
                format!("/api/v1{}", s.draft_post),
            ] {
                let answer = call(&app, "GET", &path, secret.as_deref(), None, &[]).await;
                assert_eq!(answer.status, 404, "{who}: GET {path}: {}", answer.text);
                assert_eq!(answer.json()["code"], "not_found");
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    // The check can fail: the member's read token does see each kind the API carries.
    for marker in [
        Marker::RfcDraft,
        Marker::RfcFeedback,
        Marker::Decision,
        Marker::PostDraft,
    ] {
        assert!(
            seen.contains(marker.name()),
            "{} not seen: {seen:?}",
            marker.name()
        );
    }
}

#[tokio::test]
async fn lists_page_with_a_cursor_answers_carry_etags_and_private_answers_are_never_shared() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let member = app.signed_in(&s.member).await;
    let read = token(&member, "read", &["read"]).await;

    // The audit log two at a time gives the same entries as one page of all.
    let all = call(&app, "GET", "/api/v1/audit?limit=100", None, None, &[]).await;
    assert_eq!(all.status, 200);
    let all_ids: Vec<i64> = all.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert!(all_ids.len() > 4, "{all_ids:?}");
    let mut walked = Vec::new();
    let mut path = "/api/v1/audit?limit=2".to_string();
    loop {
        let page = call(&app, "GET", &path, None, None, &[]).await.json();
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        walked.extend(items.iter().map(|e| e["id"].as_i64().expect("id")));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/audit?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(walked, all_ids);

    // RFCs: the member's token lists the draft too, one per page.
    let first = call(&app, "GET", "/api/v1/rfcs?limit=1", Some(&read), None, &[]).await;
    let first = first.json();
    assert_eq!(first["items"].as_array().map(Vec::len), Some(1));
    let next = first["next"].as_str().expect("a next page").to_string();
    let second = call(
        &app,
        "GET",
        &format!("/api/v1/rfcs?limit=1&after={next}"),
        Some(&read),
        None,
        &[],
    )
    .await
    .json();
    let ids: BTreeSet<i64> = [&first, &second]
        .iter()
        .map(|p| p["items"][0]["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, BTreeSet::from([s.rfc, s.draft_rfc]));
    assert_eq!(second["next"], Value::Null);
    assert!(second["items"][0]["stage"].as_str().is_some());

    // Posts: published ones for everyone; with `read`, one's own drafts as `/posts` shows
    // them (the lead wrote the scenario's draft).
    let lead = app.signed_in(&s.lead).await;
    let lead_read = token(&lead, "read", &["read"]).await;
    let posts = call(&app, "GET", "/api/v1/posts", Some(&lead_read), None, &[])
        .await
        .json();
    let theirs: Vec<&str> = posts["unpublished"]
        .as_array()
        .expect("the lead's drafts")
        .iter()
        .filter_map(|p| p["url"].as_str())
        .collect();
    assert!(theirs.iter().any(|u| u.ends_with(&s.draft_post)), "{posts}");
    assert!(
        posts["items"]
            .as_array()
            .is_some_and(|i| i.iter().all(|p| p["state"] == "published"))
    );
    for secret in [None, Some(read.as_str())] {
        let posts = call(&app, "GET", "/api/v1/posts", secret, None, &[]).await;
        assert_eq!(posts.status, 200);
        assert!(
            !posts.text.contains(&Marker::PostDraft.text(s.n)),
            "{}",
            posts.text
        );
    }

    // Cursors and limits that are not ones are a JSON 400.
    for (path, code) in [
        ("/api/v1/rfcs?after=abc", "invalid_cursor"),
        ("/api/v1/rfcs?after=999999", "invalid_cursor"),
        ("/api/v1/audit?after=-1", "invalid_cursor"),
        ("/api/v1/posts?limit=0", "invalid_limit"),
        ("/api/v1/rfcs?limit=1000", "invalid_limit"),
    ] {
        let answer = call(&app, "GET", path, None, None, &[]).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text);
        assert_eq!(answer.json()["code"], code, "{path}");
    }

    // ETag and 304, for visitors and tokens alike.
    let path = format!("/api/v1/rfcs/{}", s.rfc);
    for secret in [None, Some(read.as_str())] {
        let answer = call(&app, "GET", &path, secret, None, &[]).await;
        assert_eq!(answer.status, 200);
        let etag = answer.header("etag").to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let again = call(
            &app,
            "GET",
            &path,
            secret,
            None,
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(again.status, 304);
        assert!(again.text.is_empty());
        assert!(again.header("vary").contains("authorization"));
    }

    // A visitor's answer may be kept by any cache; a token's by none.
    let public = call(&app, "GET", &path, None, None, &[]).await;
    assert_eq!(public.header("cache-control"), "public, max-age=60");
    assert!(public.header("vary").contains("authorization"));
    let private = call(&app, "GET", &path, Some(&read), None, &[]).await;
    assert_eq!(private.header("cache-control"), "private, no-store");
    assert!(private.header("vary").contains("authorization"));
    // The member's answer has the private feedback; the visitor's does not.
    assert!(private.text.contains(&Marker::RfcFeedback.text(s.n)));
    assert!(!public.text.contains(&Marker::RfcFeedback.text(s.n)));
    let rfc = public.json();
    assert_eq!(rfc["id"], s.rfc);
    assert_eq!(rfc["stage"], "open_for_feedback");
    assert_eq!(rfc["window"]["state"], "open");
    assert_eq!(rfc["private_feedback"], Value::Null);
    assert!(rfc["revisions"].as_array().is_some_and(|r| !r.is_empty()));
}
