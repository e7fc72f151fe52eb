//! The real binary under SIGTERM with requests in flight: it stops accepting, finishes
//! every request it accepted (each gets its full answer), writes nothing by halves, and
//! exits 0 promptly. Started again on the same database, it serves the same data.
//!
//! The requests are made slow without sleeping: the test holds a lock on `post_comments`,
//! so every comment waits inside its transaction until the test lets go, after SIGTERM.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgPoolOptions;
use tokio::process::{Child, Command};
use tokio::task::JoinSet;

use super::{HANG, nonce, until};
use crate::support::{Client, database};

/// Below the pool's 16 connections: each waiting comment holds one.
const IN_FLIGHT: usize = 12;

/// `concord serve` on a free port, its log in `dir`.
pub struct Server {
    child: Child,
    pub address: String,
    bind: std::net::SocketAddr,
    log: std::path::PathBuf,
}

impl Server {
    pub async fn start(database_url: &str, dir: &Path) -> Server {
        Self::start_with(Some(database_url), None, dir).await
    }

    /// `concord serve` on its embedded PostgreSQL in `data_dir`.
    pub async fn start_embedded(data_dir: &Path, dir: &Path) -> Server {
        Self::start_with(None, Some(data_dir), dir).await
    }

    async fn start_with(database_url: Option<&str>, data_dir: Option<&Path>, dir: &Path) -> Server {
        let bind = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let log = dir.join(format!("serve-{}.log", bind.port()));
        let file = std::fs::File::create(&log).expect("log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
        for var in [
            "DATABASE_URL",
            "CONCORD_DATA_DIR",
            "GITHUB_CLIENT_ID",
            "GITHUB_CLIENT_SECRET",
            "CONCORD_PUBLIC_URL",
            "CONCORD_ENV",
            "CONCORD_LOG",
        ] {
            command.env_remove(var);
        }
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(data_dir) = data_dir {
            command.env("CONCORD_DATA_DIR", data_dir);
        }
        let child = command
            .arg("serve")
            .env("CONCORD_BIND", bind.to_string())
            // Every client here is 127.0.0.1: no rate limits (12 sign-ins in a second).
            .env("CONCORD_RATE_SIGN_INS_PER_ADDRESS", "0")
            .env("CONCORD_RATE_WRITES_PER_PERSON", "0")
            .env("CONCORD_RATE_WRITES_PER_ADDRESS", "0")
            .stdout(Stdio::null())
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .expect("start concord serve");
        let mut server = Server {
            child,
            address: format!("http://{bind}"),
            bind,
            log,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&mut self) {
        let http = reqwest::Client::new();
        let url = format!("{}/readyz", self.address);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("concord serve exited ({status}):\n{}", self.log());
            }
            if let Ok(response) = http.get(&url).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "concord serve did not become ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no cleanup of any kind.
    pub fn kill9(&self) {
        let pid = self.child.id().expect("running") as i32;
        kill(Pid::from_raw(pid), Signal::SIGKILL).expect("SIGKILL");
    }

    pub fn terminate(&self) {
        let pid = self.child.id().expect("running") as i32;
        kill(Pid::from_raw(pid), Signal::SIGTERM).expect("SIGTERM");
    }

    /// Whether the server still takes new connections.
    async fn accepts(&self) -> bool {
        tokio::net::TcpStream::connect(self.bind).await.is_ok()
    }

    /// Waits for the process to end, at most `within`.
    pub async fn exit(&mut self, within: Duration) -> ExitStatus {
        match tokio::time::timeout(within, self.child.wait()).await {
            Ok(status) => status.expect("wait"),
            Err(_) => panic!("concord did not exit within {within:?}:\n{}", self.log()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_requests_in_flight_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    // An empty database: `serve` migrates it and loads the demo data.
    let options = database::empty_database().await;
    let url = database::url(&options);
    let mut server = Server::start(&url, dir.path()).await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("pool");
    let post = super::first_demo_post(&pool).await;
    let mut people = Vec::new();
    for i in 0..IN_FLIGHT {
        let person = Client::at(&server.address);
        person.dev_sign_in(&format!("leaver-{i}")).await;
        person.csrf_token().await;
        people.push(person);
    }

    // Hold the comments back, send them all, and wait until every one is waiting.
    let mut lock = pool.begin().await.expect("begin");
    sqlx::query("lock table post_comments in share mode")
        .execute(&mut *lock)
        .await
        .expect("lock");
    let mut requests = JoinSet::new();
    for (i, person) in people.into_iter().enumerate() {
        let path = format!("{post}/comments");
        requests.spawn(async move {
            let nonce = nonce(4, i, 0);
            let body = format!("Said just before the restart, {i}");
            let page = tokio::time::timeout(
                HANG,
                person.post(
                    &path,
                    &[("body", body.as_str()), ("idempotency_key", nonce.as_str())],
                ),
            )
            .await
            .expect("no request hangs");
            (format!("leaver-{i}"), nonce, page)
        });
    }
    until(
        "every comment to wait on the lock",
        Duration::from_secs(10),
        || async {
            let waiting: i64 = sqlx::query_scalar(
                "select count(*) from pg_locks
             where not granted and relation = 'post_comments'::regclass",
            )
            .fetch_one(&pool)
            .await
            .expect("pg_locks");
            waiting == IN_FLIGHT as i64
        },
    )
    .await;

    // SIGTERM: new connections are refused at once; what is in flight continues.
    let signalled = Instant::now();
    server.terminate();
    until(
        "the server to stop accepting",
        Duration::from_secs(5),
        || async { !server.accepts().await },
    )
    .await;
    assert!(
        server.child.try_wait().expect("status").is_none(),
        "the server waits for its requests in flight"
    );
    lock.rollback().await.expect("let go");
    let mut acknowledged = Vec::new();
    while let Some(joined) = requests.join_next().await {
        let (login, nonce, page) = joined.expect("request");
        // A complete answer: the redirect to the new comment.
        page.assert_status(303);
        assert!(
            page.location().is_some_and(|l| l.contains("#comment-")),
            "{:?}",
            page.location()
        );
        acknowledged.push((login, nonce));
    }
    let status = server.exit(Duration::from_secs(10)).await;
    let shutdown = signalled.elapsed();
    assert!(status.success(), "exit status {status}:\n{}", server.log());
    assert!(server.log().contains("shut down"), "{}", server.log());

    // Every acknowledged comment, each with its audit entry; nothing else.
    let mut stored: Vec<(String, String)> = sqlx::query_as(
        "select u.login, c.form_nonce from post_comments c join users u on u.id = c.author_id
         where u.login like 'leaver-%'",
    )
    .fetch_all(&pool)
    .await
    .expect("comments");
    stored.sort();
    acknowledged.sort();
    assert_eq!(stored, acknowledged);
    let audited = super::comments_audited(&pool, "leaver-").await;
    assert_eq!(audited, IN_FLIGHT as i64);

    // Started again on the same database: migrations and demo data are not applied twice,
    // and what was written is served.
    let teams_before: i64 = sqlx::query_scalar("select count(*) from teams")
        .fetch_one(&pool)
        .await
        .expect("teams");
    let mut again = Server::start(&url, dir.path()).await;
    Client::at(&again.address)
        .get(&post)
        .await
        .assert_status(200)
        .assert_contains("Said just before the restart, 0");
    let teams_after: i64 = sqlx::query_scalar("select count(*) from teams")
        .fetch_one(&pool)
        .await
        .expect("teams");
    assert_eq!(teams_before, teams_after, "the demo data is loaded once");
    let idle_signalled = Instant::now();
    again.terminate();
    let status = again.exit(Duration::from_secs(10)).await;
    assert!(status.success(), "exit status {status}:\n{}", again.log());
    eprintln!(
        "shutdown: {IN_FLIGHT} requests in flight at SIGTERM all answered 303 and stored; \
         exit 0 {shutdown:?} after SIGTERM (including the held lock); idle exit {:?}",
        idle_signalled.elapsed()
    );
    pool.close().await;
}
