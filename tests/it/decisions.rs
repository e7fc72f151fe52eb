//! Consensus decisions through HTTP, for every role: visitor, signed-in person, member of
//! another team, member, decider, the opener, whoever raised a concern. The clock moves;
//! nobody sleeps.

use time::Duration;

use crate::support::{Client, Page, START, TestApp, with};
use crate::teams::{audit_entries, last_audit, team_fields};

/// `2026-03-09T09:00`: a week after the test clock's start.
const IN_A_WEEK: &str = "2026-03-09T09:00";

/// Concord with an administrator, a top-level `core` team deciding by `rule` whose
/// members are alice (lead), bob and carol, with dave on leave; and an `infra` team
/// whose member is ivan.
pub struct World {
    pub app: TestApp,
    pub admin: Client,
}

impl World {
    pub async fn new(rule_kind: &str, rule_n: &str) -> Self {
        let app = TestApp::spawn().await;
        app.make_admin("admin").await;
        let admin = app.signed_in("admin").await;
        let world = World { app, admin };
        world.create_team("core", "Core", rule_kind, rule_n).await;
        world.add_member("core", "alice", "lead").await;
        world.add_member("core", "bob", "member").await;
        world.add_member("core", "carol", "member").await;
        world.add_member("core", "dave", "member").await;
        world
            .admin
            .post(
                "/teams/core/members/dave/role",
                &[("role", "on_leave"), ("role_reason", "Away")],
            )
            .await
            .assert_redirect("/teams/core");
        world.create_team("infra", "Infra", "unanimous", "0").await;
        world.add_member("infra", "ivan", "member").await;
        world
    }

    async fn create_team(&self, slug: &str, name: &str, rule_kind: &str, rule_n: &str) {
        let fields = with(
            team_fields(slug, name, "Things."),
            &[
                ("rule_kind", rule_kind),
                ("rule_n", rule_n),
                ("review_on", ""),
            ],
        );
        self.admin
            .post("/teams", &fields)
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

    pub async fn person(&self, login: &str) -> Client {
        self.app.signed_in(login).await
    }

    pub async fn count(&self, sql: &str, id: i64) -> i64 {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&self.app.pool)
            .await
            .expect("count")
    }
}

/// Valid fields for a new decision with free-text effect, closing in a week.
pub fn decision_fields(question: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("question", question),
        ("body", "Some **background**."),
        ("closes_at", IN_A_WEEK),
        ("visibility", "team"),
        ("effect_kind", "text"),
        ("effect_text", "We do it."),
    ]
}

/// Opens a decision as `client` on `team`; returns its id.
pub async fn open(client: &Client, team: &str, fields: &[(&'static str, &str)]) -> i64 {
    let page = client
        .post(&format!("/teams/{team}/decisions"), fields)
        .await;
    assert!(
        page.status.is_redirection(),
        "opening failed: {} {}",
        page.status,
        page.body
    );
    page.location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|id| id.parse().ok())
        .expect("the new decision's address")
}

pub async fn position(client: &Client, id: i64, stance: &str, comment: &str) -> Page {
    client
        .post(
            &format!("/decisions/{id}/positions"),
            &[("stance", stance), ("comment", comment)],
        )
        .await
}

#[track_caller]
pub fn assert_outcome(page: &Page, outcome: &str) {
    page.assert_status(200).assert_contains(&format!(
        "Outcome: <span class=\"outcome outcome-{}\">{outcome}</span>",
        match outcome {
            "Lapsed" | "Withdrawn" => "closed".to_string(),
            other => other.to_lowercase(),
        }
    ));
}

#[tokio::test]
async fn a_member_opens_a_decision_with_frozen_deciders() {
    let world = World::new("unanimous", "0").await;
    let alice = world.person("alice").await;
    alice
        .get("/teams/core/decisions/new")
        .await
        .assert_status(200)
        .assert_contains("<label for=\"question\">")
        .assert_contains("type=\"datetime-local\"")
        .assert_contains("Read as UTC")
        .assert_contains("Unanimous: every decider agrees, none absent.");
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Open");
    page.assert_contains("<h1>Adopt the guideline?</h1>")
        .assert_contains("The decision is open")
        .assert_contains("<strong>background</strong>")
        .assert_contains("2026-03-09 09:00 UTC (7 days left)")
        .assert_contains("Visible to: Team only")
        .assert_contains("Not yet spoken: alice, bob, carol.")
        .assert_contains("3 deciders more to take a position");
    // Dave, on leave, is not among the deciders.
    assert_eq!(
        crate::support::html::texts(&page.body, "td.decider"),
        vec!["alice", "bob", "carol"]
    );
    let entry = last_audit(&world.app).await;
    assert_eq!(entry.action, "decision.opened");
    assert_eq!(entry.visibility, "team");
    assert_eq!(entry.details["deciders"], 3);

    // Someone who joins later is not a decider; dave, back from leave, neither.
    world.add_member("core", "erin", "member").await;
    world
        .admin
        .post(
            "/teams/core/members/dave/role",
            &[("role", "member"), ("role_reason", "Back")],
        )
        .await;
    for late in ["erin", "dave"] {
        let person = world.person(late).await;
        person
            .get(&format!("/decisions/{id}"))
            .await
            .assert_status(200)
            .assert_lacks("Record my position");
        position(&person, id, "agree", "").await.assert_status(403);
    }
    // A later change of the charter's rule does not move the decision.
    assert_eq!(
        world
            .count(
                "select count(*) from decision_deciders where decision_id = $1",
                id
            )
            .await,
        3
    );
}

#[tokio::test]
async fn only_members_open_decisions() {
    let world = World::new("unanimous", "0").await;
    let visitor = world.app.visitor();
    let page = visitor.get("/teams/core/decisions/new").await;
    assert!(page.location().is_some_and(|l| l.starts_with("/login")));
    visitor
        .post("/teams/core/decisions", &decision_fields("Q?"))
        .await
        .assert_status(401);
    let ivan = world.person("ivan").await;
    ivan.get("/teams/core/decisions/new")
        .await
        .assert_status(403);
    ivan.post("/teams/core/decisions", &decision_fields("Q?"))
        .await
        .assert_status(403);
    // An administrator who is not a member does not decide for the team.
    world
        .admin
        .post("/teams/core/decisions", &decision_fields("Q?"))
        .await
        .assert_status(403);
    // Someone on leave is still a member and may open one (but is not a decider).
    let dave = world.person("dave").await;
    let id = open(&dave, "core", &decision_fields("From leave?")).await;
    dave.get(&format!("/decisions/{id}"))
        .await
        .assert_contains("Not yet spoken: alice, bob, carol.")
        .assert_lacks("Record my position");
    assert_eq!(
        world
            .count(
                "select count(*) from decisions where team_id = (select team_id from decisions where id = $1)",
                id
            )
            .await,
        1
    );
}

#[tokio::test]
async fn bad_input_is_shown_again_with_messages() {
    let world = World::new("unanimous", "0").await;
    let alice = world.person("alice").await;
    for (field, value, message) in [
        ("closes_at", "2026-03-01T09:00", "at least an hour from now"),
        ("closes_at", "2026-03-02T09:30", "at least an hour from now"),
        ("closes_at", "2026-07-01T09:00", "within 90 days"),
        ("closes_at", "next tuesday", "Enter the closing time"),
        ("closes_at", "2026-02-30T10:00", "Enter the closing time"),
        ("question", "", "Question is required."),
        ("visibility", "everyone", "Choose who may see the decision."),
        (
            "effect_kind",
            "admit",
            "Choose what passing the decision does.",
        ),
    ] {
        let fields = with(decision_fields("Typed question?"), &[(field, value)]);
        alice
            .post("/teams/core/decisions", &fields)
            .await
            .assert_status(422)
            .assert_contains(message)
            .assert_contains("aria-invalid=\"true\"")
            .assert_contains("We do it.");
    }
    let long = "q".repeat(201);
    alice
        .post(
            "/teams/core/decisions",
            &with(decision_fields("x"), &[("question", long.as_str())]),
        )
        .await
        .assert_status(422)
        .assert_contains("Question is too long");
    // A membership change that cannot apply is refused at once.
    let fields = with(
        decision_fields("Bob leads?"),
        &[
            ("effect_kind", "change_membership"),
            ("member_login", "bob"),
            ("member_change", "member"),
        ],
    );
    alice
        .post("/teams/core/decisions", &fields)
        .await
        .assert_status(422)
        .assert_contains("bob is already a member of the team.");
    let fields = with(
        decision_fields("Zed leaves?"),
        &[
            ("effect_kind", "change_membership"),
            ("member_login", "zed"),
            ("member_change", "leave"),
        ],
    );
    alice
        .post("/teams/core/decisions", &fields)
        .await
        .assert_status(422)
        .assert_contains("zed is not a member of the team, so cannot leave it.");
    // A delegation to a slug that is taken.
    let fields = with(
        decision_fields("Delegate?"),
        &[
            ("effect_kind", "delegate_team"),
            ("slug", "infra"),
            ("name", "Infra again"),
            ("purpose", "p"),
            ("mandate", "m"),
            ("rule_kind", "unanimous"),
            ("rule_n", "0"),
        ],
    );
    alice
        .post("/teams/core/decisions", &fields)
        .await
        .assert_status(422)
        .assert_contains("Another team already has this slug");
    assert_eq!(
        world
            .count("select count(*) from decisions where id > $1", 0)
            .await,
        0
    );
}

#[tokio::test]
async fn private_decisions_never_leak() {
    let world = World::new("unanimous", "0").await;
    let alice = world.person("alice").await;
    let secret = "Invite the secret adviser?";
    let id = open(&alice, "core", &decision_fields(secret)).await;
    position(&alice, id, "agree", "A private comment").await;
    let shown = "Publish the roadmap?";
    let public = open(
        &alice,
        "core",
        &with(decision_fields(shown), &[("visibility", "public")]),
    )
    .await;
    position(&alice, public, "agree_with_concerns", "Public comment").await;

    let visitor = world.app.visitor();
    let stranger = world.person("stranger").await;
    let ivan = world.person("ivan").await;
    let viewers: [(&str, &Client); 3] = [
        ("visitor", &visitor),
        ("stranger", &stranger),
        ("ivan", &ivan),
    ];
    for (who, viewer) in viewers {
        viewer
            .get(&format!("/decisions/{id}"))
            .await
            .assert_status(404)
            .assert_lacks(secret);
        let list = viewer.get("/teams/core/decisions").await;
        list.assert_status(200)
            .assert_lacks(secret)
            .assert_contains(shown);
        viewer
            .get("/audit")
            .await
            .assert_lacks(secret)
            .assert_lacks("A private comment");
        viewer.get("/teams/core").await.assert_lacks(secret);
        // Public decisions show their positions and outcome to everyone.
        viewer
            .get(&format!("/decisions/{public}"))
            .await
            .assert_status(200)
            .assert_contains("Public comment")
            .assert_contains("Agree with concerns");
        // Nor can they act on it.
        let status = position(viewer, id, "object", "").await.status.as_u16();
        assert!(status == 401 || status == 404, "{who}: {status}");
        let status = viewer
            .post(&format!("/decisions/{id}/outcome"), &[("statement", "x")])
            .await
            .status
            .as_u16();
        assert!(status == 401 || status == 404, "{who}: {status}");
    }
    for (who, viewer) in [("stranger", &stranger), ("ivan", &ivan)] {
        let inbox = viewer.get("/inbox").await;
        inbox
            .assert_status(200)
            .assert_lacks(secret)
            .assert_lacks(shown);
        assert!(!inbox.body.contains("class=\"count\""), "{who}");
    }
    // Members see both, and the audit log's team-only entries.
    let bob = world.person("bob").await;
    bob.get(&format!("/decisions/{id}"))
        .await
        .assert_status(200)
        .assert_contains("A private comment");
    bob.get("/teams/core/decisions")
        .await
        .assert_contains(secret)
        .assert_contains(shown);
    bob.get("/audit")
        .await
        .assert_contains("opened a decision in");
    let private_entries = audit_entries(&world.app)
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("decision.") && e.visibility == "team")
        .count();
    assert_eq!(private_entries, 2, "opened and a position, both team-only");
}

#[tokio::test]
async fn it_passes_early_and_the_effect_is_applied_once() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let fields = with(
        decision_fields("Admit frank?"),
        &[
            ("effect_kind", "change_membership"),
            ("member_login", "frank"),
            ("member_change", "member"),
            ("visibility", "public"),
        ],
    );
    let id = open(&alice, "core", &fields).await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    page.assert_contains("frank becomes a member of Core.");
    position(&alice, id, "agree", "")
        .await
        .assert_redirect(&format!("/decisions/{id}"));
    position(&bob, id, "stand_aside", "").await;
    // Two have spoken: still open, and no outcome can be recorded yet.
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Open");
    alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Too early")],
        )
        .await
        .assert_status(409)
        .assert_contains("Only a passed decision gets an outcome statement; this one is open.");
    position(&carol, id, "agree_with_concerns", "Welcome!").await;
    // Everyone has spoken and the rule is met: it passes before its closing time.
    let page = carol.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Passed");
    page.assert_contains("Passed: every decider took a position and the rule was met.")
        .assert_contains("Record the outcome")
        .assert_lacks("Record my position");
    // Positions are refused once it has passed, whatever the form says.
    position(&bob, id, "object", "Changed my mind")
        .await
        .assert_status(409)
        .assert_contains("This decision has passed");
    bob.post(&format!("/decisions/{id}/concerns"), &[("concern", "Late")])
        .await
        .assert_status(409);
    // Only members record the outcome.
    let ivan = world.person("ivan").await;
    ivan.post(&format!("/decisions/{id}/outcome"), &[("statement", "x")])
        .await
        .assert_status(403);
    alice
        .post(&format!("/decisions/{id}/outcome"), &[("statement", "")])
        .await
        .assert_status(422)
        .assert_contains("Outcome statement is required.");
    let page = bob
        .post_follow(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Frank joins **Core**.")],
        )
        .await;
    page.assert_contains("The outcome is recorded and its effect applied.")
        .assert_contains("Frank joins <strong>Core</strong>.")
        .assert_contains("Recorded by bob")
        .assert_lacks("Record the outcome</h2>");
    // Again: refused, clearly, and the ledger gains frank once.
    alice
        .post(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Again")],
        )
        .await
        .assert_status(409)
        .assert_contains("already recorded");
    let rows: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "select m.role, m.decision_id, m.added_by from memberships m join users u on u.id = m.user_id where u.login = 'frank'",
    )
    .fetch_all(&world.app.pool)
    .await
    .expect("ledger");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "member");
    assert_eq!(rows[0].1, Some(id));
    // The ledger's row links the decision that made it.
    let history = world.app.visitor().get("/teams/core").await;
    history.assert_status(200);
    assert!(
        crate::support::html::attrs(&history.body, "a.ledger-decision", "href")
            .contains(&format!("/decisions/{id}")),
        "{}",
        history.body
    );
    world
        .app
        .visitor()
        .get("/teams/core")
        .await
        .assert_contains("frank")
        .assert_contains(&format!("By decision #{id}: Admit frank?"));
    let entries = audit_entries(&world.app).await;
    let joined = entries
        .iter()
        .find(|e| e.action == "membership.joined" && e.details["login"] == "frank")
        .expect("the ledger's audit entry");
    assert_eq!(joined.details["decision_id"], id);
    assert_eq!(joined.actor.as_deref(), Some("bob"));
    let recorded = entries.last().expect("entries");
    assert_eq!(recorded.action, "decision.outcome_recorded");
    assert_eq!(recorded.visibility, "public");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_outcome_requests_apply_the_effect_once() {
    let world = World::new("all_but", "1").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let fields = with(
        decision_fields("Carol leads?"),
        &[
            ("effect_kind", "change_membership"),
            ("member_login", "carol"),
            ("member_change", "lead"),
        ],
    );
    let id = open(&alice, "core", &fields).await;
    for (client, stance) in [(&alice, "agree"), (&bob, "agree"), (&carol, "stand_aside")] {
        position(client, id, stance, "").await;
    }
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Passed");
    // Both browsers hold their token before the race.
    alice.csrf_token().await;
    bob.csrf_token().await;
    let path = format!("/decisions/{id}/outcome");
    let (a, b) = tokio::join!(
        alice.post(&path, &[("statement", "Carol leads, says alice.")]),
        bob.post(&path, &[("statement", "Carol leads, says bob.")]),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "{}\n{}", a.body, b.body);
    let loser = if a.status.as_u16() == 409 { &a } else { &b };
    loser.assert_contains("The outcome of this decision is already recorded.");
    assert_eq!(
        world
            .count(
                "select count(*) from memberships where decision_id = $1",
                id
            )
            .await,
        1
    );
    assert_eq!(
        world
            .count(
                "select count(*) from decision_outcomes where decision_id = $1",
                id
            )
            .await,
        1
    );
    // The ledger is public; the team-only decision's question stays out of it.
    let visitor = world.app.visitor();
    visitor
        .get("/teams/core")
        .await
        .assert_contains(&format!("By decision #{id}."))
        .assert_lacks("Carol leads?");
    visitor.get("/audit").await.assert_lacks("Carol leads");
    let roles: Vec<(String, Option<String>)> = sqlx::query_as(
        "select m.role, m.end_kind from memberships m join users u on u.id = m.user_id
         where u.login = 'carol' order by m.id",
    )
    .fetch_all(&world.app.pool)
    .await
    .expect("ledger");
    assert_eq!(
        roles,
        vec![
            ("member".to_string(), Some("role_changed".to_string())),
            ("lead".to_string(), None)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_positions_are_never_lost() {
    let world = World::new("unanimous", "0").await;
    for login in ["gil", "hana", "ines"] {
        world.add_member("core", login, "member").await;
    }
    let alice = world.person("alice").await;
    let id = open(&alice, "core", &decision_fields("Everyone at once?")).await;
    let mut clients = Vec::new();
    for login in ["alice", "bob", "carol", "gil", "hana", "ines"] {
        let client = world.person(login).await;
        client.csrf_token().await;
        clients.push(client);
    }
    let path = format!("/decisions/{id}/positions");
    let requests: Vec<_> = clients
        .into_iter()
        .map(|client| {
            let path = path.clone();
            tokio::spawn(async move {
                client
                    .post(&path, &[("stance", "agree"), ("comment", "")])
                    .await
            })
        })
        .collect();
    for request in requests {
        request.await.expect("request").assert_status(303);
    }
    assert_eq!(
        world
            .count(
                "select count(*) from decision_positions where decision_id = $1",
                id
            )
            .await,
        6
    );
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Passed");
}

#[tokio::test]
async fn an_objection_blocks_at_the_closing_time_and_late_positions_are_refused() {
    let world = World::new("unanimous", "1").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let id = open(
        &alice,
        "core",
        &with(
            decision_fields("Quarterly releases?"),
            &[("visibility", "public")],
        ),
    )
    .await;
    position(&alice, id, "agree", "").await;
    position(&bob, id, "object", "Backports first.").await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Open");
    page.assert_contains("1 objection to be withdrawn");
    // A minute before closing it is still open; at the closing time it is blocked.
    world
        .app
        .clock
        .set(START + Duration::days(7) - Duration::minutes(1));
    assert_outcome(&alice.get(&format!("/decisions/{id}")).await, "Open");
    world.app.clock.set(START + Duration::days(7));
    let alice = world.person("alice").await;
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Blocked");
    page.assert_contains("Blocked: an objection stood at the closing time.")
        .assert_lacks("Record my position")
        .assert_lacks("Record the outcome");
    let carol = world.person("carol").await;
    position(&carol, id, "agree", "")
        .await
        .assert_status(409)
        .assert_contains("This decision has closed (blocked)");
    let bob = world.person("bob").await;
    position(&bob, id, "agree", "Too late")
        .await
        .assert_status(409);
    alice
        .post(&format!("/decisions/{id}/outcome"), &[("statement", "x")])
        .await
        .assert_status(409);
    assert_eq!(
        world
            .count(
                "select count(*) from decision_positions where decision_id = $1",
                id
            )
            .await,
        2
    );
    world
        .app
        .visitor()
        .get("/teams/core/decisions")
        .await
        .assert_contains("Blocked");
}

#[tokio::test]
async fn it_passes_or_lapses_at_the_closing_time() {
    let world = World::new("unanimous", "1").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let passes = open(&alice, "core", &decision_fields("One may be absent?")).await;
    let lapses = open(&alice, "core", &decision_fields("Nobody cares?")).await;
    position(&alice, passes, "agree", "").await;
    position(&bob, passes, "agree", "").await;
    position(&alice, lapses, "agree", "").await;
    // Carol has not spoken: both stay open until the closing time.
    assert_outcome(&alice.get(&format!("/decisions/{passes}")).await, "Open");
    world.app.clock.advance(Duration::days(8));
    let alice = world.person("alice").await;
    let page = alice.get(&format!("/decisions/{passes}")).await;
    assert_outcome(&page, "Passed");
    page.assert_contains("Passed at its closing time: the rule was met.")
        .assert_contains("Record the outcome");
    let page = alice.get(&format!("/decisions/{lapses}")).await;
    assert_outcome(&page, "Lapsed");
    page.assert_contains("Lapsed: the rule was not met by the closing time.");
    // A free-text outcome changes nothing but the record.
    alice
        .post_follow(
            &format!("/decisions/{passes}/outcome"),
            &[("statement", "Done.")],
        )
        .await
        .assert_contains("The outcome is recorded.");
}

#[tokio::test]
async fn only_whoever_raised_a_concern_resolves_it() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob, carol) = (
        world.person("alice").await,
        world.person("bob").await,
        world.person("carol").await,
    );
    let id = open(&alice, "core", &decision_fields("Adopt the guideline?")).await;
    let page = bob
        .post_follow(
            &format!("/decisions/{id}/concerns"),
            &[("concern", "Licences are not covered.")],
        )
        .await;
    page.assert_contains("Licences are not covered.")
        .assert_contains("<strong>Unresolved</strong>")
        .assert_contains("Resolve my concern");
    // The same concern again is refused, not doubled.
    bob.post(
        &format!("/decisions/{id}/concerns"),
        &[("concern", "licences are not covered.")],
    )
    .await
    .assert_status(422)
    .assert_contains("You have already raised this concern");
    bob.post(&format!("/decisions/{id}/concerns"), &[("concern", "")])
        .await
        .assert_status(422)
        .assert_contains("Concern is required.");
    let concern: i64 =
        sqlx::query_scalar("select id from decision_concerns where decision_id = $1")
            .bind(id)
            .fetch_one(&world.app.pool)
            .await
            .expect("the concern");
    // Everyone agrees, but the concern holds the decision.
    for client in [&alice, &bob, &carol] {
        position(client, id, "agree", "").await;
    }
    let page = alice.get(&format!("/decisions/{id}")).await;
    assert_outcome(&page, "Open");
    page.assert_contains("1 unresolved concern to be resolved by whoever raised them")
        .assert_lacks("Resolve my concern");
    // Not carol, not a visitor, not ivan: only bob.
    let resolve = format!("/decisions/{id}/concerns/{concern}/resolve");
    carol
        .post(&resolve, &[("resolution", "It is fine.")])
        .await
        .assert_status(403)
        .assert_contains(
            "only whoever raised a concern, or the decider they handed it to, resolves it",
        );
    alice
        .post(&resolve, &[("resolution", "It is fine.")])
        .await
        .assert_status(403);
    world
        .app
        .visitor()
        .post(&resolve, &[("resolution", "x")])
        .await
        .assert_status(401);
    world
        .person("ivan")
        .await
        .post(&resolve, &[("resolution", "x")])
        .await
        .assert_status(404);
    // Ivan may not raise one either.
    world
        .person("ivan")
        .await
        .post(&format!("/decisions/{id}/concerns"), &[("concern", "x")])
        .await
        .assert_status(404);
    bob.post(&resolve, &[("resolution", "")])
        .await
        .assert_status(422)
        .assert_contains("How it was resolved is required.");
    let page = bob
        .post_follow(
            &resolve,
            &[("resolution", "The draft now covers licences.")],
        )
        .await;
    page.assert_contains("Resolved on 2026-03-02 09:00 UTC: The draft now covers licences.");
    assert_outcome(&page, "Passed");
    bob.post(&resolve, &[("resolution", "Again")])
        .await
        .assert_status(409);
    let actions: Vec<String> = audit_entries(&world.app)
        .await
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("decision.concern"))
        .collect();
    assert_eq!(
        actions,
        ["decision.concern_raised", "decision.concern_resolved"]
    );
}

#[tokio::test]
async fn every_change_of_position_is_kept_and_shown_in_order() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let id = open(&alice, "core", &decision_fields("Change of heart?")).await;
    position(&bob, id, "object", "Not yet.").await;
    world.app.clock.advance(Duration::hours(1));
    position(&bob, id, "agree_with_concerns", "Better now.").await;
    world.app.clock.advance(Duration::hours(1));
    position(&bob, id, "agree", "").await;
    // Submitting the same position again adds nothing.
    let page = position(&bob, id, "agree", "").await;
    page.assert_redirect(&format!("/decisions/{id}"));
    bob.get(&format!("/decisions/{id}"))
        .await
        .assert_contains("Your position was already recorded as it is.");
    position(&bob, id, "stand_aside", &"c".repeat(2001))
        .await
        .assert_status(422)
        .assert_contains("Comment is too long");
    position(&bob, id, "block", "")
        .await
        .assert_status(422)
        .assert_contains("Choose your position.");
    let page = alice.get(&format!("/decisions/{id}")).await;
    let history = &page.body[page.body.find("History of positions").expect("history")..];
    let first = history
        .find("2026-03-02 09:00 UTC: bob: Object (block). “Not yet.”")
        .expect("first");
    let second = history
        .find("2026-03-02 10:00 UTC: bob: Agree with concerns (changed from Object (block)). “Better now.”")
        .expect("second");
    let third = history
        .find("2026-03-02 11:00 UTC: bob: Agree (changed from Agree with concerns)")
        .expect("third");
    assert!(first < second && second < third);
    assert_eq!(
        world
            .count(
                "select count(*) from decision_positions where decision_id = $1",
                id
            )
            .await,
        3
    );
    bob.get(&format!("/decisions/{id}"))
        .await
        .assert_contains("Your current position: Agree (since 2026-03-02 11:00 UTC).");
}

#[tokio::test]
async fn the_opener_withdraws_an_open_decision() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let id = open(&alice, "core", &decision_fields("Never mind?")).await;
    bob.post(
        &format!("/decisions/{id}/withdraw"),
        &[("reason", "Mine now")],
    )
    .await
    .assert_status(403);
    world
        .app
        .visitor()
        .post(&format!("/decisions/{id}/withdraw"), &[("reason", "x")])
        .await
        .assert_status(401);
    alice
        .post(&format!("/decisions/{id}/withdraw"), &[("reason", "")])
        .await
        .assert_status(422)
        .assert_contains("Reason is required.");
    let page = alice
        .post_follow(
            &format!("/decisions/{id}/withdraw"),
            &[("reason", "Superseded by a better proposal.")],
        )
        .await;
    assert_outcome(&page, "Withdrawn");
    page.assert_contains(
        "Withdrawn by alice on 2026-03-02 09:00 UTC: Superseded by a better proposal.",
    );
    position(&bob, id, "agree", "").await.assert_status(409);
    alice
        .post(&format!("/decisions/{id}/withdraw"), &[("reason", "Again")])
        .await
        .assert_status(409);
}

#[tokio::test]
async fn the_inbox_lists_decisions_waiting_closing_soonest_first() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let later = open(&alice, "core", &decision_fields("Later question?")).await;
    let sooner = open(
        &alice,
        "core",
        &with(
            decision_fields("Sooner question?"),
            &[("closes_at", "2026-03-04T09:00")],
        ),
    )
    .await;
    let page = bob.get("/inbox").await;
    page.assert_status(200)
        .assert_contains("<h1>Your inbox</h1>")
        .assert_contains(
            "Inbox <span class=\"count\">2<span class=\"visually-hidden\"> waiting</span></span>",
        )
        .assert_contains("closes 2026-03-04 09:00 UTC (2 days left)");
    let first = page.body.find("Sooner question?").expect("sooner");
    let second = page.body.find("Later question?").expect("later");
    assert!(first < second);
    assert!(page.body.contains(&format!("href=\"/decisions/{sooner}\"")));
    // Once bob has spoken, it waits no more.
    position(&bob, sooner, "agree", "").await;
    let page = bob.get("/inbox").await;
    page.assert_lacks("Sooner question?")
        .assert_contains("Later question?")
        .assert_contains("<span class=\"count\">1<");
    // Past its closing time, nothing waits; the count disappears from the header.
    world.app.clock.advance(Duration::days(8));
    let bob = world.person("bob").await;
    let page = bob.get("/inbox").await;
    page.assert_contains("No decision is waiting for your position.")
        .assert_lacks("class=\"count\"");
    let _ = later;
    // Visitors have no inbox.
    let page = world.app.visitor().get("/inbox").await;
    assert!(page.location().is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn a_long_inbox_section_says_how_many_more_and_the_header_counts_them_all() {
    let world = World::new("unanimous", "0").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let mut ids = Vec::new();
    for i in 0..52 {
        ids.push(open(&alice, "core", &decision_fields(&format!("Question {i}?"))).await);
    }
    let page = bob.get("/inbox").await;
    page.assert_status(200)
        .assert_contains("And 2 more, not listed here.")
        .assert_contains("Inbox <span class=\"count\">52<");
    let listed = ids
        .iter()
        .filter(|id| page.body.contains(&format!("href=\"/decisions/{id}\"")))
        .count();
    assert_eq!(listed, 50);
    // Every other page's header counts the same items in its own statement.
    bob.get("/")
        .await
        .assert_contains("Inbox <span class=\"count\">52<");
    for id in &ids[..3] {
        position(&bob, *id, "agree", "").await;
    }
    bob.get("/inbox")
        .await
        .assert_lacks("more, not listed here")
        .assert_contains("Inbox <span class=\"count\">49<");
}

#[tokio::test]
async fn a_passed_decision_delegates_a_team() {
    let world = World::new("unanimous", "1").await;
    let (alice, bob) = (world.person("alice").await, world.person("bob").await);
    let fields = with(
        decision_fields("Delegate a docs team?"),
        &[
            ("effect_kind", "delegate_team"),
            ("slug", "docs"),
            ("name", "Docs"),
            ("purpose", "Writes the manual."),
            ("mandate", "The manual and the website's guides."),
            ("rule_kind", "all_but"),
            ("rule_n", "1"),
            ("review_on", "2027-01-31"),
            ("visibility", "public"),
        ],
    );
    let id = open(&alice, "core", &fields).await;
    alice
        .get(&format!("/decisions/{id}"))
        .await
        .assert_contains(
            "Core delegates a new team, Docs (docs), with the mandate: The manual and the website",
        );
    for client in [&alice, &bob] {
        position(client, id, "agree", "").await;
    }
    world.app.clock.advance(Duration::days(7));
    let alice = world.person("alice").await;
    let page = alice
        .post_follow(
            &format!("/decisions/{id}/outcome"),
            &[("statement", "Docs is delegated.")],
        )
        .await;
    page.assert_contains("<a href=\"/teams/docs\">Delegated the team Docs</a>");
    world
        .app
        .visitor()
        .get("/teams/docs")
        .await
        .assert_status(200)
        .assert_contains("Delegated by <a href=\"/teams/core\">Core</a>.")
        .assert_contains(&format!("Delegated by decision #{id}."))
        .assert_contains("All but 1 decider agree, and no concern is unresolved.");
    let linked = world
        .count(
            "select count(*) from charter_events where decision_id = $1 and kind = 'delegated'",
            id,
        )
        .await;
    assert_eq!(linked, 1);
    let delegated = audit_entries(&world.app)
        .await
        .into_iter()
        .find(|e| e.action == "team.delegated")
        .expect("the delegation's audit entry");
    assert_eq!(delegated.details["decision_id"], id);
}

#[tokio::test]
async fn a_decider_who_left_can_no_longer_take_a_position() {
    let world = World::new("all_but", "1").await;
    let (alice, carol) = (world.person("alice").await, world.person("carol").await);
    let id = open(&alice, "core", &decision_fields("After carol?")).await;
    position(&carol, id, "object", "").await;
    world
        .admin
        .post(
            "/teams/core/members/carol/leave",
            &[("leave_reason", "Moving on")],
        )
        .await
        .assert_redirect("/teams/core");
    // A private decision is the team's: carol no longer sees it.
    carol
        .get(&format!("/decisions/{id}"))
        .await
        .assert_status(404);
    position(&carol, id, "agree", "").await.assert_status(404);
    // Her objection stays: the decision is still held by it.
    alice
        .get(&format!("/decisions/{id}"))
        .await
        .assert_contains("1 objection to be withdrawn");
}

#[tokio::test]
async fn the_demo_has_open_passed_and_blocked_decisions() {
    let app = TestApp::spawn().await;
    assert!(
        concord::demo::seed_if_empty(&app.pool, app.clock.now())
            .await
            .expect("demo data")
    );
    let visitor = app.visitor();
    let infra = visitor.get("/teams/infrastructure/decisions").await;
    infra
        .assert_contains("Should cedar-lark lead the mirrors work?")
        .assert_contains("Passed");
    visitor
        .get("/teams/core/decisions")
        .await
        .assert_contains("Move to a quarterly release schedule?")
        .assert_contains("Blocked")
        .assert_lacks("security adviser");
    visitor
        .get("/teams/infrastructure")
        .await
        .assert_contains("By decision #");
    let elm = app.signed_in("elm-sparrow").await;
    let inbox = elm.get("/inbox").await;
    inbox.assert_contains("Adopt the guideline for vendored dependencies?");
    let basil = app.signed_in("basil-moss").await;
    basil
        .get("/inbox")
        .await
        .assert_contains("Invite a security adviser to the core team&#39;s meetings?");
}
