//! The command line as a person runs it: configuration errors, `admin grant`, and
//! `admin remove`/`restore`.

use std::process::Command;

use crate::support::TestApp;

fn concord() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    for var in [
        "DATABASE_URL",
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "CONCORD_PUBLIC_URL",
        "CONCORD_ENV",
    ] {
        command.env_remove(var);
    }
    command
}

#[test]
fn production_refuses_to_start_without_what_it_needs() {
    let out = concord()
        .env("CONCORD_ENV", "production")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("production mode needs a GitHub OAuth app"),
        "{stderr}"
    );

    let out = concord()
        .env("CONCORD_ENV", "production")
        .env("GITHUB_CLIENT_ID", "id")
        .env("GITHUB_CLIENT_SECRET", "secret-value-123")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CONCORD_PUBLIC_URL"), "{stderr}");
    assert!(
        !stderr.contains("secret-value-123"),
        "the secret is never printed: {stderr}"
    );
}

#[test]
fn half_a_github_configuration_and_bad_urls_are_refused() {
    let out = concord()
        .env("GITHUB_CLIENT_ID", "id")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be set together"));

    let out = concord()
        .env("CONCORD_PUBLIC_URL", "ftp://example.org/x")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("CONCORD_PUBLIC_URL must be an http or https URL")
    );

    let out = concord()
        .env("CONCORD_BIND", "not-an-address")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bind"));
}

#[test]
fn help_lists_the_configuration() {
    let out = concord().arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for name in [
        "DATABASE_URL",
        "CONCORD_BIND",
        "CONCORD_PUBLIC_URL",
        "CONCORD_ENV",
        "CONCORD_DATA_DIR",
        "GITHUB_CLIENT_ID",
        "GITHUB_AUTHORIZE_URL",
        "GITHUB_TOKEN_URL",
        "GITHUB_API_URL",
        "CONCORD_LOG",
        "CONCORD_LOG_FORMAT",
        "seed-demo",
        "migrate",
        "admin",
    ] {
        assert!(help.contains(name), "--help mentions {name}:\n{help}");
    }
}

#[tokio::test]
async fn admin_grant_and_revoke() {
    let app = TestApp::spawn().await;
    let url = crate::support::database::url(&app.db_options);
    let out = concord()
        .env("DATABASE_URL", &url)
        .args(["admin", "grant", "quill-harper"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let is_admin: bool =
        sqlx::query_scalar("select is_admin from users where login = 'quill-harper'")
            .fetch_one(&app.pool)
            .await
            .expect("user");
    assert!(is_admin);
    let person = app.signed_in("quill-harper").await;
    person.get("/").await.assert_contains("(administrator)");

    let out = concord()
        .env("DATABASE_URL", &url)
        .args(["admin", "revoke", "quill-harper"])
        .output()
        .expect("run");
    assert!(out.status.success());
    person.get("/").await.assert_lacks("(administrator)");

    let out = concord()
        .env("DATABASE_URL", &url)
        .args(["admin", "grant", "not a login"])
        .output()
        .expect("run");
    assert!(!out.status.success());
}

#[tokio::test]
async fn admin_remove_and_restore() {
    let app = TestApp::spawn().await;
    let url = crate::support::database::url(&app.db_options);
    let person = app.signed_in("quill-harper").await;
    let run = |args: &[&str]| {
        concord()
            .env("DATABASE_URL", &url)
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&["admin", "remove", "quill-harper"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("quill-harper is removed."));
    person.get("/").await.assert_lacks("Signed in as");
    person
        .post("/login/dev", &[("login", "quill-harper")])
        .await
        .assert_status(403);

    let out = run(&["admin", "restore", "quill-harper"]);
    assert!(out.status.success());
    person.dev_sign_in("quill-harper").await;
    person.get("/").await.assert_contains("Signed in as");

    let out = run(&["admin", "remove", "nobody-known"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody with the login nobody-known"));
}
