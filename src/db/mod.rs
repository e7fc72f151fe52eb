//! The database: a pool on `DATABASE_URL`, or on the embedded cluster when it is unset;
//! and the migrations, embedded in the binary.

pub mod embedded;

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::Config;
use embedded::{Cluster, Durability, EmbeddedError};

/// The database name inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "concord";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error("could not connect to the database at DATABASE_URL: {0}")]
    Connect(sqlx::Error),
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    Url(sqlx::Error),
    #[error("applying migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A pool, and the embedded cluster behind it if there is one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<Cluster>,
}

impl Database {
    pub async fn connect(config: &Config) -> Result<Self, DbError> {
        match &config.database_url {
            Some(url) => {
                let options: PgConnectOptions = url.parse().map_err(DbError::Url)?;
                let pool = pool_options()
                    .connect_with(options)
                    .await
                    .map_err(DbError::Connect)?;
                Ok(Database {
                    pool,
                    cluster: None,
                })
            }
            None => {
                let cluster = Cluster::start(&config.data_dir, Durability::Durable).await?;
                cluster.ensure_database(EMBEDDED_DATABASE).await?;
                tracing::info!(url = %cluster.url(EMBEDDED_DATABASE), "embedded PostgreSQL is running");
                let pool = pool_options()
                    .connect_with(cluster.connect_options(EMBEDDED_DATABASE))
                    .await
                    .map_err(EmbeddedError::from)?;
                Ok(Database {
                    pool,
                    cluster: Some(cluster),
                })
            }
        }
    }

    /// Closes the pool, then stops the embedded cluster if this process started it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster
            && let Err(e) = cluster.stop().await
        {
            tracing::error!(error = %e, "stopping the embedded PostgreSQL failed");
        }
    }
}

/// Pool settings: fail fast when the database is away rather than queue forever. A
/// connection that sat idle for a while is pinged before use (it may have been dropped);
/// one in steady use is not, which would cost a round trip per statement.
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(3))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > Duration::from_secs(1) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

pub async fn migrate(pool: &PgPool) -> Result<(), DbError> {
    sqlx::migrate!().run(pool).await?;
    Ok(())
}
