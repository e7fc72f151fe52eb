//! The GitHub App against the stand-in GitHub: configuration off and on, the App JWT and
//! installation tokens, linking teams, plan and apply (pages and the command line),
//! decisions taking effect through the worker, GitHub failing then recovering, and no
//! key, JWT or token in the logs.

use std::process::Command;

use time::Duration;

use crate::decisions::{decision_fields, open, position};
use crate::support::github_app::{self, AppFault, ORG};
use crate::support::html::texts;
use crate::support::{Client, Options, TestApp, with};
use crate::teams::{audit_entries, team_fields};

pub(crate) struct World {
    pub app: TestApp,
    pub admin: Client,
}

impl World {
    /// Concord with the App configured against the stand-in; a `core` team (unanimous)
    /// whose members are alice (lead), bob and carol; a GitHub team `maintainers` with bob
    /// and mallory (added there by hand).
    pub async fn new() -> Self {
        let app = TestApp::spawn_with(Options {
            github_app: true,
            ..Options::default()
        })
        .await;
        app.make_admin("admin").await;
        let admin = app.signed_in("admin").await;
        let world = World { app, admin };
        let fields = with(
            team_fields("core", "Core", "Things."),
            &[
                ("rule_kind", "unanimous"),
                ("rule_n", "0"),
                ("review_on", ""),
            ],
        );
        world
            .admin
            .post("/teams", &fields)
            .await
            .assert_redirect("/teams/core");
        for (login, role) in [("alice", "lead"), ("bob", "member"), ("carol", "member")] {
            world
                .admin
                .post(
                    "/teams/core/members",
                    &[
                        ("login", login),
                        ("role", role),
                        ("reason", "Founding member"),
                    ],
                )
                .await
                .assert_redirect("/teams/core/members");
        }
        let github = world.app.github();
        github.add_account(101, "alice");
        github.add_account(102, "bob");
        github.add_account(103, "carol");
        github.add_account(104, "frank");
        github.add_team("maintainers", &[(102, "bob"), (199, "mallory")]);
        github.add_team("other", &[]);
        world
    }

    async fn link(&self) {
        let alice = self.app.signed_in("alice").await;
        alice
            .post("/teams/core/github", &[("github_slug", "maintainers")])
            .await
            .assert_redirect("/teams/core/github");
    }
}

fn concord() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    for var in [
        "DATABASE_URL",
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "GITHUB_APP_ID",
        "GITHUB_APP_PRIVATE_KEY_FILE",
        "GITHUB_ORG",
        "GITHUB_API_URL",
        "CONCORD_PUBLIC_URL",
        "CONCORD_ENV",
    ] {
        command.env_remove(var);
    }
    command
}

#[tokio::test]
async fn without_the_app_everything_is_off_and_the_pages_say_so() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    admin
        .post(
            "/teams",
            &with(
                team_fields("core", "Core", "Things."),
                &[
                    ("rule_kind", "unanimous"),
                    ("rule_n", "0"),
                    ("review_on", ""),
                ],
            ),
        )
        .await
        .assert_redirect("/teams/core");
    let page = admin.get("/admin/github").await;
    page.assert_status(200);
    assert_eq!(texts(&page.body, ".github-off").len(), 1);
    assert!(texts(&page.body, "form[action='/admin/github/apply']").is_empty());
    let page = admin.get("/teams/core/github").await;
    page.assert_status(200);
    assert!(texts(&page.body, ".github-off")[0].contains("not configured"));
    assert!(texts(&page.body, "input[name=github_slug]").is_empty());
    admin
        .post("/teams/core/github", &[("github_slug", "maintainers")])
        .await
        .assert_status(409);
    // The command line says so too, and fails.
    let out = concord()
        .env(
            "DATABASE_URL",
            crate::support::database::url(&app.db_options),
        )
        .args(["github", "plan"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the GitHub App is not configured"));
}

#[tokio::test]
async fn the_stand_in_refuses_an_expired_or_forged_jwt() {
    let world = World::new().await;
    let github = world.app.github();
    let now = world.app.clock.now().unix_timestamp();
    let key =
        jsonwebtoken::EncodingKey::from_rsa_pem(github_app::PRIVATE_KEY.as_bytes()).expect("key");
    let sign = |iat: i64, exp: i64, iss: &str| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &serde_json::json!({ "iat": iat, "exp": exp, "iss": iss }),
            &key,
        )
        .expect("jwt")
    };
    let client = reqwest::Client::new();
    let url = format!("{}/api/orgs/{ORG}/installation", github.url);
    let ask = |jwt: String| {
        let request = client.get(&url).bearer_auth(jwt);
        async move { request.send().await.expect("send").status().as_u16() }
    };
    assert_eq!(ask(sign(now - 60, now + 540, "4242")).await, 200);
    assert_eq!(ask(sign(now - 700, now - 10, "4242")).await, 401);
    assert_eq!(ask(sign(now - 60, now + 540, "1")).await, 401);
    assert_eq!(ask(sign(now, now + 3600, "4242")).await, 401);
    // Signed with the HMAC of the public key's text (the old algorithm-confusion trick).
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({ "iat": now, "exp": now + 60, "iss": "4242" }),
        &jsonwebtoken::EncodingKey::from_secret(b"whatever"),
    )
    .expect("jwt");
    assert_eq!(ask(forged).await, 401);
    assert_eq!(github.jwt_refusals().len(), 4);
}

#[tokio::test]
async fn the_installation_token_is_kept_and_refreshed_before_it_ends() {
    let world = World::new().await;
    world.link().await;
    let github = world.app.github();
    world.admin.get("/admin/github").await.assert_status(200);
    world.admin.get("/admin/github").await.assert_status(200);
    assert_eq!(
        github.tokens_issued(),
        1,
        "the token is kept between requests"
    );
    // 54 minutes on, the token has six minutes left: still used.
    world.app.clock.advance(Duration::minutes(54));
    world.admin.get("/admin/github").await.assert_status(200);
    assert_eq!(github.tokens_issued(), 1);
    // 56 minutes on, it has four: a new one is asked for before it ends.
    world.app.clock.advance(Duration::minutes(2));
    let page = world.admin.get("/admin/github").await;
    page.assert_status(200);
    assert!(texts(&page.body, ".github-problem").is_empty());
    assert_eq!(github.tokens_issued(), 2);
    assert!(github.jwt_refusals().is_empty());
}

#[tokio::test]
async fn leads_and_administrators_link_a_team_and_bad_slugs_are_explained() {
    let world = World::new().await;
    let bob = world.app.signed_in("bob").await;
    // A member sees the page, without the form; someone outside the team does not.
    let page = bob.get("/teams/core/github").await;
    page.assert_status(200);
    assert!(texts(&page.body, "input[name=github_slug]").is_empty());
    world
        .app
        .signed_in("zed")
        .await
        .get("/teams/core/github")
        .await
        .assert_status(403);
    bob.post("/teams/core/github", &[("github_slug", "maintainers")])
        .await
        .assert_status(403);
    world
        .app
        .visitor()
        .get("/teams/core/github")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fcore%2Fgithub");

    let alice = world.app.signed_in("alice").await;
    let page = alice.get("/teams/core/github").await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, ".github-link"),
        ["Not linked to a GitHub team."]
    );
    for (typed, says) in [
        ("no/such", "letters, digits"),
        ("", "Give the GitHub team"),
        (
            "ghosts",
            "The organization concord-test has no team ghosts.",
        ),
    ] {
        let page = alice
            .post("/teams/core/github", &[("github_slug", typed)])
            .await;
        page.assert_status(422).assert_contains(says);
        assert_eq!(
            crate::support::html::attrs(&page.body, "input[name=github_slug]", "value"),
            [typed]
        );
    }
    world.app.github().set_app_fault(Some(AppFault::Down));
    let page = alice
        .post("/teams/core/github", &[("github_slug", "maintainers")])
        .await;
    page.assert_status(422)
        .assert_contains("GitHub answered 503: GitHub is down for maintenance");
    world.app.github().set_app_fault(None);

    world.link().await;
    let page = alice.get("/teams/core/github").await;
    assert!(
        texts(&page.body, ".github-link")[0]
            .starts_with("Linked to concord-test/maintainers by alice")
    );
    let last = audit_entries(&world.app).await.pop().expect("entry");
    assert_eq!(last.action, "github.linked");
    assert_eq!(last.details["github_team"], "concord-test/maintainers");

    // Another team cannot take the same GitHub team.
    world
        .admin
        .post(
            "/teams",
            &with(
                team_fields("infra", "Infra", "Things."),
                &[
                    ("rule_kind", "unanimous"),
                    ("rule_n", "0"),
                    ("review_on", ""),
                ],
            ),
        )
        .await
        .assert_redirect("/teams/infra");
    world
        .admin
        .post("/teams/infra/github", &[("github_slug", "maintainers")])
        .await
        .assert_status(422)
        .assert_contains("already linked to another Concord team");
    world
        .admin
        .post("/teams/infra/github", &[("github_slug", "other")])
        .await
        .assert_redirect("/teams/infra/github");
}

#[tokio::test]
async fn the_plan_shows_each_difference_with_its_ledger_row_and_apply_is_idempotent() {
    let world = World::new().await;
    world.link().await;
    // bob leaves Concord's team but stays on GitHub; mallory is on GitHub only.
    world
        .admin
        .post(
            "/teams/core/members/bob/leave",
            &[("leave_reason", "Stepped down")],
        )
        .await
        .assert_redirect("/teams/core");
    let page = world.admin.get("/admin/github").await;
    page.assert_status(200);
    let rows = texts(&page.body, "#plan-core tr.change");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].contains("Add") && rows[0].contains("alice") && rows[0].contains("lead since"));
    assert!(rows[1].contains("carol") && rows[1].contains("Founding member"));
    assert!(
        rows[2].contains("Remove") && rows[2].contains("bob") && rows[2].contains("(Stepped down)")
    );
    assert!(rows[3].contains("mallory") && rows[3].contains("not in Concord's ledger"));
    // Only administrators see the plan and apply it.
    let alice = world.app.signed_in("alice").await;
    alice.get("/admin/github").await.assert_status(403);
    alice
        .post("/admin/github/apply", &[])
        .await
        .assert_status(403);

    let page = world.admin.post_follow("/admin/github/apply", &[]).await;
    page.assert_status(200)
        .assert_contains("4 changes made on GitHub, each written to the audit log.");
    assert_eq!(texts(&page.body, "#plan-core .in-sync").len(), 1);
    let github = world.app.github();
    assert_eq!(github.team_logins("maintainers"), ["alice", "carol"]);
    let audited: Vec<_> = audit_entries(&world.app)
        .await
        .into_iter()
        .filter(|a| a.action.starts_with("github.member_"))
        .collect();
    assert_eq!(audited.len(), 4);
    assert_eq!(audited[0].actor.as_deref(), Some("admin"));
    assert_eq!(audited[3].details["login"], "mallory");
    // Applying again changes nothing.
    let changes = github.membership_changes().len();
    world
        .admin
        .post_follow("/admin/github/apply", &[])
        .await
        .assert_contains("GitHub already matched the ledger: nothing was changed.");
    assert_eq!(github.membership_changes().len(), changes);
}

#[tokio::test]
async fn a_rename_on_github_is_no_drift_once_the_id_is_known() {
    let world = World::new().await;
    world.link().await;
    world.admin.post_follow("/admin/github/apply", &[]).await;
    // carol was known by login only; the plan resolved her to GitHub's id 103.
    let id: Option<i64> = sqlx::query_scalar("select github_id from users where login = 'carol'")
        .fetch_one(&world.app.pool)
        .await
        .expect("carol");
    assert_eq!(id, Some(103));
    world.app.github().rename(103, "carol-renamed");
    let page = world.admin.get("/admin/github").await;
    assert_eq!(
        texts(&page.body, "#plan-core .in-sync").len(),
        1,
        "{}",
        page.body
    );
}

// Several threads: the stand-in answers while this test waits for the process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_and_apply_on_the_command_line() {
    let world = World::new().await;
    world.link().await;
    let github = world.app.github();
    // The command line signs with the machine's clock; the stand-in checks with the test's.
    world.app.clock.set(time::OffsetDateTime::now_utc());
    let dir = tempfile::tempdir().expect("dir");
    let key = dir.path().join("app.pem");
    std::fs::write(&key, github_app::PRIVATE_KEY).expect("key");
    let run = |what: &str| {
        concord()
            .env(
                "DATABASE_URL",
                crate::support::database::url(&world.app.db_options),
            )
            .env("GITHUB_APP_ID", github_app::APP_ID.to_string())
            .env("GITHUB_APP_PRIVATE_KEY_FILE", &key)
            .env("GITHUB_ORG", ORG)
            .env("GITHUB_API_URL", format!("{}/api", github.url))
            .env("CONCORD_LOG", "debug")
            .args(["github", what])
            .output()
            .expect("run")
    };
    let out = run("plan");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Core (core) and concord-test/maintainers:"),
        "{stdout}"
    );
    assert!(stdout.contains("+ add    alice  (ledger row #"), "{stdout}");
    assert!(
        stdout.contains("- remove mallory  (not in Concord's ledger of the team)"),
        "{stdout}"
    );
    // The key, the JWT and the tokens are in neither output, even at debug level.
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    for secret in github.app_secrets() {
        assert!(!stderr.contains(&secret) && !stdout.contains(&secret));
    }
    assert!(!stderr.contains("PRIVATE KEY") && !stderr.contains(&github_app::PRIVATE_KEY[32..80]));

    let out = run("apply");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 change(s) made on GitHub."));
    assert_eq!(github.team_logins("maintainers"), ["alice", "bob", "carol"]);
    let out = run("plan");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("in step"));
    let out = run("apply");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 change(s) made on GitHub."));
    let audited = audit_entries(&world.app)
        .await
        .into_iter()
        .filter(|a| a.action.starts_with("github.member_"))
        .count();
    assert_eq!(audited, 3);
}

/// Opens and passes a decision of `core` that makes `login` a member (`member`) or
/// takes them out (`leave`), and records its outcome; returns its id.
async fn pass_membership_decision(world: &World, login: &str, change: &str) -> i64 {
    let (alice, bob, carol) = (
        world.app.signed_in("alice").await,
        world.app.signed_in("bob").await,
        world.app.signed_in("carol").await,
    );
    let fields = with(
        decision_fields("Change the team?"),
        &[
            ("effect_kind", "change_membership"),
            ("member_login", login),
            ("member_change", change),
        ],
    );
    let id = open(&alice, "core", &fields).await;
    for person in [&alice, &bob, &carol] {
        if person
            .get(&format!("/decisions/{id}"))
            .await
            .body
            .contains("Record my position")
        {
            position(person, id, "agree", "").await;
        }
    }
    alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Done.")],
        )
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    id
}

#[tokio::test]
async fn an_admitted_member_reaches_the_github_team_through_the_worker() {
    let world = World::new().await;
    world.link().await;
    let id = pass_membership_decision(&world, "frank", "member").await;
    let alice = world.app.signed_in("alice").await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_eq!(
        texts(&page.body, ".github-changes li"),
        ["Add frank to the GitHub team maintainers: waiting for the worker."]
    );
    let app = world.app.state.github_app.clone().expect("app");
    let now = world.app.clock.now();
    assert_eq!(
        concord::github::sync::changes_pass(&world.app.pool, &app, now)
            .await
            .expect("pass"),
        (1, 0)
    );
    let github = world.app.github();
    assert!(
        github
            .team_logins("maintainers")
            .contains(&"frank".to_string())
    );
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_eq!(
        texts(&page.body, ".github-changes li"),
        ["Add frank to the GitHub team maintainers: applied on 2026-03-02 09:00 UTC."]
    );
    // A second pass has nothing to do.
    assert_eq!(
        concord::github::sync::changes_pass(&world.app.pool, &app, now)
            .await
            .expect("pass"),
        (0, 0)
    );
    assert_eq!(
        github
            .membership_changes()
            .iter()
            .filter(|c| c.contains("frank"))
            .count(),
        1
    );
}

#[tokio::test]
async fn github_down_then_up_loses_nothing() {
    let world = World::new().await;
    world.link().await;
    let github = world.app.github();
    github.add_by_hand("maintainers", 103, "carol");
    let id = pass_membership_decision(&world, "carol", "leave").await;
    github.set_app_fault(Some(AppFault::Down));
    let app = world.app.state.github_app.clone().expect("app");
    let now = world.app.clock.now();
    assert_eq!(
        concord::github::sync::changes_pass(&world.app.pool, &app, now)
            .await
            .expect("pass"),
        (0, 1)
    );
    let alice = world.app.signed_in("alice").await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    let lines = texts(&page.body, ".github-changes li");
    assert!(
        lines[0]
            .starts_with("Remove carol from the GitHub team maintainers: waiting, tried 1 time(s)")
            && lines[0].contains("GitHub answered 503: GitHub is down for maintenance"),
        "{lines:?}"
    );
    // Not due again yet; then GitHub is back and the retry goes through.
    github.set_app_fault(None);
    assert_eq!(
        concord::github::sync::changes_pass(&world.app.pool, &app, now)
            .await
            .expect("pass"),
        (0, 0)
    );
    world.app.clock.advance(Duration::minutes(2));
    let later = world.app.clock.now();
    assert_eq!(
        concord::github::sync::changes_pass(&world.app.pool, &app, later)
            .await
            .expect("pass"),
        (1, 0)
    );
    assert!(
        !github
            .team_logins("maintainers")
            .contains(&"carol".to_string())
    );
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert!(
        texts(&page.body, ".github-changes li")[0].contains(": applied on 2026-03-02 09:02 UTC.")
    );
}

#[tokio::test]
async fn the_private_key_the_jwt_and_the_tokens_are_never_logged() {
    let world = World::new().await;
    world.link().await;
    world.admin.post_follow("/admin/github/apply", &[]).await;
    world.app.clock.advance(Duration::hours(2));
    world.admin.get("/admin/github").await.assert_status(200);
    let github = world.app.github();
    let secrets = github.app_secrets();
    assert!(secrets.len() >= 4, "JWTs and tokens were issued");
    for secret in secrets {
        assert!(
            crate::support::logs::secret_lines_with(&secret).is_empty(),
            "a secret was logged"
        );
    }
    for line in github_app::PRIVATE_KEY.lines().skip(1).take(3) {
        assert!(crate::support::logs::secret_lines_with(line).is_empty());
    }
    // Nor is the key in the configuration's Debug form.
    let shown = format!("{:?}", world.app.config.github_app);
    assert!(shown.contains("[hidden]") && !shown.contains("PRIVATE KEY"));
}

#[tokio::test]
async fn the_daily_check_tells_the_team_of_new_drift_once_and_its_inbox_keeps_it() {
    let world = World::new().await;
    world.link().await;
    // The ledger and GitHub agree, then someone adds mallory's friend by hand.
    world.admin.post_follow("/admin/github/apply", &[]).await;
    sqlx::query(
        "update users set email = login || '@example.org', email_verified_at = now()
         where login = any($1)",
    )
    .bind(vec!["alice", "bob", "carol"])
    .execute(&world.app.pool)
    .await
    .expect("addresses");
    let github = world.app.github();
    github.add_by_hand("maintainers", 200, "trudy");
    let app = world.app.state.github_app.clone().expect("app");
    let now = world.app.clock.now();
    let check = |at| concord::github::drift::daily_check(&world.app.pool, &app, at);
    assert_eq!(check(now).await.expect("check"), Some(1));
    // The same day again (another instance, or a second pass): nothing is done.
    assert_eq!(check(now).await.expect("check"), None);
    let bob = world.app.signed_in("bob").await;
    let page = bob.get("/inbox").await;
    page.assert_status(200);
    let items = texts(&page.body, "a[href='/teams/core/github']");
    assert_eq!(
        items,
        ["Core: 1 difference with its GitHub team"],
        "{}",
        page.body
    );
    let page = bob.get("/teams/core/github").await;
    page.assert_status(200);
    assert_eq!(
        texts(&page.body, "ul.drift li"),
        ["trudy is on GitHub but not in the ledger (found 2026-03-02 09:00 UTC)."]
    );
    // Each member gets one notice, for the digest, with the plan.
    let notices: Vec<(String, bool, serde_json::Value)> = sqlx::query_as(
        "select u.login, o.digest, o.payload from outbox o join users u on u.id = o.user_id
         where o.kind = 'github_drift' order by u.login",
    )
    .fetch_all(&world.app.pool)
    .await
    .expect("outbox");
    assert_eq!(notices.len(), 3);
    assert!(notices.iter().all(|(_, digest, _)| *digest));
    assert!(notices[0].2["text"].as_str().expect("text").contains(
        "trudy is on GitHub but not in the ledger (not in Concord's ledger of the team)"
    ));
    // The next day the drift is still there but not new: nobody is told again.
    world.app.clock.advance(Duration::days(1));
    assert_eq!(check(world.app.clock.now()).await.expect("check"), Some(0));
    let count: i64 = sqlx::query_scalar("select count(*) from outbox where kind = 'github_drift'")
        .fetch_one(&world.app.pool)
        .await
        .expect("count");
    assert_eq!(count, 3);
    // Applying the plan clears it from the inbox.
    world.admin.post_follow("/admin/github/apply", &[]).await;
    let page = bob.get("/inbox").await;
    page.assert_status(200);
    assert!(texts(&page.body, "a[href='/teams/core/github']").is_empty());
    page.assert_contains("Every linked GitHub team of your teams matches its ledger.");
}

/// The stand-in GitHub for trying `concord github plan` by hand (`scripts/github-stand-in`,
/// README "GitHub App"): it listens on 127.0.0.1:$STAND_IN_PORT (4010), runs on the
/// machine's clock, has an organization `concord-test` with a team `core-maintainers`
/// (the demo's amber-finch and someone added by hand), writes the test key to
/// `target/github-stand-in/app.pem`, prints what to export, and runs until stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "started by hand: scripts/github-stand-in"]
async fn stand_in_by_hand() {
    let port = std::env::var("STAND_IN_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(4010);
    let github = crate::support::StandInGithub::start_on(port, concord::app::Clock::system()).await;
    github.add_account(7001, "amber-finch");
    github.add_account(7002, "basil-moss");
    github.add_account(7003, "dahlia-reed");
    github.add_account(7004, "hazel-brook");
    github.add_team(
        "core-maintainers",
        &[(7001, "amber-finch"), (7999, "added-by-hand")],
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/github-stand-in");
    std::fs::create_dir_all(&dir).expect("directory");
    let key = dir.join("app.pem");
    std::fs::write(&key, github_app::PRIVATE_KEY).expect("key");
    println!(
        "The stand-in GitHub listens on {}. In another shell:\n",
        github.url
    );
    println!("  export GITHUB_APP_ID={}", github_app::APP_ID);
    println!("  export GITHUB_APP_PRIVATE_KEY_FILE={}", key.display());
    println!("  export GITHUB_ORG={ORG}");
    println!("  export GITHUB_API_URL={}/api\n", github.url);
    println!("Stop it with Ctrl-C.");
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

#[tokio::test]
async fn a_call_open_to_a_github_team_asks_github_at_nomination() {
    let world = World::new().await;
    let alice = world.app.signed_in("alice").await;
    let fields = |slug: &'static str| {
        vec![
            ("title", "New committers"),
            ("looking_for", "Committers who review."),
            ("eligibility", "github_team"),
            ("eligible_team", ""),
            ("eligible_list", ""),
            ("eligible_github_team", slug),
            ("seats", "2"),
            ("opens_at", "2026-03-02T09:00"),
            ("closes_at", "2026-03-16T09:00"),
            ("stale_after_days", "7"),
        ]
    };
    // A GitHub team the organization does not have is refused, the form kept.
    let page = alice.post("/teams/core/calls", &fields("ghosts")).await;
    page.assert_status(422)
        .assert_contains("The organization concord-test has no team ghosts.");
    assert_eq!(
        crate::support::html::attrs(&page.body, "input[name=eligible_github_team]", "value"),
        ["ghosts"]
    );
    let page = alice
        .post("/teams/core/calls", &fields("maintainers"))
        .await;
    let call: i64 = page
        .location()
        .and_then(|l| l.strip_prefix("/calls/"))
        .and_then(|id| id.parse().ok())
        .expect("the call's address");
    alice
        .get(&format!("/calls/{call}"))
        .await
        .assert_contains("Nominees must be members of the GitHub team maintainers.");
    let zed = world.app.signed_in("zed").await;
    let nominate = |login: &'static str, statement: &'static str| {
        let zed = &zed;
        async move {
            zed.post(
                &format!("/calls/{call}/nominate"),
                &[("nominee", login), ("statement", statement)],
            )
            .await
        }
    };
    // carol is not in the GitHub team: a clear reason, the text kept.
    let page = nominate("carol", "Carol reviews a lot.").await;
    page.assert_status(422).assert_contains(
        "carol is not eligible: this call is for members of the GitHub team maintainers, and GitHub says carol is not one.",
    );
    assert_eq!(
        texts(&page.body, "textarea[name=statement]"),
        ["Carol reviews a lot."]
    );
    // GitHub down: a clear message, nothing sent, the text kept.
    world.app.github().set_app_fault(Some(AppFault::Down));
    let page = nominate("bob", "Bob is great.").await;
    page.assert_status(422)
        .assert_contains(
            "We could not ask GitHub whether bob is a member of the team this call is for",
        )
        .assert_contains("GitHub answered 503");
    assert_eq!(
        texts(&page.body, "textarea[name=statement]"),
        ["Bob is great."]
    );
    let nominations: i64 = sqlx::query_scalar("select count(*) from nominations")
        .fetch_one(&world.app.pool)
        .await
        .expect("count");
    assert_eq!(nominations, 0);
    // GitHub back: bob is in the team, so the nomination goes through.
    world.app.github().set_app_fault(None);
    let page = nominate("bob", "Bob is great.").await;
    assert!(page.status.is_redirection(), "{}", page.body);
    // carol's refusal was kept: GitHub is down again, and she is still refused for the
    // same reason without asking it.
    world.app.github().set_app_fault(Some(AppFault::Down));
    nominate("carol", "Again.")
        .await
        .assert_contains("GitHub says carol is not one.");
}

#[tokio::test]
async fn an_rfc_pull_request_gets_one_comment_edited_in_place() {
    let world = World::new().await;
    let alice = world.app.signed_in("alice").await;
    let page = alice
        .post(
            "/rfcs",
            &[
                ("team", "core"),
                ("title", "Bots and tools"),
                ("summary", "How we treat contributions made by bots."),
                ("body", "The policy."),
                (
                    "pull_request_url",
                    "https://github.com/concord-test/rfcs/pull/12",
                ),
                ("change_note", ""),
                ("form_key", "test-key-github-pr-1"),
            ],
        )
        .await;
    page.assert_status(303);
    let id: i64 = page
        .location()
        .and_then(|l| l.strip_prefix("/rfcs/"))
        .and_then(|id| id.parse().ok())
        .expect("the RFC's address");
    alice
        .post(
            &format!("/rfcs/{id}/window"),
            &[
                ("opens_at", "2026-03-03T09:00"),
                ("closes_at", "2026-03-10T09:00"),
                ("reason", "Ready"),
            ],
        )
        .await
        .assert_status(303);
    let app = world.app.state.github_app.clone().expect("app");
    let pass = |at| concord::github::pulls::pass(&world.app.pool, &app, &world.app.config, at);
    let github = world.app.github();
    // Before the window opens the RFC is the team's draft: nothing on GitHub.
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (0, 0));
    assert!(github.comments().is_empty());
    world.app.clock.advance(Duration::days(1));
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (1, 0));
    let comments = github.comments();
    assert_eq!(comments.len(), 1);
    let (comment, repo, number, body, edits) = comments[0].clone();
    assert_eq!((repo.as_str(), number, edits), ("concord-test/rfcs", 12, 0));
    assert!(body.contains("closes on 2026-03-10 09:00 UTC"), "{body}");
    assert!(
        body.contains(&format!("{}/rfcs/{id}", world.app.address)),
        "{body}"
    );
    assert!(body.contains("publicly or privately"));
    // Nothing new to say: no second comment.
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (0, 0));
    // The window closes and the disposition is published: the same comment is edited.
    world.app.clock.advance(Duration::days(8));
    // Another member than the author publishes it (four eyes).
    let bob = world.app.signed_in("bob").await;
    bob.post_follow(&format!("/rfcs/{id}/disposition/publish"), &[])
        .await
        .assert_contains("The disposition is published.");
    github.set_app_fault(Some(AppFault::Down));
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (0, 1));
    github.set_app_fault(None);
    world.app.clock.advance(Duration::minutes(2));
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (1, 0));
    let comments = github.comments();
    assert_eq!(comments.len(), 1, "edited in place, not added");
    assert_eq!(comments[0].0, comment);
    assert_eq!(comments[0].4, 1);
    assert!(
        comments[0].3.contains(&format!("/rfcs/{id}/disposition")),
        "{}",
        comments[0].3
    );
    assert_eq!(pass(world.app.clock.now()).await.expect("pass"), (0, 0));
}
