//! Policy RFCs through HTTP: drafting, revisions and diffs, the feedback window at its
//! boundaries, public and private feedback for every role, editing and withdrawing
//! feedback, the disposition, the Atom feed, and that private feedback never leaks.
//! `carol` is a member of `core`; `ivan` of `infra`; `dave`, `erin` and `frank` belong to
//! no team.

use time::Duration;

use crate::support::html::texts;
use crate::support::{Client, Page, START, TestApp};
use crate::teams::{World, audit_entries, last_audit};

const SECOND: Duration = Duration::seconds(1);

/// The RFC id a redirect after drafting points at.
fn rfc_id(page: &Page) -> i64 {
    let location = page.location().expect("a redirect to the RFC");
    location
        .trim_start_matches("/rfcs/")
        .parse()
        .expect("an RFC id")
}

fn draft_fields<'a>(team: &'a str, title: &'a str, body: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("team", team),
        ("title", title),
        (
            "summary",
            "How we treat contributions made by bots and tools.",
        ),
        ("body", body),
        ("pull_request_url", "https://example.org/policies/pull/7"),
        ("change_note", ""),
    ]
}

/// A fresh form key, as the drafting page hands out.
fn form_key() -> String {
    uuid_like()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("test-key-{:08}", NEXT.fetch_add(1, Ordering::Relaxed))
}

async fn draft(author: &Client, team: &str, title: &str, body: &str) -> i64 {
    let key = form_key();
    let mut fields = draft_fields(team, title, body);
    fields.push(("form_key", &key));
    let page = author.post("/rfcs", &fields).await;
    page.assert_status(303);
    rfc_id(&page)
}

/// Sets a window from `opens` (empty: now) to `closes`, as `YYYY-MM-DDTHH:MM` in UTC.
async fn set_window(member: &Client, id: i64, opens: &str, closes: &str, reason: &str) -> Page {
    member
        .post(
            &format!("/rfcs/{id}/window"),
            &[
                ("opens_at", opens),
                ("closes_at", closes),
                ("reason", reason),
            ],
        )
        .await
}

async fn give_feedback(person: &Client, id: i64, body: &str, visibility: &str) -> Page {
    let key = form_key();
    person
        .post(
            &format!("/rfcs/{id}/feedback"),
            &[
                ("body", body),
                ("visibility", visibility),
                ("form_key", &key),
            ],
        )
        .await
}

fn local(at: time::OffsetDateTime) -> String {
    concord::web::dates::format_datetime_local(at)
}

/// The world, with `core`'s RFC drafted by carol and open for feedback from now for a
/// week (closing 2026-03-09 09:00 UTC).
pub async fn open_rfc() -> (World, Client, i64) {
    let world = World::new().await;
    let carol = world.app.signed_in("carol").await;
    let id = draft(
        &carol,
        "core",
        "Automated contributions",
        "Bots may open pull requests.\n\nA human reviews each one.\n",
    )
    .await;
    set_window(&carol, id, "", &local(START + Duration::days(7)), "")
        .await
        .assert_status(303);
    (world, carol, id)
}

#[tokio::test]
async fn a_member_drafts_an_rfc_that_only_the_team_sees() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;
    carol
        .get("/rfcs/new")
        .await
        .assert_status(200)
        .assert_contains("<label for=\"title\">")
        .assert_contains("<option value=\"core\"");
    let id = draft(
        &carol,
        "core",
        "Automated contributions",
        "Bots **may** help.",
    )
    .await;
    let page = carol.get_follow(&format!("/rfcs/{id}")).await;
    page.assert_status(200)
        .assert_contains("<h1>Automated contributions</h1>")
        .assert_contains("Draft")
        .assert_contains("Revision 1 of 1, by carol, 2026-03-02 09:00 UTC: First draft.")
        .assert_contains("<strong>may</strong>")
        .assert_contains("href=\"https://example.org/policies/pull/7\"")
        .assert_contains("No feedback window is set yet.")
        .assert_contains("Set the feedback window");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "rfc.drafted");
    assert_eq!(entry.visibility, "team");
    assert_eq!(entry.team.as_deref(), Some("core"));

    carol
        .get("/rfcs")
        .await
        .assert_contains("Drafts of your teams")
        .assert_contains("Automated contributions");
    let visitor = app.visitor();
    let ivan = app.signed_in("ivan").await;
    let dave = app.signed_in("dave").await;
    for (who, client) in [("visitor", &visitor), ("ivan", &ivan), ("dave", &dave)] {
        for path in [
            format!("/rfcs/{id}"),
            format!("/rfcs/{id}/revisions"),
            format!("/rfcs/{id}/revisions/1"),
            format!("/rfcs/{id}/diff"),
        ] {
            let page = client.get(&path).await;
            assert_eq!(page.status.as_u16(), 404, "{who} {path}");
            page.assert_lacks("Automated contributions");
        }
        client
            .get("/rfcs")
            .await
            .assert_status(200)
            .assert_lacks("Automated contributions");
        client
            .get("/audit")
            .await
            .assert_lacks("Automated contributions");
    }
}

#[tokio::test]
async fn only_members_draft_and_bad_input_keeps_what_was_typed() {
    let world = World::new().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    dave.get("/rfcs/new").await.assert_status(403);
    let key = form_key();
    let mut fields = draft_fields("core", "Sneaky", "Text");
    fields.push(("form_key", &key));
    dave.post("/rfcs", &fields).await.assert_status(403);
    // A member of another team cannot draft for core.
    let ivan = app.signed_in("ivan").await;
    ivan.post("/rfcs", &fields).await.assert_status(403);
    let visitor = app.visitor();
    visitor
        .get("/rfcs/new")
        .await
        .assert_redirect("/login?next=%2Frfcs%2Fnew");
    visitor.post("/rfcs", &fields).await.assert_status(401);

    let carol = app.signed_in("carol").await;
    let key = form_key();
    let page = carol
        .post(
            "/rfcs",
            &[
                ("team", "core"),
                ("title", ""),
                ("summary", "Kept summary"),
                ("body", "Kept body"),
                ("pull_request_url", "javascript:alert(1)"),
                ("change_note", ""),
                ("form_key", &key),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("The title is required.")
        .assert_contains("must start with http:// or https://")
        .assert_contains("Kept summary")
        .assert_contains(">Kept body</textarea>")
        .assert_contains("aria-invalid=\"true\"");
    let too_long = "x".repeat(201);
    let mut fields = draft_fields("core", &too_long, "Text");
    fields.push(("form_key", &key));
    carol
        .post("/rfcs", &fields)
        .await
        .assert_status(422)
        .assert_contains("too long: 201 characters, at most 200");
    // A tampered form key is refused.
    let mut fields = draft_fields("core", "Title", "Text");
    fields.push(("form_key", "<bad>"));
    carol.post("/rfcs", &fields).await.assert_status(400);
    assert!(
        audit_entries(app)
            .await
            .iter()
            .all(|e| !e.action.starts_with("rfc"))
    );
}

#[tokio::test]
async fn the_same_drafting_form_sent_twice_makes_one_rfc() {
    let world = World::new().await;
    let carol = world.app.signed_in("carol").await;
    let key = form_key();
    let mut fields = draft_fields("core", "Once", "Only once.");
    fields.push(("form_key", &key));
    let first = carol.post("/rfcs", &fields).await;
    let second = carol.post("/rfcs", &fields).await;
    first.assert_status(303);
    second.assert_status(303);
    assert_eq!(first.location(), second.location());
    let count: i64 = sqlx::query_scalar("select count(*) from rfcs")
        .fetch_one(&world.app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn every_edit_makes_a_revision_and_any_two_compare_as_a_diff() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;
    let id = draft(
        &carol,
        "core",
        "Automated contributions",
        "Line one.\nLine two.\nLine three.\n",
    )
    .await;
    app.clock.advance(Duration::hours(1));
    let edit = |title: &'static str, body: &'static str, note: &'static str| {
        vec![
            ("title", title),
            (
                "summary",
                "How we treat contributions made by bots and tools.",
            ),
            ("body", body),
            ("pull_request_url", "https://example.org/policies/pull/7"),
            ("change_note", note),
        ]
    };
    // A change note is required.
    carol
        .post(
            &format!("/rfcs/{id}/edit"),
            &edit(
                "Automated contributions",
                "Line one.\nLine 2.\nLine three.\n",
                "",
            ),
        )
        .await
        .assert_status(422)
        .assert_contains("The change note is required.")
        .assert_contains("Line 2.");
    carol
        .post_follow(
            &format!("/rfcs/{id}/edit"),
            &edit(
                "Automated contributions",
                "Line one.\nLine 2.\nLine three.\nLine four.\n",
                "Clearer numbers",
            ),
        )
        .await
        .assert_contains("Saved as revision 2.")
        .assert_contains("Revision 2 of 2, by carol, 2026-03-02 10:00 UTC: Clearer numbers.");
    // The same text again makes no revision.
    carol
        .post_follow(
            &format!("/rfcs/{id}/edit"),
            &edit(
                "Automated contributions",
                "Line one.\nLine 2.\nLine three.\nLine four.\n",
                "Again",
            ),
        )
        .await
        .assert_contains("Nothing changed, so no new revision was made.")
        .assert_contains("Revision 2 of 2");
    carol
        .post(
            &format!("/rfcs/{id}/edit"),
            &edit(
                "Bots and tools",
                "Line one.\nLine 2.\nLine three.\nLine four.\n",
                "Title",
            ),
        )
        .await
        .assert_status(303);

    let diff = carol.get(&format!("/rfcs/{id}/diff?from=1&to=2")).await;
    diff.assert_status(200)
        .assert_contains("Changes from revision 1 to revision 2")
        .assert_contains("<del><span class=\"visually-hidden\">Removed: </span>Line two.</del>")
        .assert_contains("<ins><span class=\"visually-hidden\">Added: </span>Line 2.</ins>")
        .assert_contains("<ins><span class=\"visually-hidden\">Added: </span>Line four.</ins>")
        .assert_contains("2 lines added, 1 line removed.");
    // Any two, in either order; the default compares the last two.
    carol
        .get(&format!("/rfcs/{id}/diff?from=3&to=1"))
        .await
        .assert_status(200)
        .assert_contains("<del><span class=\"visually-hidden\">Removed: </span>Title: Bots and tools</del>")
        .assert_contains("<ins><span class=\"visually-hidden\">Added: </span>Title: Automated contributions</ins>");
    carol
        .get(&format!("/rfcs/{id}/diff"))
        .await
        .assert_contains("Changes from revision 2 to revision 3");
    carol
        .get(&format!("/rfcs/{id}/diff?from=2&to=2"))
        .await
        .assert_contains("The two revisions have the same text.");
    carol
        .get(&format!("/rfcs/{id}/diff?from=9&to=1"))
        .await
        .assert_status(400)
        .assert_contains("There is no revision 9.");
    carol
        .get(&format!("/rfcs/{id}/diff?from=abc"))
        .await
        .assert_status(400);
    carol
        .get(&format!("/rfcs/{id}/revisions"))
        .await
        .assert_contains("Clearer numbers")
        .assert_contains("First draft")
        .assert_contains("<label for=\"from\">");
    carol
        .get(&format!("/rfcs/{id}/revisions/1"))
        .await
        .assert_contains("Revision 1</strong> of 3")
        .assert_contains("Line two.");
    carol
        .get(&format!("/rfcs/{id}/revisions/4"))
        .await
        .assert_status(404);
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "rfc.revised");
    assert_eq!(entry.details["revision"], 3);
    // Others cannot edit.
    let ivan = app.signed_in("ivan").await;
    ivan.post(&format!("/rfcs/{id}/edit"), &edit("X", "Y", "Z"))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn the_window_is_set_extended_and_shortened_with_reasons_and_shown_in_utc() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;
    let id = draft(&carol, "core", "Automated contributions", "Text").await;
    let ivan = app.signed_in("ivan").await;
    set_window(&ivan, id, "", "2026-03-09T09:00", "")
        .await
        .assert_status(404);
    // Refusals keep what was typed.
    set_window(&carol, id, "2026-03-01T09:00", "2026-03-09T09:00", "")
        .await
        .assert_status(422)
        .assert_contains("The opening time is in the past")
        .assert_contains("value=\"2026-03-09T09:00\"");
    set_window(&carol, id, "", "next week", "")
        .await
        .assert_status(422)
        .assert_contains("Enter the closing time as a date and time in UTC");
    set_window(&carol, id, "2026-03-05T09:00", "2026-03-04T09:00", "")
        .await
        .assert_status(422)
        .assert_contains("The window must close after it opens.");
    // Opens tomorrow: still a draft until then.
    set_window(&carol, id, "2026-03-03T09:00", "2026-03-10T09:00", "")
        .await
        .assert_status(303);
    let page = carol.get(&format!("/rfcs/{id}")).await;
    page.assert_contains("Draft")
        .assert_contains("<dt>Opens</dt><dd>2026-03-03 09:00 UTC</dd>")
        .assert_contains("<dt>Closes</dt><dd>2026-03-10 09:00 UTC</dd>")
        .assert_contains("The window has not opened yet.");
    assert_eq!(last_audit(app).await.visibility, "team");
    app.visitor()
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_status(404);

    app.clock.set(START + Duration::days(1));
    let visitor = app.visitor();
    visitor
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_status(200)
        .assert_contains("Open for feedback")
        .assert_contains("<dt>Time left</dt><dd>7 days</dd>");
    let carol = app.signed_in("carol").await;
    ivan.post(
        &format!("/rfcs/{id}/window"),
        &[("closes_at", "2026-03-12T09:00"), ("reason", "More time")],
    )
    .await
    .assert_status(403);
    // Changing an open window needs a reason; the opening stays.
    set_window(&carol, id, "", "2026-03-12T09:00", "")
        .await
        .assert_status(422)
        .assert_contains("The reason is required.");
    set_window(
        &carol,
        id,
        "2026-04-01T00:00",
        "2026-03-12T09:00",
        "Two more days for the release",
    )
    .await
    .assert_status(303);
    set_window(&carol, id, "", "2026-03-01T09:00", "Too late")
        .await
        .assert_status(422)
        .assert_contains("must be in the future");
    app.clock.advance(Duration::hours(2));
    set_window(&carol, id, "", "2026-03-11T09:00", "Enough heard")
        .await
        .assert_status(303);
    let page = visitor.get(&format!("/rfcs/{id}")).await;
    page.assert_contains("<dt>Opens</dt><dd>2026-03-03 09:00 UTC</dd>")
        .assert_contains("<dt>Closes</dt><dd>2026-03-11 09:00 UTC</dd>")
        .assert_contains("<dt>Time left</dt><dd>7 days 22 hours</dd>")
        .assert_contains("Extended the window from 2026-03-10 09:00 UTC to 2026-03-12 09:00 UTC")
        .assert_contains("Reason: Two more days for the release")
        .assert_contains("Shortened the window from 2026-03-12 09:00 UTC to 2026-03-11 09:00 UTC")
        .assert_contains("by carol");
    // The latest change is said beside the window, not only in the collapsed history.
    assert_eq!(
        texts(&page.body, ".window-box dl dd.window-change"),
        [
            "Shortened the window from 2026-03-12 09:00 UTC to 2026-03-11 09:00 UTC, 2026-03-03 11:00 UTC, by carol. Reason: Enough heard"
        ]
    );
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "rfc.window_changed");
    assert_eq!(entry.visibility, "public");
    assert_eq!(entry.details["reason"], "Enough heard");

    app.clock.set(START + Duration::days(9));
    let carol = app.signed_in("carol").await;
    set_window(&carol, id, "", "2026-03-20T09:00", "Reopen")
        .await
        .assert_status(422)
        .assert_contains("The window has closed; it can no longer change.");
    visitor
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("Closed")
        .assert_contains("None: the window has closed.");
}

#[tokio::test]
async fn feedback_is_refused_one_second_outside_the_window_and_keeps_the_text() {
    let world = World::new().await;
    let app = &world.app;
    let carol = app.signed_in("carol").await;
    let id = draft(&carol, "core", "Automated contributions", "Text").await;
    let opens = START + Duration::days(1);
    let closes = START + Duration::days(8);
    set_window(&carol, id, &local(opens), &local(closes), "")
        .await
        .assert_status(303);

    // One second before opening: refused, even for the team (others do not see the draft).
    app.clock.set(opens - SECOND);
    let page = give_feedback(&carol, id, "Too early, kept text", "public").await;
    page.assert_status(409)
        .assert_contains("The feedback window opens at 2026-03-03 09:00 UTC")
        .assert_contains(">Too early, kept text</textarea>");
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "Early", "public")
        .await
        .assert_status(404);

    app.clock.set(opens);
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "At the opening second", "public")
        .await
        .assert_status(303);
    app.clock.set(closes - SECOND);
    let erin = app.signed_in("erin").await;
    // Whatever else the form sends is ignored: the revision is the current one.
    let key = form_key();
    erin.post(
        &format!("/rfcs/{id}/feedback"),
        &[
            ("body", "At the last second"),
            ("visibility", "private"),
            ("form_key", &key),
            ("revision_id", "999"),
            ("created_at", "2020-01-01T00:00"),
        ],
    )
    .await
    .assert_status(303);

    app.clock.set(closes);
    let frank = app.signed_in("frank").await;
    let page = give_feedback(&frank, id, "Just too late, **kept**", "private").await;
    page.assert_status(409)
        .assert_contains(
            "The feedback window closed at 2026-03-10 09:00 UTC; feedback is no longer taken.",
        )
        .assert_contains("Your text is kept below")
        .assert_contains(">Just too late, **kept**</textarea>")
        .assert_contains("id=\"visibility-private\" name=\"visibility\" value=\"private\" checked");
    // The kept text is there to copy; nothing offers to send it again.
    assert_eq!(
        texts(&page.body, "#give-feedback textarea"),
        ["Just too late, **kept**"]
    );
    assert!(texts(&page.body, "#give-feedback button").is_empty());
    app.clock.set(closes + SECOND);
    give_feedback(&frank, id, "Later still", "public")
        .await
        .assert_status(409);
    // A visitor is asked to sign in; a form posted without a session is refused.
    let visitor = app.visitor();
    visitor
        .post(
            &format!("/rfcs/{id}/feedback"),
            &[("body", "x"), ("visibility", "public")],
        )
        .await
        .assert_status(401);

    let rows: Vec<(String, String, i32)> = sqlx::query_as(
        "select f.body, f.visibility, v.number from rfc_feedback f join rfc_revisions v on v.id = f.revision_id order by f.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("feedback");
    assert_eq!(
        rows,
        vec![
            ("At the opening second".to_string(), "public".to_string(), 1),
            ("At the last second".to_string(), "private".to_string(), 1),
        ]
    );
}

#[tokio::test]
async fn feedback_is_validated_and_a_repeated_submission_is_taken_once() {
    let (world, _carol, id) = open_rfc().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "  ", "public")
        .await
        .assert_status(422)
        .assert_contains("Your feedback is required.");
    give_feedback(&dave, id, "Kept", "secret")
        .await
        .assert_status(422)
        .assert_contains("Choose whether your feedback is public or private to the team.")
        .assert_contains(">Kept</textarea>");
    let long = "x".repeat(10_001);
    give_feedback(&dave, id, &long, "public")
        .await
        .assert_status(422)
        .assert_contains("at most 10000");
    let key = form_key();
    let fields = [
        ("body", "Once"),
        ("visibility", "public"),
        ("form_key", key.as_str()),
    ];
    let first = dave.post(&format!("/rfcs/{id}/feedback"), &fields).await;
    let second = dave.post(&format!("/rfcs/{id}/feedback"), &fields).await;
    first.assert_status(303);
    second.assert_status(303);
    assert_eq!(first.location(), second.location());
    let count: i64 = sqlx::query_scalar("select count(*) from rfc_feedback")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_piece_of_feedback_is_added_once_and_refused_outside_the_window() {
    use concord::rfcs::db::{NewFeedback, Taken, add_feedback};
    use concord::rfcs::model::Visibility;
    use concord::teams::db::WriteError;

    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    app.signed_in("dave").await;
    let dave: i64 = sqlx::query_scalar("select id from users where login = 'dave'")
        .fetch_one(&app.pool)
        .await
        .expect("dave");
    let now = app.clock.now();
    let piece = |body: &str, key: &str, at| NewFeedback {
        rfc_id: id,
        author_id: dave,
        visibility: Visibility::Public,
        body: body.into(),
        form_key: key.into(),
        at,
    };
    let twice = form_key();
    let mut answers = Vec::new();
    for p in [
        piece("First", &form_key(), now),
        piece("Twice", &twice, now),
        piece("Twice again", &twice, now),
        piece("Too late", &form_key(), now + Duration::days(8)),
    ] {
        let mut tx = app.pool.begin().await.expect("begin");
        let taken = add_feedback(&mut tx, &p).await;
        tx.commit().await.expect("commit");
        answers.push(taken);
    }
    let ids: Vec<i64> = sqlx::query_scalar("select id from rfc_feedback order by id")
        .fetch_all(&app.pool)
        .await
        .expect("ids");
    assert_eq!(ids.len(), 2);
    assert!(
        matches!(answers[0], Ok(Taken::Added(i)) if i == ids[0]),
        "{answers:?}"
    );
    assert!(
        matches!(answers[1], Ok(Taken::Added(i)) if i == ids[1]),
        "{answers:?}"
    );
    assert!(matches!(answers[2], Ok(Taken::SentBefore)), "{answers:?}");
    assert!(
        matches!(&answers[3], Err(WriteError::Refused(why)) if why.contains("closed")),
        "{answers:?}"
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_entries where action = 'rfc_feedback.submitted'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2, "one audit entry per piece added");

    // A piece's RFC is checked through its revision (the foreign key on (revision_id,
    // rfc_id)): a row naming an RFC that does not exist, or another RFC than its
    // revision's, is refused.
    let other = draft(&carol, "core", "Another", "Something else.\n").await;
    for rfc in [id + 1000, other] {
        let err = sqlx::query(
            "insert into rfc_feedback (rfc_id, revision_id, author_id, visibility, body, created_at, form_key)
             select $1, v.id, $2, 'public', 'Elsewhere', now(), $3 from rfc_revisions v where v.rfc_id = $4",
        )
        .bind(rfc)
        .bind(dave)
        .bind(form_key())
        .bind(id)
        .execute(&app.pool)
        .await
        .expect_err("refused");
        let code = err.as_database_error().and_then(|e| e.code());
        assert_eq!(code.as_deref(), Some("23503"), "{err}");
    }
}

/// Every session as stored, to see that none is written.
async fn stored_sessions(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    sqlx::query_as("select id, data from tower_sessions.session order by id")
        .fetch_all(&app.pool)
        .await
        .expect("sessions")
}

#[tokio::test]
async fn the_thank_you_travels_in_its_own_cookie_and_is_shown_once() {
    let (world, _carol, id) = open_rfc().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    dave.get(&format!("/rfcs/{id}")).await.assert_status(200);
    let sessions = stored_sessions(app).await;

    let given = give_feedback(&dave, id, "Thanks for writing this up.", "public").await;
    given.assert_status(303);
    let set = given.set_cookies();
    let flash = set
        .iter()
        .find(|c| c.starts_with("concord_flash="))
        .unwrap_or_else(|| panic!("no flash cookie in {set:?}"));
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(flash.contains(attribute), "{flash}");
    }
    assert_eq!(
        stored_sessions(app).await,
        sessions,
        "giving feedback wrote the session"
    );

    let message = "Thank you: your feedback is published.";
    let shown = dave.get(&format!("/rfcs/{id}")).await;
    shown.assert_status(200);
    assert_eq!(shown.body.matches(message).count(), 1, "{}", shown.body);
    assert!(
        shown
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("concord_flash=") && c.contains("Max-Age=0")),
        "the page that shows the message removes it: {:?}",
        shown.set_cookies()
    );
    assert_eq!(
        stored_sessions(app).await,
        sessions,
        "showing the message wrote the session"
    );
    dave.get(&format!("/rfcs/{id}"))
        .await
        .assert_status(200)
        .assert_lacks(message);

    // A message somebody typed into the cookie themselves is text like any other, and a
    // cookie that is not a message is ignored.
    let forged = r#"concord_flash=%7B%22kind%22%3A%22Success%22%2C%22message%22%3A%22%3Cb%3Ehi%3C%2Fb%3E%22%7D"#;
    let garbled = "concord_flash=%7Bnot-json";
    for (cookie, expected) in [(forged, Some("&#60;b&#62;hi&#60;/b&#62;")), (garbled, None)] {
        let page = app
            .visitor()
            .http
            .get(app.visitor().url("/rfcs"))
            .header("cookie", cookie)
            .send()
            .await
            .expect("page");
        assert_eq!(page.status().as_u16(), 200);
        let body = page.text().await.expect("body");
        assert!(!body.contains("<b>hi</b>"), "{body}");
        match expected {
            Some(text) => assert!(body.contains(text), "{body}"),
            None => assert!(!body.contains("class=\"flash"), "{body}"),
        }
    }
}

const SECRET: &str = "SECRET-PRIVATE-TEXT";
const SECRET_REASON: &str = "PRIVATE-REASON-TEXT";

#[tokio::test]
async fn private_feedback_never_leaks_before_or_after_the_disposition() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    let erin = app.signed_in("erin").await;
    give_feedback(&dave, id, SECRET, "private")
        .await
        .assert_status(303);
    give_feedback(&erin, id, "Public praise", "public")
        .await
        .assert_status(303);

    // The author and the team see it, marked private.
    dave.get(&format!("/rfcs/{id}"))
        .await
        .assert_contains(SECRET)
        .assert_contains("Private to the team");
    carol
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_contains(SECRET)
        .assert_contains("Public praise");
    let given: Vec<(Option<String>, String)> = audit_entries(app)
        .await
        .into_iter()
        .filter(|e| e.action == "rfc_feedback.submitted")
        .map(|e| (e.actor, e.visibility))
        .collect();
    assert_eq!(
        given,
        [
            (Some("dave".to_string()), "team".to_string()),
            (Some("erin".to_string()), "public".to_string())
        ]
    );

    let check = |stage: &'static str| async move {
        let visitor = app.visitor();
        let ivan = app.signed_in("ivan").await;
        let frank = app.signed_in("frank").await;
        for (who, client) in [("visitor", &visitor), ("ivan", &ivan), ("frank", &frank)] {
            for path in [
                format!("/rfcs/{id}"),
                format!("/rfcs/{id}/revisions"),
                format!("/rfcs/{id}/diff"),
                "/rfcs".to_string(),
                "/rfcs/feed.xml".to_string(),
                "/".to_string(),
                "/audit".to_string(),
                "/api/v1/teams".to_string(),
                "/api/v1/teams/core".to_string(),
            ] {
                let page = client.get(&path).await;
                assert!(
                    !page.body.contains(SECRET) && !page.body.contains(SECRET_REASON),
                    "{stage}: {who} saw private feedback at {path}"
                );
            }
            let page = client.get(&format!("/rfcs/{id}")).await;
            page.assert_contains("Public praise");
            assert!(
                !page.body.contains("dave"),
                "{stage}: {who} saw the author of private feedback"
            );
            // Someone else's private feedback cannot be reached to edit or withdraw.
            let feedback_id: i64 =
                sqlx::query_scalar("select id from rfc_feedback where visibility = 'private'")
                    .fetch_one(&app.pool)
                    .await
                    .expect("private feedback");
            if who != "visitor" {
                let page = client
                    .get(&format!("/rfcs/{id}/feedback/{feedback_id}/edit"))
                    .await;
                assert_eq!(page.status.as_u16(), 404, "{stage}: {who}");
                assert!(!page.body.contains(SECRET));
            }
            // The disposition form is the team's.
            let path = format!("/rfcs/{id}/disposition");
            let page = client.get(&path).await;
            if who == "visitor" {
                page.assert_redirect(&format!("/login?next={}", path.replace('/', "%2F")));
            } else {
                page.assert_status(403);
            }
            assert!(!page.body.contains(SECRET));
        }
    };
    check("open").await;

    app.clock.set(START + Duration::days(7));
    let carol = app.signed_in("carol").await;
    let ids: Vec<(i64, String)> =
        sqlx::query_as("select id, visibility from rfc_feedback order by id")
            .fetch_all(&app.pool)
            .await
            .expect("feedback ids");
    for (feedback_id, visibility) in &ids {
        let reason = if visibility == "private" {
            SECRET_REASON
        } else {
            "Thanks, noted in section 2."
        };
        carol
            .post(
                &format!("/rfcs/{id}/feedback/{feedback_id}/disposition"),
                &[("verdict", "accepted"), ("reason", reason)],
            )
            .await
            .assert_status(303);
    }
    check("disposed, unpublished").await;
    app.visitor()
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_lacks("Disposition: Accepted")
        .assert_contains("The team has not published its disposition yet.");
    carol
        .post(&format!("/rfcs/{id}/disposition/publish"), &[])
        .await
        .assert_status(303);
    check("published").await;
    app.visitor()
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("Disposition: Accepted.</strong> Thanks, noted in section 2.")
        .assert_contains("Private feedback: 1 piece, of which 1 accepted, 0 declined and 0 noted.");
    // The team-only audit entries stay the team's.
    let entries = audit_entries(app).await;
    let recorded: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "rfc_disposition.recorded")
        .map(|e| e.visibility.as_str())
        .collect();
    assert_eq!(recorded, vec!["team"; ids.len()]);
    carol.get("/audit").await.assert_contains(SECRET_REASON);
}

/// Feedback given while the team revises the RFC names the revision current when it
/// lands: in the audit log's order, the newest revision made before it, never one that a
/// revision committed while the piece waited for the RFC's lock had replaced.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn feedback_given_during_revisions_names_the_revision_current_when_it_lands() {
    const READERS: usize = 10;
    const PIECES: usize = 8;
    const REVISIONS: i32 = 8;
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..READERS {
        let reader = app.signed_in(&format!("reader-{i}")).await;
        reader.csrf_token().await;
        tasks.spawn(async move {
            for j in 0..PIECES {
                give_feedback(&reader, id, &format!("Piece {j} by reader {i}"), "public")
                    .await
                    .assert_status(303);
            }
        });
    }
    carol.csrf_token().await;
    tasks.spawn(async move {
        for n in 2..=REVISIONS {
            let body = format!("Bots may open pull requests.\n\nRevision {n}.\n");
            carol
                .post(
                    &format!("/rfcs/{id}/edit"),
                    &[
                        ("title", "Automated contributions"),
                        ("summary", "How we treat bots."),
                        ("body", &body),
                        ("pull_request_url", ""),
                        ("change_note", "Another pass"),
                    ],
                )
                .await
                .assert_status(303);
        }
    });
    while let Some(done) = tasks.join_next().await {
        done.expect("a writer");
    }

    let pieces: Vec<(i64, i32, i64)> = sqlx::query_as(
        "select f.id, v.number,
                1 + (select count(*) from audit_entries r
                     where r.action = 'rfc.revised' and r.subject_id = f.rfc_id and r.id < a.id)
         from rfc_feedback f
         join rfc_revisions v on v.id = f.revision_id
         join audit_entries a on a.action = 'rfc_feedback.submitted' and a.subject_id = f.id
         where f.rfc_id = $1 order by f.id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("feedback");
    assert_eq!(pieces.len(), READERS * PIECES);
    let stale: Vec<_> = pieces
        .iter()
        .filter(|(_, on, current)| i64::from(*on) != *current)
        .collect();
    assert!(
        stale.is_empty(),
        "feedback on a replaced revision (id, on, current): {stale:?}"
    );
    let latest: i32 = sqlx::query_scalar("select max(number) from rfc_revisions where rfc_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("revisions");
    assert_eq!(latest, REVISIONS);
}

#[tokio::test]
async fn authors_edit_and_withdraw_their_feedback_inside_the_window() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    let page = give_feedback(&dave, id, "First thought", "public").await;
    let feedback_id: i64 = sqlx::query_scalar("select id from rfc_feedback")
        .fetch_one(&app.pool)
        .await
        .expect("feedback");
    assert_eq!(
        page.location(),
        Some(format!("/rfcs/{id}#feedback-{feedback_id}").as_str())
    );
    let given = last_audit(app).await;
    assert_eq!(given.action, "rfc_feedback.submitted");
    assert_eq!(given.subject, format!("feedback {feedback_id} on RFC {id}"));
    assert_eq!(
        (
            given.actor.as_deref(),
            given.team.as_deref(),
            given.visibility.as_str()
        ),
        (Some("dave"), Some("core"), "public")
    );
    assert_eq!(
        given.details,
        serde_json::json!({ "revision": 1, "visibility": "public" })
    );
    // The RFC is revised; the feedback still shows the revision it was written on.
    app.clock.advance(Duration::hours(1));
    carol
        .post(
            &format!("/rfcs/{id}/edit"),
            &[
                ("title", "Automated contributions"),
                (
                    "summary",
                    "How we treat contributions made by bots and tools.",
                ),
                (
                    "body",
                    "Bots may open pull requests.\n\nTwo humans review each one.\n",
                ),
                ("pull_request_url", ""),
                ("change_note", "Two reviewers"),
            ],
        )
        .await
        .assert_status(303);
    app.visitor()
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("on revision 1 (the text has changed since)");
    let erin = app.signed_in("erin").await;
    erin.get(&format!("/rfcs/{id}/feedback/{feedback_id}/edit"))
        .await
        .assert_status(403);
    erin.post(
        &format!("/rfcs/{id}/feedback/{feedback_id}/edit"),
        &[("body", "Hijacked")],
    )
    .await
    .assert_status(403);
    erin.post(&format!("/rfcs/{id}/feedback/{feedback_id}/withdraw"), &[])
        .await
        .assert_status(403);

    dave.get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("Edit your feedback");
    dave.post(
        &format!("/rfcs/{id}/feedback/{feedback_id}/edit"),
        &[("body", "")],
    )
    .await
    .assert_status(422)
    .assert_contains("Your feedback is required.");
    dave.post_follow(
        &format!("/rfcs/{id}/feedback/{feedback_id}/edit"),
        &[("body", "Second thought")],
    )
    .await
    .assert_contains("the earlier text is kept");
    let page = app.visitor().get(&format!("/rfcs/{id}")).await;
    page.assert_contains("Second thought")
        .assert_contains("on revision 2, ")
        .assert_contains("edited 2026-03-02 10:00 UTC")
        .assert_contains("Earlier texts (1)")
        .assert_contains("On revision 1, replaced 2026-03-02 10:00 UTC:")
        .assert_contains("First thought");
    let edited = last_audit(app).await;
    assert_eq!(edited.action, "rfc_feedback.edited");
    // Given and edited, the piece is the same subject in the log.
    assert_eq!(edited.subject, given.subject);

    dave.post_follow(&format!("/rfcs/{id}/feedback/{feedback_id}/withdraw"), &[])
        .await
        .assert_contains("Your feedback was withdrawn.");
    let page = app.visitor().get(&format!("/rfcs/{id}")).await;
    page.assert_contains("Withdrawn by its author")
        .assert_lacks("Second thought")
        .assert_lacks("First thought");
    dave.post(
        &format!("/rfcs/{id}/feedback/{feedback_id}/edit"),
        &[("body", "Back again")],
    )
    .await
    .assert_status(422)
    .assert_contains("withdrawn");

    // After the window closes, nothing changes.
    let page = give_feedback(&dave, id, "Another", "public").await;
    page.assert_status(303);
    let other: i64 = sqlx::query_scalar("select max(id) from rfc_feedback")
        .fetch_one(&app.pool)
        .await
        .expect("feedback");
    app.clock.set(START + Duration::days(7));
    let dave = app.signed_in("dave").await;
    dave.post(
        &format!("/rfcs/{id}/feedback/{other}/edit"),
        &[("body", "Too late")],
    )
    .await
    .assert_status(409)
    .assert_contains("The feedback window closed")
    .assert_contains(">Too late</textarea>");
    dave.post(&format!("/rfcs/{id}/feedback/{other}/withdraw"), &[])
        .await
        .assert_status(409);
    dave.get(&format!("/rfcs/{id}/feedback/{other}/edit"))
        .await
        .assert_status(409);
}

#[tokio::test]
async fn the_team_records_and_publishes_the_disposition_after_the_window_closes() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "Please add an opt-out", "public")
        .await
        .assert_status(303);
    let erin = app.signed_in("erin").await;
    give_feedback(&erin, id, "Privately: worried", "private")
        .await
        .assert_status(303);
    let ids: Vec<i64> = sqlx::query_scalar("select id from rfc_feedback order by id")
        .fetch_all(&app.pool)
        .await
        .expect("ids");
    let (public_id, private_id) = (ids[0], ids[1]);

    // Not while the window is open.
    carol
        .get(&format!("/rfcs/{id}/disposition"))
        .await
        .assert_status(409);
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
            &[("verdict", "accepted"), ("reason", "Early")],
        )
        .await
        .assert_status(409);

    app.clock.set(START + Duration::days(7));
    let carol = app.signed_in("carol").await;
    let dave = app.signed_in("dave").await;
    let ivan = app.signed_in("ivan").await;
    for (client, status) in [(&dave, 403), (&ivan, 403)] {
        client
            .get(&format!("/rfcs/{id}/disposition"))
            .await
            .assert_status(status);
        client
            .post(
                &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
                &[("verdict", "accepted"), ("reason", "Mine")],
            )
            .await
            .assert_status(status);
        client
            .post(&format!("/rfcs/{id}/disposition/publish"), &[])
            .await
            .assert_status(status);
    }
    carol
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("Dispose of the feedback");
    let page = carol.get(&format!("/rfcs/{id}/disposition")).await;
    page.assert_status(200)
        .assert_contains("Please add an opt-out")
        .assert_contains("Privately: worried")
        .assert_contains("2 pieces of feedback still need a disposition");
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
            &[("verdict", "maybe"), ("reason", "")],
        )
        .await
        .assert_status(422)
        .assert_contains("Choose accepted, declined or noted.")
        .assert_contains("The reason is required.");
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
            &[("verdict", "declined"), ("reason", "First thought")],
        )
        .await
        .assert_status(303);
    // Changed until published.
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
            &[
                ("verdict", "accepted"),
                ("reason", "Added an opt-out in revision 2."),
            ],
        )
        .await
        .assert_status(303);
    carol
        .post(&format!("/rfcs/{id}/disposition/publish"), &[])
        .await
        .assert_status(409)
        .assert_contains("1 piece of feedback still needs a disposition.");
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{private_id}/disposition"),
            &[("verdict", "noted"), ("reason", "We will watch for it.")],
        )
        .await
        .assert_status(303);
    carol
        .post_follow(&format!("/rfcs/{id}/disposition/publish"), &[])
        .await
        .assert_contains("The disposition is published.");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "rfc.disposition_published");
    assert_eq!(entry.visibility, "public");

    // Published: it no longer changes.
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{public_id}/disposition"),
            &[("verdict", "declined"), ("reason", "Changed my mind")],
        )
        .await
        .assert_status(409);
    carol
        .post(&format!("/rfcs/{id}/disposition/publish"), &[])
        .await
        .assert_status(409);
    let page = app.visitor().get(&format!("/rfcs/{id}")).await;
    page.assert_contains(
        "The team published its disposition of the feedback on 2026-03-09 09:00 UTC.",
    )
    .assert_contains("Disposition: Accepted.</strong> Added an opt-out in revision 2.")
    .assert_contains("Private feedback: 1 piece, of which 0 accepted, 0 declined and 1 noted.")
    .assert_lacks("We will watch for it.")
    .assert_lacks("Privately: worried");
    erin.get(&format!("/rfcs/{id}"))
        .await
        .assert_contains("Privately: worried")
        .assert_contains("We will watch for it.");
}

#[tokio::test]
async fn the_atom_feed_lists_rfcs_open_for_feedback_with_absolute_links() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let draft_id = draft(&carol, "core", "Still a draft", "Text").await;
    let scheduled = draft(&carol, "core", "Opens later", "Text").await;
    set_window(
        &carol,
        scheduled,
        "2026-04-01T09:00",
        "2026-04-08T09:00",
        "",
    )
    .await
    .assert_status(303);
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, SECRET, "private")
        .await
        .assert_status(303);

    let page = app.visitor().get("/rfcs/feed.xml").await;
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(!page.body.contains(SECRET));
    let feed = feed_rs::parser::parse(page.body.as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(
        feed.title.map(|t| t.content).as_deref(),
        Some("Concord: RFCs open for feedback")
    );
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().map(|t| t.content.as_str()),
        Some("Automated contributions")
    );
    let link = &entry.links[0].href;
    assert_eq!(link, &format!("{}/rfcs/{id}", app.address));
    assert!(entry.summary.as_ref().is_some_and(|s| {
        s.content
            .contains("Open for feedback until 2026-03-09 09:00 UTC.")
    }));
    assert!(
        feed.links
            .iter()
            .all(|l| l.href.starts_with("http://127.0.0.1"))
    );
    assert!(!page.body.contains(&format!("/rfcs/{draft_id}")));
    assert!(!page.body.contains("Opens later"));

    // Closed windows leave the feed; the feed of nothing is still valid.
    app.clock.set(START + Duration::days(7));
    let page = app.visitor().get("/rfcs/feed.xml").await;
    let feed = feed_rs::parser::parse(page.body.as_bytes()).expect("a valid empty feed");
    assert!(feed.entries.is_empty());
    // The list page points at the feed.
    app.visitor()
        .get("/rfcs")
        .await
        .assert_contains("type=\"application/atom+xml\"");
}

#[tokio::test]
async fn the_home_page_and_the_list_show_open_windows() {
    let (world, _carol, id) = open_rfc().await;
    let app = &world.app;
    let visitor = app.visitor();
    visitor
        .get("/")
        .await
        .assert_contains("<a href=\"/rfcs\">RFCs</a>")
        .assert_contains("Open for feedback")
        .assert_contains(&format!(
            "<a href=\"/rfcs/{id}\">Automated contributions</a>"
        ))
        .assert_contains("feedback closes 2026-03-09 09:00 UTC (7 days left)");
    visitor
        .get("/rfcs")
        .await
        .assert_contains("Automated contributions")
        .assert_lacks("Draft an RFC");
    app.clock.set(START + Duration::days(8));
    let visitor = app.visitor();
    visitor
        .get("/")
        .await
        .assert_contains("No policy is open for feedback right now.");
    visitor
        .get("/rfcs")
        .await
        .assert_contains("Closed and settled")
        .assert_contains("feedback closed 2026-03-09 09:00 UTC");
}

#[tokio::test]
async fn the_demo_data_has_an_open_and_a_disposed_rfc() {
    let app = TestApp::spawn().await;
    concord::demo::seed_if_empty(&app.pool, app.clock.now())
        .await
        .expect("demo data");
    let visitor = app.visitor();
    let list = visitor.get("/rfcs").await;
    list.assert_status(200)
        .assert_contains("Policy on automated contributions")
        .assert_contains("Response times for security reports")
        .assert_contains("Open for feedback");
    let rows: Vec<(i64, Option<time::OffsetDateTime>)> =
        sqlx::query_as("select id, disposition_published_at from rfcs order by id")
            .fetch_all(&app.pool)
            .await
            .expect("rfcs");
    assert_eq!(rows.len(), 2);
    let (open, closed) = (rows[0].0, rows[1].0);
    assert!(rows[0].1.is_none() && rows[1].1.is_some());
    visitor
        .get(&format!("/rfcs/{open}"))
        .await
        .assert_contains("Revision 2 of 2")
        .assert_contains("Open for feedback")
        .assert_contains("on revision 1");
    visitor
        .get(&format!("/rfcs/{closed}"))
        .await
        .assert_contains("The team published its disposition")
        .assert_contains("Private feedback: 1 piece");
    let private: i64 = sqlx::query_scalar(
        "select count(*) from rfc_feedback where rfc_id = $1 and visibility = 'private'",
    )
    .bind(open)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert!(private >= 1);
}

/// Opens a decision from the RFC's page; returns its id.
pub async fn open_settlement(member: &Client, id: i64, resolution: &str) -> Page {
    member
        .post(
            &format!("/rfcs/{id}/decision"),
            &[
                ("resolution", resolution),
                ("body", "The feedback is in; time to decide."),
                ("closes_at", "2026-04-30T09:00"),
            ],
        )
        .await
}

pub fn decision_id(page: &Page) -> i64 {
    page.location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|n| n.parse().ok())
        .expect("a redirect to the decision")
}

#[tokio::test]
async fn a_passed_decision_accepts_the_rfc_exactly_once() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    // Accepting waits for the window to close; the form says so and offers only withdrawal.
    carol
        .get(&format!("/rfcs/{id}/decision"))
        .await
        .assert_status(200)
        .assert_contains("Withdraw RFC")
        .assert_lacks("Accept RFC");
    open_settlement(&carol, id, "accepted")
        .await
        .assert_status(422)
        .assert_contains("only after its feedback window has closed");
    let ivan = app.signed_in("ivan").await;
    open_settlement(&ivan, id, "withdrawn")
        .await
        .assert_status(403);
    ivan.get(&format!("/rfcs/{id}/decision"))
        .await
        .assert_status(403);

    app.clock.set(START + Duration::days(8));
    let carol = app.signed_in("carol").await;
    open_settlement(&carol, id, "maybe")
        .await
        .assert_status(422)
        .assert_contains("Choose what the decision asks.");
    carol
        .post(
            &format!("/rfcs/{id}/decision"),
            &[
                ("resolution", "accepted"),
                ("body", ""),
                ("closes_at", "soon"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("Body is required.")
        .assert_contains("Enter the closing time");
    let page = open_settlement(&carol, id, "accepted").await;
    let accept = decision_id(&page);
    // A second, competing decision: the first to be recorded wins.
    let reject = decision_id(&open_settlement(&carol, id, "rejected").await);
    let decision = carol.get(&format!("/decisions/{accept}")).await;
    decision
        .assert_status(200)
        .assert_contains(&format!("Accept RFC {id}, “Automated contributions”?"));
    for d in [accept, reject] {
        carol
            .post(
                &format!("/decisions/{d}/positions"),
                &[("stance", "agree"), ("comment", "")],
            )
            .await
            .assert_status(303);
    }
    carol
        .post(
            &format!("/decisions/{accept}/outcome"),
            &[("statement", "Core accepts the policy.")],
        )
        .await
        .assert_status(303);
    let page = app.visitor().get(&format!("/rfcs/{id}")).await;
    page.assert_contains("<span class=\"badge\">Accepted</span>")
        .assert_contains(&format!(
            "Accepted by <a href=\"/decisions/{accept}\">decision #{accept}</a>."
        ))
        .assert_contains("This RFC was accepted; it no longer takes feedback.");
    let entry = last_audit(app).await;
    assert_eq!(entry.action, "decision.outcome_recorded");
    assert!(
        audit_entries(app)
            .await
            .iter()
            .any(|e| e.action == "rfc.accepted" && e.visibility == "public")
    );
    // The competing decision passed too, but its effect cannot apply: nothing changes.
    carol
        .post(
            &format!("/decisions/{reject}/outcome"),
            &[("statement", "Core rejects it.")],
        )
        .await
        .assert_status(409)
        .assert_contains("The RFC was already accepted.");
    let resolutions: Vec<(String, i64)> =
        sqlx::query_as("select resolution, decision_id from rfc_resolutions")
            .fetch_all(&app.pool)
            .await
            .expect("resolutions");
    assert_eq!(resolutions, vec![("accepted".to_string(), accept)]);
    // Settled: no more settling, and the list shows it.
    carol
        .get(&format!("/rfcs/{id}"))
        .await
        .assert_lacks("Settle by decision");
    app.visitor()
        .get("/rfcs")
        .await
        .assert_contains("<span class=\"badge\">Accepted</span>");
}

#[tokio::test]
async fn a_withdrawn_rfc_takes_no_more_feedback() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let page = open_settlement(&carol, id, "withdrawn").await;
    let decision = decision_id(&page);
    carol
        .post(
            &format!("/decisions/{decision}/positions"),
            &[("stance", "agree"), ("comment", "")],
        )
        .await
        .assert_status(303);
    carol
        .post(
            &format!("/decisions/{decision}/outcome"),
            &[("statement", "Withdrawn for a rewrite.")],
        )
        .await
        .assert_status(303);
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "Kept after withdrawal", "public")
        .await
        .assert_status(409)
        .assert_contains("This RFC was withdrawn; it no longer takes feedback.")
        .assert_contains(">Kept after withdrawal</textarea>");
    app.visitor()
        .get("/rfcs/feed.xml")
        .await
        .assert_lacks("Automated contributions");
    app.visitor()
        .get("/")
        .await
        .assert_contains("No policy is open for feedback right now.");
}

#[tokio::test]
async fn the_inbox_lists_windows_closing_soon_with_feedback_to_dispose_of() {
    let (world, carol, id) = open_rfc().await;
    let app = &world.app;
    let heading = "Feedback windows closing soon with feedback to dispose of";
    // Closing in seven days, and no feedback: nothing yet.
    carol
        .get("/inbox")
        .await
        .assert_contains(heading)
        .assert_lacks("Automated contributions");
    let dave = app.signed_in("dave").await;
    give_feedback(&dave, id, "Private note", "private")
        .await
        .assert_status(303);
    app.clock.set(START + Duration::days(5) + SECOND);
    let carol = app.signed_in("carol").await;
    let page = carol.get("/inbox").await;
    page.assert_contains(&format!("href=\"/rfcs/{id}\""))
        .assert_contains("Automated contributions")
        .assert_contains("closes 2026-03-09 09:00 UTC");
    // Only the team's members; never to the author or anyone else.
    for login in ["dave", "ivan"] {
        app.signed_in(login)
            .await
            .get("/inbox")
            .await
            .assert_lacks("Automated contributions");
    }
    // Closed and undisposed: it stays, pointing at the disposition.
    app.clock.set(START + Duration::days(8));
    let carol = app.signed_in("carol").await;
    carol
        .get("/inbox")
        .await
        .assert_contains(&format!("href=\"/rfcs/{id}/disposition\""));
    let feedback_id: i64 = sqlx::query_scalar("select id from rfc_feedback")
        .fetch_one(&app.pool)
        .await
        .expect("feedback");
    carol
        .post(
            &format!("/rfcs/{id}/feedback/{feedback_id}/disposition"),
            &[("verdict", "noted"), ("reason", "Thanks.")],
        )
        .await
        .assert_status(303);
    carol
        .get("/inbox")
        .await
        .assert_lacks("Automated contributions");
}
