//! Administrators and tokens (`/admin/tokens`: every token's metadata, never a secret;
//! revoking any), "sign out everywhere" (sessions and tokens end; ordinary signing out
//! keeps tokens), and the private audit entries of token changes.

use crate::api_v1::{call, token};
use crate::support::TestApp;
use crate::support::html::texts;

async fn me(app: &TestApp, secret: &str) -> (u16, serde_json::Value) {
    let answer = call(app, "GET", "/api/v1/me", Some(secret), None, &[]).await;
    (answer.status, answer.json())
}

#[tokio::test]
async fn administrators_see_every_token_without_its_secret_and_revoke_any() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let owner = app.signed_in("orla-finch").await;
    let secret = token(&owner, "chat bridge", &["read", "comments:write"]).await;
    assert_eq!(me(&app, &secret).await.0, 200);

    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/tokens").await;
    page.assert_status(200);
    assert_eq!(texts(&page.body, ".token .token-owner"), ["orla-finch"]);
    assert_eq!(texts(&page.body, ".token .token-name"), ["chat bridge"]);
    assert_eq!(
        texts(&page.body, ".token .token-scopes"),
        ["read, comments:write"]
    );
    assert!(!page.body.contains(&secret));
    assert!(!page.body.contains("concord_pat_"));
    // Someone who is not an administrator is refused.
    owner.get("/admin/tokens").await.assert_status(403);

    let id: i64 = sqlx::query_scalar("select id from personal_tokens where name = 'chat bridge'")
        .fetch_one(&app.pool)
        .await
        .expect("token");
    let revoked = admin.post(&format!("/admin/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    let (status, body) = me(&app, &secret).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "token_revoked");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("by an administrator")),
        "{body}"
    );
    let page = admin.get("/admin/tokens").await;
    assert!(
        texts(&page.body, ".token td")
            .iter()
            .any(|t| t.contains("Revoked")),
        "{}",
        page.body
    );

    // Each change is in the audit log, privately: on no page and in no API answer.
    let actions: Vec<(String, String, String)> = sqlx::query_as(
        "select action, visibility, details::text from audit_entries where action like 'token.%' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit");
    let names: Vec<&str> = actions.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(names, ["token.created", "token.revoked_by_admin"]);
    assert!(actions.iter().all(|(_, v, d)| v == "private"
        && d.contains("chat bridge")
        && !d.contains("concord_pat_")));
    for path in ["/audit"] {
        let page = admin.get(path).await;
        page.assert_status(200);
        assert!(!page.body.contains("chat bridge"), "{path}");
    }
    let reader = token(&admin, "reader", &["read"]).await;
    let log = call(
        &app,
        "GET",
        "/api/v1/audit?limit=100",
        Some(&reader),
        None,
        &[],
    )
    .await;
    assert_eq!(log.status, 200);
    assert!(!log.text.contains("chat bridge"));
    assert!(!log.text.contains("\"token."), "{}", log.text);
}

#[tokio::test]
async fn signing_out_keeps_tokens_and_signing_out_everywhere_ends_them_too() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("ivo-brandt").await;
    let first = token(&person, "first", &["read"]).await;
    person.sign_out().await;
    assert_eq!(
        me(&app, &first).await.0,
        200,
        "an ordinary sign-out keeps tokens"
    );

    let person = app.signed_in("ivo-brandt").await;
    let second = token(&person, "second", &["read"]).await;
    let other_browser = app.signed_in("ivo-brandt").await;
    let page = person.get("/settings").await;
    page.assert_status(200);
    assert!(
        texts(
            &page.body,
            "form[action='/settings/sign-out-everywhere'] button"
        )
        .iter()
        .any(|t| t.contains("Sign out everywhere"))
    );
    let done = person.post("/settings/sign-out-everywhere", &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    for secret in [&first, &second] {
        let (status, body) = me(&app, secret).await;
        assert_eq!(status, 401);
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("signed out everywhere")),
            "{body}"
        );
    }
    // Every session ended, in this browser and the other.
    for client in [&person, &other_browser] {
        let page = client.get("/settings").await;
        assert_eq!(page.status, 303);
        assert!(page.location().is_some_and(|l| l.starts_with("/login")));
    }
    let revoked: i64 = sqlx::query_scalar(
        "select count(*) from audit_entries where action = 'token.revoked' and visibility = 'private'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(revoked, 2);
}
