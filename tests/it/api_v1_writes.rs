//! The API's writes keep the rooms' rules, and what a bot can get wrong gets a clear JSON
//! answer: bad bodies, a repeated `Idempotency-Key`, the per-token rate limit.

use serde_json::{Value, json};

use crate::api_v1::{call, token};
use crate::support::scenario::Scenario;
use crate::support::{Options, TestApp};

#[tokio::test]
async fn writes_keep_the_rooms_rules_and_bad_input_is_a_clear_json_error() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let member = app.signed_in(&s.member).await;
    let other = app.signed_in(&s.other).await;
    let all = [
        "read",
        "feedback:write",
        "comments:write",
        "drafts:write",
        "positions:write",
    ];
    let mine = token(&member, "all", &all).await;
    let outsider = token(&other, "all", &all).await;
    let feedback = format!("/api/v1/rfcs/{}/feedback", s.rfc);
    let thought = json!({"body": "A thought.", "visibility": "public"});

    // Bad input a bot can send: never a 500, always JSON that says what is wrong.
    let client = reqwest::Client::new();
    let raw = |body: Vec<u8>, content_type: Option<&'static str>| {
        let mut request = client
            .post(format!("{}{feedback}", app.address))
            .bearer_auth(&mine)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };
    for (what, response, status, code) in [
        (
            "not JSON",
            raw(b"{body:".to_vec(), Some("application/json")).await,
            400,
            "invalid_json",
        ),
        (
            "no content type",
            raw(b"{}".to_vec(), None).await,
            415,
            "unsupported_media_type",
        ),
        (
            "a number for the text",
            raw(
                br#"{"body": 5, "visibility": "public"}"#.to_vec(),
                Some("application/json"),
            )
            .await,
            422,
            "invalid_fields",
        ),
        (
            "a list",
            raw(b"[1, 2]".to_vec(), Some("application/json")).await,
            422,
            "invalid_fields",
        ),
        (
            "a huge body",
            raw(vec![b'a'; 300 * 1024], Some("application/json")).await,
            413,
            "too_large",
        ),
    ] {
        let response = response.expect("send");
        assert_eq!(response.status().as_u16(), status, "{what}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["code"], code, "{what}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let empty = call(&app, "POST", &feedback, Some(&mine), Some(&json!({})), &[]).await;
    assert_eq!(empty.status, 422, "{}", empty.text);
    let empty = empty.json();
    assert_eq!(empty["code"], "invalid_fields");
    assert!(empty["fields"]["body"].as_str().is_some(), "{empty}");
    assert!(empty["fields"]["visibility"].as_str().is_some(), "{empty}");

    // Feedback on a draft: there is nothing there, for the team too (no window).
    let draft = format!("/api/v1/rfcs/{}/feedback", s.draft_rfc);
    assert_eq!(
        call(&app, "POST", &draft, Some(&outsider), Some(&thought), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        call(&app, "POST", &draft, Some(&mine), Some(&thought), &[])
            .await
            .status,
        409
    );
    // Someone else's feedback is not theirs to change.
    let critics = format!("/api/v1/rfcs/{}/feedback/{}", s.rfc, s.feedback);
    let change = call(
        &app,
        "POST",
        &critics,
        Some(&mine),
        Some(&json!({"body": "Mine now."})),
        &[],
    )
    .await;
    assert!([403, 404].contains(&change.status), "{}", change.text);
    // Only deciders take positions; only members draft for a team, or revise its RFCs.
    let position = format!("/api/v1/decisions/{}/positions", s.decision);
    let stance = json!({"stance": "agree"});
    assert_eq!(
        call(&app, "POST", &position, Some(&outsider), Some(&stance), &[])
            .await
            .status,
        404
    );
    let rfc = json!({"team": s.team, "title": "T", "summary": "S", "body": "B"});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/v1/rfcs",
            Some(&outsider),
            Some(&rfc),
            &[]
        )
        .await
        .status,
        403
    );
    let revise = format!("/api/v1/rfcs/{}/revisions", s.rfc);
    assert_eq!(
        call(&app, "POST", &revise, Some(&outsider), Some(&rfc), &[])
            .await
            .status,
        403
    );
    // No comments on a draft (it is not there for others, and not published for the team).
    let on_draft = format!("/api/v1{}/comments", s.draft_post);
    let comment = json!({"body": "Early!"});
    assert_eq!(
        call(
            &app,
            "POST",
            &on_draft,
            Some(&outsider),
            Some(&comment),
            &[]
        )
        .await
        .status,
        404
    );
    assert!(
        call(&app, "POST", &on_draft, Some(&mine), Some(&comment), &[])
            .await
            .status
            >= 400
    );
    // A published post is not a draft: drafts:write does not change it.
    let published = format!("/api/v1{}", s.post);
    let edit = json!({"title": "Changed", "body": "Changed."});
    let refused = call(&app, "POST", &published, Some(&mine), Some(&edit), &[]).await;
    assert_eq!(refused.status, 409, "{}", refused.text);

    // Once the window closes, feedback is refused with the room's reason.
    app.clock.advance(time::Duration::days(8));
    let late = call(&app, "POST", &feedback, Some(&mine), Some(&thought), &[]).await;
    assert_eq!(late.status, 409, "{}", late.text);
    assert!(
        late.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("closed")),
        "{}",
        late.text
    );
}

#[tokio::test]
async fn a_repeated_idempotency_key_gets_the_first_answer() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let member = app.signed_in(&s.member).await;
    let secret = token(&member, "feedback", &["feedback:write"]).await;
    let path = format!("/api/v1/rfcs/{}/feedback", s.rfc);
    let body = json!({"body": "Said once.", "visibility": "public"});
    let key = [("idempotency-key", "5f0c6e0a-retry-1")];
    let first = call(&app, "POST", &path, Some(&secret), Some(&body), &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = call(&app, "POST", &path, Some(&secret), Some(&body), &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("idempotent-replayed"), "true");
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from rfc_feedback where body = 'Said once.'")
            .fetch_one(&app.pool)
            .await
            .expect("count")
    };
    assert_eq!(count().await, 1);
    // Another key is another request; none at all is too.
    let other = [("idempotency-key", "5f0c6e0a-retry-2")];
    let second = call(&app, "POST", &path, Some(&secret), Some(&body), &other).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.json()["id"], first.json()["id"]);
    assert_eq!(
        call(&app, "POST", &path, Some(&secret), Some(&body), &[])
            .await
            .status,
        201
    );
    assert_eq!(count().await, 3);
    // A refused write keeps no answer: sent again once fixed, it is done.
    let fixable = [("idempotency-key", "fix-me")];
    let refused = call(
        &app,
        "POST",
        &path,
        Some(&secret),
        Some(&json!({"visibility": "public"})),
        &fixable,
    )
    .await;
    assert_eq!(refused.status, 422);
    let fixed = call(&app, "POST", &path, Some(&secret), Some(&body), &fixable).await;
    assert_eq!(fixed.status, 201, "{}", fixed.text);
    // A key that is not one is a 400.
    let bad = call(
        &app,
        "POST",
        &path,
        Some(&secret),
        Some(&body),
        &[("idempotency-key", "a key with spaces")],
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["code"], "invalid_idempotency_key");
}

#[tokio::test]
async fn each_token_has_its_own_allowance_told_in_ratelimit_headers() {
    let app = TestApp::spawn_with(Options {
        limits: Some(concord::config::Limits {
            rate_api_per_token: 3,
            ..concord::config::Limits::without_rate_limits()
        }),
        ..Options::default()
    })
    .await;
    let member = app.signed_in("pat").await;
    let first = token(&member, "first", &["read"]).await;
    let second = token(&member, "second", &["read"]).await;
    for remaining in ["2", "1", "0"] {
        let answer = call(&app, "GET", "/api/v1/me", Some(&first), None, &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.header("ratelimit-limit"), "3");
        assert_eq!(answer.header("ratelimit-remaining"), remaining);
        assert!(
            answer
                .header("ratelimit-reset")
                .parse::<u64>()
                .is_ok_and(|s| s <= 60)
        );
    }
    let refused = call(&app, "GET", "/api/v1/me", Some(&first), None, &[]).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json()["code"], "rate_limited");
    assert!(
        refused
            .header("retry-after")
            .parse::<u64>()
            .is_ok_and(|s| (1..=60).contains(&s))
    );
    assert_eq!(refused.header("ratelimit-remaining"), "0");
    // Another token of the same person is counted on its own; no token is not counted.
    let other = call(&app, "GET", "/api/v1/me", Some(&second), None, &[]).await;
    assert_eq!(other.status, 200);
    assert_eq!(other.header("ratelimit-remaining"), "2");
    let visitor = call(&app, "GET", "/api/v1/teams", None, None, &[]).await;
    assert_eq!(visitor.status, 200);
    assert!(visitor.header("ratelimit-limit").is_empty());
}
