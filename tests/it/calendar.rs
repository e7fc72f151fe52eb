//! The calendar feeds, read back with the `icalendar` crate's parser: the public
//! deadlines and nothing private, stable UIDs across a moved deadline, UTC times, links
//! back, one team's feed.

use icalendar::{Calendar, Component, Event};

use crate::support::scenario::{IN_TWO_WEEKS, Scenario};
use crate::support::{Client, TestApp, with};

async fn feed(client: &Client, path: &str) -> Calendar {
    let page = client.get(path).await;
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    assert!(page.set_cookies().is_empty(), "a feed sets no cookie");
    assert!(
        crate::support::scenario::markers_in(&page.body).is_empty(),
        "private text in {path}"
    );
    page.body
        .parse::<Calendar>()
        .unwrap_or_else(|e| panic!("{path} is not iCalendar: {e}\n{}", page.body))
}

fn event<'a>(calendar: &'a Calendar, uid_start: &str) -> Option<&'a Event> {
    calendar
        .events()
        .find(|e| e.get_uid().is_some_and(|u| u.starts_with(uid_start)))
}

fn start(e: &Event) -> &str {
    e.property_value("DTSTART").expect("DTSTART")
}

async fn setup() -> (TestApp, Scenario, i64) {
    let (app, s) = Scenario::in_new_app().await;
    let public = s.public_decision(&app, "Move the meeting?", None).await;
    // A team whose charter is reviewed on a day.
    let admin = app.signed_in("admin").await;
    let page = admin
        .post(
            "/teams",
            &with(
                crate::teams::team_fields("reviewed", "Reviewed", "Things."),
                &[("review_on", "2026-12-31")],
            ),
        )
        .await;
    assert!(page.status.is_redirection(), "team: {}", page.status);
    (app, s, public)
}

#[tokio::test]
async fn the_public_calendar_holds_every_public_deadline_and_nothing_private() {
    let (app, s, public) = setup().await;
    let calendar = feed(&app.visitor(), "/calendar.ics").await;
    let uids: Vec<&str> = calendar.events().filter_map(|e| e.get_uid()).collect();
    for want in [
        format!("rfc-{}-opens@", s.rfc),
        format!("rfc-{}-closes@", s.rfc),
        format!("call-{}-opens@", s.call),
        format!("call-{}-closes@", s.call),
        format!("decision-{public}-closes@"),
    ] {
        assert!(
            uids.iter().any(|u| u.starts_with(&want)),
            "{want} not in {uids:?}"
        );
    }
    // Team-only decisions (the private one, the shortlisting) and the draft RFC are not there.
    for absent in [
        format!("decision-{}-", s.decision),
        format!("decision-{}-", s.shortlist),
        format!("rfc-{}-", s.draft_rfc),
    ] {
        assert!(
            !uids.iter().any(|u| u.starts_with(&absent)),
            "{absent} in {uids:?}"
        );
    }

    let closes = event(&calendar, &format!("rfc-{}-closes@", s.rfc)).expect("closing");
    assert_eq!(start(closes), "20260309T090000Z");
    assert_eq!(
        closes.get_summary(),
        Some("Feedback closes: Open policy (Core)")
    );
    let url = closes.get_url().expect("a link back");
    assert_eq!(url, format!("{}/rfcs/{}", app.config.origin(), s.rfc));
    assert!(closes.get_description().is_some_and(|d| d.contains(url)));
    assert!(
        closes
            .property_value("DTSTAMP")
            .is_some_and(|d| d.ends_with('Z'))
    );

    let decision = event(&calendar, &format!("decision-{public}-closes@")).expect("decision");
    assert_eq!(
        decision.get_summary(),
        Some("Decision closes: Move the meeting? (Core)")
    );
    assert_eq!(start(decision), "20260309T090000Z");

    // A charter review is a whole day.
    let review = calendar
        .events()
        .find(|e| e.get_summary() == Some("Charter review: Reviewed"))
        .expect("the charter review");
    assert_eq!(start(review), "20261231");
    assert!(review.property_value("DTEND").is_none());
    // Earliest first.
    let starts: Vec<String> = calendar
        .events()
        .map(|e| start(e).chars().take(8).collect())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);

    // The same for everyone: a signed-in member gets the same events.
    let member = app.signed_in(&s.member).await;
    let theirs = feed(&member, "/calendar.ics").await;
    let their_uids: Vec<&str> = theirs.events().filter_map(|e| e.get_uid()).collect();
    assert_eq!(their_uids, uids);
}

#[tokio::test]
async fn a_moved_deadline_keeps_its_uid() {
    let (app, s, _) = setup().await;
    let uid = |c: &Calendar| {
        event(c, &format!("rfc-{}-closes@", s.rfc))
            .and_then(|e| e.get_uid())
            .map(str::to_string)
    };
    let before = feed(&app.visitor(), "/calendar.ics").await;
    let lead = app.signed_in(&s.lead).await;
    let page = lead
        .post(
            &format!("/rfcs/{}/window", s.rfc),
            &[
                ("opens_at", ""),
                ("closes_at", IN_TWO_WEEKS),
                ("reason", "More time to read."),
            ],
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "move: {} {}",
        page.status,
        page.body
    );
    let after = feed(&app.visitor(), "/calendar.ics").await;
    assert_eq!(uid(&before), uid(&after));
    assert!(uid(&after).is_some());
    let moved = event(&after, &format!("rfc-{}-closes@", s.rfc)).expect("moved");
    assert_eq!(start(moved), "20260316T090000Z");
    let closing: Vec<_> = after
        .events()
        .filter(|e| {
            e.get_uid()
                .is_some_and(|u| u.starts_with(&format!("rfc-{}-closes@", s.rfc)))
        })
        .collect();
    assert_eq!(closing.len(), 1, "one event for one deadline");
}

#[tokio::test]
async fn a_team_calendar_holds_that_team_only() {
    let (app, s, public) = setup().await;
    let visitor = app.visitor();
    let core = feed(&visitor, &format!("/teams/{}/calendar.ics", s.team)).await;
    assert!(event(&core, &format!("decision-{public}-closes@")).is_some());
    assert!(event(&core, &format!("rfc-{}-closes@", s.rfc)).is_some());
    assert!(
        core.events()
            .all(|e| e.get_summary().is_some_and(|t| t.ends_with("(Core)")))
    );
    assert_eq!(core.get_name(), Some("Concord: Core"));
    let infra = feed(&visitor, &format!("/teams/{}/calendar.ics", s.other_team)).await;
    assert_eq!(infra.events().count(), 0);
    let reviewed = feed(&visitor, "/teams/reviewed/calendar.ics").await;
    assert_eq!(reviewed.events().count(), 1);
    visitor
        .get("/teams/nowhere/calendar.ics")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn past_deadlines_fade_out_after_ninety_days() {
    let (app, s, _) = setup().await;
    app.clock.advance(time::Duration::days(120));
    let calendar = feed(&app.visitor(), "/calendar.ics").await;
    assert!(event(&calendar, &format!("rfc-{}-", s.rfc)).is_none());
    // The charter review at the end of the year is still ahead.
    assert_eq!(calendar.events().count(), 1);
}

/// Makes `client`'s personal feed and returns its path, as the page shows it once.
async fn make_personal_feed(app: &TestApp, client: &Client) -> String {
    let page = client.post("/settings/calendar", &[]).await;
    page.assert_status(200);
    let address = crate::support::html::attrs(&page.body, "#feed-address", "value");
    assert_eq!(address.len(), 1, "the address is shown: {}", page.body);
    address[0]
        .strip_prefix(&app.config.origin())
        .expect("an absolute address")
        .to_string()
}

#[tokio::test]
async fn a_personal_feed_holds_the_persons_private_deadlines_at_a_secret_address() {
    let (app, s, public) = setup().await;
    let member = app.signed_in(&s.member).await;
    let page = member.get("/settings/calendar").await;
    page.assert_status(200)
        .assert_contains("You have no calendar address.");
    let path = make_personal_feed(&app, &member).await;

    // Read as a calendar application would: no cookies.
    let page = app.visitor().get(&path).await;
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let calendar: Calendar = page.body.parse().expect("iCalendar");
    for want in [
        format!("decision-{}-closes@", s.decision),
        format!("decision-{}-closes@", s.shortlist),
        format!("decision-{public}-closes@"),
        format!("rfc-{}-closes@", s.rfc),
        format!("call-{}-closes@", s.call),
    ] {
        assert!(event(&calendar, &want).is_some(), "{want} missing");
    }
    let private = event(&calendar, &format!("decision-{}-closes@", s.decision)).expect("private");
    assert!(
        private
            .get_summary()
            .is_some_and(|t| t.contains(&crate::support::scenario::Marker::Decision.text(0))),
        "the member reads the private question"
    );
    // Only hashes are stored.
    let secret = path
        .trim_start_matches("/calendar/personal/")
        .trim_end_matches(".ics");
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from calendar_feeds where token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(secret)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(stored, 1);
    let plain: i64 = sqlx::query_scalar(
        "select count(*) from calendar_feeds where encode(token_hash, 'hex') = $1",
    )
    .bind(secret)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(plain, 0);
    // The page says there is one, without showing it again.
    let page = member.get("/settings/calendar").await;
    page.assert_status(200).assert_lacks(secret);
    assert!(page.body.contains("You have a calendar address, made"));

    // Someone of another team: their own feed has none of this team's private deadlines.
    let other = app.signed_in(&s.other).await;
    let theirs = make_personal_feed(&app, &other).await;
    let page = app.visitor().get(&theirs).await;
    page.assert_status(200);
    assert!(crate::support::scenario::markers_in(&page.body).is_empty());
    let calendar: Calendar = page.body.parse().expect("iCalendar");
    assert_eq!(calendar.events().count(), 0, "infra has no deadlines");

    // Leaving the team takes its deadlines out.
    let admin = app.signed_in("admin").await;
    admin
        .post(
            &format!("/teams/{}/members/{}/leave", s.team, s.member),
            &[("leave_reason", "Moved on")],
        )
        .await;
    let page = app.visitor().get(&path).await;
    page.assert_status(200);
    assert!(crate::support::scenario::markers_in(&page.body).is_empty());
}

#[tokio::test]
async fn a_new_address_revokes_the_old_one_and_an_address_can_be_turned_off() {
    let (app, s, _) = setup().await;
    let member = app.signed_in(&s.member).await;
    let first = make_personal_feed(&app, &member).await;
    let second = make_personal_feed(&app, &member).await;
    assert_ne!(first, second);
    let visitor = app.visitor();
    visitor.get(&first).await.assert_status(404);
    visitor.get(&second).await.assert_status(200);
    let page = member.post("/settings/calendar/revoke", &[]).await;
    assert_eq!(page.location(), Some("/settings/calendar"));
    visitor.get(&second).await.assert_status(404);
    member
        .get("/settings/calendar")
        .await
        .assert_status(200)
        .assert_contains("Your calendar address no longer works.")
        .assert_contains("You have no calendar address.");
    // Anything else at that place is not found, never an error.
    for path in [
        "/calendar/personal/nothing.ics",
        "/calendar/personal/zz.ics",
        &format!("/calendar/personal/{}.ics", "g".repeat(64)),
    ] {
        visitor.get(path).await.assert_status(404);
    }
    // Visitors have no personal calendar to manage.
    let page = visitor.get("/settings/calendar").await;
    assert!(page.location().is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn a_person_makes_their_calendar_address_in_a_browser() {
    let app = TestApp::spawn().await;
    let Some(mut browser) = crate::support::Browser::open(&app).await else {
        return;
    };
    browser.sign_in_dev("wren-calloway").await;
    browser.click_link("your calendar").await;
    assert_eq!(browser.path(), "/settings/calendar");
    browser.assert_text("You have no calendar address.").await;
    browser.click_button("Make an address").await;
    assert_eq!(browser.status(), 200);
    browser.assert_text("Copy it now").await;
    browser
        .assert_text("You have a calendar address, made")
        .await;
    browser.click_button("Turn the address off").await;
    browser
        .assert_text("Your calendar address no longer works.")
        .await;
    browser.finish().await;
}
