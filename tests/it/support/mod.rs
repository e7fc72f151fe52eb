//! The test harness: the real Concord router served on a loopback port with a fresh
//! database, people with their own cookie jars, and a stand-in GitHub.

#![allow(dead_code)]

pub mod browser;
pub mod database;
pub mod documents;
pub mod github;
pub mod github_app;
pub mod html;
pub mod logs;
pub mod receiver;
pub mod scenario;
pub mod smtp;

use std::sync::Arc;

use concord::app::{AppState, Clock};
use concord::config::{Config, Environment, Limits, MailConfig};
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, LOCATION};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use time::OffsetDateTime;
use time::macros::datetime;

pub use browser::Browser;
pub use documents::Documents;
pub use github::{Fault, StandInGithub};

/// Where the test clock starts. Tests move it; nobody sleeps.
pub const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Configure sign-in with the stand-in GitHub (turns development sign-in off).
    pub github: bool,
    /// Configure the GitHub App against the stand-in GitHub (sign-in stays as `github`
    /// says).
    pub github_app: bool,
    /// Pretend to be served over https (Secure cookies, HSTS).
    pub https: bool,
    pub environment: Option<Environment>,
    /// Limits to run with. Unset: the defaults without rate limits (every test comes
    /// from 127.0.0.1); rate-limit tests opt in here.
    pub limits: Option<Limits>,
    /// Serve from this database instead of a fresh copy of the template (the reliability
    /// tests bring their own cluster).
    pub database: Option<(PgPool, PgConnectOptions)>,
    /// A shorter request timeout than the default 15 s (the database stall test).
    pub request_timeout: Option<std::time::Duration>,
    /// Send mail to this SMTP server (`smtp://127.0.0.1:<port>`) instead of keeping it.
    pub smtp: Option<String>,
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub address: String,
    pub pool: PgPool,
    pub db_options: PgConnectOptions,
    pub clock: Clock,
    pub github: Option<StandInGithub>,
    pub config: Config,
    /// Every HTML document the app has sent, for the browser tests' checks.
    pub documents: Documents,
    /// The application's state, for running the notification worker's passes.
    pub state: AppState,
}

impl TestApp {
    /// Concord in development mode (development sign-in), on a fresh database.
    pub async fn spawn() -> Self {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> Self {
        logs::install();
        let (pool, db_options) = match options.database.clone() {
            Some(database) => database,
            None => database::fresh_database().await,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let bind = listener.local_addr().expect("address");
        let address = format!("http://{bind}");
        let clock = Clock::fixed(START);
        let github = match options.github || options.github_app {
            true => Some(StandInGithub::start_with_clock(clock.clone()).await),
            false => None,
        };
        let public_url = if options.https {
            format!("https://{bind}")
        } else {
            address.clone()
        };
        let mut config = Config {
            environment: options.environment.unwrap_or(Environment::Development),
            bind,
            public_url: public_url.parse().expect("public url"),
            database_url: None,
            data_dir: "unused".into(),
            github: github
                .as_ref()
                .filter(|_| options.github)
                .map(StandInGithub::config),
            github_app: github
                .as_ref()
                .filter(|_| options.github_app)
                .map(StandInGithub::app_config),
            limits: options
                .limits
                .clone()
                .unwrap_or_else(Limits::without_rate_limits),
            mail: match &options.smtp {
                Some(url) => MailConfig::smtp(url),
                None => MailConfig::keep(),
            },
        };
        if let Some(timeout) = options.request_timeout {
            config.limits.request_timeout = timeout;
        }
        let state = AppState::new(pool.clone(), config.clone(), clock.clone()).expect("app state");
        let documents = Documents::default();
        let app = documents.record(concord::router::build(state.clone()));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        TestApp {
            address,
            pool,
            db_options,
            clock,
            github,
            config,
            documents,
            state,
        }
    }

    /// A new person at a new browser: their own cookies, signed in as nobody.
    pub fn visitor(&self) -> Client {
        Client::at(&self.address)
    }

    /// A person signed in through development sign-in as `login`.
    pub async fn signed_in(&self, login: &str) -> Client {
        let client = self.visitor();
        client.dev_sign_in(login).await;
        client
    }

    /// Makes `login` a site administrator (as `concord admin grant` does).
    pub async fn make_admin(&self, login: &str) {
        let now = self.clock.now();
        let user = concord::auth::db::ensure_by_login(&self.pool, login, None, now)
            .await
            .expect("user");
        concord::auth::db::set_admin(&self.pool, user.id, true, now)
            .await
            .expect("grant admin");
    }

    /// The stand-in GitHub (only with `Options::github`).
    pub fn github(&self) -> &StandInGithub {
        self.github
            .as_ref()
            .expect("spawned without the stand-in GitHub")
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in the page:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.body.contains(needle),
            "did not expect {needle:?} in the page:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_redirect(&self, to: &str) -> &Self {
        assert!(
            self.status.is_redirection(),
            "expected a redirect, got {}:\n{}",
            self.status,
            self.body
        );
        assert_eq!(self.location(), Some(to));
        self
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect()
    }
}

/// One person's browser: a cookie jar, no automatic redirects, and the CSRF token of
/// the last page that had a form.
pub struct Client {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub address: String,
    csrf: std::sync::Mutex<Option<String>>,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("body");
        if let Some(token) = find_csrf_token(&body) {
            *self.csrf.lock().expect("csrf") = Some(token);
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.http.get(self.url(path)).send().await.expect("GET");
        self.read(response).await
    }

    /// GET, following redirects on this site.
    pub async fn get_follow(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        for _ in 0..10 {
            match page.location() {
                Some(location) if page.status.is_redirection() => {
                    let next = location
                        .strip_prefix(&self.address)
                        .unwrap_or(location)
                        .to_string();
                    page = self.get(&next).await;
                }
                _ => break,
            }
        }
        page
    }

    /// The CSRF token the server gave this browser, fetching a page with a form if needed.
    pub async fn csrf_token(&self) -> String {
        if let Some(token) = self.csrf.lock().expect("csrf").clone() {
            return token;
        }
        for path in ["/", "/login"] {
            self.get(path).await;
            if let Some(token) = self.csrf.lock().expect("csrf").clone() {
                return token;
            }
        }
        panic!("no page offered a CSRF token")
    }

    /// Submits a form as a browser on this site would: with the CSRF token and Origin.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form, Some(&self.address)).await
    }

    /// Submits exactly these fields with this Origin (or none): for CSRF tests.
    pub async fn post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut request = self.http.post(self.url(path)).form(fields);
        if let Some(origin) = origin {
            request = request.header(reqwest::header::ORIGIN, origin);
        }
        let response = request.send().await.expect("POST");
        self.read(response).await
    }

    /// Submits a form and follows the redirect that answers it.
    pub async fn post_follow(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.post(path, fields).await;
        match page.location() {
            Some(location) if page.status.is_redirection() => {
                let next = location
                    .strip_prefix(&self.address)
                    .unwrap_or(location)
                    .to_string();
                self.get_follow(&next).await
            }
            _ => page,
        }
    }

    pub async fn dev_sign_in(&self, login: &str) {
        let page = self.post("/login/dev", &[("login", login)]).await;
        assert!(
            page.status.is_redirection(),
            "development sign-in as {login} failed: {} {}",
            page.status,
            page.body
        );
        // A new session means a new token.
        *self.csrf.lock().expect("csrf") = None;
    }

    pub async fn sign_out(&self) -> Page {
        let page = self.post("/logout", &[]).await;
        *self.csrf.lock().expect("csrf") = None;
        page
    }

    /// The value of the session cookie this browser holds, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.address.parse().expect("url");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("concord_session=").map(String::from))
    }

    pub fn forget_csrf_token(&self) {
        *self.csrf.lock().expect("csrf") = None;
    }

    /// A new browser for a Concord served elsewhere (the real binary, in the shutdown tests).
    pub fn at(address: &str) -> Client {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            jar,
            address: address.to_string(),
            csrf: std::sync::Mutex::new(None),
        }
    }
}

/// Form `fields` with some values changed (or added, when the form has no such field).
pub fn with<'a>(
    mut fields: Vec<(&'static str, &'a str)>,
    changes: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// The href of the link with `rel="<rel>"`, unescaped.
pub fn rel_link(body: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\"");
    let at = body.find(&marker)?;
    let start = body[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + body[start..].find('"')?;
    Some(
        body[start..end]
            .replace("&amp;", "&")
            .replace("&#x3D;", "="),
    )
}

pub fn find_csrf_token(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    let token = &body[start..end];
    (!token.is_empty()).then(|| token.to_string())
}
