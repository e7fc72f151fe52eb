//! A private PostgreSQL cluster for development and tests, run from the server binaries
//! installed on the machine. Nothing is downloaded: `initdb` and `postgres` are found on
//! PATH, through `pg_config --bindir`, or under `/usr/lib/postgresql/<n>/bin`.
//!
//! PostgreSQL refuses to run as root, so when this process is root the server runs as
//! the `postgres` system user and the data directory is made theirs. The server listens
//! only on a Unix socket inside the data directory. It is started through a small shell
//! watchdog that holds a pipe from this process: when this process ends, however it ends,
//! the pipe closes and the watchdog stops the server, so no cluster is left behind.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use tokio::process::{Child, Command};

/// The socket is named after this port; with no TCP listener it only names the file.
const PORT: u16 = 5432;
/// The cluster's superuser; trust authentication, socket only.
const SUPERUSER: &str = "concord";
/// Unix socket paths are limited to about 107 bytes.
const MAX_SOCKET_DIR_LEN: usize = 90;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server binaries found (looked on PATH, in `pg_config --bindir` and under \
         /usr/lib/postgresql/<version>/bin). Install the server package (on Debian: \
         `apt-get install postgresql`), or set DATABASE_URL to use a PostgreSQL server you run"
    )]
    NoBinaries,
    #[error(
        "running as root, but there is no `postgres` system user to run the embedded \
         PostgreSQL as (PostgreSQL refuses to run as root); create one, run Concord as a \
         normal user, or set DATABASE_URL"
    )]
    NoPostgresUser,
    #[error("{action} failed: {detail}")]
    Command { action: String, detail: String },
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: io::Error },
    #[error(
        "the embedded PostgreSQL in {path} did not start: {detail}. Is another Concord \
         already running with this data directory?"
    )]
    Start { path: PathBuf, detail: String },
    #[error("could not connect to the embedded PostgreSQL: {0}")]
    Connect(#[from] sqlx::Error),
}

/// Tuning for a throwaway cluster: speed over durability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Keep the data safe (development server).
    Durable,
    /// No fsync: for test clusters that are thrown away.
    Throwaway,
}

/// A running cluster. Call [`Cluster::stop`] for a clean shutdown; dropping it also stops
/// the server (the watchdog sees its pipe close).
pub struct Cluster {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    /// None when another process (a running Concord) already serves this cluster.
    watchdog: Option<Child>,
}

impl Cluster {
    /// Creates the cluster in `data_dir` if it does not exist yet, then starts it.
    pub async fn start(data_dir: &Path, durability: Durability) -> Result<Self, EmbeddedError> {
        let bin = find_bindir().ok_or(EmbeddedError::NoBinaries)?;
        let runner = Runner::detect()?;
        let data_dir = absolute(data_dir)?;
        if !data_dir.join("PG_VERSION").exists() {
            init(&bin, &runner, &data_dir).await?;
        }
        let socket_dir = socket_dir_for(&data_dir, &runner)?;
        let mut cluster = Cluster {
            data_dir,
            socket_dir,
            watchdog: None,
        };
        // A Concord already serving this cluster (`concord admin` beside `concord serve`).
        if cluster.connect_options("postgres").connect().await.is_ok() {
            return Ok(cluster);
        }
        // A server that still holds the directory but takes no connections is shutting
        // down: the watchdog of a Concord that was killed (`kill -9`) stops it as its pipe
        // closes. Wait for it to finish rather than fail on its lock file. (A pid file
        // whose process is gone is stale; PostgreSQL itself replaces it.)
        wait_for_exit_of_previous_server(&cluster.data_dir).await;
        cluster.watchdog = Some(spawn_server(
            &bin,
            &runner,
            &cluster.data_dir,
            &cluster.socket_dir,
            durability,
        )?);
        cluster.wait_ready().await?;
        Ok(cluster)
    }

    /// Connection options for a database of this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .disable_statement_logging()
    }

    /// A URL for tools such as `psql` and `sqlx-cli`.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<(), EmbeddedError> {
        let admin = self.admin_pool().await?;
        let exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(database)
                .fetch_one(&admin)
                .await?;
        if !exists {
            sqlx::query(&format!(
                "create database \"{}\"",
                database.replace('"', "")
            ))
            .execute(&admin)
            .await?;
        }
        admin.close().await;
        Ok(())
    }

    /// A small pool on the `postgres` maintenance database.
    pub async fn admin_pool(&self) -> Result<PgPool, EmbeddedError> {
        Ok(PgPoolOptions::new()
            .max_connections(2)
            .connect_with(self.connect_options("postgres"))
            .await?)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the server cleanly (a fast shutdown: open transactions roll back, committed
    /// data is on disk) and waits for it to exit.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(mut watchdog) = self.watchdog.take() else {
            return Ok(());
        };
        // Closing the watchdog's stdin tells it to stop the server.
        drop(watchdog.stdin.take());
        let status = watchdog.wait().await.map_err(|e| EmbeddedError::Command {
            action: "stopping the embedded PostgreSQL".into(),
            detail: e.to_string(),
        })?;
        tracing::info!(data_dir = %self.data_dir.display(), %status, "embedded PostgreSQL stopped");
        Ok(())
    }

    async fn wait_ready(&mut self) -> Result<(), EmbeddedError> {
        let options = self.connect_options("postgres");
        let mut last_error = String::new();
        for _ in 0..300 {
            if let Some(Ok(Some(status))) = self.watchdog.as_mut().map(Child::try_wait) {
                return Err(EmbeddedError::Start {
                    path: self.data_dir.clone(),
                    detail: format!(
                        "the server exited ({status}); see {}",
                        self.log_path().display()
                    ),
                });
            }
            match options.connect().await {
                Ok(conn) => {
                    drop(conn);
                    return Ok(());
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(EmbeddedError::Start {
            path: self.data_dir.clone(),
            detail: format!("no answer within 15 s ({last_error})"),
        })
    }

    fn log_path(&self) -> PathBuf {
        log_path(&self.data_dir)
    }
}

fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("server.log")
}

/// Finds the directory holding `initdb` and `postgres`.
pub fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_server(d))
    {
        // Follow a symlinked `initdb` to the directory that holds the other tools.
        return std::fs::canonicalize(dir.join("initdb"))
            .ok()
            .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
            .filter(|real| has_server(real))
            .or(Some(dir));
    }
    if let Ok(out) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

/// Who runs the server: this process's user, or `postgres` when we are root.
enum Runner {
    Current,
    Postgres {
        uid: nix::unistd::Uid,
        gid: nix::unistd::Gid,
    },
}

impl Runner {
    fn detect() -> Result<Self, EmbeddedError> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(Runner::Current);
        }
        let user = nix::unistd::User::from_name("postgres")
            .ok()
            .flatten()
            .ok_or(EmbeddedError::NoPostgresUser)?;
        Ok(Runner::Postgres {
            uid: user.uid,
            gid: user.gid,
        })
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut std_command = std::process::Command::new(program);
        if let Runner::Postgres { uid, gid } = self {
            // std drops root's supplementary groups when it changes the uid.
            std_command.uid(uid.as_raw()).gid(gid.as_raw());
        }
        std_command.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        Command::from(std_command)
    }

    /// Makes `dir` (created if needed) belong to the server's user, with mode 0700.
    fn own_dir(&self, dir: &Path) -> Result<(), EmbeddedError> {
        let io_err = |source| EmbeddedError::DataDir {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_err)?;
        if let Runner::Postgres { uid, gid } = self {
            nix::unistd::chown(dir, Some(*uid), Some(*gid))
                .map_err(|e| io_err(io::Error::from(e)))?;
            // The server user must be able to reach the directory through its parents.
            let mut parent = dir.parent();
            while let Some(p) = parent {
                let meta = std::fs::metadata(p).map_err(io_err)?;
                let mode = meta.permissions().mode();
                if mode & 0o001 == 0 {
                    let mut perms = meta.permissions();
                    perms.set_mode(mode | 0o001);
                    std::fs::set_permissions(p, perms).map_err(io_err)?;
                }
                parent = p.parent();
            }
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io_err)
    }
}

fn absolute(path: &Path) -> Result<PathBuf, EmbeddedError> {
    std::path::absolute(path).map_err(|source| EmbeddedError::DataDir {
        path: path.to_path_buf(),
        source,
    })
}

async fn init(bin: &Path, runner: &Runner, data_dir: &Path) -> Result<(), EmbeddedError> {
    runner.own_dir(data_dir)?;
    tracing::info!(data_dir = %data_dir.display(), "creating the embedded PostgreSQL cluster");
    let out = runner
        .command(bin.join("initdb"))
        .arg("--pgdata")
        .arg(data_dir)
        .args([
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
        ])
        .args(["--locale", "C.UTF-8", "--no-instructions"])
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| EmbeddedError::Command {
            action: "running initdb".into(),
            detail: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(EmbeddedError::Command {
            action: "initdb".into(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

/// The socket lives in the data directory when its path is short enough, else in a
/// private directory under the system's temporary directory.
fn socket_dir_for(data_dir: &Path, runner: &Runner) -> Result<PathBuf, EmbeddedError> {
    if data_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        return Ok(data_dir.to_path_buf());
    }
    let dir = std::env::temp_dir().join(format!("concord-pg-{}", std::process::id()));
    runner.own_dir(&dir)?;
    Ok(dir)
}

/// Waits (at most 60 s) while the process named in `postmaster.pid` is alive.
async fn wait_for_exit_of_previous_server(data_dir: &Path) {
    let pid = std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok());
    let Some(pid) = pid else { return };
    let alive = || {
        use nix::errno::Errno;
        match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
            Ok(()) | Err(Errno::EPERM) => true,
            Err(_) => false,
        }
    };
    for _ in 0..1200 {
        if !alive() || !data_dir.join("postmaster.pid").exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tracing::warn!(
        pid,
        "an earlier PostgreSQL server still holds the data directory"
    );
}

fn spawn_server(
    bin: &Path,
    runner: &Runner,
    data_dir: &Path,
    socket_dir: &Path,
    durability: Durability,
) -> Result<Child, EmbeddedError> {
    let mut settings = vec![
        "listen_addresses=".to_string(),
        format!("port={PORT}"),
        format!("unix_socket_directories={}", socket_dir.display()),
        "max_connections=200".to_string(),
    ];
    if durability == Durability::Throwaway {
        settings.extend(
            [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            ]
            .map(String::from),
        );
    }
    let mut args = vec!["-D".to_string(), data_dir.display().to_string()];
    for setting in settings {
        args.push("-c".to_string());
        args.push(setting);
    }
    // The watchdog: start the server, wait for stdin to close, then ask the server for a
    // fast shutdown and wait for it. It ignores SIGINT so that a Ctrl-C in the terminal
    // (which reaches the server too) still lets it wait for the server to finish.
    let script = r#"
trap '' INT TERM
exec 3<&0
"$0" "$@" >>"$CONCORD_PG_LOG" 2>&1 </dev/null &
pid=$!
( cat >/dev/null; kill -INT "$pid" 2>/dev/null ) <&3 &
wait "$pid"
"#;
    runner
        .command("sh")
        .arg("-c")
        .arg(script)
        .arg(bin.join("postgres"))
        .args(args)
        .env("CONCORD_PG_LOG", log_path(data_dir))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(false)
        .spawn()
        .map_err(|e| EmbeddedError::Command {
            action: "starting postgres".into(),
            detail: e.to_string(),
        })
}
