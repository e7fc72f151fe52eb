//! The scale seeder at a tiny size (so it cannot rot: every row still passes the schema's
//! constraints and triggers, and the pages render on what it makes), and the pagination of
//! the lists that grow without bound: a team's members, an RFC's feedback, a post's
//! comments. Each long list is split into pages and every item stays reachable by
//! following the links.

use std::collections::HashSet;

use concord::scale::{self, Sizes};

use crate::support::{Client, TestApp, rel_link};

async fn seeded() -> (TestApp, Sizes) {
    let app = TestApp::spawn().await;
    let sizes = Sizes::for_people(300);
    scale::seed(&app.pool, sizes, app.clock.now(), false)
        .await
        .expect("the tiny seed loads");
    (app, sizes)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("a count")
}

/// Every `id="<prefix><number>"` in the page.
fn ids(body: &str, prefix: &str) -> Vec<i64> {
    let needle = format!("id=\"{prefix}");
    body.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &body[at + needle.len()..];
            let end = rest.find('"')?;
            rest[..end].parse().ok()
        })
        .collect()
}

/// Follows `rel` links from `path`, collecting the ids on each page.
async fn walk(client: &Client, path: &str, prefix: &str, rel: &str) -> (Vec<Vec<i64>>, usize) {
    let mut pages = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next {
        let page = client.get(&path).await;
        page.assert_status(200);
        pages.push(ids(&page.body, prefix));
        next = rel_link(&page.body, rel);
        assert!(pages.len() < 100, "the pages never end");
    }
    let all: HashSet<i64> = pages.iter().flatten().copied().collect();
    (pages, all.len())
}

#[tokio::test]
async fn a_tiny_seed_fills_every_room_and_the_pages_render() {
    let (app, sizes) = seeded().await;
    assert_eq!(
        count(&app, "select count(*) from users").await,
        sizes.people
    );
    assert_eq!(count(&app, "select count(*) from teams").await, sizes.teams);
    assert_eq!(
        count(
            &app,
            "select count(*) from memberships where team_id = 1 and left_at is null"
        )
        .await,
        sizes.big_team
    );
    assert_eq!(
        count(&app, "select count(*) from decisions").await,
        sizes.decisions
    );
    assert_eq!(
        count(&app, "select count(*) from nominations").await,
        sizes.nominations
    );
    assert_eq!(count(&app, "select count(*) from rfcs").await, sizes.rfcs);
    assert_eq!(
        count(&app, "select count(*) from rfc_feedback").await,
        sizes.feedback()
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from posts where published_at is not null"
        )
        .await,
        sizes.posts
    );
    assert_eq!(
        count(&app, "select count(*) from post_likes").await,
        sizes.likes()
    );
    assert_eq!(
        count(&app, "select count(*) from post_comments").await,
        sizes.comments()
    );
    assert!(count(&app, "select count(*) from decision_positions").await > sizes.decisions);
    assert!(count(&app, "select count(*) from decision_outcomes").await > 0);
    // Every piece of feedback on an RFC whose disposition is published has its verdict.
    let disposed = count(
        &app,
        "select count(*) from rfc_feedback f join rfcs r on r.id = f.rfc_id
         where r.disposition_published_at is not null",
    )
    .await;
    assert!(disposed > 0);
    assert_eq!(
        count(&app, "select count(*) from rfc_dispositions").await,
        disposed
    );
    assert!(count(&app, "select count(*) from audit_entries").await > sizes.posts);

    // A second seed is refused: it only fills an empty database.
    assert!(
        scale::seed(&app.pool, sizes, app.clock.now(), false)
            .await
            .is_err()
    );

    let visitor = app.visitor();
    for path in [
        "/",
        "/teams",
        "/teams/team-1",
        "/teams/team-2",
        "/rfcs",
        "/rfcs/1",
        "/posts",
        "/posts/team-1/update-1",
        "/decisions/1",
        "/audit",
        "/api/v1/teams",
        "/api/v1/teams/team-1",
    ] {
        visitor.get(path).await.assert_status(200);
    }
    // New rows get fresh ids after the seeded ones: a member can still write.
    let login: String = sqlx::query_scalar("select login from users where id = 52")
        .fetch_one(&app.pool)
        .await
        .expect("user 52");
    let member = app.signed_in(&login).await;
    member.get("/inbox").await.assert_status(200);
    let open_rfc: i64 = sqlx::query_scalar(
        "select id from rfcs where opens_at <= $1 and closes_at > $1 order by id desc limit 1",
    )
    .bind(app.clock.now())
    .fetch_one(&app.pool)
    .await
    .expect("an open RFC");
    let page = member
        .post_follow(
            &format!("/rfcs/{open_rfc}/feedback"),
            &[
                ("body", "Written after the seed."),
                ("visibility", "public"),
                ("form_key", "after-the-seed-1"),
            ],
        )
        .await;
    page.assert_status(200)
        .assert_contains("Written after the seed.");
}

#[tokio::test]
async fn long_lists_are_split_into_pages_and_every_item_is_reachable() {
    let (app, sizes) = seeded().await;
    let visitor = app.visitor();

    // Team 1's members: pages of 100, each member on exactly one page.
    assert!(sizes.big_team > 100, "the tiny seed has a big team");
    let first = visitor.get("/teams/team-1").await;
    first
        .assert_status(200)
        .assert_contains(&format!("{} current members", sizes.big_team))
        .assert_contains("More members");
    let logins = |body: &str| -> Vec<String> {
        body.match_indices("<span class=\"login\">")
            .filter_map(|(at, m)| {
                let rest = &body[at + m.len()..];
                rest.find('<').map(|end| rest[..end].to_string())
            })
            .collect()
    };
    let mut members = Vec::new();
    let mut next = Some("/teams/team-1".to_string());
    while let Some(path) = next {
        let page = visitor.get(&path).await;
        page.assert_status(200);
        // Members come before the alumni section.
        let section = page.body.split("<h2>Alumni</h2>").next().unwrap_or("");
        let on_page = logins(section);
        assert!(
            on_page.len() <= 100,
            "{} members on one page",
            on_page.len()
        );
        members.extend(on_page);
        next = rel_link(&page.body, "next");
        assert!(members.len() <= 10_000, "the pages never end");
    }
    let distinct: HashSet<&String> = members.iter().collect();
    assert_eq!(members.len() as i64, sizes.big_team, "each member once");
    assert_eq!(distinct.len(), members.len());
    visitor
        .get("/teams/team-1?members=2")
        .await
        .assert_contains("Previous members");
    visitor
        .get("/teams/team-1?members=banana")
        .await
        .assert_status(200);

    // RFC 2's feedback: the latest 50 first, then earlier pages; a visitor reaches every
    // public piece and no private one.
    let public = count(
        &app,
        "select count(*) from rfc_feedback where rfc_id = 2 and visibility = 'public'",
    )
    .await;
    assert!(public > 100, "the tiny seed has long feedback");
    let (pages, reachable) = walk(&visitor, "/rfcs/2", "feedback-", "prev").await;
    assert!(pages.len() > 2);
    assert!(pages.iter().all(|p| p.len() <= 50));
    assert_eq!(reachable as i64, public);
    let private: i64 = sqlx::query_scalar(
        "select id from rfc_feedback where rfc_id = 2 and visibility = 'private' limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("private feedback");
    assert!(pages.iter().flatten().all(|id| *id != private));
    visitor
        .get(&format!("/rfcs/2?before={}", pages[0][0]))
        .await
        .assert_contains("Back to the latest feedback");
    visitor
        .get("/rfcs/2?before=nonsense")
        .await
        .assert_status(200);

    // Post 1's comments: pages of 50, all reachable.
    let comments = count(&app, "select count(*) from post_comments where post_id = 1").await;
    assert!(comments > 50, "the tiny seed has a long thread");
    let (pages, reachable) = walk(&visitor, "/posts/team-1/update-1", "comment-", "prev").await;
    assert!(pages.len() >= 2);
    assert!(pages.iter().all(|p| p.len() <= 50));
    assert_eq!(reachable as i64, comments);
}
