//! Fifty people at once: each comments three times (and sends one comment twice), likes
//! (half of them twice) and takes a position (half of them change it), all at the same
//! moment. Afterwards every acknowledged write is in the database exactly once, with its
//! audit entry, and the counts the pages show match.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Barrier;
use tokio::task::JoinSet;

use super::{HANG, nonce};
use crate::support::{Client, TestApp};
use crate::teams::World;

const PEOPLE: usize = 50;
const COMMENTS_EACH: usize = 3;

/// A form to send: where, its fields, and what it writes.
type Submission = (String, Vec<(&'static str, String)>, Write);

#[derive(Debug)]
enum Write {
    Comment { login: String, nonce: String },
    Like { login: String },
    Position { login: String },
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_people_comment_like_and_take_positions_at_once() {
    let world = World::new().await;
    let app = &world.app;
    world.add_member("core", "dave", "member").await;
    let logins: Vec<String> = (0..PEOPLE).map(|i| format!("member-{i:02}")).collect();
    for login in &logins {
        world.add_member("core", login, "member").await;
    }
    let carol = app.signed_in("carol").await;
    let dave = app.signed_in("dave").await;
    let post = publish(app, &carol, &dave).await;
    // carol takes no position, so the decision stays open (unanimity is never reached).
    let decision = open_decision(&carol).await;

    let mut clients = Vec::new();
    for login in logins {
        let person = app.signed_in(&login).await;
        person.csrf_token().await;
        clients.push((login, person));
    }

    let mut all: Vec<(Arc<Client>, Submission)> = Vec::new();
    for (i, (login, person)) in clients.into_iter().enumerate() {
        let person = Arc::new(person);
        let mut sends: Vec<Submission> = Vec::new();
        for j in 0..COMMENTS_EACH {
            let nonce = nonce(1, i, j);
            sends.push((
                format!("{post}/comments"),
                vec![
                    ("body", format!("Comment {j} by {login}")),
                    ("idempotency_key", nonce.clone()),
                ],
                Write::Comment {
                    login: login.clone(),
                    nonce,
                },
            ));
        }
        // The same comment form sent twice (a double click).
        let again = nonce(1, i, 0);
        sends.push((
            format!("{post}/comments"),
            vec![
                ("body", format!("Comment 0 by {login}")),
                ("idempotency_key", again.clone()),
            ],
            Write::Comment {
                login: login.clone(),
                nonce: again,
            },
        ));
        let likes = if i % 2 == 0 { 2 } else { 1 };
        for _ in 0..likes {
            sends.push((
                format!("{post}/like"),
                vec![("like", "on".to_string())],
                Write::Like {
                    login: login.clone(),
                },
            ));
        }
        let mut stances = vec!["agree"];
        if i % 2 == 1 {
            stances.push("stand_aside");
        }
        for stance in stances {
            sends.push((
                format!("/decisions/{decision}/positions"),
                vec![
                    ("stance", stance.to_string()),
                    ("comment", format!("{login} says {stance}")),
                ],
                Write::Position {
                    login: login.clone(),
                },
            ));
        }
        all.extend(sends.into_iter().map(|send| (person.clone(), send)));
    }
    // Every request waits at the barrier until all are ready, then they go together.
    let barrier = Arc::new(Barrier::new(all.len()));
    let started = Instant::now();
    let mut requests = JoinSet::new();
    for (person, (path, fields, write)) in all {
        let barrier = barrier.clone();
        requests.spawn(async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            barrier.wait().await;
            let page = tokio::time::timeout(HANG, person.post(&path, &fields))
                .await
                .expect("no request hangs");
            (write, page)
        });
    }
    let mut sent = 0;
    let mut comments = HashSet::new();
    let mut comment_acks = 0;
    let mut likers = HashSet::new();
    let mut positions = 0;
    let mut deciders = HashSet::new();
    while let Some(joined) = requests.join_next().await {
        let (write, page) = joined.expect("request");
        sent += 1;
        // Nothing here is refused: every write is acknowledged with a redirect.
        page.assert_status(303);
        match write {
            Write::Comment { login, nonce } => {
                comment_acks += 1;
                comments.insert((login, nonce));
            }
            Write::Like { login } => {
                likers.insert(login);
            }
            Write::Position { login } => {
                positions += 1;
                deciders.insert(login);
            }
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "concurrency: {sent} writes by {PEOPLE} people in {elapsed:?} \
         ({comment_acks} comment submissions, {} distinct comments, {} likers, {positions} positions)",
        comments.len(),
        likers.len()
    );
    assert_eq!(comments.len(), PEOPLE * COMMENTS_EACH);
    assert_eq!(comment_acks, PEOPLE * (COMMENTS_EACH + 1));

    // Every acknowledged comment exactly once, each with its audit entry.
    let stored: Vec<(String, String)> = sqlx::query_as(
        "select u.login, c.form_nonce from post_comments c join users u on u.id = c.author_id
         where u.login like 'member-%'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("comments");
    assert_eq!(stored.len(), comments.len(), "no comment lost or doubled");
    assert_eq!(stored.into_iter().collect::<HashSet<_>>(), comments);
    assert_eq!(
        count(
            app,
            "select count(*) from audit_entries where action = 'post.commented'"
        )
        .await,
        (PEOPLE * COMMENTS_EACH) as i64
    );
    // One like per person, however often they clicked.
    assert_eq!(
        count(app, "select count(*) from post_likes").await,
        PEOPLE as i64
    );
    assert_eq!(
        count(
            app,
            "select count(*) from audit_entries where action = 'post.liked'"
        )
        .await,
        PEOPLE as i64
    );
    // Every position taken is recorded (a change is a new row); each person's latest counts.
    assert_eq!(
        count(app, "select count(*) from decision_positions").await,
        positions as i64
    );
    assert_eq!(
        count(
            app,
            "select count(*) from audit_entries where action = 'decision.position_taken'"
        )
        .await,
        positions as i64
    );
    let latest: Vec<(String, String)> = sqlx::query_as(
        "select distinct on (p.user_id) u.login, p.stance
         from decision_positions p join users u on u.id = p.user_id
         order by p.user_id, p.id desc",
    )
    .fetch_all(&app.pool)
    .await
    .expect("latest positions");
    assert_eq!(latest.len(), deciders.len());
    assert_eq!(deciders.len(), PEOPLE);

    // What people see agrees with the rows. The post's page shows the latest comments and
    // links to earlier pages (docs/BENCHMARKS.md): follow them all.
    let page = carol.get(&post).await;
    page.assert_contains(&format!("{PEOPLE} likes"));
    let mut seen = page.body.clone();
    let mut next = crate::support::rel_link(&page.body, "prev");
    while let Some(path) = next {
        let earlier = carol.get(&path).await;
        earlier.assert_status(200);
        seen.push_str(&earlier.body);
        next = crate::support::rel_link(&earlier.body, "prev");
    }
    for (login, _) in comments.iter().take(5) {
        assert!(
            seen.contains(&format!("Comment 1 by {login}")),
            "comment 1 by {login} is on one of the post's pages"
        );
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// carol drafts a post for `core`, dave approves it; returns its permalink.
async fn publish(app: &TestApp, author: &Client, reviewer: &Client) -> String {
    let page = author
        .post(
            "/posts",
            &[
                ("team", "core"),
                ("title", "Everyone at once"),
                ("body", "Say something."),
                ("idempotency_key", &nonce(2, 0, 0)),
                ("action", "save"),
            ],
        )
        .await;
    page.assert_status(303);
    let path = page.location().expect("the draft's address").to_string();
    author
        .post(&format!("{path}/submit"), &[])
        .await
        .assert_redirect(&path);
    let version: i32 =
        sqlx::query_scalar("select version from posts where slug = 'everyone-at-once'")
            .fetch_one(&app.pool)
            .await
            .expect("version");
    reviewer
        .post(
            &format!("{path}/approve"),
            &[("version", version.to_string().as_str())],
        )
        .await
        .assert_redirect(&path);
    path
}

/// Opens a decision of `core`; returns its id.
async fn open_decision(member: &Client) -> i64 {
    let page = member
        .post(
            "/teams/core/decisions",
            &[
                ("question", "Everyone at once?"),
                ("body", "Background."),
                ("closes_at", "2026-03-09T09:00"),
                ("visibility", "team"),
                ("effect_kind", "text"),
                ("effect_text", "We do it."),
            ],
        )
        .await;
    page.assert_status(303);
    page.location()
        .and_then(|l| l.strip_prefix("/decisions/"))
        .and_then(|id| id.parse().ok())
        .expect("the new decision's address")
}
