//! The command line: `serve` (the default), `migrate`, `seed-demo`, `seed-scale`, `export`,
//! `github` and `admin`.

use std::error::Error;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::app::{AppState, Clock};
use crate::config::{ConfigArgs, Environment, LogFormat};
use crate::db::{self, Database};
use crate::{auth, demo, router, scale};

#[derive(Debug, Parser)]
#[command(
    name = "concord",
    version,
    about = "Run an open-source community's teams in the open."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Do not load demo data into an empty database (development mode only loads it).
    #[arg(long, global = true)]
    pub no_demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Concord (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data (fictional teams and people) into an empty database.
    SeedDemo,
    /// Fill an empty database with generated scale data for benchmarks (see
    /// docs/BENCHMARKS.md): fictional people, teams, decisions, RFCs, posts.
    SeedScale {
        /// "large" is 100,000 people and everything in proportion; "small" is ten times smaller.
        #[arg(long, value_enum, default_value_t = ScaleSize::Large)]
        size: ScaleSize,
        /// The number of people, overriding the size (everything else follows it).
        #[arg(long)]
        people: Option<i64>,
    },
    /// Write the whole public record into a directory as JSON Lines, for archiving (the
    /// format is in the README, "Exports").
    Export {
        /// The directory to write into (created if missing; files in it are replaced).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The GitHub App's team sync (needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and
    /// GITHUB_ORG).
    Github {
        #[command(subcommand)]
        action: GithubAction,
    },
    /// Manage site administrators.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ScaleSize {
    Large,
    Small,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Make a GitHub login a site administrator (they need not have signed in yet).
    Grant { login: String },
    /// Take administrator rights away from a login.
    Revoke { login: String },
    /// Remove a person: end all their sessions and refuse their sign-ins. Their past
    /// contributions stay. Recorded in the audit log.
    Remove { login: String },
    /// Let a removed person sign in again. Recorded in the audit log.
    Restore { login: String },
}

#[derive(Debug, Subcommand)]
pub enum GithubAction {
    /// Print, for every linked team, who GitHub has that Concord's ledger does not and the
    /// reverse, with the ledger row that explains each. Exits 2 when anything differs.
    Plan,
    /// Make GitHub match the ledger, writing each change to the audit log.
    Apply,
}

/// `concord github plan` found differences: the process exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("GitHub differs from the ledger in {0} place(s)")]
pub struct Drift(pub usize);

type CliResult = Result<(), Box<dyn Error + Send + Sync>>;

pub async fn run(cli: Cli) -> CliResult {
    init_tracing(&cli.config.log, cli.config.log_format);
    let config = cli.config.validate()?;
    let database = Database::connect(&config).await?;
    db::migrate(&database.pool).await?;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let seed = config.environment == Environment::Development && !cli.no_demo;
            serve(&database, config, seed).await
        }
        Command::Migrate => {
            println!("Migrations applied.");
            Ok(())
        }
        Command::SeedDemo => {
            match demo::seed_if_empty(&database.pool, Clock::system().now()).await? {
                true => {
                    println!("Demo data loaded.");
                    Ok(())
                }
                false => Err(
                    "the database is not empty; demo data is only loaded into an empty one".into(),
                ),
            }
        }
        Command::SeedScale { size, people } => seed_scale(&database, size, people).await,
        Command::Export { out } => {
            let counts =
                crate::export::archive::export(&database.pool, &out, Clock::system().now()).await?;
            for (name, lines) in counts {
                println!("{name}: {lines} lines");
            }
            println!("Exported the public record to {}.", out.display());
            Ok(())
        }
        Command::Admin { action } => admin(&database, action).await,
        Command::Github { action } => github(&database, &config, action).await,
    };
    database.close().await;
    result
}

async fn serve(database: &Database, config: crate::config::Config, seed: bool) -> CliResult {
    let clock = Clock::system();
    if seed && demo::seed_if_empty(&database.pool, clock.now()).await? {
        tracing::info!("loaded demo data into the empty database");
    }
    let listener = TcpListener::bind(config.bind).await.map_err(|e| {
        format!(
            "could not listen on {}: {e} (set CONCORD_BIND to another address)",
            config.bind
        )
    })?;
    let public_url = config.public_url.clone();
    if config.dev_sign_in() {
        tracing::warn!(
            "development mode: anyone can sign in as anyone (no GitHub client configured)"
        );
    }
    let state = AppState::new(database.pool.clone(), config, clock)?;
    let cleanup = tokio::spawn(router::delete_expired_sessions(database.pool.clone()));
    let github = tokio::spawn(crate::github::sync::run(state.clone()));
    let notifications = tokio::spawn(crate::notify::worker::run(state.clone()));
    let app = router::build(state);
    tracing::info!("Concord is listening on {public_url}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    cleanup.abort();
    notifications.abort();
    github.abort();
    tracing::info!("shut down");
    Ok(())
}

async fn seed_scale(database: &Database, size: ScaleSize, people: Option<i64>) -> CliResult {
    let people = people.unwrap_or(match size {
        ScaleSize::Large => scale::Sizes::LARGE_PEOPLE,
        ScaleSize::Small => scale::Sizes::LARGE_PEOPLE / 10,
    });
    let sizes = scale::Sizes::for_people(people);
    eprintln!("Seeding {sizes:?}");
    let report = scale::seed(&database.pool, sizes, Clock::system().now(), true).await?;
    println!(
        "Seeded {} rows ({} people, {} teams, {} pieces of feedback, {} likes, {} comments) in {:.1} s.",
        report.rows,
        sizes.people,
        sizes.teams,
        sizes.feedback(),
        sizes.likes(),
        sizes.comments(),
        report.seconds
    );
    Ok(())
}

async fn admin(database: &Database, action: AdminAction) -> CliResult {
    let (login, grant) = match &action {
        AdminAction::Grant { login } => (login.trim(), true),
        AdminAction::Revoke { login } => (login.trim(), false),
        AdminAction::Remove { login } => return remove(database, login.trim(), true).await,
        AdminAction::Restore { login } => return remove(database, login.trim(), false).await,
    };
    if let Some(problem) = auth::model::login_problem(login) {
        return Err(problem.into());
    }
    let now = Clock::system().now();
    let user = match auth::db::find_by_login(&database.pool, login).await? {
        Some(user) => user,
        None if grant => auth::db::ensure_by_login(&database.pool, login, None, now).await?,
        None => return Err(format!("nobody with the login {login} is known").into()),
    };
    auth::db::set_admin(&database.pool, user.id, grant, now).await?;
    println!(
        "{} is {} a site administrator.",
        user.login,
        if grant { "now" } else { "no longer" }
    );
    Ok(())
}

async fn github(
    database: &Database,
    config: &crate::config::Config,
    action: GithubAction,
) -> CliResult {
    use crate::github::{app::GithubApp, sync};
    let Some(app_config) = &config.github_app else {
        return Err(
            "the GitHub App is not configured: set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and GITHUB_ORG"
                .into(),
        );
    };
    let app = GithubApp::new(app_config)?;
    let now = Clock::system().now();
    let plans = sync::plan_all(&database.pool, &app, now).await?;
    if plans.is_empty() {
        println!("No Concord team is linked to a GitHub team of {}.", app.org);
    }
    for plan in &plans {
        println!(
            "{} ({}) and {}:",
            plan.link.team_name, plan.link.team_slug, plan.github_team
        );
        if plan.changes.is_empty() {
            println!("  in step");
        }
        for change in &plan.changes {
            let what = match change.action {
                crate::github::model::Action::Add => "+ add   ",
                crate::github::model::Action::Remove => "- remove",
            };
            println!("  {what} {}  ({})", change.login, change.why);
        }
    }
    let drift: usize = plans.iter().map(|p| p.changes.len()).sum();
    match action {
        GithubAction::Plan if drift > 0 => Err(Box::new(Drift(drift))),
        GithubAction::Plan => Ok(()),
        GithubAction::Apply => {
            let made = sync::apply(&database.pool, &app, &plans, None, now).await?;
            println!("{made} change(s) made on GitHub.");
            Ok(())
        }
    }
}

async fn remove(database: &Database, login: &str, removed: bool) -> CliResult {
    let now = Clock::system().now();
    let changed = auth::remove_person(&database.pool, login, removed, None, now).await?;
    let state = if removed { "removed" } else { "restored" };
    match changed {
        true => println!("{login} is {state}."),
        false => println!("{login} was already {state}; nothing changed."),
    }
    Ok(())
}

fn init_tracing(filter: &str, format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
