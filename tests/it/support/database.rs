//! A fresh database for every test. One PostgreSQL serves the whole test run: the
//! server at DATABASE_URL when it is set, otherwise a throwaway embedded cluster (the same
//! machinery `cargo run` uses). Migrations run once into a template database; each test
//! gets a copy of it, which takes a few milliseconds.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use concord::db::embedded::{Cluster, Durability};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

struct Server {
    /// Options for the maintenance connection; the database name is set per use.
    options: PgConnectOptions,
    template: String,
    prefix: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        // The cluster must outlive every test's runtime, so it gets a thread and a runtime
        // of its own that live until the process exits (the watchdog then stops it).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("test runtime");
            runtime.block_on(async move {
                let (server, cluster) = start().await;
                tx.send(server).expect("send test database server");
                // Keep the cluster (and its watchdog's pipe) alive for the whole run.
                let _cluster = cluster;
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the test database server did not start")
    })
}

async fn start() -> (Server, Option<Cluster>) {
    let pid = std::process::id();
    let (options, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let options: PgConnectOptions = url.parse().expect("DATABASE_URL");
            (options, None)
        }
        _ => {
            remove_stale_clusters();
            let dir = std::env::temp_dir().join(format!("concord-test-{pid}"));
            let cluster = Cluster::start(&dir, Durability::Throwaway)
                .await
                .unwrap_or_else(|e| panic!("cannot start the test database: {e}"));
            (cluster.connect_options("postgres"), Some(cluster))
        }
    };
    let options = options.disable_statement_logging();
    let prefix = format!("concord_test_{pid}");
    let template = format!("{prefix}_template");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .expect("connect to the test database server");
    sqlx::query(&format!("drop database if exists {template}"))
        .execute(&admin)
        .await
        .expect("drop old template");
    sqlx::query(&format!("create database {template}"))
        .execute(&admin)
        .await
        .expect("create template database");
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone().database(&template))
        .await
        .expect("connect to template database");
    concord::db::migrate(&pool)
        .await
        .expect("migrate the template database");
    pool.close().await;
    admin.close().await;
    (
        Server {
            options,
            template,
            prefix,
        },
        cluster,
    )
}

/// Removes clusters of earlier test runs whose process is gone.
fn remove_stale_clusters() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("concord-test-")) else {
            continue;
        };
        if !std::path::Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A database name not used before in this run: `<prefix>_<kind><n>`.
fn new_name(server: &Server, kind: &str) -> String {
    format!(
        "{}_{kind}{}",
        server.prefix,
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A connection to the server's maintenance database, to create databases with.
async fn admin(server: &Server) -> sqlx::PgConnection {
    server
        .options
        .clone()
        .connect()
        .await
        .expect("connect to the test database server")
}

/// A new database with every migration applied, and a pool on it.
pub async fn fresh_database() -> (PgPool, PgConnectOptions) {
    let server = server();
    let name = new_name(server, "");
    let mut admin = admin(server).await;
    // Copies of one template may not run at the same moment; retry briefly when they do.
    let mut attempts = 0;
    loop {
        let created = sqlx::query(&format!(
            "create database {name} template {}",
            server.template
        ))
        .execute(&mut admin)
        .await;
        match created {
            Ok(_) => break,
            Err(e) if attempts < 50 && e.to_string().contains("being accessed by other users") => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => panic!("create test database: {e}"),
        }
    }
    let options = server.options.clone().database(&name);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options.clone())
        .await
        .expect("connect to the test database");
    (pool, options)
}

/// A new database with nothing in it (no migrations), for the migration tests.
pub async fn empty_database() -> PgConnectOptions {
    let server = server();
    let name = new_name(server, "empty_");
    let mut admin = admin(server).await;
    sqlx::query(&format!("create database {name} template template0"))
        .execute(&mut admin)
        .await
        .expect("create an empty database");
    server.options.clone().database(&name)
}

/// A `postgres://` URL for these options, for the binary and the PostgreSQL tools
/// (a password, if the server needs one, comes from the environment: PGPASSWORD).
pub fn url(options: &PgConnectOptions) -> String {
    let host = options
        .get_socket()
        .map(|s| s.display().to_string())
        .unwrap_or_else(|| options.get_host().to_string());
    format!(
        "postgres://{}@localhost:{}/{}?host={host}",
        options.get_username(),
        options.get_port(),
        options.get_database().expect("database name"),
    )
}
