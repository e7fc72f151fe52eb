//! The database goes away under a stream of reads and writes, and comes back. The app runs
//! on its own embedded cluster (not the suite's shared one), with the production pool
//! settings, so the test can stop and start PostgreSQL.
//!
//! While PostgreSQL is down every request is answered quickly with the 503 page (status,
//! words a person understands, the request id), `/readyz` says so, and `/healthz` still
//! answers. When it is back the same app serves again without a restart, and every comment
//! that was acknowledged with success is in the database, once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use concord::db::embedded::{Cluster, Durability};
use sqlx::PgPool;
use time::Duration as Minutes;
use tokio::task::JoinSet;

use super::{HANG, nonce, until};
use crate::support::{Client, Options, Page, TestApp};

const WRITERS: usize = 8;

/// What one request got.
struct Outcome {
    login: String,
    nonce: Option<String>,
    status: u16,
    latency: Duration,
    page: Page,
}

#[derive(Default)]
struct Tally {
    acknowledged: HashSet<(String, String)>,
    refused_503: usize,
    max_503_latency: Duration,
    max_latency: Duration,
    requests: usize,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        self.requests += 1;
        self.max_latency = self.max_latency.max(outcome.latency);
        match outcome.status {
            200 => {}
            303 => {
                let nonce = outcome.nonce.clone().expect("only comments redirect");
                self.acknowledged.insert((outcome.login.clone(), nonce));
            }
            503 => {
                self.refused_503 += 1;
                self.max_503_latency = self.max_503_latency.max(outcome.latency);
                assert_unavailable_page(&outcome.page);
            }
            other => panic!(
                "during a database fault every answer is a success or the 503 page, got {other}:\n{}",
                outcome.page.body
            ),
        }
    }
}

#[track_caller]
fn assert_unavailable_page(page: &Page) {
    page.assert_status(503)
        .assert_contains("<h1>Service Unavailable</h1>")
        .assert_contains("its database is unavailable. Please try again shortly.");
    let id = page
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id");
    page.assert_contains(&format!("<code>{id}</code>"));
}

struct Stream {
    app: TestApp,
    post: String,
    writers: Vec<(String, Arc<Client>)>,
    round: usize,
    tally: Tally,
}

impl Stream {
    /// The demo data in `pool`, and the writers signed in, with their form tokens.
    async fn start(app: TestApp, pool: &sqlx::PgPool) -> Stream {
        concord::demo::seed_if_empty(pool, app.clock.now())
            .await
            .expect("demo data");
        let post = super::first_demo_post(pool).await;
        let mut writers = Vec::new();
        for i in 0..WRITERS {
            let login = format!("writer-{i}");
            let client = app.signed_in(&login).await;
            client.csrf_token().await;
            writers.push((login, Arc::new(client)));
        }
        Stream {
            app,
            post,
            writers,
            round: 0,
            tally: Tally::default(),
        }
    }

    /// One round: every writer comments and reads the post at the same moment. The clock
    /// moves a minute per round, so the comment rate limit (ten in ten minutes) never bites.
    async fn round(&mut self) -> Vec<Outcome> {
        self.round += 1;
        let mut sent = JoinSet::new();
        for (i, (login, client)) in self.writers.iter().enumerate() {
            let nonce = nonce(3, i, self.round);
            let (login, path, round) = (login.clone(), self.post.clone(), self.round);
            let writer = client.clone();
            sent.spawn(async move {
                let started = Instant::now();
                let body = format!("Round {round} from {login}");
                let page = tokio::time::timeout(
                    HANG,
                    writer.post(
                        &format!("{path}/comments"),
                        &[("body", body.as_str()), ("idempotency_key", nonce.as_str())],
                    ),
                )
                .await
                .expect("no write hangs");
                Outcome {
                    login,
                    nonce: Some(nonce),
                    status: page.status.as_u16(),
                    latency: started.elapsed(),
                    page,
                }
            });
            let (login, path) = (self.writers[i].0.clone(), self.post.clone());
            let reader = client.clone();
            sent.spawn(async move {
                let started = Instant::now();
                let page = tokio::time::timeout(HANG, reader.get(&path))
                    .await
                    .expect("no read hangs");
                Outcome {
                    login,
                    nonce: None,
                    status: page.status.as_u16(),
                    latency: started.elapsed(),
                    page,
                }
            });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = sent.join_next().await {
            let outcome = joined.expect("request");
            self.tally.add(&outcome);
            outcomes.push(outcome);
        }
        self.app.clock.advance(Minutes::minutes(1));
        outcomes
    }

    async fn ready(&self) -> u16 {
        let visitor = self.app.visitor();
        tokio::time::timeout(HANG, visitor.get("/readyz"))
            .await
            .expect("readyz answers")
            .status
            .as_u16()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_fail_fast_while_postgres_is_down_and_recover_when_it_is_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("pg");
    let started = Instant::now();
    let cluster = Cluster::start(&data, Durability::Durable)
        .await
        .expect("start our own cluster");
    let first_start = started.elapsed();
    cluster.ensure_database("concord").await.expect("database");
    let options = cluster.connect_options("concord");
    // The pool exactly as `concord serve` builds it.
    let pool: PgPool = concord::db::pool_options()
        .connect_with(options.clone())
        .await
        .expect("pool");
    concord::db::migrate(&pool).await.expect("migrate");
    let app = TestApp::spawn_with(Options {
        database: Some((pool.clone(), options)),
        ..Options::default()
    })
    .await;
    let mut stream = Stream::start(app, &pool).await;

    // Up: everything succeeds.
    for _ in 0..3 {
        for outcome in stream.round().await {
            assert!(
                matches!(outcome.status, 200 | 303),
                "before the fault: {}",
                outcome.status
            );
        }
    }
    assert_eq!(stream.ready().await, 200);
    let before = stream.tally.acknowledged.len();

    // Stop PostgreSQL while requests keep coming.
    let stop_started = Instant::now();
    let stopping = tokio::spawn(cluster.stop());
    let mut during_stop = 0;
    while !stopping.is_finished() {
        stream.round().await;
        during_stop += 1;
    }
    stopping.await.expect("join").expect("stop the cluster");
    let down_at = Instant::now();
    let stop_took = stop_started.elapsed();
    // Down: every request that starts now gets the 503 page, fast.
    let acknowledged_at_stop = stream.tally.acknowledged.len();
    let mut down_latency = Duration::ZERO;
    for _ in 0..5 {
        for outcome in stream.round().await {
            assert_eq!(outcome.status, 503, "while PostgreSQL is down");
            down_latency = down_latency.max(outcome.latency);
        }
    }
    assert_eq!(stream.tally.acknowledged.len(), acknowledged_at_stop);
    assert_eq!(stream.ready().await, 503, "/readyz reports the outage");
    stream
        .app
        .visitor()
        .get("/healthz")
        .await
        .assert_status(200);
    // The home page stays up for a visitor, saying what is missing.
    stream
        .app
        .visitor()
        .get("/")
        .await
        .assert_status(200)
        .assert_contains("The list of teams is unavailable right now.");
    // The JSON API says the same in JSON.
    let api = stream.app.visitor().get("/api/v1/teams").await;
    api.assert_status(503)
        .assert_contains("\"error\":\"Concord is busy or its database is unavailable.");
    let id = api
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id");
    api.assert_contains(&format!("\"request_id\":\"{id}\""));
    // The sign-in page needs nothing but a new session, which cannot be saved: the same
    // 503 page (tower-sessions alone would answer a bare 500).
    assert_unavailable_page(&stream.app.visitor().get("/login").await);
    let outage = down_at.elapsed();

    // Start PostgreSQL again; the same app (no restart) serves again.
    let restart_dir = data.clone();
    let restart_started = Instant::now();
    let starting =
        tokio::spawn(async move { Cluster::start(&restart_dir, Durability::Durable).await });
    while !starting.is_finished() {
        stream.round().await;
    }
    let cluster = starting.await.expect("join").expect("start again");
    let up_at = Instant::now();
    let restart_took = restart_started.elapsed();
    let mut recovered = None;
    let deadline = Instant::now() + Duration::from_secs(15);
    while recovered.is_none() {
        assert!(Instant::now() < deadline, "the app did not recover");
        let outcomes = stream.round().await;
        if outcomes.iter().all(|o| matches!(o.status, 200 | 303)) {
            recovered = Some(up_at.elapsed());
        }
    }
    until(
        "/readyz to report ready",
        Duration::from_secs(5),
        || async { stream.ready().await == 200 },
    )
    .await;
    for _ in 0..2 {
        for outcome in stream.round().await {
            assert!(matches!(outcome.status, 200 | 303), "after recovery");
        }
    }

    // Every acknowledged comment is there, exactly once.
    let stored: Vec<(String, String)> = sqlx::query_as(
        "select u.login, c.form_nonce from post_comments c join users u on u.id = c.author_id
         where u.login like 'writer-%'",
    )
    .fetch_all(&pool)
    .await
    .expect("comments");
    let stored_set: HashSet<(String, String)> = stored.iter().cloned().collect();
    assert_eq!(stored.len(), stored_set.len(), "no comment doubled");
    let lost: Vec<_> = stream.tally.acknowledged.difference(&stored_set).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let audited = super::comments_audited(&pool, "writer-").await;
    assert_eq!(
        audited,
        stored.len() as i64,
        "every comment has its audit entry"
    );

    let tally = &stream.tally;
    eprintln!(
        "faults: {} requests in {} rounds ({during_stop} while stopping); {} acknowledged \
         comments ({before} before the fault), all stored; {} answered 503; slowest 503 {:?}, \
         slowest request while down {down_latency:?}, slowest overall {:?}; outage {outage:?}; \
         recovered {:?} after PostgreSQL was back; PostgreSQL: created and started in \
         {first_start:?}, stopped in {stop_took:?}, started again in {restart_took:?}",
        tally.requests,
        stream.round,
        tally.acknowledged.len(),
        tally.refused_503,
        tally.max_503_latency,
        tally.max_latency,
        recovered.expect("recovered"),
    );
    // Fail fast: far below the 15 s request timeout. A request waits for a connection at
    // most the pool's 3 s acquire timeout (only while PostgreSQL starts up); the margin is
    // for a loaded machine.
    assert!(tally.max_503_latency < Duration::from_secs(6));
    assert!(tally.max_latency < concord::config::Limits::default().request_timeout);

    pool.close().await;
    cluster.stop().await.expect("stop");
}

/// The database does not go away but stops answering (here: a lock every signed-in request
/// waits on). Nothing hangs: each request gets the 503 page by the request timeout, or
/// sooner when the pool has no connection to give; when the stall ends, the app serves
/// again and every acknowledged comment is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stalled_database_gets_the_503_page_by_the_request_timeout() {
    let timeout = Duration::from_secs(2);
    let (_, options) = crate::support::database::fresh_database().await;
    let pool: PgPool = concord::db::pool_options()
        .connect_with(options.clone())
        .await
        .expect("pool");
    let app = TestApp::spawn_with(Options {
        database: Some((pool.clone(), options)),
        request_timeout: Some(timeout),
        ..Options::default()
    })
    .await;
    let mut stream = Stream::start(app, &pool).await;
    stream.round().await;

    // Every signed-in request reads `users`; hold it.
    let mut stall = pool.begin().await.expect("begin");
    sqlx::query("lock table users in access exclusive mode")
        .execute(&mut *stall)
        .await
        .expect("lock");
    let acknowledged_before = stream.tally.acknowledged.len();
    let mut stalled_latency = Duration::ZERO;
    for _ in 0..2 {
        for outcome in stream.round().await {
            assert_eq!(outcome.status, 503, "while the database stalls");
            stalled_latency = stalled_latency.max(outcome.latency);
        }
    }
    assert_eq!(stream.tally.acknowledged.len(), acknowledged_before);
    // `/readyz` answers within its own one-second bound, whatever it finds.
    let started = Instant::now();
    stream.ready().await;
    let ready_latency = started.elapsed();
    stall.rollback().await.expect("end the stall");

    let ended = Instant::now();
    let deadline = ended + Duration::from_secs(15);
    loop {
        assert!(Instant::now() < deadline, "the app did not recover");
        if stream
            .round()
            .await
            .iter()
            .all(|o| matches!(o.status, 200 | 303))
        {
            break;
        }
    }
    let recovered = ended.elapsed();
    let stored: HashSet<(String, String)> = sqlx::query_as(
        "select u.login, c.form_nonce from post_comments c join users u on u.id = c.author_id
         where u.login like 'writer-%'",
    )
    .fetch_all(&pool)
    .await
    .expect("comments")
    .into_iter()
    .collect();
    assert!(stream.tally.acknowledged.is_subset(&stored));
    eprintln!(
        "stall: request timeout {timeout:?}; slowest answer while stalled {stalled_latency:?}; \
         /readyz answered in {ready_latency:?}; recovered {recovered:?} after the stall ended; \
         {} acknowledged comments, all stored",
        stream.tally.acknowledged.len()
    );
    // The margin is for a loaded machine; measured figures are in docs/RELIABILITY.md.
    assert!(stalled_latency < timeout + Duration::from_millis(1500));
    assert!(ready_latency < Duration::from_millis(1500));
    pool.close().await;
}
