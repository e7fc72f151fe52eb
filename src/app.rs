//! The state every handler shares: the pool, the configuration, the GitHub client and
//! the clock. Nothing in it matters across restarts; all that does lives in PostgreSQL.

use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::auth::github::GithubClient;
use crate::config::Config;
use crate::web::cache::Cache;
use crate::web::rate_limit::RateLimits;

/// Cloned for every layer and extractor of every request, so one shared allocation.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub github: Option<Arc<GithubClient>>,
    /// The GitHub App (team sync), when configured; it keeps its installation token.
    pub github_app: Option<Arc<crate::github::app::GithubApp>>,
    pub clock: Clock,
    pub rate_limits: Arc<RateLimits>,
    /// The JSON API's rendered documents, until the next recorded change.
    pub api_cache: Cache<crate::audit::db::Version, crate::api::Document>,
    /// Pages as visitors see them, until the next recorded change or second.
    pub page_cache: Cache<crate::web::page_cache::Version, crate::web::page_cache::Kept>,
    /// Each signed-in person's inbox, while it stands.
    pub inbox: crate::inbox::kept::Kept,
    /// Where mail goes: an SMTP server, or kept for /dev/mail in development.
    pub mailer: crate::notify::mail::Mailer,
    /// The HTTP client webhook deliveries go through (no redirects followed).
    pub webhook_client: reqwest::Client,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config, clock: Clock) -> Result<Self, crate::error::AppError> {
        let github = config
            .github
            .as_ref()
            .map(|github| GithubClient::new(github, &config.public_url).map(Arc::new))
            .transpose()?;
        let github_app = config
            .github_app
            .as_ref()
            .map(|app| crate::github::app::GithubApp::new(app).map(Arc::new))
            .transpose()?;
        let mailer = crate::notify::mail::Mailer::from_config(&config.mail)
            .map_err(crate::error::AppError::Internal)?;
        let webhook_client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(crate::error::AppError::internal)?;
        Ok(AppState(Arc::new(Shared {
            webhook_client,
            mailer,
            pool,
            rate_limits: RateLimits::new(&config.limits),
            config: Arc::new(config),
            github,
            github_app,
            clock,
            api_cache: Cache::default(),
            page_cache: Cache::default(),
            inbox: Default::default(),
        })))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Where `now` comes from. Handlers read it once per request and pass it down, so rules
/// take time as a parameter and tests move time instead of sleeping.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<OffsetDateTime>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    /// A clock that stands still at `at` until moved with [`Clock::set`] or [`Clock::advance`].
    pub fn fixed(at: OffsetDateTime) -> Self {
        Clock {
            fixed: Some(Arc::new(Mutex::new(at))),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.fixed {
            Some(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => OffsetDateTime::now_utc(),
        }
    }

    /// Moves a fixed clock to `at`; a system clock cannot be moved.
    pub fn set(&self, at: OffsetDateTime) {
        if let Some(fixed) = &self.fixed {
            *fixed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
        }
    }

    pub fn advance(&self, by: time::Duration) {
        self.set(self.now() + by);
    }
}
