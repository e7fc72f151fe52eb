//! Team update posts through HTTP: the four-eyes review rules (a crafted self-approval
//! included), likes under concurrency, comment permissions, edit history, incident reports,
//! feeds read by a real feed parser, what each role sees, and an XSS corpus through every
//! Markdown and text field.

use time::Duration;
use tokio::task::JoinSet;

use crate::support::{Browser, Client, Page, TestApp};
use crate::teams::{World, audit_entries, last_audit};

/// `core` has members carol and dave; `infra` has ivan; olga is signed in and in no team.
struct Posts {
    world: World,
    carol: Client,
    dave: Client,
    ivan: Client,
    olga: Client,
}

impl Posts {
    async fn new() -> Self {
        let world = World::new().await;
        world.add_member("core", "dave", "member").await;
        let carol = world.app.signed_in("carol").await;
        let dave = world.app.signed_in("dave").await;
        let ivan = world.app.signed_in("ivan").await;
        let olga = world.app.signed_in("olga").await;
        Posts {
            world,
            carol,
            dave,
            ivan,
            olga,
        }
    }

    fn app(&self) -> &TestApp {
        &self.world.app
    }
}

/// Saves a draft through the form; returns its permalink.
async fn draft(author: &Client, team: &str, title: &str, body: &str) -> String {
    draft_with(author, team, title, body, &[]).await
}

async fn draft_with(
    author: &Client,
    team: &str,
    title: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> String {
    let nonce = format!("{:032x}", rand_u128());
    let mut fields = vec![
        ("team", team),
        ("title", title),
        ("body", body),
        ("idempotency_key", nonce.as_str()),
        ("action", "save"),
    ];
    fields.extend_from_slice(extra);
    let page = author.post("/posts", &fields).await;
    assert!(
        page.status.is_redirection(),
        "saving the draft failed: {} {}",
        page.status,
        page.body
    );
    page.location().expect("location").to_string()
}

fn rand_u128() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, Ordering::Relaxed)) << 64 | 0xabcdef
}

async fn version(app: &TestApp, path: &str) -> String {
    let (team, slug) = split(path);
    let v: i32 = sqlx::query_scalar(
        "select p.version from posts p join teams t on t.id = p.team_id where t.slug = $1 and p.slug = $2",
    )
    .bind(team)
    .bind(slug)
    .fetch_one(&app.pool)
    .await
    .expect("version");
    v.to_string()
}

fn split(path: &str) -> (&str, &str) {
    let rest = path.strip_prefix("/posts/").expect("a post path");
    rest.split_once('/').expect("team/slug")
}

async fn submit(author: &Client, path: &str) {
    author
        .post(&format!("{path}/submit"), &[])
        .await
        .assert_redirect(path);
}

async fn approve(app: &TestApp, reviewer: &Client, path: &str) -> Page {
    let v = version(app, path).await;
    reviewer
        .post(&format!("{path}/approve"), &[("version", v.as_str())])
        .await
}

/// Drafts, submits and has another member approve a post; returns its permalink.
async fn publish(
    app: &TestApp,
    author: &Client,
    reviewer: &Client,
    team: &str,
    title: &str,
    body: &str,
) -> String {
    let path = draft(author, team, title, body).await;
    submit(author, &path).await;
    approve(app, reviewer, &path).await.assert_redirect(&path);
    path
}

async fn state(app: &TestApp, path: &str) -> (bool, bool) {
    let (team, slug) = split(path);
    sqlx::query_as(
        "select p.submitted_at is not null, p.published_at is not null
         from posts p join teams t on t.id = p.team_id where t.slug = $1 and p.slug = $2",
    )
    .bind(team)
    .bind(slug)
    .fetch_one(&app.pool)
    .await
    .expect("post state")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn four_eyes_review_and_a_crafted_self_approval() {
    let p = Posts::new().await;
    let app = p.app();
    let path = draft(
        &p.carol,
        "core",
        "New members for core",
        "We welcome **erin**.",
    )
    .await;
    assert_eq!(path, "/posts/core/new-members-for-core");
    let draft_audit = last_audit(app).await;
    assert_eq!(draft_audit.action, "post.drafted");
    assert_eq!(draft_audit.visibility, "team");

    // A draft exists only for its author and the team.
    p.carol
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("Submit for review");
    p.dave
        .get(&path)
        .await
        .assert_status(200)
        .assert_lacks("Approve and publish");
    for outsider in [&app.visitor(), &p.olga, &p.ivan] {
        outsider.get(&path).await.assert_status(404);
        outsider
            .get("/posts")
            .await
            .assert_lacks("New members for core");
    }
    app.visitor()
        .get("/posts/feed.xml")
        .await
        .assert_lacks("New members for core");

    // Nobody reviews a draft that was not submitted; only the author submits it.
    let v = version(app, &path).await;
    p.dave
        .post(&format!("{path}/approve"), &[("version", v.as_str())])
        .await
        .assert_status(409);
    p.dave
        .post(&format!("{path}/submit"), &[])
        .await
        .assert_status(403);
    submit(&p.carol, &path).await;
    assert_eq!(last_audit(app).await.action, "post.submitted");
    p.carol
        .post(&format!("{path}/submit"), &[])
        .await
        .assert_status(409);

    // The author's page offers no review; a crafted approval is refused all the same.
    p.carol.get(&path).await.assert_lacks("Approve and publish");
    let refused = p
        .carol
        .post(&format!("{path}/approve"), &[("version", v.as_str())])
        .await;
    refused
        .assert_status(403)
        .assert_contains("cannot approve or review their own post");
    p.carol
        .post(
            &format!("{path}/request-changes"),
            &[("version", v.as_str()), ("comment", "Self-review")],
        )
        .await
        .assert_status(403);
    assert_eq!(state(app, &path).await, (true, false));
    // Outsiders cannot even find it.
    for outsider in [&p.olga, &p.ivan] {
        outsider
            .post(&format!("{path}/approve"), &[("version", v.as_str())])
            .await
            .assert_status(404);
    }
    app.visitor()
        .post_raw(
            &format!("{path}/approve"),
            &[("version", v.as_str())],
            Some(&app.address),
        )
        .await
        .assert_status(403);
    assert_eq!(state(app, &path).await, (true, false));

    // The database refuses self-approval too, whatever code might try.
    let self_approval = sqlx::query(
        "update posts set approved_by = author_id, published_at = now() where slug = 'new-members-for-core'",
    )
    .execute(&app.pool)
    .await
    .expect_err("the author approving their own post");
    assert!(
        self_approval.to_string().contains("posts_four_eyes"),
        "{self_approval}"
    );
    let self_review = sqlx::query(
        "insert into post_reviews (post_id, author_id, reviewer_id, verdict, post_version, at)
         select id, author_id, author_id, 'approved', version, now() from posts where slug = 'new-members-for-core'",
    )
    .execute(&app.pool)
    .await
    .expect_err("the author reviewing their own post");
    assert!(
        self_review.to_string().contains("post_reviews_four_eyes"),
        "{self_review}"
    );

    // Another member asks for changes: a comment is required.
    let page = p.dave.get(&path).await;
    page.assert_contains("Approve and publish")
        .assert_contains(&format!("name=\"version\" value=\"{v}\""));
    p.dave
        .post(
            &format!("{path}/request-changes"),
            &[("version", v.as_str()), ("comment", "  ")],
        )
        .await
        .assert_status(422)
        .assert_contains("What should change is required.")
        .assert_contains("aria-invalid=\"true\"");
    p.dave
        .post(
            &format!("{path}/request-changes"),
            &[("version", v.as_str()), ("comment", "Please add *why*.")],
        )
        .await
        .assert_redirect(&path);
    assert_eq!(state(app, &path).await, (false, false));
    assert_eq!(last_audit(app).await.action, "post.changes_requested");
    p.carol
        .get(&path)
        .await
        .assert_contains("asked for changes")
        .assert_contains("Please add <em>why</em>.");

    // The author edits and resubmits; an approval of the old version is refused.
    let old = version(app, &path).await;
    p.carol
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "New members for core"),
                (
                    "body",
                    "We welcome **erin**, because she reviewed 200 patches.",
                ),
                ("action", "save"),
            ],
        )
        .await
        .assert_redirect(&path);
    submit(&p.carol, &path).await;
    p.dave
        .post(&format!("{path}/approve"), &[("version", old.as_str())])
        .await
        .assert_status(409)
        .assert_contains("changed since you opened it");
    // Editing while in review makes it a draft again, so the approval covers the new text.
    p.carol
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "New members for core"),
                ("body", "We welcome **erin**, who reviewed 200 patches."),
                ("action", "save"),
            ],
        )
        .await
        .assert_redirect(&path);
    assert_eq!(state(app, &path).await, (false, false));
    submit(&p.carol, &path).await;
    approve(app, &p.dave, &path).await.assert_redirect(&path);
    assert_eq!(state(app, &path).await, (true, true));
    let published = last_audit(app).await;
    assert_eq!(published.action, "post.published");
    assert_eq!(published.visibility, "public");
    assert_eq!(published.actor.as_deref(), Some("dave"));

    // Published: public, and approving again changes nothing.
    app.visitor()
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("approved by dave")
        .assert_contains("who reviewed 200 patches");
    approve(app, &p.dave, &path).await.assert_status(409);
    assert_eq!(
        count(
            app,
            "select count(*) from post_reviews where verdict = 'approved'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn only_members_draft_and_forms_keep_what_was_typed() {
    let p = Posts::new().await;
    let app = p.app();
    app.visitor()
        .get("/posts/new")
        .await
        .assert_redirect("/login?next=%2Fposts%2Fnew");
    p.olga.get("/posts/new").await.assert_status(403);
    // A crafted draft for a team the person is not in.
    let crafted = p
        .ivan
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", "Hijack"),
                ("body", "x"),
                ("action", "save"),
            ],
        )
        .await;
    crafted.assert_status(403);
    assert_eq!(count(app, "select count(*) from posts").await, 0);

    // Bad input: 422, the typed values back, a message per field.
    let page = p
        .carol
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", ""),
                ("body", "Kept <text>"),
                ("timeline", "2026-03-01 14:05 fine\nyesterday it broke"),
                ("members", "nobody-here"),
                ("action", "save"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Title is required.")
        .assert_contains("Line 2 of the timeline")
        .assert_contains("Kept &#60;text&#62;");
    let page = p
        .carol
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", "Hello"),
                ("body", "Text"),
                ("members", "nobody-here"),
                ("action", "save"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Not a current member of Core: nobody-here");
    let long = "x".repeat(201);
    p.carol
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", &long),
                ("body", "x"),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("Title is too long");

    // Preview renders without saving, and works without JavaScript.
    let preview = p
        .carol
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", "Hello"),
                ("body", "Some **bold** news"),
                ("action", "preview"),
            ],
        )
        .await;
    preview
        .assert_status(200)
        .assert_contains("<h2 id=\"preview-heading\">Preview</h2>")
        .assert_contains("Some <strong>bold</strong> news")
        .assert_contains("Some **bold** news</textarea>");
    assert_eq!(count(app, "select count(*) from posts").await, 0);

    // A repeated submission of one form makes one draft; a second title gets its own slug.
    let fields = [
        ("team", "core"),
        ("title", "Hello"),
        ("body", "Text"),
        ("idempotency_key", "0123456789abcdef0123456789abcdef"),
        ("action", "save"),
    ];
    let first = p.carol.post("/posts", &fields).await;
    let second = p.carol.post("/posts", &fields).await;
    assert_eq!(first.location(), Some("/posts/core/hello"));
    assert_eq!(second.location(), Some("/posts/core/hello"));
    assert_eq!(count(app, "select count(*) from posts").await, 1);
    let other = draft(&p.dave, "core", "Hello", "Another").await;
    assert_eq!(other, "/posts/core/hello-2");
    // Members of the team may link announced members.
    let linked = draft_with(
        &p.carol,
        "core",
        "Welcome",
        "Hi",
        &[("members", "@dave, carol")],
    )
    .await;
    let page = p.carol.get(&linked).await;
    page.assert_status(200);
    // Each announced member is named and links to their page.
    assert_eq!(
        crate::support::html::attrs(
            &page.body,
            "section[aria-labelledby='links-heading'] a.person",
            "href"
        ),
        ["/people/dave", "/people/carol"]
    );
}

#[tokio::test]
async fn edits_after_publication_keep_their_history() {
    let p = Posts::new().await;
    let app = p.app();
    let path = publish(
        app,
        &p.carol,
        &p.dave,
        "core",
        "Release plan",
        "Line one\nLine two\n",
    )
    .await;
    app.visitor().get(&path).await.assert_lacks("Edited");
    p.olga.get(&format!("{path}/edit")).await.assert_status(403);
    p.ivan
        .post(
            &format!("{path}/edit"),
            &[("title", "Hacked"), ("body", "x"), ("action", "save")],
        )
        .await
        .assert_status(403);

    app.clock.advance(Duration::hours(2));
    p.carol
        .post_follow(
            &format!("{path}/edit"),
            &[
                ("title", "Release plan"),
                ("body", "Line one\nLine 2, corrected\n"),
                ("action", "save"),
            ],
        )
        .await
        .assert_contains("The earlier version stays in the post&#39;s history.");
    // Another member fixes a typo too; saving the same text again adds nothing.
    let edit = [
        ("title", "Release plan (updated)"),
        ("body", "Line one\nLine 2, corrected\n"),
        ("action", "save"),
    ];
    p.dave
        .post(&format!("{path}/edit"), &edit)
        .await
        .assert_redirect(&path);
    p.dave
        .post_follow(&format!("{path}/edit"), &edit)
        .await
        .assert_contains("Nothing changed.");
    assert_eq!(count(app, "select count(*) from post_revisions").await, 3);
    let edited = last_audit(app).await;
    assert_eq!(edited.action, "post.edited");
    assert_eq!(edited.visibility, "public");

    let page = app.visitor().get(&path).await;
    page.assert_contains("<strong>Edited</strong> 2026-03-02 11:00 UTC")
        .assert_contains(&format!("<a href=\"{path}/history\">see the changes</a>"))
        .assert_contains("Release plan (updated)");
    let history = app.visitor().get(&format!("{path}/history")).await;
    history
        .assert_status(200)
        .assert_contains("Version 3")
        .assert_contains("Version 1")
        .assert_contains("<del class=\"diff-line diff-removed\"><span class=\"visually-hidden\">Removed: </span>Line two</del>")
        .assert_contains("<ins class=\"diff-line diff-added\"><span class=\"visually-hidden\">Added: </span>Line 2, corrected</ins>")
        .assert_contains("<ins class=\"diff-line diff-added\"><span class=\"visually-hidden\">Added: </span># Release plan (updated)</ins>")
        .assert_contains("by <span class=\"login\">dave</span>");
    // Listed as edited; the permalink did not change with the title.
    app.visitor()
        .get("/posts")
        .await
        .assert_contains("(edited)");
    assert_eq!(path, "/posts/core/release-plan");
    // A draft has no history to show.
    let unpublished = draft(&p.carol, "core", "Draft", "x").await;
    p.carol
        .get(&format!("{unpublished}/history"))
        .await
        .assert_status(409);
}

#[tokio::test]
async fn likes_are_one_per_person_and_exact_under_concurrency() {
    let p = Posts::new().await;
    let app = p.app();
    let path = publish(app, &p.carol, &p.dave, "core", "Likeable", "Text").await;
    // Twenty people like it at the same moment; one of them sends the form three times.
    let mut people = Vec::new();
    for i in 0..20 {
        let person = app.signed_in(&format!("fan-{i}")).await;
        person.csrf_token().await;
        people.push(person);
    }
    let mut likes = JoinSet::new();
    for (i, person) in people.into_iter().enumerate() {
        let path = path.clone();
        likes.spawn(async move {
            let times = if i == 0 { 3 } else { 1 };
            let mut sent = JoinSet::new();
            let person = std::sync::Arc::new(person);
            for _ in 0..times {
                let person = person.clone();
                let path = path.clone();
                sent.spawn(async move {
                    person
                        .post(&format!("{path}/like"), &[("like", "on")])
                        .await
                        .status
                });
            }
            while let Some(status) = sent.join_next().await {
                assert!(status.expect("like").is_redirection());
            }
        });
    }
    while let Some(done) = likes.join_next().await {
        done.expect("a like");
    }
    assert_eq!(count(app, "select count(*) from post_likes").await, 20);
    app.visitor().get(&path).await.assert_contains("20 likes");
    assert_eq!(
        count(
            app,
            "select count(*) from audit_entries where action = 'post.liked'"
        )
        .await,
        20
    );

    // Like, like again (nothing changes), take it back.
    p.olga
        .post(&format!("{path}/like"), &[("like", "on")])
        .await
        .assert_redirect(&format!("{path}#likes"));
    p.olga
        .post(&format!("{path}/like"), &[("like", "on")])
        .await;
    p.olga
        .get(&path)
        .await
        .assert_contains("21 likes")
        .assert_contains("aria-pressed=\"true\">Unlike");
    p.olga
        .post(&format!("{path}/like"), &[("like", "off")])
        .await;
    p.olga
        .get(&path)
        .await
        .assert_contains("20 likes")
        .assert_contains("aria-pressed=\"false\">Like");
    p.olga
        .post(&format!("{path}/like"), &[("like", "toggle")])
        .await
        .assert_status(400);
    // Visitors cannot like; drafts cannot be liked.
    app.visitor()
        .post_raw(
            &format!("{path}/like"),
            &[("like", "on")],
            Some(&app.address),
        )
        .await
        .assert_status(403);
    let unpublished = draft(&p.carol, "core", "Not yet", "x").await;
    p.dave
        .post(&format!("{unpublished}/like"), &[("like", "on")])
        .await
        .assert_status(409);
    p.olga
        .post(&format!("{unpublished}/like"), &[("like", "on")])
        .await
        .assert_status(404);
}

#[tokio::test]
async fn comments_edit_within_a_time_limit_and_deletion_keeps_the_record() {
    let p = Posts::new().await;
    let app = p.app();
    let path = publish(app, &p.carol, &p.dave, "core", "Discuss", "Text").await;
    let visitor = app.visitor();
    visitor
        .get(&path)
        .await
        .assert_contains("to like and comment");
    visitor
        .post_raw(
            &format!("{path}/comments"),
            &[("body", "hi")],
            Some(&app.address),
        )
        .await
        .assert_status(403);

    // Empty comments are refused with the form kept; a repeated form adds one comment.
    p.olga
        .post(&format!("{path}/comments"), &[("body", " ")])
        .await
        .assert_status(422)
        .assert_contains("Comment is required.");
    let form = [
        ("body", "First *thoughts*"),
        ("idempotency_key", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ];
    let created = p.olga.post(&format!("{path}/comments"), &form).await;
    p.olga.post(&format!("{path}/comments"), &form).await;
    assert_eq!(count(app, "select count(*) from post_comments").await, 1);
    let id: i64 = count(app, "select max(id) from post_comments").await;
    assert_eq!(
        created.location(),
        Some(format!("{path}#comment-{id}").as_str())
    );
    let edit = format!("{path}/comments/{id}/edit");
    visitor
        .get(&path)
        .await
        .assert_contains("First <em>thoughts</em>");

    // Only its author edits it, within 15 minutes; the earlier text stays visible.
    p.olga
        .get(&path)
        .await
        .assert_contains(&format!("href=\"{edit}\""));
    p.dave
        .get(&path)
        .await
        .assert_lacks(&format!("href=\"{edit}\""));
    p.dave
        .post(&edit, &[("body", "Changed by dave")])
        .await
        .assert_status(403);
    app.clock.advance(Duration::minutes(10));
    p.olga
        .get(&edit)
        .await
        .assert_status(200)
        .assert_contains("until 2026-03-02 09:15 UTC");
    p.olga.post(&edit, &[("body", "")]).await.assert_status(422);
    p.olga
        .post(&edit, &[("body", "Second thoughts")])
        .await
        .assert_redirect(&format!("{path}#comment-{id}"));
    visitor
        .get(&path)
        .await
        .assert_contains("Second thoughts")
        .assert_contains("(edited 2026-03-02 09:10 UTC)")
        .assert_contains("Earlier versions")
        .assert_contains("First <em>thoughts</em>");
    app.clock.advance(Duration::minutes(6));
    p.olga
        .post(&edit, &[("body", "Too late")])
        .await
        .assert_status(409);
    p.olga
        .get(&path)
        .await
        .assert_lacks(&format!("href=\"{edit}\""));

    // Deletion: by the author or a member of the team, not by others; the record stays.
    let delete = format!("{path}/comments/{id}/delete");
    p.ivan
        .get(&path)
        .await
        .assert_lacks(&format!("action=\"{delete}\""));
    p.ivan.post(&delete, &[]).await.assert_status(403);
    app.signed_in("pat")
        .await
        .post(&delete, &[])
        .await
        .assert_status(403);
    p.dave
        .get(&path)
        .await
        .assert_contains(&format!("action=\"{delete}\""));
    p.dave
        .post(&delete, &[])
        .await
        .assert_redirect(&format!("{path}#comment-{id}"));
    let page = visitor.get(&path).await;
    page.assert_contains("Deleted by dave, a member of the team")
        .assert_lacks("Second thoughts")
        .assert_lacks("First <em>thoughts</em>");
    p.dave.post(&delete, &[]).await.assert_status(409);
    assert_eq!(
        count(
            app,
            "select count(*) from post_comments where deleted_at is not null"
        )
        .await,
        1
    );
    assert_eq!(
        count(app, "select count(*) from post_comment_versions").await,
        1
    );
    assert_eq!(last_audit(app).await.action, "post.comment_deleted");

    // An author deletes their own comment.
    p.ivan
        .post(&format!("{path}/comments"), &[("body", "Mine")])
        .await;
    let own: i64 = count(app, "select max(id) from post_comments").await;
    p.ivan
        .post(&format!("{path}/comments/{own}/delete"), &[])
        .await
        .assert_redirect(&format!("{path}#comment-{own}"));
    visitor
        .get(&path)
        .await
        .assert_contains("Deleted by its author");
    // At most ten comments in ten minutes per person; the form keeps the text.
    for i in 0..10 {
        p.olga
            .post(
                &format!("{path}/comments"),
                &[("body", &format!("Note {i}"))],
            )
            .await
            .assert_status(303);
    }
    p.olga
        .post(&format!("{path}/comments"), &[("body", "One too many")])
        .await
        .assert_status(429)
        .assert_contains("please wait a few minutes")
        .assert_contains("One too many</textarea>");
    app.clock.advance(Duration::minutes(11));
    p.olga
        .post(&format!("{path}/comments"), &[("body", "Later")])
        .await
        .assert_status(303);
    // No comments on unpublished posts.
    let unpublished = draft(&p.carol, "core", "Quiet", "x").await;
    p.dave
        .post(&format!("{unpublished}/comments"), &[("body", "early")])
        .await
        .assert_status(409);
    // Comment ids that are not numbers are a bad request, not a server error.
    p.olga
        .get(&format!("{path}/comments/abc/edit"))
        .await
        .assert_status(400);
}

#[tokio::test]
async fn incident_reports_keep_their_action_items_trackable() {
    let p = Posts::new().await;
    let app = p.app();
    let path = draft_with(
        &p.carol,
        "core",
        "Mirror outage",
        "The mirrors stopped syncing.",
        &[(
            "timeline",
            "2026-03-01 14:05 Mirrors stopped syncing\n2026-03-01 16:30 Sync restored",
        )],
    )
    .await;
    let items = format!("{path}/actions");
    p.carol
        .post(
            &items,
            &[
                ("text", ""),
                ("owner", "not a login"),
                ("due_on", "2026-02-30"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("Action is required.")
        .assert_contains("A GitHub login has")
        .assert_contains("Enter the due date as YYYY-MM-DD");
    p.carol
        .post(
            &items,
            &[
                ("text", "Alert on sync lag"),
                ("owner", "dave"),
                ("due_on", "2026-03-20"),
                ("idempotency_key", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}#actions"));
    p.carol
        .post(
            &items,
            &[
                ("text", "Alert on sync lag"),
                ("owner", "dave"),
                ("due_on", "2026-03-20"),
                ("idempotency_key", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            ],
        )
        .await;
    p.carol
        .post(
            &items,
            &[
                ("text", "Write a runbook"),
                ("owner", "carol"),
                ("due_on", "2026-04-01"),
            ],
        )
        .await;
    assert_eq!(
        count(app, "select count(*) from post_action_items").await,
        2
    );
    p.olga
        .post(
            &items,
            &[("text", "x"), ("owner", "olga"), ("due_on", "2026-04-01")],
        )
        .await
        .assert_status(404);

    // Unpublished, its items are not on the team's public pages.
    app.visitor()
        .get("/teams/core/actions")
        .await
        .assert_lacks("Alert on sync lag");
    app.visitor()
        .get("/teams/core")
        .await
        .assert_lacks("Alert on sync lag");
    submit(&p.carol, &path).await;
    approve(app, &p.dave, &path).await.assert_redirect(&path);

    let page = app.visitor().get(&path).await;
    page.assert_contains("Incident report")
        .assert_contains("<time datetime=\"2026-03-01T14:05:00Z\">2026-03-01 14:05 UTC</time>")
        .assert_contains("Sync restored")
        .assert_contains("Alert on sync lag")
        .assert_lacks("Add an action item");
    app.visitor()
        .get("/teams/core")
        .await
        .assert_contains("Open action items")
        .assert_contains("Alert on sync lag")
        .assert_contains("Write a runbook");
    // Overdue once the due date passes.
    app.clock.advance(Duration::days(20));
    let carol = app.signed_in("carol").await;
    let dave = app.signed_in("dave").await;
    let olga = app.signed_in("olga").await;
    let ivan = app.signed_in("ivan").await;
    app.visitor()
        .get("/teams/core/actions")
        .await
        .assert_contains("(overdue)");

    // After publication, the team keeps the items; others cannot.
    let item: i64 = count(app, "select min(id) from post_action_items").await;
    let edit = format!("{path}/actions/{item}");
    olga.get(&edit).await.assert_status(403);
    ivan.post(
        &edit,
        &[
            ("text", "x"),
            ("owner", "ivan"),
            ("due_on", "2026-04-01"),
            ("status", "done"),
        ],
    )
    .await
    .assert_status(403);
    dave.get(&edit)
        .await
        .assert_status(200)
        .assert_contains("value=\"Alert on sync lag\"");
    dave.post(
        &edit,
        &[
            ("text", "Alert on sync lag"),
            ("owner", "dave"),
            ("due_on", "2026-03-20"),
            ("status", "maybe"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("Choose open or done.");
    dave.post(
        &edit,
        &[
            ("text", "Alert on sync lag over 1h"),
            ("owner", "dave"),
            ("due_on", "2026-03-20"),
            ("status", "done"),
        ],
    )
    .await
    .assert_redirect(&format!("{path}#actions"));
    let changed = last_audit(app).await;
    assert_eq!(changed.action, "post.action_changed");
    assert_eq!(changed.visibility, "public");
    let team_page = app.visitor().get("/teams/core").await;
    team_page
        .assert_lacks("Alert on sync lag")
        .assert_contains("Write a runbook");
    let list = app.visitor().get("/teams/core/actions").await;
    list.assert_contains("Alert on sync lag over 1h");
    let (open, done) = list.body.split_once("<h2>Done</h2>").expect("two lists");
    assert!(open.contains("Write a runbook") && !open.contains("Alert on sync lag"));
    assert!(done.contains("Alert on sync lag over 1h"));
    // Added after publication too.
    carol
        .post(
            &items,
            &[
                ("text", "Second mirror"),
                ("owner", "ivan"),
                ("due_on", "2026-05-01"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}#actions"));
    app.visitor()
        .get("/teams/core/actions")
        .await
        .assert_contains("Second mirror");
    app.visitor()
        .get("/teams/nowhere/actions")
        .await
        .assert_status(404);
}

/// Every feed entry's link is absolute; the feed parses with a real feed parser.
fn parse_feed(page: &Page) -> feed_rs::model::Feed {
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(
        page.body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    );
    feed_rs::parser::parse(page.body.as_bytes()).expect("a valid Atom feed")
}

#[tokio::test]
async fn feeds_and_lists_show_published_posts_only() {
    let p = Posts::new().await;
    let app = p.app();
    p.world.add_member("infra", "ines", "member").await;
    let ines = app.signed_in("ines").await;
    let first = publish(
        app,
        &p.carol,
        &p.dave,
        "core",
        "Core & friends <1>",
        "One **two**",
    )
    .await;
    app.clock.advance(Duration::hours(1));
    let second = publish(app, &p.dave, &p.carol, "core", "Core second", "Two").await;
    app.clock.advance(Duration::hours(1));
    let infra = publish(app, &p.ivan, &ines, "infra", "Infra news", "Three").await;
    let in_review = draft(&p.carol, "core", "Secret review", "x").await;
    submit(&p.carol, &in_review).await;
    draft(&p.carol, "core", "Secret draft", "x").await;

    let visitor = app.visitor();
    let all = visitor.get("/posts/feed.xml").await;
    assert!(all.set_cookies().is_empty(), "feeds set no cookies");
    all.assert_lacks("Secret");
    let feed = parse_feed(&all);
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.id, format!("{}/posts/feed.xml", app.address));
    assert!(feed.updated.is_some());
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().expect("title").content.clone())
        .collect();
    assert_eq!(
        titles,
        vec!["Infra news", "Core second", "Core & friends <1>"]
    );
    for (entry, path) in feed.entries.iter().zip([&infra, &second, &first]) {
        assert_eq!(entry.links[0].href, format!("{}{path}", app.address));
        assert_eq!(entry.id, format!("{}{path}", app.address));
        assert!(entry.published.is_some() && entry.updated.is_some());
        assert!(!entry.authors.is_empty());
    }
    let content = feed.entries[2]
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("content");
    assert!(content.contains("One <strong>two</strong>"), "{content}");
    assert!(
        feed.links
            .iter()
            .any(|l| l.href == format!("{}/posts/feed.xml", app.address))
    );

    let core = parse_feed(&visitor.get("/posts/core/feed.xml").await);
    assert_eq!(core.entries.len(), 2);
    assert!(core.title.expect("title").content.contains("Core"));
    visitor
        .get("/posts/nowhere/feed.xml")
        .await
        .assert_status(404);

    // Lists: all teams, or one; visitors never see drafts or posts in review.
    let list = visitor.get("/posts").await;
    list.assert_contains("Infra news")
        .assert_contains("Core second")
        .assert_lacks("Secret");
    visitor
        .get("/posts?team=infra")
        .await
        .assert_contains("Infra news")
        .assert_lacks("Core second")
        .assert_contains("href=\"/posts/infra/feed.xml\"");
    visitor.get("/posts?team=nowhere").await.assert_status(404);
    visitor.get("/posts?page=abc").await.assert_status(200);
    visitor
        .get("/")
        .await
        .assert_contains("Latest updates")
        .assert_contains("Infra news")
        .assert_lacks("Secret");
    visitor
        .get("/")
        .await
        .assert_contains("<a href=\"/posts\">Updates</a>");

    // Drafts and reviews show only to their author and the reviewers.
    p.carol
        .get("/posts")
        .await
        .assert_contains("Your unpublished posts")
        .assert_contains("Secret review")
        .assert_contains("Secret draft")
        .assert_lacks("Posts awaiting your review");
    p.dave
        .get("/posts")
        .await
        .assert_contains("Posts awaiting your review")
        .assert_contains("Secret review")
        .assert_lacks("Secret draft");
    for outsider in [&p.ivan, &p.olga] {
        outsider.get("/posts").await.assert_lacks("Secret");
        outsider.get("/posts/feed.xml").await.assert_lacks("Secret");
        outsider.get("/").await.assert_lacks("Secret");
        outsider.get("/teams/core").await.assert_lacks("Secret");
        outsider.get("/audit").await.assert_lacks("secret-");
    }
    // The personal inbox lists the post waiting for review, and the header counts it.
    p.dave
        .get("/inbox")
        .await
        .assert_contains("Posts waiting for your review")
        .assert_contains(&format!("<a href=\"{in_review}\">Secret review</a>"))
        .assert_contains("Core, by carol, in review since")
        .assert_contains("Inbox <span class=\"count\">1<");
    for other in [&p.carol, &p.ivan, &p.olga] {
        other
            .get("/inbox")
            .await
            .assert_contains("No post is waiting for your review.")
            .assert_lacks("Secret")
            .assert_lacks("class=\"count\"");
    }

    // Pinning: members only; pinned posts lead the team's list.
    p.olga
        .post(&format!("{first}/pin"), &[("pin", "on")])
        .await
        .assert_status(403);
    p.carol
        .post(&format!("{first}/pin"), &[("pin", "on")])
        .await
        .assert_redirect(&first);
    let team_list = visitor.get("/posts?team=core").await;
    let pinned_at = team_list
        .body
        .find("Core &#38; friends")
        .expect("first post");
    let second_at = team_list.body.find("Core second").expect("second post");
    assert!(pinned_at < second_at, "the pinned post comes first");
    team_list.assert_contains("Pinned");
    visitor.get("/teams/core").await.assert_contains("Pinned");
    p.carol
        .post(&format!("{first}/pin"), &[("pin", "off")])
        .await
        .assert_redirect(&first);
    assert_eq!(
        count(
            app,
            "select count(*) from posts where pinned_at is not null"
        )
        .await,
        0
    );
    p.carol
        .post(&format!("{in_review}/pin"), &[("pin", "on")])
        .await
        .assert_status(409);

    // Pagination: ten to a page.
    for i in 0..10 {
        publish(app, &p.carol, &p.dave, "core", &format!("Filler {i}"), "x").await;
    }
    let page_one = visitor.get("/posts").await;
    page_one
        .assert_contains("href=\"/posts?page=2\"")
        .assert_lacks("Newer updates");
    let page_two = visitor.get("/posts?page=2").await;
    page_two
        .assert_contains("Core &#38; friends")
        .assert_contains("href=\"/posts?page=1\"")
        .assert_lacks("Filler 9");
    visitor
        .get("/posts?team=core&page=2")
        .await
        .assert_contains("href=\"/posts?team=core&#38;page=1\"");
    let feed = parse_feed(&visitor.get("/posts/feed.xml").await);
    assert_eq!(feed.entries.len(), 13);
}

/// The raw tags of an HTML (or XML) document: each name with its attributes, lowercased.
/// Quote-aware, so a `>` inside an attribute value does not end the tag. Escaped text
/// has no raw `<`, so what a person typed shows up here only if it got through as markup.
fn raw_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let chars: Vec<char> = html.to_lowercase().chars().collect();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            i += 1;
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'!') || chars.get(i) == Some(&'?') {
            while i < chars.len() && chars[i] != '>' {
                i += 1;
            }
            continue;
        }
        let mut name = String::new();
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '/' || chars[i] == ':')
        {
            name.push(chars[i]);
            i += 1;
        }
        let mut attributes = Vec::new();
        loop {
            while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
                i += 1;
            }
            if i >= chars.len() || chars[i] == '>' {
                i += 1;
                break;
            }
            let mut attribute = String::new();
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '=' | '>') {
                attribute.push(chars[i]);
                i += 1;
            }
            let mut value = String::new();
            if chars.get(i) == Some(&'=') {
                i += 1;
                match chars.get(i) {
                    Some(&quote) if quote == '"' || quote == '\'' => {
                        i += 1;
                        while i < chars.len() && chars[i] != quote {
                            value.push(chars[i]);
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '>' {
                            value.push(chars[i]);
                            i += 1;
                        }
                    }
                }
            }
            attributes.push((attribute, value));
        }
        tags.push((name.trim_start_matches('/').to_string(), attributes));
    }
    tags
}

/// Fails if any raw tag is an element that can run or load something, carries an event
/// handler or a style, or links to a script URL.
#[track_caller]
fn assert_nothing_executable(html: &str, context: &str) {
    const ELEMENTS: &[&str] = &[
        "script", "svg", "math", "iframe", "img", "style", "object", "embed", "noscript", "base",
        "frame", "frameset", "xmp", "template", "audio", "video", "applet", "mglyph",
    ];
    for (name, attributes) in raw_tags(html) {
        assert!(
            !ELEMENTS.contains(&name.as_str()),
            "{context}: a <{name}> element got through"
        );
        for (attribute, value) in &attributes {
            assert!(
                !attribute.starts_with("on"),
                "{context}: an event handler {attribute} got through on <{name}>"
            );
            assert!(
                !matches!(
                    attribute.as_str(),
                    "style" | "srcdoc" | "formaction" | "http-equiv" | "xlink:href"
                ),
                "{context}: a dangerous attribute {attribute} got through on <{name}>"
            );
            if matches!(attribute.as_str(), "href" | "src" | "action" | "data") {
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for bad in ["javascript:", "vbscript:", "data:", "&#"] {
                    assert!(
                        !url.starts_with(bad),
                        "{context}: a script link {value:?} got through on <{name}>"
                    );
                }
            }
        }
    }
}

const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<a href=\"x\" title='\"><script>alert(1)</script>'>x</a>",
    "[a](https://example.org \"title\\\"><script>alert(1)</script>\")",
    "> <img src=x onerror=alert(1)>\n> > <svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "`<script>alert(1)</script>`",
    "<p onmouseover=\"alert(1)\">hover</p>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
];

#[tokio::test]
async fn no_markdown_or_text_field_lets_anything_executable_through() {
    let p = Posts::new().await;
    let app = p.app();
    let corpus = XSS.join("\n\n");
    // Every field that ends up on a page: title, Markdown body, timeline events, action
    // items, the review comment, comments (and their earlier versions).
    let path = draft_with(
        &p.carol,
        "core",
        "<script>alert(1)</script> \"><img src=x onerror=alert(1)>",
        &corpus,
        &[(
            "timeline",
            "2026-03-01 14:05 <script>alert(1)</script>\n2026-03-01 14:06 <img src=x onerror=alert(1)>",
        )],
    )
    .await;
    p.carol
        .post(
            &format!("{path}/actions"),
            &[
                ("text", "<svg onload=alert(1)>"),
                ("owner", "carol"),
                ("due_on", "2026-04-01"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}#actions"));
    let preview = p
        .carol
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", "x"),
                ("body", &corpus),
                ("action", "preview"),
            ],
        )
        .await;
    assert_nothing_executable(&preview.body, "preview");
    submit(&p.carol, &path).await;
    let v = version(app, &path).await;
    p.dave
        .post(
            &format!("{path}/request-changes"),
            &[("version", v.as_str()), ("comment", &corpus)],
        )
        .await
        .assert_redirect(&path);
    assert_nothing_executable(&p.carol.get(&path).await.body, "draft with review comment");
    submit(&p.carol, &path).await;
    approve(app, &p.dave, &path).await.assert_redirect(&path);
    p.carol
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "<svg onload=alert(1)> edited"),
                ("body", &format!("{corpus}\n\n<script>alert(2)</script>")),
                ("timeline", "2026-03-01 14:05 <script>alert(1)</script>"),
                ("action", "save"),
            ],
        )
        .await
        .assert_redirect(&path);
    for (i, attack) in XSS.iter().enumerate() {
        let nonce = format!("{:032x}", i + 1);
        // Within the limit of ten comments in ten minutes.
        app.clock.advance(Duration::minutes(2));
        p.olga
            .post(
                &format!("{path}/comments"),
                &[("body", attack), ("idempotency_key", &nonce)],
            )
            .await
            .assert_status(303);
    }
    // An edited comment keeps its (equally harmless) earlier version.
    let id: i64 = count(app, "select max(id) from post_comments").await;
    p.olga
        .post(&format!("{path}/comments/{id}/edit"), &[("body", &corpus)])
        .await
        .assert_status(303);
    assert_eq!(
        count(app, "select count(*) from post_comment_versions").await,
        1
    );

    let visitor = app.visitor();
    for (page, context) in [
        (visitor.get(&path).await, "post page"),
        (p.dave.get(&path).await, "post page for a member"),
        (visitor.get(&format!("{path}/history")).await, "history"),
        (visitor.get("/posts").await, "list"),
        (visitor.get("/").await, "home"),
        (visitor.get("/teams/core").await, "team page"),
        (visitor.get("/teams/core/actions").await, "action items"),
        (p.carol.get(&format!("{path}/edit")).await, "edit form"),
        (visitor.get("/audit").await, "audit log"),
    ] {
        page.assert_status(200);
        assert_nothing_executable(&page.body, context);
    }
    // The text is still there, escaped: nothing was silently lost from the title.
    visitor
        .get(&path)
        .await
        .assert_contains("&#60;svg onload=alert(1)&#62; edited");
    let feed_page = visitor.get("/posts/feed.xml").await;
    let feed = parse_feed(&feed_page);
    let entry = &feed.entries[0];
    assert!(
        entry
            .title
            .as_ref()
            .expect("title")
            .content
            .contains("<svg onload=alert(1)>")
    );
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("content");
    assert_nothing_executable(&content, "feed content");
    assert_nothing_executable(&feed_page.body, "feed document");
}

#[tokio::test]
async fn every_change_is_audited_with_the_right_visibility() {
    let p = Posts::new().await;
    let app = p.app();
    let path = publish(app, &p.carol, &p.dave, "core", "Audited", "x").await;
    p.olga
        .post(&format!("{path}/like"), &[("like", "on")])
        .await;
    p.olga
        .post(&format!("{path}/comments"), &[("body", "hi")])
        .await;
    let actions: Vec<(String, String)> = audit_entries(app)
        .await
        .into_iter()
        .filter(|a| a.action.starts_with("post."))
        .map(|a| (a.action, a.visibility))
        .collect();
    let expected = [
        ("post.drafted", "team"),
        ("post.submitted", "team"),
        ("post.published", "public"),
        ("post.liked", "public"),
        ("post.commented", "public"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, v)| (a.to_string(), v.to_string()))
        .collect();
    assert_eq!(actions, expected);
    app.visitor()
        .get("/audit")
        .await
        .assert_contains("approved and published a post in")
        .assert_contains(&format!("href=\"{path}\""))
        .assert_lacks("drafted a post");
    p.dave.get("/audit").await.assert_contains("drafted a post");
}

#[tokio::test]
async fn the_demo_data_has_updates() {
    let app = TestApp::spawn().await;
    assert!(
        concord::demo::seed_if_empty(&app.pool, app.clock.now())
            .await
            .expect("demo data")
    );
    let visitor = app.visitor();
    let list = visitor.get("/posts").await;
    assert!(
        list.body.matches("class=\"post-title\"").count() >= 3,
        "{}",
        list.body
    );
    list.assert_contains("Mirror sync outage");
    let feed = parse_feed(&visitor.get("/posts/feed.xml").await);
    assert!(feed.entries.len() >= 3);
    for entry in &feed.entries {
        assert!(
            !entry
                .title
                .as_ref()
                .expect("title")
                .content
                .contains("in review")
        );
    }
    let incident = visitor
        .get("/posts/infrastructure/mirror-sync-outage")
        .await;
    incident
        .assert_status(200)
        .assert_contains("Timeline (UTC)")
        .assert_contains("Action items");
    visitor
        .get("/teams/infrastructure")
        .await
        .assert_contains("Open action items");
    assert_eq!(
        count(
            &app,
            "select count(*) from posts where submitted_at is not null and published_at is null"
        )
        .await,
        1
    );
    let reviewer = app.signed_in("basil-moss").await;
    reviewer
        .get("/posts")
        .await
        .assert_contains("Posts awaiting your review");
}

#[test]
fn the_executable_check_catches_what_it_looks_for() {
    for bad in [
        "<p><img src=x></p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=' JavaScript:alert(1)'>x</a>",
        "<p onclick=\"x\">",
        "<div style=\"x\">",
        "<svg>",
        "<SCRIPT>",
        "<a title=\"x>\" onmouseover=alert(1)>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_nothing_executable(bad, "check"));
        assert!(caught.is_err(), "{bad} was not caught");
    }
    assert_nothing_executable(
        "<p title=\"&quot;><script>alert(1)</script>\">&lt;script&gt;</p><a href=\"https://x.org\">x</a>",
        "harmless",
    );
}

/// Opens a decision directly in the database: its own room's rules are tested there.
async fn decision(app: &TestApp, team: &str, question: &str, public: bool) -> i64 {
    sqlx::query_scalar(
        "insert into decisions (team_id, question, body, is_public, opened_by, opened_at, closes_at, rule_kind, rule_n, effect)
         select t.id, $2, 'Body', $3, u.id, $4, $4 + interval '7 days', 'unanimous', 0, '{\"kind\": \"text\", \"text\": \"x\"}'::jsonb
         from teams t, users u where t.slug = $1 and u.login = 'carol'
         returning id",
    )
    .bind(team)
    .bind(question)
    .bind(public)
    .bind(app.clock.now())
    .fetch_one(&app.pool)
    .await
    .expect("a decision")
}

#[tokio::test]
async fn posts_link_their_teams_public_decisions() {
    let p = Posts::new().await;
    let app = p.app();
    let public = decision(app, "core", "Adopt the new release cadence?", true).await;
    let private = decision(app, "core", "Private staffing question?", false).await;
    let other = decision(app, "infra", "Replace the mirrors?", true).await;
    let form = |decisions: String| {
        vec![
            ("team", "core".to_string()),
            ("title", "Decided".to_string()),
            ("body", "We decided.".to_string()),
            ("decisions", decisions),
            ("action", "save".to_string()),
        ]
    };
    for (refused, number) in [(private, "Private"), (other, "Replace")] {
        let fields = form(format!("{public} #{refused}"));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        p.carol
            .post("/posts", &fields)
            .await
            .assert_status(422)
            .assert_contains(&format!("Not a public decision of Core: #{refused}"))
            .assert_lacks(number);
    }
    let fields = form("12x".into());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    p.carol
        .post("/posts", &fields)
        .await
        .assert_status(422)
        .assert_contains("is not a decision number");
    let fields = form(format!("#{public}"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = p
        .carol
        .post("/posts", &fields)
        .await
        .location()
        .expect("saved")
        .to_string();
    submit(&p.carol, &path).await;
    approve(app, &p.dave, &path).await.assert_redirect(&path);
    app.visitor().get(&path).await.assert_contains(&format!(
        "<a href=\"/decisions/{public}\">Decision {public}: Adopt the new release cadence?</a>"
    ));
    p.carol
        .get(&format!("{path}/edit"))
        .await
        .assert_contains(&format!(
            "name=\"decisions\" type=\"text\" value=\"{public}\""
        ));
}

/// The main path in a real browser, every page checked for valid HTML and accessibility:
/// draft with a preview, submit, another member approves, then a like and a comment.
#[tokio::test]
async fn draft_review_publish_like_and_comment_in_a_browser() {
    let p = Posts::new().await;
    let app = p.app();
    let Some(mut browser) = Browser::open(app).await else {
        return;
    };
    browser.sign_in_dev("carol").await;
    browser.goto("/posts").await;
    browser.assert_text("No updates.").await;
    browser.click_link("Write an update").await;
    browser.click_button("Save the draft").await;
    assert_eq!(browser.status(), 422);
    browser.assert_text("Title is required.").await;
    browser.fill("Title", "Welcoming erin").await;
    browser.fill("Text", "Erin joins **core** this week.").await;
    browser.click_button("Preview").await;
    assert_eq!(browser.status(), 200);
    browser.assert_text("Erin joins core this week.").await;
    browser.click_button("Save the draft").await;
    assert_eq!(browser.path(), "/posts/core/welcoming-erin");
    browser.assert_text("The draft is saved.").await;
    browser.click_button("Submit for review").await;
    browser.assert_text("Submitted for review").await;
    browser.sign_out().await;

    browser.sign_in_dev("dave").await;
    browser.goto("/inbox").await;
    browser.assert_text("Posts waiting for your review").await;
    browser.click_link("Welcoming erin").await;
    browser.click_button("Approve and publish").await;
    browser.assert_text("Approved and published.").await;
    browser.sign_out().await;

    browser.sign_in_dev("olga").await;
    browser.goto("/posts").await;
    browser.click_link("Welcoming erin").await;
    browser.assert_text("approved by dave").await;
    browser.click_button("Like").await;
    browser.assert_text("1 like").await;
    browser.fill("Your comment", "Welcome, *erin*!").await;
    browser.click_button("Comment").await;
    browser.assert_text("Welcome, erin!").await;
    browser.click_link("Edit your comment").await;
    browser.fill("Comment", "Welcome aboard, erin!").await;
    browser.click_button("Save the comment").await;
    browser.assert_text("Welcome aboard, erin!").await;
    browser.assert_text("Earlier versions").await;
    browser.goto("/").await;
    browser.assert_text("Welcoming erin").await;
    browser.finish().await;
}
