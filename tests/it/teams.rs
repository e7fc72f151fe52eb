//! Teams, charters, delegation and the membership ledger, through HTTP, for every role:
//! visitor, signed-in person, member, member of another team, member of the delegating
//! team, and site administrator. Every change's audit entry is checked.

use serde_json::Value;
use time::Duration;

use crate::support::{Client, Page, TestApp};

type AuditRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Value,
);

/// An audit entry as the tests read it.
#[derive(Debug)]
pub struct Audit {
    pub action: String,
    pub actor: Option<String>,
    pub subject: String,
    pub team: Option<String>,
    pub visibility: String,
    pub details: Value,
}

pub async fn audit_entries(app: &TestApp) -> Vec<Audit> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "select a.action, u.login, a.subject_label, t.slug, a.visibility, a.details
         from audit_entries a left join users u on u.id = a.actor_id left join teams t on t.id = a.team_id
         order by a.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit entries");
    rows.into_iter()
        .map(
            |(action, actor, subject, team, visibility, details)| Audit {
                action,
                actor,
                subject,
                team,
                visibility,
                details,
            },
        )
        .collect()
}

pub async fn last_audit(app: &TestApp) -> Audit {
    audit_entries(app).await.pop().expect("an audit entry")
}

async fn audit_count(app: &TestApp) -> usize {
    audit_entries(app).await.len()
}

/// The form fields for a valid new team.
pub fn team_fields<'a>(
    slug: &'a str,
    name: &'a str,
    mandate: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("slug", slug),
        ("name", name),
        ("purpose", "Looks after things."),
        ("mandate", mandate),
        ("rule_kind", "unanimous"),
        ("rule_n", "1"),
        ("review_on", "2026-12-31"),
        ("note", ""),
    ]
}

/// login, role, end kind, join reason, leave reason.
pub type LedgerRow = (String, String, Option<String>, String, Option<String>);

/// Concord with an administrator (`admin`), a top-level `core` team whose member is
/// `carol`, and a top-level `infra` team whose member is `ivan`.
pub struct World {
    pub app: TestApp,
    pub admin: Client,
}

impl World {
    pub async fn new() -> Self {
        let app = TestApp::spawn().await;
        app.make_admin("admin").await;
        let admin = app.signed_in("admin").await;
        let world = World { app, admin };
        world
            .create_top_level("core", "Core", "The direction of the project.")
            .await;
        world.add_member("core", "carol", "member").await;
        world
            .create_top_level("infra", "Infrastructure", "Servers and build machines.")
            .await;
        world.add_member("infra", "ivan", "member").await;
        world
    }

    pub async fn create_top_level(&self, slug: &str, name: &str, mandate: &str) {
        self.admin
            .post("/teams", &team_fields(slug, name, mandate))
            .await
            .assert_redirect(&format!("/teams/{slug}"));
    }

    pub async fn add_member(&self, team: &str, login: &str, role: &str) {
        self.admin
            .post(
                &format!("/teams/{team}/members"),
                &[
                    ("login", login),
                    ("role", role),
                    ("reason", "Founding member"),
                ],
            )
            .await
            .assert_redirect(&format!("/teams/{team}/members"));
    }

    /// `packages`, delegated by `core` (by carol), with member `pat`.
    pub async fn delegate_packages(&self) -> Client {
        let carol = self.app.signed_in("carol").await;
        carol
            .post(
                "/teams/core/delegate",
                &team_fields("packages", "Packages", "Admission and removal of packages."),
            )
            .await
            .assert_redirect("/teams/packages");
        self.add_member("packages", "pat", "member").await;
        carol
    }

    pub async fn ledger(&self, team: &str) -> Vec<LedgerRow> {
        sqlx::query_as(
            "select u.login, m.role, m.end_kind, m.join_reason, m.leave_reason
             from memberships m join users u on u.id = m.user_id join teams t on t.id = m.team_id
             where t.slug = $1 order by m.id",
        )
        .bind(team)
        .fetch_all(&self.app.pool)
        .await
        .expect("ledger")
    }
}

/// The team page's lists of people (members, then alumni), as text.
fn listed(page: &Page) -> Vec<String> {
    crate::support::html::texts(&page.body, "ul.people li")
}

#[track_caller]
fn assert_refused(page: &Page, status: u16) {
    page.assert_status(status);
}

#[tokio::test]
async fn an_administrator_creates_a_top_level_team() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    admin
        .get("/teams/new")
        .await
        .assert_status(200)
        .assert_contains("Create a top-level team")
        .assert_contains("<label for=\"slug\">");
    let page = admin
        .post_follow(
            "/teams",
            &team_fields("core", "Core", "The **direction** of the project."),
        )
        .await;
    page.assert_status(200)
        .assert_contains("<h1>Core</h1>")
        .assert_contains("Core was created.")
        .assert_contains("<strong>direction</strong>")
        .assert_contains("Unanimous, with at most 1 decider absent.")
        .assert_contains("Next review on 2026-12-31.")
        .assert_contains("A top-level team.")
        .assert_contains("Created as a top-level team")
        .assert_contains("2026-03-02 09:00 UTC, by admin");

    let entry = last_audit(&app).await;
    assert_eq!(entry.action, "team.created");
    assert_eq!(entry.actor.as_deref(), Some("admin"));
    assert_eq!(entry.subject, "core");
    assert_eq!(entry.team.as_deref(), Some("core"));
    assert_eq!(entry.visibility, "public");
    assert_eq!(
        entry.details["mandate"],
        "The **direction** of the project."
    );
    assert_eq!(entry.details["review_on"], "2026-12-31");
    assert_eq!(audit_count(&app).await, 1);
}

#[tokio::test]
async fn only_administrators_create_top_level_teams() {
    let world = World::new().await;
    let app = &world.app;
    let before = audit_count(app).await;

    let visitor = app.visitor();
    visitor
        .get("/teams/new")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fnew");
    assert_refused(
        &visitor
            .post("/teams", &team_fields("web", "Web", "The website."))
            .await,
        401,
    );

    let someone = app.signed_in("someone").await;
    assert_refused(&someone.get("/teams/new").await, 403);
    assert_refused(
        &someone
            .post("/teams", &team_fields("web", "Web", "The website."))
            .await,
        403,
    );

    // Being a member of a team does not make one an administrator.
    let carol = app.signed_in("carol").await;
    assert_refused(&carol.get("/teams/new").await, 403);
    let page = carol
        .post("/teams", &team_fields("web", "Web", "The website."))
        .await;
    assert_refused(&page, 403);
    page.assert_contains("only site administrators may do this");

    app.visitor().get("/teams/web").await.assert_status(404);
    assert_eq!(audit_count(app).await, before);
    // Only the administrator sees the way to create one.
    carol.get("/teams").await.assert_lacks("/teams/new");
    world
        .admin
        .get("/teams")
        .await
        .assert_contains("href=\"/teams/new\"");
}

#[tokio::test]
async fn the_team_form_keeps_what_was_typed_and_says_what_is_wrong() {
    let world = World::new().await;
    let before = audit_count(&world.app).await;
    let long_name = "n".repeat(101);
    let page = world
        .admin
        .post(
            "/teams",
            &[
                ("slug", "Web Team!"),
                ("name", &long_name),
                ("purpose", "   "),
                ("mandate", "The <website>"),
                ("rule_kind", "majority"),
                ("rule_n", "abc"),
                ("review_on", "2026-02-30"),
                ("note", ""),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("value=\"Web Team!\"")
        .assert_contains("The &#60;website&#62;")
        .assert_contains("value=\"abc\"")
        .assert_contains("value=\"2026-02-30\"")
        .assert_contains("A slug has 2 to 40 lowercase letters")
        .assert_contains("Name is too long: 101 characters, at most 100.")
        .assert_contains("Purpose is required.")
        .assert_contains("Choose a decision rule.")
        .assert_contains("N is a whole number from 0 to 20.")
        .assert_contains("Enter the review date as YYYY-MM-DD")
        .assert_contains("aria-invalid=\"true\" aria-describedby=\"slug-hint slug-error\"")
        .assert_contains("id=\"review_on-error\"")
        .assert_contains("role=\"alert\"");

    // A review date in the past, and a reserved slug.
    let mut fields = team_fields("new", "New", "Things.");
    fields[6] = ("review_on", "2026-03-01");
    world
        .admin
        .post("/teams", &fields)
        .await
        .assert_status(422)
        .assert_contains("This slug is reserved")
        .assert_contains("The review date must be today or later.");
    assert_eq!(audit_count(&world.app).await, before);
}

#[tokio::test]
async fn a_taken_slug_is_a_form_error_not_a_failure() {
    let world = World::new().await;
    let before = audit_count(&world.app).await;
    world
        .admin
        .post("/teams", &team_fields("core", "Another core", "Anything."))
        .await
        .assert_status(422)
        .assert_contains("Another team already has this slug; choose another.")
        .assert_contains("value=\"Another core\"");
    // Delegating under the same slug is refused the same way.
    let carol = world.app.signed_in("carol").await;
    carol
        .post(
            "/teams/core/delegate",
            &team_fields("infra", "Infra 2", "Anything."),
        )
        .await
        .assert_status(422)
        .assert_contains("Another team already has this slug");
    assert_eq!(audit_count(&world.app).await, before);
}

#[tokio::test]
async fn members_of_a_team_delegate_a_team_beneath_it() {
    let world = World::new().await;
    let carol = world.app.signed_in("carol").await;
    carol
        .get("/teams/core")
        .await
        .assert_contains("href=\"/teams/core/delegate\"");
    carol
        .get("/teams/core/delegate")
        .await
        .assert_status(200)
        .assert_contains("Delegate a team from Core");
    let mut fields = team_fields("packages", "Packages", "Admission and removal of packages.");
    fields[7] = ("note", "Core hands package policy to a dedicated team.");
    carol
        .post_follow("/teams/core/delegate", &fields)
        .await
        .assert_status(200)
        .assert_contains("Core delegated Packages.")
        .assert_contains("Delegated by <a href=\"/teams/core\">Core</a>.")
        .assert_contains("Delegated by <a href=\"/teams/core\">Core</a></strong>")
        .assert_contains("by carol")
        .assert_contains("Note: Core hands package policy to a dedicated team.");
    // The record shows on the delegating team's page too.
    world
        .app
        .visitor()
        .get("/teams/core")
        .await
        .assert_contains("Delegated a new team: <a href=\"/teams/packages\">Packages</a>")
        .assert_contains("Delegated teams");
    // And in the tree, beneath its parent.
    let tree = world.app.visitor().get("/teams").await;
    tree.assert_status(200);
    let core_at = tree.body.find("/teams/core\"").expect("core in the tree");
    let packages_at = tree
        .body
        .find("/teams/packages\"")
        .expect("packages in the tree");
    let infra_at = tree.body.find("/teams/infra\"").expect("infra in the tree");
    assert!(
        core_at < packages_at && packages_at < infra_at,
        "packages is listed under core"
    );
    assert!(
        tree.body[core_at..packages_at].contains("<ul>"),
        "packages is nested"
    );

    let entry = last_audit(&world.app).await;
    assert_eq!(entry.action, "team.delegated");
    assert_eq!(entry.actor.as_deref(), Some("carol"));
    assert_eq!(entry.team.as_deref(), Some("packages"));
    assert_eq!(entry.details["parent"], "core");
    assert_eq!(
        entry.details["note"],
        "Core hands package policy to a dedicated team."
    );
}

#[tokio::test]
async fn only_the_teams_members_and_administrators_delegate() {
    let world = World::new().await;
    let app = &world.app;
    let before = audit_count(app).await;
    let fields = team_fields("docs", "Docs", "Documentation.");

    let visitor = app.visitor();
    visitor
        .get("/teams/core/delegate")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fcore%2Fdelegate");
    assert_refused(&visitor.post("/teams/core/delegate", &fields).await, 401);

    let someone = app.signed_in("someone").await;
    assert_refused(&someone.get("/teams/core/delegate").await, 403);
    assert_refused(&someone.post("/teams/core/delegate", &fields).await, 403);
    someone
        .get("/teams/core")
        .await
        .assert_lacks("/teams/core/delegate");

    let ivan = app.signed_in("ivan").await;
    assert_refused(&ivan.get("/teams/core/delegate").await, 403);
    assert_refused(&ivan.post("/teams/core/delegate", &fields).await, 403);
    assert_eq!(audit_count(app).await, before);

    // A delegated team's members may not delegate from the team above them.
    world.delegate_packages().await;
    let pat = app.signed_in("pat").await;
    assert_refused(&pat.post("/teams/core/delegate", &fields).await, 403);

    // Administrators may.
    world
        .admin
        .post(
            "/teams/infra/delegate",
            &team_fields("ci", "CI", "The CI service."),
        )
        .await
        .assert_redirect("/teams/ci");
    assert_eq!(last_audit(app).await.action, "team.delegated");

    app.visitor()
        .get("/teams/nowhere/delegate")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fnowhere%2Fdelegate");
    assert_refused(&world.admin.get("/teams/nowhere/delegate").await, 404);
}

#[tokio::test]
async fn the_team_its_parent_and_administrators_edit_the_charter() {
    let world = World::new().await;
    let carol = world.delegate_packages().await;
    let pat = world.app.signed_in("pat").await;
    pat.get("/teams/packages/charter")
        .await
        .assert_status(200)
        .assert_contains("Admission and removal of packages.");
    let edit = |mandate: &'static str,
                rule_kind: &'static str,
                rule_n: &'static str,
                note: &'static str| {
        vec![
            ("purpose", "Looks after things."),
            ("mandate", mandate),
            ("rule_kind", rule_kind),
            ("rule_n", rule_n),
            ("review_on", "2026-12-31"),
            ("note", note),
        ]
    };
    pat.post_follow(
        "/teams/packages/charter",
        &edit(
            "Admission, removal and renaming of packages.",
            "all_but",
            "2",
            "Renaming was missing.",
        ),
    )
    .await
    .assert_status(200)
    .assert_contains("The charter of Packages was changed.")
    .assert_contains("Admission, removal and renaming of packages.")
    .assert_contains("All but 2 deciders agree, and no concern is unresolved.")
    .assert_contains("Charter changed</strong>")
    .assert_contains("Note: Renaming was missing.");
    let entry = last_audit(&world.app).await;
    assert_eq!(entry.action, "team.charter_changed");
    assert_eq!(entry.actor.as_deref(), Some("pat"));
    assert_eq!(entry.team.as_deref(), Some("packages"));
    assert_eq!(
        entry.details["changed"],
        serde_json::json!(["mandate", "decision_rule"])
    );
    // The change is on the delegating team's page as well.
    world
        .app
        .visitor()
        .get("/teams/core")
        .await
        .assert_contains(
            "Charter changed of delegated team <a href=\"/teams/packages\">Packages</a>",
        );

    // The delegating team's member edits it too; so does an administrator.
    carol
        .post(
            "/teams/packages/charter",
            &edit("Package policy.", "all_but", "2", ""),
        )
        .await
        .assert_redirect("/teams/packages");
    assert_eq!(last_audit(&world.app).await.actor.as_deref(), Some("carol"));
    world
        .admin
        .post(
            "/teams/packages/charter",
            &edit("Package policy.", "unanimous", "0", ""),
        )
        .await
        .assert_redirect("/teams/packages");
    assert_eq!(last_audit(&world.app).await.actor.as_deref(), Some("admin"));

    // Nobody else.
    let before = audit_count(&world.app).await;
    let visitor = world.app.visitor();
    visitor
        .get("/teams/packages/charter")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fpackages%2Fcharter");
    assert_refused(
        &visitor
            .post(
                "/teams/packages/charter",
                &edit("Mine.", "unanimous", "0", ""),
            )
            .await,
        401,
    );
    let someone = world.app.signed_in("someone").await;
    assert_refused(&someone.get("/teams/packages/charter").await, 403);
    assert_refused(
        &someone
            .post(
                "/teams/packages/charter",
                &edit("Mine.", "unanimous", "0", ""),
            )
            .await,
        403,
    );
    let ivan = world.app.signed_in("ivan").await;
    assert_refused(&ivan.get("/teams/packages/charter").await, 403);
    assert_refused(
        &ivan
            .post(
                "/teams/packages/charter",
                &edit("Mine.", "unanimous", "0", ""),
            )
            .await,
        403,
    );
    ivan.get("/teams/packages")
        .await
        .assert_lacks("/teams/packages/charter");
    // A sub-team's members do not edit the charter of the team above them.
    assert_refused(
        &pat.post("/teams/core/charter", &edit("Mine.", "unanimous", "0", ""))
            .await,
        403,
    );

    // Nothing changed, and a malformed date: form errors that keep the input.
    pat.post(
        "/teams/packages/charter",
        &edit("Package policy.", "unanimous", "0", ""),
    )
    .await
    .assert_status(422)
    .assert_contains("Nothing has changed");
    let mut fields = edit("Package policy, again.", "unanimous", "0", "");
    fields[4] = ("review_on", "31/12/2026");
    pat.post("/teams/packages/charter", &fields)
        .await
        .assert_status(422)
        .assert_contains("value=\"31/12/2026\"")
        .assert_contains("Package policy, again.")
        .assert_contains("Enter the review date as YYYY-MM-DD");
    assert_eq!(audit_count(&world.app).await, before);
}

#[tokio::test]
async fn the_ledger_keeps_joining_role_changes_leave_and_rejoining() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;

    // A member adds someone Concord has never seen.
    carol
        .get("/teams/core/members")
        .await
        .assert_status(200)
        .assert_contains("Add a member");
    carol
        .post_follow(
            "/teams/core/members",
            &[
                ("login", "@Dana-Lee"),
                ("role", "member"),
                ("reason", "Elected at the 2026 summit"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("Dana-Lee joined Core as member.");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "membership.joined");
    assert_eq!(entry.actor.as_deref(), Some("carol"));
    assert_eq!(entry.subject, "Dana-Lee in core");
    assert_eq!(entry.details["role"], "member");
    assert_eq!(entry.details["new_to_concord"], true);
    let known: i64 = sqlx::query_scalar("select count(*) from users where login = 'Dana-Lee'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(known, 1);

    // Lead, on leave, back: each closes a row and opens the next.
    app.clock.advance(Duration::days(30));
    // Time moves past the session's idle limit: sign in again after each move.
    let carol = app.signed_in("carol").await;
    carol
        .get("/teams/core/members/dana-lee")
        .await
        .assert_status(200)
        .assert_contains("Dana-Lee is member of Core");
    for (role, reason, action_to) in [
        ("lead", "Chosen to lead", "lead"),
        ("on_leave", "Parental leave", "on_leave"),
        ("member", "Back from leave", "member"),
    ] {
        app.clock.advance(Duration::days(100));
        let carol = app.signed_in("carol").await;
        carol
            .post(
                "/teams/core/members/Dana-Lee/role",
                &[("role", role), ("role_reason", reason)],
            )
            .await
            .assert_redirect("/teams/core");
        let entry = last_audit(app).await;
        assert_eq!(entry.action, "membership.role_changed");
        assert_eq!(entry.details["to"], action_to);
        assert_eq!(entry.details["reason"], reason);
    }
    assert_eq!(last_audit(app).await.details["from"], "on_leave");

    // Leaving, by the person themselves.
    app.clock.set(time::macros::datetime!(2027-06-01 12:00 UTC));
    let dana = app.signed_in("Dana-Lee").await;
    dana.post(
        "/teams/core/members/Dana-Lee/leave",
        &[("leave_reason", "Moving on")],
    )
    .await
    .assert_redirect("/teams/core");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "membership.left");
    assert_eq!(entry.actor.as_deref(), Some("Dana-Lee"));
    assert_eq!(entry.details["reason"], "Moving on");
    // Having left, Dana may no longer manage the team.
    assert_refused(&dana.get("/teams/core/members").await, 403);

    let page = app.visitor().get("/teams/core").await;
    // Without a display name, the login is said once.
    page.assert_status(200);
    assert!(listed(&page).contains(&"Dana-Lee, 2026–2027".to_string()));
    page.assert_contains("Left: Moving on")
        .assert_contains("Role changed: Back from leave")
        .assert_contains("Joined: Elected at the 2026 summit (recorded by carol)");

    // Rejoining opens a new stint; the old rows stay as they were.
    app.clock.set(time::macros::datetime!(2028-01-10 12:00 UTC));
    let carol = app.signed_in("carol").await;
    carol
        .post(
            "/teams/core/members",
            &[
                ("login", "dana-lee"),
                ("role", "member"),
                ("reason", "Welcome back"),
            ],
        )
        .await
        .assert_redirect("/teams/core/members");
    let ledger = world.ledger("core").await;
    let dana_rows: Vec<_> = ledger.iter().filter(|r| r.0 == "Dana-Lee").collect();
    let roles: Vec<(&str, Option<&str>)> = dana_rows
        .iter()
        .map(|r| (r.1.as_str(), r.2.as_deref()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("member", Some("role_changed")),
            ("lead", Some("role_changed")),
            ("on_leave", Some("role_changed")),
            ("member", Some("left")),
            ("member", None),
        ]
    );
    assert_eq!(dana_rows[0].3, "Elected at the 2026 summit");
    assert_eq!(dana_rows[3].4.as_deref(), Some("Moving on"));
    let page = app.visitor().get("/teams/core").await;
    page.assert_status(200);
    assert!(listed(&page).contains(&"Dana-Lee, member, member since 2028-01-10".to_string()));

    // The API shows the same.
    let api: Value = app
        .visitor()
        .http
        .get(format!("{}/api/v1/teams/core", app.address))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let dana_json = api["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["login"] == "Dana-Lee")
        .expect("Dana-Lee is a member");
    assert_eq!(dana_json["since"], "2028-01-10T12:00:00Z");
}

#[tokio::test]
async fn adding_a_current_member_again_is_a_form_error() {
    let world = World::new().await;
    let before = audit_count(&world.app).await;
    let carol = world.app.signed_in("carol").await;
    carol
        .post(
            "/teams/core/members",
            &[("login", "CAROL"), ("role", "lead"), ("reason", "Again")],
        )
        .await
        .assert_status(422)
        .assert_contains("CAROL is already a current member of Core.")
        .assert_contains("value=\"CAROL\"")
        .assert_contains("aria-describedby=\"login-hint login-error\"");
    assert_eq!(world.ledger("core").await.len(), 1);
    assert_eq!(audit_count(&world.app).await, before);

    // Invalid input: messages, the typed values, nothing written.
    carol
        .post(
            "/teams/core/members",
            &[("login", "not a login"), ("role", "boss"), ("reason", "")],
        )
        .await
        .assert_status(422)
        .assert_contains("value=\"not a login\"")
        .assert_contains("A GitHub login has 1 to 39 letters")
        .assert_contains("Choose member or lead.")
        .assert_contains("Reason is required.");
    // Choosing the role one already has, or leaving without a reason.
    carol
        .post(
            "/teams/core/members/carol/role",
            &[("role", "member"), ("role_reason", "Same")],
        )
        .await
        .assert_status(422)
        .assert_contains("The role is already member; choose another.");
    carol
        .post("/teams/core/members/carol/leave", &[("leave_reason", " ")])
        .await
        .assert_status(422)
        .assert_contains("Reason is required.");
    // Someone who is not a member cannot change role or leave.
    carol
        .post("/teams/core/members/ivan/leave", &[("leave_reason", "Bye")])
        .await
        .assert_status(409)
        .assert_contains("ivan is not a current member of Core.");
    carol
        .post(
            "/teams/core/members/nobody-at-all/leave",
            &[("leave_reason", "Bye")],
        )
        .await
        .assert_status(404);
    assert_eq!(audit_count(&world.app).await, before);
}

#[tokio::test]
async fn only_members_and_administrators_manage_membership() {
    let world = World::new().await;
    world.delegate_packages().await;
    let app = &world.app;
    let before = audit_count(app).await;
    let add = [
        ("login", "mallory"),
        ("role", "lead"),
        ("reason", "I say so"),
    ];
    let role = [("role", "lead"), ("role_reason", "I say so")];
    let leave = [("leave_reason", "I say so")];

    let visitor = app.visitor();
    visitor
        .get("/teams/core/members")
        .await
        .assert_redirect("/login?next=%2Fteams%2Fcore%2Fmembers");
    assert_refused(&visitor.post("/teams/core/members", &add).await, 401);
    assert_refused(
        &visitor.post("/teams/core/members/carol/role", &role).await,
        401,
    );
    assert_refused(
        &visitor
            .post("/teams/core/members/carol/leave", &leave)
            .await,
        401,
    );

    let someone = app.signed_in("someone").await;
    let ivan = app.signed_in("ivan").await;
    // carol is a member of core, the team that delegated packages: once packages has a lead
    // of its own (tests/it/staffing.rs covers the time before), she does not manage it.
    assert_eq!(audit_count(app).await, before);
    world
        .admin
        .post(
            "/teams/packages/members/pat/role",
            &[("role", "lead"), ("role_reason", "Leads it now")],
        )
        .await
        .assert_redirect("/teams/packages");
    let before = audit_count(app).await;
    let carol = app.signed_in("carol").await;
    for (client, team, person) in [
        (&someone, "core", "carol"),
        (&ivan, "core", "carol"),
        (&carol, "packages", "pat"),
    ] {
        assert_refused(&client.get(&format!("/teams/{team}/members")).await, 403);
        assert_refused(
            &client.get(&format!("/teams/{team}/members/{person}")).await,
            403,
        );
        assert_refused(
            &client.post(&format!("/teams/{team}/members"), &add).await,
            403,
        );
        assert_refused(
            &client
                .post(&format!("/teams/{team}/members/{person}/role"), &role)
                .await,
            403,
        );
        assert_refused(
            &client
                .post(&format!("/teams/{team}/members/{person}/leave"), &leave)
                .await,
            403,
        );
        client
            .get(&format!("/teams/{team}"))
            .await
            .assert_lacks("Manage members");
    }
    assert_eq!(audit_count(app).await, before);

    // A member and an administrator may.
    let pat = app.signed_in("pat").await;
    pat.get("/teams/packages")
        .await
        .assert_contains("Manage members");
    pat.post(
        "/teams/packages/members",
        &[
            ("login", "quinn"),
            ("role", "member"),
            ("reason", "Helps a lot"),
        ],
    )
    .await
    .assert_redirect("/teams/packages/members");
    world
        .admin
        .post(
            "/teams/packages/members/quinn/role",
            &[("role", "lead"), ("role_reason", "Seeded by admin")],
        )
        .await
        .assert_redirect("/teams/packages");
    let entry = last_audit(app).await;
    assert_eq!(
        (entry.action.as_str(), entry.actor.as_deref()),
        ("membership.role_changed", Some("admin"))
    );
}

#[tokio::test]
async fn the_delegating_team_revokes_a_delegation() {
    let world = World::new().await;
    let carol = world.delegate_packages().await;
    let app = &world.app;
    let before = audit_count(app).await;

    // Not the delegated team itself, not others.
    let pat = app.signed_in("pat").await;
    assert_refused(&pat.get("/teams/packages/revoke").await, 403);
    assert_refused(
        &pat.post("/teams/packages/revoke", &[("reason", "We quit")])
            .await,
        403,
    );
    let ivan = app.signed_in("ivan").await;
    assert_refused(
        &ivan
            .post("/teams/packages/revoke", &[("reason", "Mine")])
            .await,
        403,
    );
    let someone = app.signed_in("someone").await;
    assert_refused(
        &someone
            .post("/teams/packages/revoke", &[("reason", "Mine")])
            .await,
        403,
    );
    assert_refused(
        &app.visitor()
            .post("/teams/packages/revoke", &[("reason", "Mine")])
            .await,
        401,
    );
    // A top-level team was not delegated.
    assert_refused(
        &world
            .admin
            .post("/teams/core/revoke", &[("reason", "Dissolve")])
            .await,
        409,
    );
    // A reason is required.
    carol
        .post("/teams/packages/revoke", &[("reason", "")])
        .await
        .assert_status(422)
        .assert_contains("Reason is required.");
    // A team that still delegates to another cannot be revoked.
    world
        .admin
        .post(
            "/teams/packages/delegate",
            &team_fields("docs", "Docs", "Package documentation."),
        )
        .await
        .assert_redirect("/teams/docs");
    carol
        .post(
            "/teams/packages/revoke",
            &[("reason", "Folded back into core")],
        )
        .await
        .assert_status(422)
        .assert_contains("Packages still delegates to docs; revoke those delegations first.")
        .assert_contains("Folded back into core");
    assert_eq!(audit_count(app).await, before + 1);
    world
        .admin
        .post("/teams/docs/revoke", &[("reason", "Not needed")])
        .await
        .assert_redirect("/teams/docs");

    app.clock.advance(Duration::days(10));
    let carol = app.signed_in("carol").await;
    carol
        .get("/teams/packages/revoke")
        .await
        .assert_status(200)
        .assert_contains("its 1 current member.");
    carol
        .post_follow(
            "/teams/packages/revoke",
            &[("reason", "Folded back into core")],
        )
        .await
        .assert_status(200)
        .assert_contains("This team's delegation was revoked on 2026-03-12 09:00 UTC.")
        .assert_contains("Delegation revoked; it was delegated by")
        .assert_contains("No current members.")
        .assert_contains("The team&#39;s delegation was revoked.");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "team.revoked");
    assert_eq!(entry.actor.as_deref(), Some("carol"));
    assert_eq!(entry.details["reason"], "Folded back into core");
    assert_eq!(
        entry.details["memberships_ended"],
        serde_json::json!(["pat"])
    );

    app.visitor()
        .get("/teams/core")
        .await
        .assert_contains("Revoked the delegation of <a href=\"/teams/packages\">Packages</a>")
        .assert_contains("(revoked on 2026-03-12)");
    let tree = app.visitor().get("/teams").await;
    let former = tree.body.find("Former teams").expect("former teams");
    assert!(tree.body[former..].contains("/teams/packages\""));

    // A revoked team no longer changes.
    let revoked = audit_count(app).await;
    let admin = app.signed_in("admin").await;
    admin
        .post(
            "/teams/packages/members",
            &[("login", "pat"), ("role", "member"), ("reason", "Back")],
        )
        .await
        .assert_status(409);
    admin
        .post(
            "/teams/packages/delegate",
            &team_fields("more", "More", "More."),
        )
        .await
        .assert_status(409);
    carol
        .post("/teams/packages/revoke", &[("reason", "Again")])
        .await
        .assert_status(409);
    assert_eq!(audit_count(app).await, revoked);
}

#[tokio::test]
async fn the_database_refuses_cycles_rewrites_and_overlaps() {
    let world = World::new().await;
    world.delegate_packages().await;
    let pool = &world.app.pool;
    // A team cannot become the child of its own descendant.
    let cycle = sqlx::query(
        "update teams set parent_id = (select id from teams where slug = 'packages') where slug = 'core'",
    )
    .execute(pool)
    .await;
    assert!(cycle.is_err(), "a cycle was accepted");
    // Ledger rows are never rewritten or deleted; closed rows never change.
    let rewrite = sqlx::query("update memberships set role = 'lead' where left_at is null")
        .execute(pool)
        .await;
    assert!(rewrite.is_err(), "a ledger row was rewritten");
    let delete = sqlx::query("delete from memberships").execute(pool).await;
    assert!(delete.is_err(), "a ledger row was deleted");
    // Two open rows, or overlapping rows, for one person in one team.
    let twice = sqlx::query(
        "insert into memberships (team_id, user_id, role, joined_at, join_reason)
         select team_id, user_id, 'lead', joined_at + interval '1 day', 'again' from memberships limit 1",
    )
    .execute(pool)
    .await;
    assert!(twice.is_err(), "a second open row was accepted");
    let overlap = sqlx::query(
        "insert into memberships (team_id, user_id, role, joined_at, join_reason, left_at, end_kind, leave_reason)
         select team_id, user_id, 'lead', joined_at - interval '1 day', 'before', joined_at + interval '1 day',
                'left', 'overlapping'
         from memberships limit 1",
    )
    .execute(pool)
    .await;
    assert!(overlap.is_err(), "an overlapping row was accepted");
    let bad_role = sqlx::query(
        "insert into memberships (team_id, user_id, role, joined_at, join_reason)
         select id, (select id from users where login = 'admin'), 'boss', now(), 'x' from teams where slug = 'core'",
    )
    .execute(pool)
    .await;
    assert!(bad_role.is_err(), "an unknown role was accepted");
    // The audit log is append-only too.
    let erase = sqlx::query("delete from audit_entries").execute(pool).await;
    assert!(erase.is_err(), "audit entries were deleted");
}

#[tokio::test]
async fn the_tree_answers_who_may_decide() {
    let world = World::new().await;
    world.delegate_packages().await;
    let page = world
        .app
        .visitor()
        .get("/teams?q=who+may+decide+about+package+removal")
        .await;
    page.assert_status(200)
        .assert_contains("1 team mentions")
        .assert_contains("<li class=\"matched\">")
        .assert_contains("Admission and removal of packages.")
        .assert_contains("The direction of the project.");
    let marked = page.body.find("class=\"matched\"").expect("a marked team");
    assert!(
        page.body[marked..].find("/teams/packages\"") < page.body[marked..].find("/teams/infra\"")
    );
    world
        .app
        .visitor()
        .get("/teams?q=the+website")
        .await
        .assert_contains("No team&#39;s name, purpose or mandate mentions");
}

#[tokio::test]
async fn visitors_read_teams_and_the_home_page_lists_them() {
    let world = World::new().await;
    world.delegate_packages().await;
    let visitor = world.app.visitor();
    let home = visitor.get("/").await;
    home.assert_status(200)
        .assert_contains("<a href=\"/teams\">Teams</a>")
        .assert_contains("<a href=\"/audit\">Audit log</a>")
        .assert_contains("<a href=\"/teams/core\">Core</a>: Looks after things.")
        .assert_contains("<a href=\"/teams/packages\">Packages</a>");
    let page = visitor.get("/teams/packages").await;
    page.assert_status(200)
        .assert_lacks("Manage members")
        .assert_lacks("Edit the charter")
        .assert_lacks("Revoke the delegation");
    assert_eq!(listed(&page), ["pat, member, member since 2026-03-02"]);
    // Pages for visitors set no session cookie.
    assert!(page.set_cookies().is_empty());
    visitor.get("/teams/nothing-here").await.assert_status(404);
}

#[tokio::test]
async fn the_demo_data_has_teams_with_history() {
    let app = TestApp::spawn().await;
    let seeded = concord::demo::seed_if_empty(&app.pool, app.clock.now())
        .await
        .expect("demo data");
    assert!(seeded);
    let visitor = app.visitor();
    let tree = visitor.get("/teams").await;
    for team in ["core", "packages", "infrastructure", "ci"] {
        tree.assert_contains(&format!("href=\"/teams/{team}\""));
    }
    visitor
        .get("/teams/packages")
        .await
        .assert_contains("Delegated by <a href=\"/teams/core\">Core</a>.")
        .assert_contains("cedar-lark")
        .assert_contains("on leave")
        .assert_contains("Alumni");
    let core = visitor.get("/teams/core").await;
    core.assert_status(200);
    assert!(listed(&core).contains(&"Dahlia Reed (dahlia-reed), 2023–2024".to_string()));
    visitor
        .get("/teams/ci")
        .await
        .assert_contains("The release pipeline moved from infrastructure to CI.");
    visitor
        .get("/audit")
        .await
        .assert_contains("team.delegated");
    visitor
        .get("/")
        .await
        .assert_contains("<a href=\"/teams/core\">Core</a>");
    // Every change of the demo is in the audit log, with its time.
    let entries = audit_entries(&app).await;
    assert!(
        entries
            .iter()
            .any(|e| e.action == "membership.role_changed")
    );
    // All public but the demo's team-only decision, the drafts and reviews of demo posts,
    // its private nominations, and the demo RFCs' drafts, private feedback and dispositions.
    assert!(entries.iter().all(|e| e.visibility == "public"
        || e.action.starts_with("decision.")
        || e.action.starts_with("post.")
        || e.action.starts_with("nomination.")
        || e.action.starts_with("rfc")));
}
