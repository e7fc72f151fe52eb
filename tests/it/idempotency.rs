//! One kind of idempotency key (`web::idempotency`) on the forms that create something:
//! the form page gives a key; the same form sent again — twenty times at once, or once
//! more after the first answered — makes one thing, and every answer leads to it.

use crate::support::scenario::{IN_A_WEEK, IN_TWO_WEEKS, NOW, Scenario};
use crate::support::{Client, TestApp};

/// The idempotency key in the form that `path` shows.
async fn key_from(client: &Client, path: &str) -> String {
    let page = client.get(path).await;
    page.assert_status(200);
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("input[name=idempotency_key]").expect("selector");
    html.select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .expect("an idempotency key in the form")
        .to_string()
}

/// Sends the same form `times` times at once; returns every answer's status and target.
async fn race(
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    times: usize,
) -> Vec<(u16, String)> {
    futures::future::join_all((0..times).map(|_| async {
        let page = client.post(path, fields).await;
        (
            page.status.as_u16(),
            page.location().unwrap_or("").to_string(),
        )
    }))
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect(sql)
}

#[tokio::test]
async fn twenty_identical_decisions_make_one() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let new = format!("/teams/{}/decisions/new", s.team);
    let key = key_from(&lead, &new).await;
    let before = count(&app, "select count(*) from decisions").await;
    let fields = [
        ("question", "Adopt the race guideline?"),
        ("body", "Twice is once."),
        ("closes_at", IN_A_WEEK),
        ("visibility", "public"),
        ("effect_kind", "text"),
        ("effect_text", "We adopt it."),
        ("idempotency_key", key.as_str()),
    ];
    let path = format!("/teams/{}/decisions", s.team);
    let answers = race(&lead, &path, &fields, 20).await;
    assert_eq!(
        count(&app, "select count(*) from decisions").await,
        before + 1
    );
    let target = &answers[0].1;
    assert!(target.starts_with("/decisions/"), "{answers:?}");
    assert!(
        answers.iter().all(|a| a == &(303, target.clone())),
        "{answers:?}"
    );
    // Once more, after the first answered: the same decision again.
    let page = lead.post(&path, &fields).await;
    page.assert_redirect(target);
    assert_eq!(
        count(&app, "select count(*) from decisions").await,
        before + 1
    );
    // A new form page has a new key: a second decision is made.
    let other = key_from(&lead, &new).await;
    assert_ne!(other, key);
    let page = lead
        .post(
            &path,
            &crate::support::with(fields.to_vec(), &[("idempotency_key", &other)]),
        )
        .await;
    assert!(page.location().is_some_and(|l| l != target), "{page:?}");
    assert_eq!(
        count(&app, "select count(*) from decisions").await,
        before + 2
    );
    // Another person's submission with the same key is their own.
    let member = app.signed_in(&s.member).await;
    let page = member.post(&path, &fields).await;
    assert!(page.location().is_some_and(|l| l != target), "{page:?}");
}

#[tokio::test]
async fn twenty_identical_calls_make_one_and_a_refused_one_can_be_sent_again() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let key = key_from(&lead, &format!("/teams/{}/calls/new", s.team)).await;
    let before = count(&app, "select count(*) from calls").await;
    let path = format!("/teams/{}/calls", s.team);
    let mut fields = vec![
        ("title", "Race reviewers"),
        ("looking_for", "Kind reviewers."),
        ("eligibility", "open"),
        ("eligible_team", ""),
        ("eligible_list", ""),
        ("seats", "many"),
        ("opens_at", NOW),
        ("closes_at", IN_TWO_WEEKS),
        ("stale_after_days", "7"),
        ("idempotency_key", key.as_str()),
    ];
    // Refused: the key is not used up, and the form keeps it.
    let page = lead.post(&path, &fields).await;
    page.assert_status(422).assert_contains(&key);
    fields[5] = ("seats", "2");
    let answers = race(&lead, &path, &fields, 20).await;
    assert_eq!(count(&app, "select count(*) from calls").await, before + 1);
    let target = &answers[0].1;
    assert!(target.starts_with("/calls/"), "{answers:?}");
    assert!(
        answers.iter().all(|a| a == &(303, target.clone())),
        "{answers:?}"
    );
    lead.post(&path, &fields).await.assert_redirect(target);
    assert_eq!(count(&app, "select count(*) from calls").await, before + 1);
}

/// Twenty identical submissions at once, then one more: one row more in `table`, and
/// every answer the same redirect.
async fn one_of_twenty(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    table: &str,
) -> String {
    let sql = format!("select count(*) from {table}");
    let before = count(app, &sql).await;
    let mut answers = race(client, path, fields, 20).await;
    let page = client.post(path, fields).await;
    answers.push((
        page.status.as_u16(),
        page.location().unwrap_or("").to_string(),
    ));
    assert_eq!(count(app, &sql).await, before + 1, "{path}: {answers:?}");
    let first = answers[0].clone();
    assert!(first.0 == 303 && !first.1.is_empty(), "{path}: {answers:?}");
    assert!(answers.iter().all(|a| *a == first), "{path}: {answers:?}");
    first.1
}

#[tokio::test]
async fn twenty_identical_posts_comments_action_items_nominations_and_endorsements_make_one_each() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let key = key_from(&lead, "/posts/new").await;
    let fields = [
        ("team", s.team.as_str()),
        ("title", "Race notes"),
        ("body", "Once."),
        ("idempotency_key", key.as_str()),
        ("action", "save"),
    ];
    one_of_twenty(&app, &lead, "/posts", &fields, "posts").await;

    let key = key_from(&lead, &s.post).await;
    let comments = format!("{}/comments", s.post);
    one_of_twenty(
        &app,
        &lead,
        &comments,
        &[("body", "Once said."), ("idempotency_key", &key)],
        "post_comments",
    )
    .await;
    let actions = format!("{}/actions", s.post);
    let fields = [
        ("text", "Do it once"),
        ("owner", s.member.as_str()),
        ("due_on", "2026-03-20"),
        ("idempotency_key", key.as_str()),
    ];
    one_of_twenty(&app, &lead, &actions, &fields, "post_action_items").await;

    // A nomination and an endorsement are once per person by what they name.
    let someone = app.signed_in(&s.someone).await;
    let nominate = format!("/calls/{}/nominate", s.call);
    let fields = [("nominee", "fresh-face"), ("statement", "Once is enough.")];
    one_of_twenty(&app, &someone, &nominate, &fields, "nominations").await;
    let endorse = format!("/calls/{}/endorse", s.call);
    let fields = [("login", "fresh-face"), ("endorsement", "Agreed, once.")];
    one_of_twenty(&app, &someone, &endorse, &fields, "call_endorsements").await;
}

#[tokio::test]
async fn twenty_identical_teams_and_delegations_make_one_each() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let admin = app.signed_in("admin").await;
    let key = key_from(&admin, "/teams/new").await;
    let fields = crate::support::with(
        crate::teams::team_fields("racers", "Racers", "Run once."),
        &[
            ("rule_n", "0"),
            ("review_on", ""),
            ("idempotency_key", &key),
        ],
    );
    let to = one_of_twenty(&app, &admin, "/teams", &fields, "teams").await;
    assert_eq!(to, "/teams/racers");
    let lead = app.signed_in(&s.lead).await;
    let key = key_from(&lead, &format!("/teams/{}/delegate", s.team)).await;
    let fields = crate::support::with(
        crate::teams::team_fields("sprinters", "Sprinters", "Run once, delegated."),
        &[
            ("rule_n", "0"),
            ("review_on", ""),
            ("idempotency_key", &key),
        ],
    );
    let path = format!("/teams/{}/delegate", s.team);
    let to = one_of_twenty(&app, &lead, &path, &fields, "teams").await;
    assert_eq!(to, "/teams/sprinters");
}

#[tokio::test]
async fn twenty_identical_rfcs_and_pieces_of_feedback_make_one_each() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let key = key_from(&lead, "/rfcs/new").await;
    let fields = [
        ("team", s.team.as_str()),
        ("title", "Race policy"),
        ("summary", "Once."),
        ("body", "Run it once."),
        ("pull_request_url", ""),
        ("change_note", ""),
        ("idempotency_key", key.as_str()),
    ];
    one_of_twenty(&app, &lead, "/rfcs", &fields, "rfcs").await;
    let critic = app.signed_in(&s.critic).await;
    let rfc = format!("/rfcs/{}", s.rfc);
    let key = key_from(&critic, &rfc).await;
    let fields = [
        ("body", "Said once."),
        ("visibility", "public"),
        ("idempotency_key", key.as_str()),
    ];
    one_of_twenty(
        &app,
        &critic,
        &format!("{rfc}/feedback"),
        &fields,
        "rfc_feedback",
    )
    .await;
}

#[tokio::test]
async fn twenty_identical_notes_on_a_nomination_add_one_event() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let page = format!("/nominations/{}", s.nomination);
    let key = key_from(&lead, &page).await;
    let fields = [
        ("note", "Said once, to the candidate."),
        ("idempotency_key", key.as_str()),
    ];
    let to = one_of_twenty(
        &app,
        &lead,
        &format!("{page}/feedback"),
        &fields,
        "nomination_events where kind = 'feedback'",
    )
    .await;
    assert_eq!(to, page);
}

#[tokio::test]
async fn twenty_identical_webhooks_make_one() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let path = format!("/teams/{}/webhooks", s.team);
    let key = key_from(&lead, &path).await;
    let fields = [
        ("url", "https://chat.example.org/hooks/core"),
        ("secret", "a-long-random-team-secret"),
        ("idempotency_key", key.as_str()),
    ];
    let answers = race(&lead, &path, &fields, 20).await;
    assert_eq!(count(&app, "select count(*) from webhooks").await, 1);
    assert!(
        answers.iter().all(|a| a == &(303, path.clone())),
        "{answers:?}"
    );
    lead.post(&path, &fields).await.assert_redirect(&path);
    assert_eq!(count(&app, "select count(*) from webhooks").await, 1);
}
