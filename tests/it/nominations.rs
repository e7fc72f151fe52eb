//! Recruitment through HTTP: a call, nominations with consent, the private pipeline,
//! shortlisting and admission by decision, announcement; every refusal; and a leak test of
//! every page as visitor, unrelated signed-in person and member of another team.

use time::Duration;

use crate::support::{Client, Page, TestApp, with};
use crate::teams::team_fields;

/// `2026-03-16T09:00`: two weeks after the test clock's start.
const IN_TWO_WEEKS: &str = "2026-03-16T09:00";
/// `2026-03-09T09:00`: a week after the start.
const IN_A_WEEK: &str = "2026-03-09T09:00";
const NOW: &str = "2026-03-02T09:00";

/// An administrator; `core` (alice lead, bob) deciding unanimously; `committers` (carl);
/// `infra` (ivan).
struct World {
    app: TestApp,
    admin: Client,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        app.make_admin("admin").await;
        let admin = app.signed_in("admin").await;
        let world = World { app, admin };
        world.create_team("core", "Core").await;
        world.add_member("core", "alice", "lead").await;
        world.add_member("core", "bob", "member").await;
        world.create_team("committers", "Committers").await;
        world.add_member("committers", "carl", "member").await;
        world.create_team("infra", "Infra").await;
        world.add_member("infra", "ivan", "member").await;
        world
    }

    async fn create_team(&self, slug: &str, name: &str) {
        self.admin
            .post(
                "/teams",
                &with(
                    team_fields(slug, name, "Things."),
                    &[("rule_n", "0"), ("review_on", "")],
                ),
            )
            .await
            .assert_redirect(&format!("/teams/{slug}"));
    }

    async fn add_member(&self, team: &str, login: &str, role: &str) {
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

    async fn person(&self, login: &str) -> Client {
        self.app.signed_in(login).await
    }
}

fn call_fields<'a>(eligibility: &'a str, extra: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", "New reviewers"),
        ("looking_for", "People who **review** kindly."),
        ("eligibility", eligibility),
        (
            "eligible_team",
            if eligibility == "team" { extra } else { "" },
        ),
        (
            "eligible_list",
            if eligibility == "list" { extra } else { "" },
        ),
        ("seats", "2"),
        ("opens_at", NOW),
        ("closes_at", IN_TWO_WEEKS),
        ("stale_after_days", "7"),
    ]
}

fn id_after(page: &Page, prefix: &str) -> i64 {
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.body
    );
    page.location()
        .and_then(|l| l.strip_prefix(prefix))
        .and_then(|id| id.parse().ok())
        .expect("an id in the redirect")
}

async fn open_call(client: &Client, fields: &[(&'static str, &str)]) -> i64 {
    let page = client.post("/teams/core/calls", fields).await;
    id_after(&page, "/calls/")
}

async fn nominate(client: &Client, call: i64, login: &str, statement: &str) -> Page {
    client
        .post(
            &format!("/calls/{call}/nominate"),
            &[("nominee", login), ("statement", statement)],
        )
        .await
}

async fn nominated(client: &Client, call: i64, login: &str, statement: &str) -> i64 {
    id_after(
        &nominate(client, call, login, statement).await,
        "/nominations/",
    )
}

/// Both deciders of `core` agree and alice records the outcome.
async fn pass(alice: &Client, bob: &Client, decision: i64) {
    for who in [alice, bob] {
        who.post(
            &format!("/decisions/{decision}/positions"),
            &[("stance", "agree"), ("comment", "")],
        )
        .await
        .assert_redirect(&format!("/decisions/{decision}"));
    }
    alice
        .post(
            &format!("/decisions/{decision}/outcome"),
            &[("statement", "Agreed.")],
        )
        .await
        .assert_redirect(&format!("/decisions/{decision}"));
}

#[tokio::test]
async fn from_call_to_announced_member() {
    let w = World::new().await;
    let (alice, bob, carl, olga) = (
        w.person("alice").await,
        w.person("bob").await,
        w.person("carl").await,
        w.person("olga").await,
    );
    let call = open_call(&alice, &call_fields("team", "committers")).await;
    w.app
        .visitor()
        .get("/")
        .await
        .assert_contains("New reviewers");
    w.app
        .visitor()
        .get(&format!("/calls/{call}"))
        .await
        .assert_status(200)
        .assert_contains("current members of Committers")
        .assert_contains("<strong>review</strong>");

    let n = nominated(&olga, call, "@carl", "Carl reviews everything.").await;
    carl.get("/inbox")
        .await
        .assert_contains("You are nominated: New reviewers");
    carl.get("/me/nominations")
        .await
        .assert_contains("Nominated (waiting for the nominee");
    olga.get("/me/nominations").await.assert_contains("carl");
    carl.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_redirect(&format!("/nominations/{n}"));
    carl.get("/inbox").await.assert_lacks("You are nominated");

    // Shortlist by decision.
    let page = alice
        .post(
            &format!("/calls/{call}/shortlist"),
            &[("nomination", &n.to_string()), ("closes_at", IN_A_WEEK)],
        )
        .await;
    let shortlist = id_after(&page, "/decisions/");
    alice
        .get(&format!("/decisions/{shortlist}"))
        .await
        .assert_contains("shortlists, in the call “New reviewers”: carl.");
    carl.get("/me/nominations")
        .await
        .assert_contains("Accepted by the nominee");
    pass(&alice, &bob, shortlist).await;
    carl.get("/me/nominations")
        .await
        .assert_contains("Shortlisted");

    bob.post(
        &format!("/nominations/{n}/interview"),
        &[("note", "Strong on tooling.")],
    )
    .await
    .assert_redirect(&format!("/nominations/{n}"));
    carl.get("/me/nominations")
        .await
        .assert_contains("Interviewed");

    // Admit by decision: the ledger gains carl, linked to both.
    let page = alice
        .post(
            &format!("/nominations/{n}/admit"),
            &[("closes_at", IN_A_WEEK)],
        )
        .await;
    let admit = id_after(&page, "/decisions/");
    w.app
        .visitor()
        .get("/teams/core")
        .await
        .assert_lacks("carl");
    pass(&alice, &bob, admit).await;
    let (decision_id, nomination_id): (Option<i64>, Option<i64>) = sqlx::query_as(
        "select m.decision_id, m.nomination_id from memberships m join users u on u.id = m.user_id
         join teams t on t.id = m.team_id where u.login = 'carl' and t.slug = 'core' and m.left_at is null",
    )
    .fetch_one(&w.app.pool)
    .await
    .expect("carl's ledger row in core");
    assert_eq!((decision_id, nomination_id), (Some(admit), Some(n)));
    carl.get("/me/nominations")
        .await
        .assert_contains("Decided: admitted");
    w.app
        .visitor()
        .get(&format!("/calls/{call}"))
        .await
        .assert_contains("Nobody has been announced yet.");

    alice
        .post(&format!("/nominations/{n}/announce"), &[])
        .await
        .assert_redirect(&format!("/nominations/{n}"));
    w.app
        .visitor()
        .get(&format!("/calls/{call}"))
        .await
        .assert_lacks("Nobody has been announced yet.")
        .assert_contains("<li>carl</li>");
    carl.get("/me/nominations")
        .await
        .assert_contains("Announced");
}

#[tokio::test]
async fn refusals() {
    let w = World::new().await;
    let (alice, bob, carl, olga, ivan) = (
        w.person("alice").await,
        w.person("bob").await,
        w.person("carl").await,
        w.person("olga").await,
        w.person("ivan").await,
    );
    // Only members open calls.
    olga.post("/teams/core/calls", &call_fields("open", ""))
        .await
        .assert_status(403);
    alice
        .post(
            "/teams/core/calls",
            &[("title", ""), ("seats", "many"), ("closes_at", "soon")],
        )
        .await
        .assert_status(422)
        .assert_contains("Title is required.")
        .assert_contains("Seats must be a whole number");
    let call = open_call(&alice, &call_fields("team", "committers")).await;

    // Ineligible.
    nominate(&olga, call, "zed", "Zed is great.")
        .await
        .assert_status(422)
        .assert_contains("zed is not eligible: this call is for current members of Committers")
        .assert_contains("Zed is great.");
    // A second nominator joins the nomination (`a_second_nomination_answers_like_a_first`).
    let n = nominated(&olga, call, "carl", "First.").await;
    assert_eq!(nominated(&bob, call, "Carl", "Second.").await, n);
    // Not consented: neither shortlisted nor admitted.
    alice
        .post(
            &format!("/calls/{call}/shortlist"),
            &[("nomination", &n.to_string()), ("closes_at", IN_A_WEEK)],
        )
        .await
        .assert_status(422)
        .assert_contains("has not accepted the nomination");
    alice
        .post(
            &format!("/nominations/{n}/admit"),
            &[("closes_at", IN_A_WEEK)],
        )
        .await
        .assert_status(422)
        .assert_contains("has not accepted the nomination");
    // Wrong person answering.
    olga.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_status(403);
    alice
        .post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_status(403);
    ivan.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_status(404);
    ivan.post(&format!("/nominations/{n}/interview"), &[("note", "x")])
        .await
        .assert_status(404);
    olga.post(&format!("/nominations/{n}/interview"), &[("note", "x")])
        .await
        .assert_status(403);
    w.app
        .visitor()
        .post(&format!("/nominations/{n}/accept"), &[])
        .await;
    // The nominee declines; answering twice is refused; a new nomination may follow.
    carl.post(&format!("/nominations/{n}/decline"), &[("note", "Busy.")])
        .await
        .assert_redirect(&format!("/nominations/{n}"));
    carl.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_status(409);
    nominated(&carl, call, "carl", "I have time after all.").await;

    // Outside the window: not yet open, then closed.
    let mut later = call_fields("open", "");
    later[6].1 = "2026-03-03T09:00";
    let future = open_call(&alice, &later).await;
    nominate(&olga, future, "olga", "Me.")
        .await
        .assert_status(409)
        .assert_contains("not open for nominations yet");
    w.app.clock.advance(Duration::days(15));
    let olga = w.person("olga").await;
    nominate(&olga, call, "olga", "Me.")
        .await
        .assert_status(409)
        .assert_contains("has closed");
}

#[tokio::test]
async fn eligibility_lists_are_for_administrators() {
    let w = World::new().await;
    let alice = w.person("alice").await;
    alice.get("/eligibility").await.assert_status(403);
    w.app.visitor().get("/eligibility").await;
    w.admin
        .post("/eligibility", &[("list_name", "Bad Name"), ("login", "x")])
        .await
        .assert_status(422);
    w.admin
        .post(
            "/eligibility",
            &[("list_name", "trusted"), ("login", "@nina")],
        )
        .await
        .assert_redirect("/eligibility");
    w.admin
        .post(
            "/eligibility",
            &[("list_name", "trusted"), ("login", "nina")],
        )
        .await
        .assert_redirect("/eligibility");
    w.admin.get("/eligibility").await.assert_contains("nina");
    let call = open_call(&alice, &call_fields("list", "trusted")).await;
    nominate(&alice, call, "omar", "Omar.")
        .await
        .assert_status(422)
        .assert_contains("not on it");
    nominated(&alice, call, "nina", "Nina.").await;
}

#[tokio::test]
async fn stale_nominations_are_flagged_to_the_team() {
    let w = World::new().await;
    let alice = w.person("alice").await;
    let call = open_call(&alice, &call_fields("open", "")).await;
    let olga = w.person("olga").await;
    nominated(&olga, call, "nina", "Nina.").await;
    alice
        .get("/teams/core")
        .await
        .assert_lacks("stale nomination");
    w.app.clock.advance(Duration::days(8));
    let (alice, ivan) = (w.person("alice").await, w.person("ivan").await);
    alice
        .get("/inbox")
        .await
        .assert_contains("New reviewers: 1 stale nomination");
    alice
        .get("/teams/core")
        .await
        .assert_contains("1 stale nomination");
    alice
        .get(&format!("/calls/{call}"))
        .await
        .assert_contains("(stale)");
    alice
        .get("/teams/core/calls")
        .await
        .assert_contains("1 stale nomination");
    ivan.get("/inbox").await.assert_lacks("1 stale nomination");
    ivan.get("/teams/core")
        .await
        .assert_lacks("1 stale nomination");
    w.app
        .visitor()
        .get("/teams/core")
        .await
        .assert_lacks("1 stale nomination");
}

/// A person's inbox is kept between their pages while nothing changes in the teams it is
/// made from: a nomination of them in a team they are not in, their answer, and their
/// leaving a team each show on the very next page.
#[tokio::test]
async fn a_kept_inbox_follows_every_change_that_concerns_it() {
    let w = World::new().await;
    let (alice, carl, olga) = (
        w.person("alice").await,
        w.person("carl").await,
        w.person("olga").await,
    );
    let call = open_call(&alice, &call_fields("open", "")).await;
    carl.get("/inbox")
        .await
        .assert_lacks("You are nominated")
        .assert_lacks("class=\"count\"");
    let n = nominated(&olga, call, "carl", "Carl reviews everything.").await;
    carl.get("/teams")
        .await
        .assert_contains("Inbox <span class=\"count\">1<");
    carl.get("/inbox")
        .await
        .assert_contains("You are nominated: New reviewers");
    carl.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_redirect(&format!("/nominations/{n}"));
    carl.get("/inbox").await.assert_lacks("You are nominated");

    nominated(&olga, call, "nina", "Nina.").await;
    w.app.clock.advance(Duration::days(8));
    let bob = w.person("bob").await;
    bob.get("/inbox")
        .await
        .assert_contains("New reviewers: 2 stale nominations");
    bob.post(
        "/teams/core/members/bob/leave",
        &[("leave_reason", "Moving on")],
    )
    .await
    .assert_redirect("/teams/core");
    bob.get("/inbox")
        .await
        .assert_lacks("New reviewers:")
        .assert_lacks("class=\"count\"");
}

/// Every page and feed, as visitor, unrelated signed-in person and member of another team:
/// nothing of a nomination shows, and the private page is not found.
#[tokio::test]
async fn nothing_private_leaks() {
    let w = World::new().await;
    let (alice, bob, nina, olga) = (
        w.person("alice").await,
        w.person("bob").await,
        w.person("nina-nominee").await,
        w.person("olga").await,
    );
    let call = open_call(&alice, &call_fields("open", "")).await;
    let n = nominated(&olga, call, "nina-nominee", "SECRET-STATEMENT").await;
    bob.post(
        &format!("/calls/{call}/endorse"),
        &[
            ("login", "nina-nominee"),
            ("endorsement", "SECRET-ENDORSEMENT"),
        ],
    )
    .await
    .assert_redirect(&format!("/calls/{call}"));
    bob.post(
        &format!("/calls/{call}/endorse"),
        &[("login", "not a login!"), ("endorsement", "Kept text.")],
    )
    .await
    .assert_status(422)
    .assert_contains("Kept text.");
    nina.post(&format!("/nominations/{n}/accept"), &[]).await;
    let page = alice
        .post(
            &format!("/calls/{call}/shortlist"),
            &[("nomination", &n.to_string()), ("closes_at", IN_A_WEEK)],
        )
        .await;
    let shortlist = id_after(&page, "/decisions/");
    pass(&alice, &bob, shortlist).await;
    bob.post(
        &format!("/nominations/{n}/interview"),
        &[("note", "SECRET-INTERVIEW")],
    )
    .await;
    bob.post(
        &format!("/nominations/{n}/feedback"),
        &[("note", "SECRET-FEEDBACK")],
    )
    .await;

    // Who sees what, among those who may.
    alice
        .get(&format!("/nominations/{n}"))
        .await
        .assert_contains("SECRET-STATEMENT")
        .assert_contains("SECRET-INTERVIEW")
        .assert_contains("SECRET-ENDORSEMENT")
        .assert_contains("SECRET-FEEDBACK");
    nina.get(&format!("/nominations/{n}"))
        .await
        .assert_contains("SECRET-STATEMENT")
        .assert_contains("SECRET-FEEDBACK")
        .assert_lacks("SECRET-INTERVIEW")
        .assert_lacks("SECRET-ENDORSEMENT");
    olga.get(&format!("/nominations/{n}"))
        .await
        .assert_contains("SECRET-STATEMENT")
        .assert_lacks("SECRET-FEEDBACK")
        .assert_lacks("SECRET-INTERVIEW")
        .assert_lacks("SECRET-ENDORSEMENT");

    let outsiders = [
        ("visitor", w.app.visitor()),
        ("unrelated", w.person("uma").await),
        ("other team", w.person("ivan").await),
    ];
    let pages = [
        "/".to_string(),
        "/teams".into(),
        "/teams/core".into(),
        "/teams/core/members".into(),
        "/teams/core/ledger.json".into(),
        "/teams/core/calls".into(),
        "/teams/core/decisions".into(),
        format!("/calls/{call}"),
        format!("/calls/{call}/nominate"),
        format!("/decisions/{shortlist}"),
        format!("/nominations/{n}"),
        "/me/nominations".into(),
        "/inbox".into(),
        "/audit".into(),
        "/api/v1/teams".into(),
        "/api/v1/teams/core".into(),
    ];
    for (who, client) in &outsiders {
        for path in &pages {
            let page = client.get(path).await;
            for secret in ["nina-nominee", "SECRET", "Shortlist"] {
                assert!(
                    !page.body.contains(secret),
                    "{who} sees {secret:?} on {path}:\n{}",
                    page.body
                );
            }
        }
        let page = client.get(&format!("/nominations/{n}")).await;
        assert!(
            matches!(page.status.as_u16(), 404 | 303 | 302),
            "{who}: {}",
            page.status
        );
    }
}

#[tokio::test]
async fn the_demo_has_an_open_call() {
    let app = TestApp::spawn().await;
    concord::demo::seed_if_empty(&app.pool, app.clock.now())
        .await
        .expect("seeded");
    app.visitor()
        .get("/")
        .await
        .assert_contains("New package reviewers");
    let dahlia = app.signed_in("dahlia-reed").await;
    let page = dahlia.get("/teams/packages/calls").await;
    page.assert_status(200);
    let juniper = app.signed_in("juniper-holt").await;
    juniper
        .get("/me/nominations")
        .await
        .assert_contains("Nominated (waiting for the nominee");
}

/// The statements on a nomination's page that `client` reads, and who it says nominated.
async fn statements_seen(client: &Client, n: i64) -> (Vec<String>, String) {
    let page = client.get(&format!("/nominations/{n}")).await;
    page.assert_status(200);
    let html = scraper::Html::parse_document(&page.body);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let statements = html
        .select(&select(
            "section[aria-labelledby=statement-heading] .markdown",
        ))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect();
    let intro = html
        .select(&select("h1 + p"))
        .map(|e| e.text().collect::<String>())
        .next()
        .unwrap_or_default();
    (statements, intro)
}

#[tokio::test]
async fn a_second_nomination_answers_like_a_first_and_adds_a_statement() {
    let w = World::new().await;
    let (alice, olga, petra, carl) = (
        w.person("alice").await,
        w.person("olga").await,
        w.person("petra").await,
        w.person("carl").await,
    );
    let call = open_call(&alice, &call_fields("open", "")).await;
    // Olga nominates carl; petra nominates carl (nominated already) and dora (not yet):
    // petra's two answers differ only in the nomination's id.
    let first = nominate(&olga, call, "carl", "Olga thinks so.").await;
    let again = petra
        .post_follow(
            &format!("/calls/{call}/nominate"),
            &[("nominee", "carl"), ("statement", "Petra thinks so too.")],
        )
        .await;
    let fresh = petra
        .post_follow(
            &format!("/calls/{call}/nominate"),
            &[("nominee", "dora"), ("statement", "Dora, says Petra.")],
        )
        .await;
    let n = id_after(&first, "/nominations/");
    let flash = |page: &Page| {
        let html = scraper::Html::parse_document(&page.body);
        let selector = scraper::Selector::parse("[role=status]").expect("selector");
        html.select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect::<Vec<_>>()
    };
    again.assert_status(200);
    fresh.assert_status(200);
    assert_eq!(flash(&again), flash(&fresh));
    assert!(!flash(&again).is_empty());
    again.assert_contains("<h1>Nomination of carl</h1>");
    fresh.assert_contains("<h1>Nomination of dora</h1>");

    // Each nominator reads their own statement and name; the nominee and the team both.
    let (seen, intro) = statements_seen(&petra, n).await;
    assert_eq!(seen, ["Petra thinks so too."]);
    assert!(
        intro.contains("nominated by petra.") && !intro.contains("olga"),
        "{intro}"
    );
    let (seen, intro) = statements_seen(&olga, n).await;
    assert_eq!(seen, ["Olga thinks so."]);
    assert!(!intro.contains("petra"), "{intro}");
    for reader in [&carl, &alice] {
        let (seen, intro) = statements_seen(reader, n).await;
        assert_eq!(seen, ["Olga thinks so.", "Petra thinks so too."]);
        assert!(intro.contains("nominated by olga, petra."), "{intro}");
    }
    // Repeats add nothing; petra finds it among the nominations she made.
    assert_eq!(nominated(&olga, call, "carl", "Again.").await, n);
    assert_eq!(nominated(&petra, call, "carl", "Again.").await, n);
    let seconds: i64 = sqlx::query_scalar("select count(*) from nomination_seconds")
        .fetch_one(&w.app.pool)
        .await
        .expect("count");
    assert_eq!(seconds, 1);
    petra
        .get("/me/nominations")
        .await
        .assert_status(200)
        .assert_contains(&format!("/nominations/{n}"));
}

/// The feedback form on a nomination's page, as sent back: its text and its message.
fn feedback_form(page: &Page, n: i64) -> (String, String) {
    let html = scraper::Html::parse_document(&page.body);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let form = select(&format!("form[action=\"/nominations/{n}/feedback\"]"));
    let form = html
        .select(&form)
        .next()
        .expect("the feedback form is shown again");
    let text = form
        .select(&select("textarea[name=note]"))
        .map(|e| e.text().collect::<String>())
        .collect();
    let error = form
        .select(&select(".field-error"))
        .map(|e| e.text().collect::<String>())
        .collect();
    (text, error)
}

#[tokio::test]
async fn refused_feedback_comes_back_with_its_text_and_the_reason() {
    let w = World::new().await;
    let (alice, carl) = (w.person("alice").await, w.person("carl").await);
    let call = open_call(&alice, &call_fields("open", "")).await;
    let n = nominated(&alice, call, "carl", "Carl reviews well.").await;
    let path = format!("/nominations/{n}/feedback");
    // Still "Nominated": feedback does not fit the stage, and the text is kept.
    let page = alice.post(&path, &[("note", "Thanks for \u{1} all")]).await;
    page.assert_status(409);
    let (text, error) = feedback_form(&page, n);
    assert_eq!(text, "Thanks for \u{1} all");
    assert!(
        error.contains("does not fit the nomination's stage"),
        "{error}"
    );
    // At a stage that takes feedback, a text that is not valid: the same form, its message.
    carl.post(&format!("/nominations/{n}/accept"), &[])
        .await
        .assert_redirect(&format!("/nominations/{n}"));
    let long = "x".repeat(4001);
    let page = alice.post(&path, &[("note", &long)]).await;
    page.assert_status(422);
    let (text, error) = feedback_form(&page, n);
    assert_eq!(text, long);
    assert!(error.contains("too long"), "{error}");
}

#[tokio::test]
async fn a_form_refused_by_its_handler_gives_its_text_back() {
    let w = World::new().await;
    let alice = w.person("alice").await;
    let call = open_call(&alice, &call_fields("open", "")).await;
    // The call's window has closed.
    w.app.clock.advance(Duration::days(15));
    let olga = w.person("olga").await;
    let page = nominate(&olga, call, "carl", "Carl, whom I **admire**.").await;
    page.assert_status(409);
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("textarea[readonly]").expect("selector");
    let shown: Vec<String> = html.select(&selector).map(|t| t.text().collect()).collect();
    assert_eq!(shown, ["carl", "Carl, whom I **admire**."]);
}
