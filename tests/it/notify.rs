//! Notifications through the real outbox, worker and mailer, to a real SMTP server on
//! loopback: verifying an address, who gets what (and nothing private they may not read),
//! reminders at the right moments on the test clock, digests, one-click unsubscribe
//! without signing in, retries while the mail server is down, and two instances sharing
//! the outbox without sending anything twice.

use concord::app::AppState;
use concord::notify::worker;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use time::Duration;

use crate::support::scenario::{Marker, Scenario, markers_in};
use crate::support::smtp::{Received, SmtpSink};
use crate::support::{Options, TestApp};

pub(crate) async fn app_with_smtp(sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(Options {
        smtp: Some(sink.url()),
        ..Options::default()
    })
    .await
}

/// One pass of the worker at the app's clock, reminders included.
pub(crate) async fn deliver(app: &TestApp) -> worker::Pass {
    worker::pass(&app.state, app.clock.now(), true)
        .await
        .expect("a worker pass")
}

/// Gives people verified addresses `<login>@example.org` (as if they had opened the link).
pub(crate) async fn give_addresses(app: &TestApp, logins: &[&str]) {
    for login in logins {
        concord::auth::db::ensure_by_login(&app.pool, login, None, app.clock.now())
            .await
            .expect("user");
    }
    sqlx::query(
        "update users set email = login || '@example.org', email_verified_at = now() where login = any($1)",
    )
    .bind(logins)
    .execute(&app.pool)
    .await
    .expect("addresses");
}

fn address(login: &str) -> String {
    format!("{login}@example.org")
}

fn select_one(body: &str, css: &str) -> Option<String> {
    let html = Html::parse_document(body);
    let selector = Selector::parse(css).expect("selector");
    html.select(&selector).next().map(|e| {
        e.value()
            .attr("value")
            .map(str::to_string)
            .unwrap_or_else(|| e.text().collect::<String>())
    })
}

async fn outbox_count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn an_address_is_used_only_once_its_link_is_opened() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    let ada = app.signed_in("ada").await;
    let page = ada.get("/settings").await;
    page.assert_status(200);
    assert!(select_one(&page.body, ".current-email").is_none());

    // Bad input comes back with the reason and what was typed; nothing is queued.
    let page = ada
        .post("/settings/email", &[("email", "ada at example")])
        .await;
    page.assert_status(422);
    assert_eq!(
        select_one(&page.body, "input#email").as_deref(),
        Some("ada at example")
    );
    assert!(select_one(&page.body, "#email-error").is_some_and(|e| e.contains("@")));
    assert_eq!(outbox_count(&app, "select count(*) from outbox").await, 0);

    ada.post("/settings/email", &[("email", "ada@example.org")])
        .await
        .assert_redirect("/settings");
    let page = ada.get("/settings").await;
    page.assert_status(200);
    assert!(
        select_one(&page.body, ".pending-email").is_some_and(|p| p.contains("ada@example.org"))
    );
    assert!(
        select_one(&page.body, ".current-email").is_none(),
        "not used before the link"
    );

    assert_eq!(deliver(&app).await.sent, 1);
    let mails = sink.to("ada@example.org");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let link = mails[0].link("/settings/email/verify?token=");
    let token = link.split("token=").nth(1).expect("token").to_string();
    // Only the token's hash is stored.
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from email_verifications where token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .expect("hash");
    assert_eq!(stored, 1);
    let raw: i64 =
        sqlx::query_scalar("select count(*) from outbox where payload::text like '%' || $1 || '%'")
            .bind(&token)
            .fetch_one(&app.pool)
            .await
            .expect("raw");
    assert_eq!(raw, 0, "the token is not kept in the outbox");

    // Somebody else cannot use it; a forged token changes nothing.
    let eve = app.signed_in("eve").await;
    eve.get(&link).await.assert_status(400);
    let forged = ada.get("/settings/email/verify?token=forged").await;
    forged.assert_status(400);
    assert!(forged.body.contains("not valid"), "{}", forged.body);

    let page = ada.get(&link).await;
    page.assert_status(200);
    ada.post("/settings/email/verify", &[("token", &token)])
        .await
        .assert_redirect("/settings");
    let page = ada.get("/settings").await;
    page.assert_status(200);
    assert_eq!(
        select_one(&page.body, ".current-email").as_deref(),
        Some("ada@example.org")
    );
    // Single use.
    ada.post("/settings/email/verify", &[("token", &token)])
        .await
        .assert_status(400);

    // A link older than a day no longer works.
    ada.post("/settings/email", &[("email", "ada@example.net")])
        .await
        .assert_redirect("/settings");
    deliver(&app).await;
    let link = sink.to("ada@example.net")[0].link("/settings/email/verify?token=");
    app.clock.advance(Duration::hours(25));
    ada.get(&link).await.assert_status(400);

    // Removing the address stops mail.
    ada.post("/settings/email/remove", &[])
        .await
        .assert_redirect("/settings");
    let page = ada.get("/settings").await;
    page.assert_status(200);
    assert!(select_one(&page.body, ".current-email").is_none());
}

/// Who may read each kind of private text, by login in scenario `s`.
fn may_read(s: &Scenario, login: &str, marker: Marker) -> bool {
    let member = login == s.lead || login == s.member;
    match marker {
        Marker::Statement => member || login == s.nominee || login == s.nominator,
        Marker::Feedback | Marker::Second => member || login == s.nominee,
        _ => member,
    }
}

#[tokio::test]
async fn each_notice_reaches_exactly_the_right_people_and_nothing_private_leaks() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    app.make_admin("admin").await;
    let people = [
        "admin",
        "lead-0",
        "member-0",
        "nominee-0",
        "nominator-0",
        "seconder-0",
        "other-0",
        "someone-0",
        "critic-0",
    ];
    give_addresses(&app, &people).await;
    let s = Scenario::build(&app, 0).await;
    deliver(&app).await;

    let subjects = |login: &str| -> Vec<String> {
        sink.to(&address(login))
            .into_iter()
            .map(|m| m.subject)
            .collect()
    };
    let nominee = sink.to(&address(&s.nominee));
    let nominated: Vec<&Received> = nominee
        .iter()
        .filter(|m| m.subject.starts_with("You were nominated"))
        .collect();
    // One mail per nominator (the scenario has a second one), each with its statement.
    assert_eq!(nominated.len(), 2, "{:?}", subjects(&s.nominee));
    // A batch goes out at once, so the two may arrive in either order.
    let has = |marker: Marker| nominated.iter().any(|m| m.text.contains(&marker.text(0)));
    assert!(has(Marker::Statement), "the statement, for the nominee");
    assert!(has(Marker::Second), "the second nominator's statement");
    assert!(
        nominated[0]
            .link("/nominations/")
            .starts_with(&format!("/nominations/{}", s.nomination))
    );
    assert!(
        subjects(&s.nominator)
            .iter()
            .any(|t| t.contains("was accepted by the nominee")),
        "{:?}",
        subjects(&s.nominator)
    );
    // The lead opened the private decision; the member decides in it.
    assert!(
        subjects(&s.member)
            .iter()
            .any(|t| t.starts_with("Your position is asked"))
    );
    assert!(
        !subjects(&s.lead)
            .iter()
            .any(|t| t.starts_with("Your position is asked"))
    );
    // The published post: waiting for review (members but its author), then approved.
    assert!(
        subjects(&s.member)
            .iter()
            .any(|t| t.starts_with("Waiting for your review"))
    );
    assert!(
        subjects(&s.lead)
            .iter()
            .any(|t| t.starts_with("Published:"))
    );
    for login in [&s.other, &s.someone, &s.critic, &"admin".to_string()] {
        assert!(
            subjects(login).is_empty(),
            "{login} got {:?}",
            subjects(login)
        );
    }

    // A day before the decisions close: deciders without a position are reminded, once;
    // the member who raised a concern is told it is still open.
    app.clock.advance(Duration::days(6) + Duration::hours(1));
    deliver(&app).await;
    deliver(&app).await;
    let closing = |login: &str| {
        subjects(login)
            .into_iter()
            .filter(|t| t.starts_with("Closes within a day"))
            .count()
    };
    assert_eq!(closing(&s.lead), 1, "{:?}", subjects(&s.lead));
    assert_eq!(closing(&s.member), 1, "{:?}", subjects(&s.member));
    assert_eq!(closing(&s.nominee), 0);
    assert!(
        subjects(&s.member)
            .iter()
            .any(|t| t.starts_with("Your concern is still open"))
    );
    // The feedback window closing within two days goes to the team's digest (the
    // default for team activity), sent at the digest hour (08:00 UTC; it is 10:00).
    let digests: Vec<Received> = sink
        .to(&address(&s.member))
        .into_iter()
        .filter(|m| m.subject.starts_with("Your Concord digest"))
        .collect();
    assert_eq!(digests.len(), 1);
    assert!(
        digests[0].text.contains("Feedback window closes soon"),
        "{}",
        digests[0].text
    );
    assert!(digests[0].list_unsubscribe.is_some());

    // A week without activity: the nomination went stale; the team is told (in its
    // digest, the default for team activity: tomorrow's, as today's went out).
    app.clock.advance(Duration::days(1));
    deliver(&app).await;
    let digests: Vec<Received> = sink
        .to(&address(&s.lead))
        .into_iter()
        .filter(|m| m.subject.starts_with("Your Concord digest"))
        .collect();
    assert!(
        digests
            .iter()
            .any(|d| d.text.contains("A nomination went stale")),
        "{:?}",
        digests.iter().map(|d| &d.text).collect::<Vec<_>>()
    );
    assert!(!subjects(&s.nominee).iter().any(|t| t.contains("stale")));

    // Every mail anyone got holds only what its recipient may read on the site.
    let received = sink.received();
    assert!(received.len() >= 8, "{}", received.len());
    for mail in &received {
        let login = mail.to[0].trim_end_matches("@example.org");
        let whole = format!("{}\n{}\n{}", mail.subject, mail.text, mail.html);
        for (marker, n) in markers_in(&whole) {
            assert!(
                n == 0 && may_read(&s, login, marker),
                "{login} got {marker:?} of scenario {n} in {:?}",
                mail.subject
            );
        }
        assert!(mail.text.contains("You get this because"), "{}", mail.text);
    }
}

#[tokio::test]
async fn one_click_unsubscribe_works_without_signing_in_and_a_forged_link_changes_nothing() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    app.make_admin("admin").await;
    let people = ["admin", "lead-0", "member-0", "nominee-0", "nominator-0"];
    give_addresses(&app, &people).await;
    let s = Scenario::build(&app, 0).await;
    deliver(&app).await;
    let mail = sink
        .to(&address(&s.nominee))
        .into_iter()
        .find(|m| m.subject.starts_with("You were nominated"))
        .expect("the nomination mail");
    assert_eq!(
        mail.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let url = mail
        .list_unsubscribe
        .as_deref()
        .expect("List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    assert!(url.contains("/unsubscribe?token="), "{url}");
    assert_eq!(
        mail.link("/unsubscribe?token="),
        url.split_once(&app.address).expect("local").1
    );

    // A mail client posts without cookies (RFC 8058).
    let http = reqwest::Client::new();
    let forged = http
        .post(format!("{}/unsubscribe?token=forged", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        outbox_count(&app, "select count(*) from notification_choices").await,
        0
    );
    let page = http.get(&url).send().await.expect("get");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        outbox_count(&app, "select count(*) from notification_choices").await,
        0,
        "a GET changes nothing"
    );
    let done = http
        .post(&url)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("post");
    assert_eq!(done.status(), StatusCode::OK);
    let body = done.text().await.expect("body");
    assert!(body.contains("You were nominated"), "{body}");
    let off: String = sqlx::query_scalar(
        "select c.delivery from notification_choices c join users u on u.id = c.user_id
         where u.login = $1 and c.kind = 'nominated'",
    )
    .bind(&s.nominee)
    .fetch_one(&app.pool)
    .await
    .expect("choice");
    assert_eq!(off, "off");

    // The settings page shows it, and another nomination of them queues nothing.
    let nominee = app.signed_in(&s.nominee).await;
    let page = nominee.get("/settings/notifications").await;
    page.assert_status(200);
    assert!(select_one(&page.body, "input#nominated-off[checked]").is_some());
    let before = outbox_count(&app, "select count(*) from outbox where kind = 'nominated'").await;
    let lead = app.signed_in(&s.lead).await;
    lead.post(
        &format!("/teams/{}/calls", s.team),
        &[
            ("title", "More reviewers"),
            ("looking_for", "People."),
            ("eligibility", "open"),
            ("eligible_team", ""),
            ("eligible_list", ""),
            ("seats", "1"),
            ("opens_at", "2026-03-02T09:00"),
            ("closes_at", "2026-03-16T09:00"),
            ("stale_after_days", "7"),
        ],
    )
    .await;
    let call: i64 = sqlx::query_scalar("select max(id) from calls")
        .fetch_one(&app.pool)
        .await
        .expect("call");
    let page = app
        .signed_in(&s.nominator)
        .await
        .post(
            &format!("/calls/{call}/nominate"),
            &[("nominee", &s.nominee), ("statement", "Again.")],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.body);
    assert_eq!(
        outbox_count(&app, "select count(*) from outbox where kind = 'nominated'").await,
        before
    );

    // Choices are saved from the form; a value the form does not offer is refused.
    let page = nominee
        .post(
            "/settings/notifications",
            &[("nominated", "always"), ("digest_hour", "7")],
        )
        .await;
    page.assert_status(422);
    nominee
        .post(
            "/settings/notifications",
            &[("nominated", "digest"), ("digest_hour", "7")],
        )
        .await
        .assert_redirect("/settings/notifications");
    let page = nominee.get("/settings/notifications").await;
    assert!(select_one(&page.body, "input#nominated-digest[checked]").is_some());
    assert_eq!(
        select_one(&page.body, "#digest_hour option[selected]").as_deref(),
        Some("7")
    );
}

/// Queues `n` notices to one person, in one transaction.
async fn queue(app: &TestApp, login: &str, n: usize) {
    use concord::notify::model::{Kind, Notice};
    let user: i64 = sqlx::query_scalar("select id from users where login = $1")
        .bind(login)
        .fetch_one(&app.pool)
        .await
        .expect("user");
    let mut tx = app.pool.begin().await.expect("begin");
    for i in 0..n {
        let notice = Notice {
            subject: format!("Notice {i}"),
            text: "Something happened.".into(),
            path: "/".into(),
        };
        concord::notify::db::enqueue(
            &mut tx,
            Kind::DecisionOpened,
            &format!("test:{i}"),
            &notice,
            &[user],
            app.clock.now(),
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn two_instances_share_the_outbox_and_send_nothing_twice() {
    let sink = SmtpSink::start();
    let app = app_with_smtp(&sink).await;
    give_addresses(&app, &["ada"]).await;
    queue(&app, "ada", 60).await;
    // A second instance: its own pool and state on the same database.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(app.db_options.clone())
        .await
        .expect("second pool");
    let second = AppState::new(pool, app.config.clone(), app.clock.clone()).expect("state");
    let now = app.clock.now();
    let (a, b) = tokio::join!(
        worker::pass(&app.state, now, true),
        worker::pass(&second, now, true)
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.sent + b.sent, 60, "{a:?} {b:?}");
    let mut subjects: Vec<String> = sink
        .to("ada@example.org")
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(subjects.len(), 60);
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 60, "no notice twice");
    // The same event found again (a scan, a retried write) is not queued again.
    queue(&app, "ada", 60).await;
    assert_eq!(deliver(&app).await.sent, 0);
}

#[tokio::test]
async fn while_the_mail_server_is_down_nothing_is_lost_and_it_is_retried_with_backoff() {
    let sink = SmtpSink::down();
    let app = app_with_smtp(&sink).await;
    give_addresses(&app, &["ada"]).await;
    queue(&app, "ada", 3).await;
    let pass = deliver(&app).await;
    assert_eq!((pass.sent, pass.failed_attempts), (0, 3));
    let waiting = outbox_count(
        &app,
        "select count(*) from outbox where sent_at is null and failed_at is null and attempts = 1 and last_error is not null",
    )
    .await;
    assert_eq!(waiting, 3);
    sink.listen();
    assert_eq!(deliver(&app).await.sent, 0, "not before its next attempt");
    app.clock.advance(Duration::minutes(1));
    assert_eq!(deliver(&app).await.sent, 3);
    assert_eq!(sink.to("ada@example.org").len(), 3);

    // A notice that cannot be delivered for a day is marked failed, not retried forever.
    let down = SmtpSink::down();
    let app = app_with_smtp(&down).await;
    give_addresses(&app, &["bea"]).await;
    queue(&app, "bea", 1).await;
    for _ in 0..30 {
        deliver(&app).await;
        app.clock.advance(Duration::hours(1));
    }
    assert_eq!(
        outbox_count(
            &app,
            "select count(*) from outbox where failed_at is not null and sent_at is null"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_development_mailbox_shows_only_ones_own_mail_and_is_not_found_in_production() {
    let app = TestApp::spawn().await;
    give_addresses(&app, &["ada", "bea"]).await;
    queue(&app, "ada", 1).await;
    deliver(&app).await;
    let ada = app.signed_in("ada").await;
    let page = ada.get("/dev/mail").await;
    page.assert_status(200);
    let link = select_one(&page.body, "main table a").expect("a kept mail");
    assert_eq!(link, "Notice 0");
    let id: i64 = sqlx::query_scalar("select id from dev_mail")
        .fetch_one(&app.pool)
        .await
        .expect("kept");
    let page = ada.get(&format!("/dev/mail/{id}")).await;
    page.assert_status(200);
    assert!(select_one(&page.body, r#".mail-links a[href*="/unsubscribe?token="]"#).is_some());
    ada.get(&format!("/dev/mail/{id}/html"))
        .await
        .assert_status(200);
    let bea = app.signed_in("bea").await;
    let page = bea.get("/dev/mail").await;
    page.assert_status(200);
    assert!(select_one(&page.body, "main table a").is_none());
    bea.get(&format!("/dev/mail/{id}")).await.assert_status(404);

    let production = TestApp::spawn_with(Options {
        github: true,
        environment: Some(concord::config::Environment::Production),
        ..Options::default()
    })
    .await;
    for path in ["/dev/mail", "/dev/mail/1", "/dev/mail/1/html"] {
        production.visitor().get(path).await.assert_status(404);
    }
}

#[tokio::test]
async fn a_teams_webhooks_get_its_public_events_signed_retried_and_logged() {
    use crate::support::receiver::Receiver;
    use hmac::{Hmac, Mac};

    let receiver = Receiver::start().await;
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let hooks = format!("/teams/{}/webhooks", s.team);

    // Bad input keeps what was typed; outsiders cannot see or add webhooks.
    let page = lead
        .post(
            &hooks,
            &[("url", "ftp://example.org/x"), ("secret", "short")],
        )
        .await;
    page.assert_status(422);
    assert_eq!(
        select_one(&page.body, "input#url").as_deref(),
        Some("ftp://example.org/x")
    );
    assert!(select_one(&page.body, "#secret-error").is_some());
    app.signed_in(&s.other)
        .await
        .get(&hooks)
        .await
        .assert_status(403);
    let secret = "a-long-random-team-secret";
    lead.post(&hooks, &[("url", &receiver.url), ("secret", secret)])
        .await
        .assert_redirect(&hooks);
    let page = lead.get(&hooks).await;
    page.assert_status(200);
    assert!(!page.body.contains(secret), "the secret is never shown");

    // Public events: a member joins, a call opens; the feedback window closes.
    app.signed_in("admin")
        .await
        .post(
            &format!("/teams/{}/members", s.team),
            &[
                ("login", "newcomer-0"),
                ("role", "member"),
                ("reason", "Welcome"),
            ],
        )
        .await
        .assert_redirect(&format!("/teams/{}/members", s.team));
    receiver.answer(500);
    let pass = deliver(&app).await;
    // The member who joined, and the window the scenario opened (found by the scan).
    assert_eq!((pass.sent, pass.failed_attempts), (0, 2));
    let page = lead.get(&hooks).await;
    assert!(
        select_one(&page.body, "table.deliveries tbody tr")
            .is_some_and(|row| row.contains("retrying") && row.contains("500")),
        "{}",
        page.body
    );
    receiver.answer(200);
    app.clock.advance(Duration::days(7));
    let pass = deliver(&app).await;
    assert_eq!(pass.failed_attempts, 0, "{pass:?}");
    let received = receiver.received();
    let events: Vec<String> = received
        .iter()
        .map(|d| d.json()["event"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        events.iter().filter(|e| *e == "member.joined").count() == 2,
        "retried: {events:?}"
    );
    for event in ["window.opened", "window.closed"] {
        assert!(events.contains(&event.to_string()), "{events:?}");
    }
    // A retry carries the same delivery id; the body is signed with the team's secret.
    let joined: Vec<_> = received
        .iter()
        .filter(|d| d.json()["event"] == "member.joined")
        .collect();
    assert_eq!(
        joined[0].header("x-concord-delivery"),
        joined[1].header("x-concord-delivery")
    );
    for delivery in &received {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(&delivery.body);
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            delivery.header("x-concord-signature"),
            format!("sha256={expected}")
        );
        let json = delivery.json();
        assert_eq!(json["schema"], 1);
        assert_eq!(json["team"]["slug"], s.team.as_str());
        assert!(
            json["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(&app.address))
        );
        assert!(
            json["text"].as_str().is_some_and(|t| t.contains("](http")),
            "{json}"
        );
        // Only public events: no private text of anyone.
        let body = String::from_utf8_lossy(&delivery.body);
        assert!(markers_in(&body).is_empty(), "{body}");
    }
    let page = lead.get(&hooks).await;
    assert!(select_one(&page.body, "table.deliveries").is_some_and(|t| t.contains("delivered")));

    // Removed: nothing more is sent to it.
    let id: i64 = sqlx::query_scalar("select id from webhooks")
        .fetch_one(&app.pool)
        .await
        .expect("webhook");
    lead.post(&format!("{hooks}/{id}/remove"), &[])
        .await
        .assert_redirect(&hooks);
    let before = receiver.received().len();
    app.signed_in("admin")
        .await
        .post(
            &format!("/teams/{}/members", s.team),
            &[
                ("login", "another-0"),
                ("role", "member"),
                ("reason", "Welcome"),
            ],
        )
        .await;
    deliver(&app).await;
    assert_eq!(receiver.received().len(), before);
}

#[tokio::test]
async fn in_production_a_webhook_may_not_point_at_this_machine_or_a_private_network() {
    use concord::notify::webhooks::{public_addresses, url_problem};
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.7/",
        "http://[::1]/",
        "http://169.254.169.254/latest",
    ] {
        assert_eq!(url_problem(url), None, "{url} is a well-formed URL");
        let parsed = url::Url::parse(url).expect("url");
        let refused = public_addresses(&parsed).await.expect_err("refused");
        assert!(
            refused.contains("not on the public internet"),
            "{url}: {refused}"
        );
    }
    // And at delivery: a webhook stored before (or by a development instance) is refused
    // by a production worker without any request being made.
    let receiver = crate::support::receiver::Receiver::start().await;
    let app = TestApp::spawn().await;
    give_addresses(&app, &["admin"]).await;
    app.make_admin("admin").await;
    let admin = app.signed_in("admin").await;
    admin
        .post(
            "/teams",
            &crate::support::with(
                crate::teams::team_fields("core", "Core", "Things."),
                &[("rule_n", "0"), ("review_on", "")],
            ),
        )
        .await
        .assert_redirect("/teams/core");
    admin
        .post(
            "/teams/core/webhooks",
            &[
                ("url", &receiver.url),
                ("secret", "a-long-random-team-secret"),
            ],
        )
        .await
        .assert_redirect("/teams/core/webhooks");
    admin
        .post(
            "/teams/core/members",
            &[("login", "ada"), ("role", "member"), ("reason", "Hi")],
        )
        .await;
    let mut config = app.config.clone();
    config.environment = concord::config::Environment::Production;
    let production = AppState::new(app.pool.clone(), config, app.clock.clone()).expect("state");
    let pass = worker::pass(&production, app.clock.now(), false)
        .await
        .expect("pass");
    assert_eq!((pass.sent, pass.failed_attempts), (0, 1));
    assert!(receiver.received().is_empty());
    let error: String =
        sqlx::query_scalar("select last_error from outbox where webhook_id is not null")
            .fetch_one(&app.pool)
            .await
            .expect("error");
    assert!(error.contains("not on the public internet"), "{error}");
}
