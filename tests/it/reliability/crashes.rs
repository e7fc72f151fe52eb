//! Crash safety: `kill -9` of Concord in the middle of a stream of writes, and of its
//! embedded PostgreSQL server. Every write that was acknowledged (a redirect) is stored,
//! nothing is stored by halves (each comment has its audit entry, and the other way
//! round), and `concord serve` started again on the same data directory recovers on its
//! own: PostgreSQL's crash recovery, a stale `postmaster.pid`, a watchdog whose pipe closed.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use concord::db::EMBEDDED_DATABASE;
use concord::db::embedded::{Cluster, Durability};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::Mutex;

use super::shutdown::Server;
use super::{comments_audited, first_demo_post, nonce, until};
use crate::support::Client;

const WRITERS: usize = 6;

/// A pool on the cluster a running `concord serve` holds (this process only shares it).
async fn shared_pool(data: &Path) -> (Cluster, PgPool) {
    let cluster = Cluster::start(data, Durability::Durable)
        .await
        .expect("the cluster");
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(cluster.connect_options(EMBEDDED_DATABASE))
        .await
        .expect("connect");
    (cluster, pool)
}

/// Writers commenting on `post` until `stop`; the bodies of the comments acknowledged.
async fn writers(
    address: &str,
    post: &str,
    tag: u32,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) -> tokio::task::JoinSet<()> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..WRITERS {
        let client = Client::at(address);
        client.dev_sign_in(&format!("crash-{tag}-{i}")).await;
        let token = client.csrf_token().await;
        let (post, stop, acknowledged) = (post.to_string(), stop.clone(), acknowledged.clone());
        set.spawn(async move {
            for j in 0.. {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let body = format!("crash {tag} {i} {j}");
                let sent = client
                    .http
                    .post(client.url(&format!("{post}/comments")))
                    .header("origin", &client.address)
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("body", body.as_str()),
                        ("idempotency_key", nonce(tag, i, j).as_str()),
                    ])
                    .timeout(Duration::from_secs(20))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().as_u16() == 303 => {
                        acknowledged.lock().await.push(body)
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    // The server is gone.
                    Err(_) => return,
                }
            }
        });
    }
    set
}

/// Every acknowledged comment is stored, and comments and their audit entries match.
async fn nothing_half_written(pool: &PgPool, tag: u32, acknowledged: &[String]) {
    let stored: i64 = sqlx::query_scalar("select count(*) from post_comments where body = any($1)")
        .bind(acknowledged)
        .fetch_one(pool)
        .await
        .expect("stored");
    assert_eq!(
        stored as usize,
        acknowledged.len(),
        "an acknowledged comment was lost"
    );
    let prefix = format!("crash-{tag}-");
    let comments: i64 = sqlx::query_scalar(
        "select count(*) from post_comments c join users u on u.id = c.author_id
         where u.login like $1 || '%'",
    )
    .bind(&prefix)
    .fetch_one(pool)
    .await
    .expect("comments");
    assert_eq!(
        comments,
        comments_audited(pool, &prefix).await,
        "a comment without its audit entry, or the other way round"
    );
    assert!(comments as usize >= acknowledged.len());
}

/// Starts the stream, lets `acknowledged` pass `at_least`, then runs `crash`.
async fn crash_mid_stream(
    address: &str,
    post: &str,
    tag: u32,
    crash: impl FnOnce(),
) -> Vec<String> {
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut set = writers(address, post, tag, stop.clone(), acknowledged.clone()).await;
    until("writes to be acknowledged", Duration::from_secs(60), || {
        let acknowledged = acknowledged.clone();
        async move { acknowledged.lock().await.len() >= 40 }
    })
    .await;
    crash();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    while set.join_next().await.is_some() {}
    acknowledged.lock().await.clone()
}

/// `concord serve` on a new embedded cluster in `dir`, and the first demo post's path.
async fn first_start(dir: &Path) -> (Server, String) {
    let server = Server::start_embedded(&dir.join("data"), dir).await;
    let (cluster, pool) = shared_pool(&dir.join("data")).await;
    let post = first_demo_post(&pool).await;
    pool.close().await;
    drop(cluster);
    (server, post)
}

/// Starts `concord serve` again on the same directory: it comes up on its own, lost
/// nothing acknowledged, wrote nothing by halves, and takes writes; then stops cleanly.
async fn restart_and_check(dir: &Path, post: &str, tag: u32, acknowledged: &[String]) {
    let data = dir.join("data");
    let mut server = Server::start_embedded(&data, dir).await;
    let (cluster, pool) = shared_pool(&data).await;
    nothing_half_written(&pool, tag, acknowledged).await;
    let client = Client::at(&server.address);
    client.dev_sign_in("crash-after").await;
    client
        .post(&format!("{post}/comments"), &[("body", "After the crash.")])
        .await
        .assert_status(303);
    pool.close().await;
    drop(cluster);
    server.terminate();
    assert!(
        server.exit(Duration::from_secs(30)).await.success(),
        "{}",
        server.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_concord_mid_writes_loses_nothing_and_a_restart_recovers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut server, post) = first_start(dir.path()).await;
    let acknowledged = crash_mid_stream(&server.address, &post, 91, || server.kill9()).await;
    server.exit(Duration::from_secs(10)).await;
    // Straight back up on the same directory, with no manual step.
    restart_and_check(dir.path(), &post, 91, &acknowledged).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_postgresql_mid_writes_loses_nothing_and_a_restart_recovers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut server, post) = first_start(dir.path()).await;
    let data = dir.path().join("data");
    let postmaster: i32 = std::fs::read_to_string(data.join("postmaster.pid"))
        .expect("postmaster.pid")
        .lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
        .expect("the postmaster's pid");
    let acknowledged = crash_mid_stream(&server.address, &post, 92, || {
        kill(Pid::from_raw(postmaster), Signal::SIGKILL).expect("SIGKILL postgres")
    })
    .await;
    // Concord stays up and says the database is unavailable.
    let visitor = Client::at(&server.address);
    assert_eq!(visitor.get("/readyz").await.status.as_u16(), 503);
    server.terminate();
    server.exit(Duration::from_secs(30)).await;
    assert!(
        data.join("postmaster.pid").exists(),
        "the killed server left its pid file"
    );
    restart_and_check(dir.path(), &post, 92, &acknowledged).await;
}
