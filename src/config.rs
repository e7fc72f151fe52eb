//! Configuration from command-line flags with environment fallbacks. Everything has a
//! development default, so `cargo run` needs none of it; production mode refuses to
//! start without what a public deployment needs.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ipnet::IpNet;
use url::Url;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The flags shared by every command.
#[derive(Clone, Debug, Args)]
pub struct ConfigArgs {
    /// PostgreSQL to use. Unset: an embedded cluster in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Address to listen on.
    #[arg(
        long,
        env = "CONCORD_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,

    /// The URL people use to reach Concord (for links, feeds and the GitHub callback).
    /// Default: http://<bind>.
    #[arg(long, env = "CONCORD_PUBLIC_URL", global = true)]
    pub public_url: Option<Url>,

    /// development (development sign-in, demo data) or production.
    #[arg(
        long = "env",
        env = "CONCORD_ENV",
        value_enum,
        default_value = "development",
        global = true
    )]
    pub environment: Environment,

    /// Where the embedded PostgreSQL keeps its cluster.
    #[arg(
        long,
        env = "CONCORD_DATA_DIR",
        default_value = "data/postgres",
        global = true
    )]
    pub data_dir: PathBuf,

    /// GitHub OAuth app client id. Unset: development sign-in only.
    #[arg(long, env = "GITHUB_CLIENT_ID", global = true)]
    pub github_client_id: Option<String>,

    /// A file holding the GitHub client secret. Without it the secret comes from the
    /// GITHUB_CLIENT_SECRET environment variable; it is never taken from a flag or logged.
    #[arg(long, env = "GITHUB_CLIENT_SECRET_FILE", global = true)]
    pub github_client_secret_file: Option<PathBuf>,

    #[arg(
        long,
        env = "GITHUB_AUTHORIZE_URL",
        default_value = "https://github.com/login/oauth/authorize",
        global = true
    )]
    pub github_authorize_url: Url,

    #[arg(
        long,
        env = "GITHUB_TOKEN_URL",
        default_value = "https://github.com/login/oauth/access_token",
        global = true
    )]
    pub github_token_url: Url,

    #[arg(
        long,
        env = "GITHUB_API_URL",
        default_value = "https://api.github.com",
        global = true
    )]
    pub github_api_url: Url,

    /// The GitHub App Concord acts as (team sync, eligibility by GitHub team, pull-request
    /// comments). Unset: all of that is off. Needs GITHUB_APP_PRIVATE_KEY_FILE and
    /// GITHUB_ORG too.
    #[arg(long, env = "GITHUB_APP_ID", global = true)]
    pub github_app_id: Option<u64>,

    /// A file holding the GitHub App's private key (PEM). The key is read from the file
    /// only, never from a flag's value or the environment, and never logged.
    #[arg(long, env = "GITHUB_APP_PRIVATE_KEY_FILE", global = true)]
    pub github_app_private_key_file: Option<PathBuf>,

    /// The GitHub organization the App is installed on, whose teams are linked.
    #[arg(long, env = "GITHUB_ORG", global = true)]
    pub github_org: Option<String>,

    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "CONCORD_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub log: String,

    /// Sign-in attempts allowed per client address per minute (0 = no limit).
    #[arg(long, env = "CONCORD_RATE_SIGN_INS_PER_ADDRESS", default_value_t = Limits::default().rate_sign_ins_per_address, global = true)]
    pub rate_sign_ins_per_address: u32,

    /// Writes (form posts) allowed per signed-in person per minute (0 = no limit).
    #[arg(long, env = "CONCORD_RATE_WRITES_PER_PERSON", default_value_t = Limits::default().rate_writes_per_person, global = true)]
    pub rate_writes_per_person: u32,

    /// Writes (form posts) allowed per client address per minute (0 = no limit).
    #[arg(long, env = "CONCORD_RATE_WRITES_PER_ADDRESS", default_value_t = Limits::default().rate_writes_per_address, global = true)]
    pub rate_writes_per_address: u32,

    /// API requests allowed per personal token per minute (0 = no limit).
    #[arg(long, env = "CONCORD_RATE_API_PER_TOKEN", default_value_t = Limits::default().rate_api_per_token, global = true)]
    pub rate_api_per_token: u32,

    /// Reverse proxies whose X-Forwarded-For is believed, as a comma-separated list of
    /// addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8). Unset: the TCP peer's
    /// address is the client's.
    #[arg(long, env = "CONCORD_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network, global = true)]
    pub trusted_proxies: Vec<IpNet>,

    /// The SMTP server mail goes through: smtps://user@host:465, smtp://user@host:587?tls=required
    /// (STARTTLS), or smtp://127.0.0.1:2525 (no TLS: refused in production without
    /// --smtp-insecure). Unset: development keeps mail for /dev/mail; production sends none.
    /// The password comes from CONCORD_SMTP_PASSWORD or --smtp-password-file, never the URL.
    #[arg(long, env = "CONCORD_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// A file holding the SMTP password (else the CONCORD_SMTP_PASSWORD variable).
    #[arg(long, env = "CONCORD_SMTP_PASSWORD_FILE", global = true)]
    pub smtp_password_file: Option<PathBuf>,

    /// Allow an SMTP server without TLS in production.
    #[arg(long, env = "CONCORD_SMTP_INSECURE", global = true)]
    pub smtp_insecure: bool,

    /// The sender of every mail.
    #[arg(
        long,
        env = "CONCORD_MAIL_FROM",
        default_value = "Concord <concord@localhost>",
        global = true
    )]
    pub mail_from: String,

    #[arg(
        long,
        env = "CONCORD_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

/// GitHub OAuth settings, present only when a client is configured.
#[derive(Clone, Debug)]
pub struct GithubConfig {
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: Url,
    pub token_url: Url,
    pub api_url: Url,
}

/// The GitHub App, present only when its id, key and organization are all configured.
/// The API URL is sign-in's (`GITHUB_API_URL`).
#[derive(Clone, Debug)]
pub struct GithubAppConfig {
    pub app_id: u64,
    pub org: String,
    pub api_url: Url,
    /// The PEM text of the App's private key: `Debug` shows "[hidden]".
    pub private_key: Secret,
}

/// The validated configuration the application runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub bind: SocketAddr,
    pub public_url: Url,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub github: Option<GithubConfig>,
    pub github_app: Option<GithubAppConfig>,
    pub limits: Limits,
    pub mail: MailConfig,
}

/// Where mail goes and whom it is from.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub transport: MailTransport,
    pub from: String,
}

#[derive(Clone, Debug)]
pub enum MailTransport {
    /// Kept for /dev/mail (development without an SMTP server).
    Keep,
    /// No mail server configured in production: notices wait in the outbox.
    Off,
    Smtp {
        url: String,
        password: Option<Secret>,
    },
}

impl MailConfig {
    /// Mail kept for /dev/mail.
    pub fn keep() -> Self {
        MailConfig {
            transport: MailTransport::Keep,
            from: "Concord <concord@localhost>".into(),
        }
    }

    /// Mail sent to an SMTP server without TLS or a password (a test's server on loopback).
    pub fn smtp(url: &str) -> Self {
        MailConfig {
            transport: MailTransport::Smtp {
                url: url.into(),
                password: None,
            },
            from: "Concord <concord@localhost>".into(),
        }
    }
}

/// A secret: never shown by `Debug`, so never in a log line.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hidden]")
    }
}

impl std::ops::Deref for Secret {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

/// Request limits, one place for all of them.
#[derive(Clone, Debug)]
pub struct Limits {
    pub body_bytes: usize,
    pub request_timeout: std::time::Duration,
    pub session_idle: time::Duration,
    pub session_absolute: time::Duration,
    /// Per minute; 0 turns the limit off. Counted in this process's memory.
    pub rate_sign_ins_per_address: u32,
    pub rate_writes_per_person: u32,
    pub rate_writes_per_address: u32,
    pub rate_api_per_token: u32,
    /// Proxies whose X-Forwarded-For is believed when finding a client's address.
    pub trusted_proxies: Vec<IpNet>,
}

impl Limits {
    /// No rate limits: for tests, which all come from 127.0.0.1.
    pub fn without_rate_limits() -> Self {
        Limits {
            rate_sign_ins_per_address: 0,
            rate_writes_per_person: 0,
            rate_writes_per_address: 0,
            rate_api_per_token: 0,
            ..Limits::default()
        }
    }
}

/// An address (one host) or a CIDR range.
fn parse_network(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or a CIDR range like 10.0.0.0/8"))
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 256 * 1024,
            request_timeout: std::time::Duration::from_secs(15),
            session_idle: time::Duration::days(7),
            session_absolute: time::Duration::days(30),
            rate_sign_ins_per_address: 10,
            rate_writes_per_person: 60,
            rate_writes_per_address: 300,
            rate_api_per_token: 300,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("production mode needs {0}")]
    Missing(&'static str),
    #[error("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together")]
    HalfGithub,
    #[error("could not read the GitHub client secret from {0}: {1}")]
    SecretFile(PathBuf, std::io::Error),
    #[error("CONCORD_PUBLIC_URL must be an http or https URL without a path, got {0}")]
    PublicUrl(Url),
    #[error("CONCORD_SMTP_URL: {0}")]
    Smtp(&'static str),
    #[error("GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and GITHUB_ORG must be set together")]
    HalfGithubApp,
    #[error("could not read the GitHub App's private key from {0}: {1}")]
    AppKeyFile(PathBuf, std::io::Error),
    #[error("{0} does not hold an RSA private key in PEM form (GitHub's download)")]
    AppKeyUnreadable(PathBuf),
    #[error("GITHUB_ORG {0:?} is not an organization's login")]
    AppOrg(String),
    #[error("could not read the SMTP password from {0}: {1}")]
    SmtpPasswordFile(PathBuf, std::io::Error),
}

impl ConfigArgs {
    pub fn validate(self) -> Result<Config, ConfigError> {
        let production = self.environment == Environment::Production;
        let secret = match &self.github_client_secret_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::SecretFile(path.clone(), e))?
                    .trim()
                    .to_string(),
            ),
            None => std::env::var("GITHUB_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
        };
        let github = match (self.github_client_id.filter(|s| !s.is_empty()), secret) {
            (Some(client_id), Some(client_secret)) => Some(GithubConfig {
                client_id,
                client_secret,
                authorize_url: self.github_authorize_url,
                token_url: self.github_token_url,
                api_url: self.github_api_url.clone(),
            }),
            (None, None) if production => {
                return Err(ConfigError::Missing(
                    "a GitHub OAuth app: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET",
                ));
            }
            (None, None) => None,
            _ => return Err(ConfigError::HalfGithub),
        };
        let github_app = github_app(
            self.github_app_id,
            self.github_app_private_key_file.as_deref(),
            self.github_org.as_deref(),
            &self.github_api_url,
        )?;
        let public_url = match self.public_url {
            Some(url) => url,
            None if production => {
                return Err(ConfigError::Missing(
                    "the address people reach it at: set CONCORD_PUBLIC_URL (https://...)",
                ));
            }
            None => Url::parse(&format!("http://{}", self.bind))
                .map_err(|_| ConfigError::Missing("CONCORD_PUBLIC_URL"))?,
        };
        if !matches!(public_url.scheme(), "http" | "https")
            || public_url.path() != "/"
            || public_url.query().is_some()
        {
            return Err(ConfigError::PublicUrl(public_url));
        }
        let mail = MailConfig {
            transport: mail_transport(
                self.smtp_url.as_deref(),
                self.smtp_password_file.as_deref(),
                self.smtp_insecure,
                production,
            )?,
            from: self.mail_from,
        };
        if mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Smtp(
                "CONCORD_MAIL_FROM is not an address like Concord <concord@example.org>",
            ));
        }
        Ok(Config {
            mail,
            environment: self.environment,
            bind: self.bind,
            public_url,
            database_url: self.database_url,
            data_dir: self.data_dir,
            github,
            github_app,
            limits: Limits {
                rate_sign_ins_per_address: self.rate_sign_ins_per_address,
                rate_writes_per_person: self.rate_writes_per_person,
                rate_writes_per_address: self.rate_writes_per_address,
                rate_api_per_token: self.rate_api_per_token,
                trusted_proxies: self.trusted_proxies,
                ..Limits::default()
            },
        })
    }
}

/// The App's settings: all three or none. The key must parse as an RSA key now, so a
/// wrong file is found at start, not at the first sync.
fn github_app(
    app_id: Option<u64>,
    key_file: Option<&std::path::Path>,
    org: Option<&str>,
    api_url: &Url,
) -> Result<Option<GithubAppConfig>, ConfigError> {
    let org = org.map(str::trim).filter(|o| !o.is_empty());
    let (app_id, key_file, org) = match (app_id, key_file, org) {
        (None, None, None) => return Ok(None),
        (Some(id), Some(file), Some(org)) => (id, file, org),
        _ => return Err(ConfigError::HalfGithubApp),
    };
    if !crate::github::model::is_github_name(org) {
        return Err(ConfigError::AppOrg(org.to_string()));
    }
    let pem = std::fs::read_to_string(key_file)
        .map_err(|e| ConfigError::AppKeyFile(key_file.to_path_buf(), e))?;
    if jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).is_err() {
        return Err(ConfigError::AppKeyUnreadable(key_file.to_path_buf()));
    }
    Ok(Some(GithubAppConfig {
        app_id,
        org: org.to_string(),
        api_url: api_url.clone(),
        private_key: Secret(pem),
    }))
}

fn mail_transport(
    url: Option<&str>,
    password_file: Option<&std::path::Path>,
    insecure: bool,
    production: bool,
) -> Result<MailTransport, ConfigError> {
    let Some(url) = url.filter(|u| !u.is_empty()) else {
        return Ok(if production {
            MailTransport::Off
        } else {
            MailTransport::Keep
        });
    };
    let parsed = Url::parse(url).map_err(|_| ConfigError::Smtp("not a URL"))?;
    if parsed.password().is_some() {
        return Err(ConfigError::Smtp(
            "put the password in CONCORD_SMTP_PASSWORD or a file, not in the URL",
        ));
    }
    let tls = match parsed.scheme() {
        "smtps" => true,
        "smtp" => parsed
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required"),
        _ => return Err(ConfigError::Smtp("the scheme must be smtp or smtps")),
    };
    if production && !tls && !insecure {
        return Err(ConfigError::Smtp(
            "production needs TLS (smtps://, or smtp://...?tls=required); --smtp-insecure allows a server without it",
        ));
    }
    let password = match password_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| ConfigError::SmtpPasswordFile(path.to_path_buf(), e))?
                .trim()
                .to_string(),
        ),
        None => std::env::var("CONCORD_SMTP_PASSWORD")
            .ok()
            .filter(|s| !s.is_empty()),
    };
    Ok(MailTransport::Smtp {
        url: url.to_string(),
        password: password.map(Secret),
    })
}

impl Config {
    /// Development sign-in is offered only in development mode without a GitHub client.
    pub fn dev_sign_in(&self) -> bool {
        self.environment == Environment::Development && self.github.is_none()
    }

    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// An absolute URL for a local path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin(), path)
    }
}

#[cfg(test)]
mod mail_tests {
    use super::*;

    #[test]
    fn production_refuses_an_smtp_server_without_tls_unless_told() {
        assert!(matches!(
            mail_transport(None, None, false, false),
            Ok(MailTransport::Keep)
        ));
        assert!(matches!(
            mail_transport(None, None, false, true),
            Ok(MailTransport::Off)
        ));
        assert!(mail_transport(Some("smtp://127.0.0.1:2525"), None, false, false).is_ok());
        assert!(mail_transport(Some("smtp://mail.example.org:25"), None, false, true).is_err());
        assert!(mail_transport(Some("smtp://mail.example.org:25"), None, true, true).is_ok());
        assert!(
            mail_transport(
                Some("smtp://u@mail.example.org:587?tls=required"),
                None,
                false,
                true
            )
            .is_ok()
        );
        assert!(mail_transport(Some("smtps://u@mail.example.org"), None, false, true).is_ok());
        assert!(
            mail_transport(
                Some("smtps://u:secret@mail.example.org"),
                None,
                false,
                false
            )
            .is_err()
        );
        assert!(mail_transport(Some("http://mail.example.org"), None, false, false).is_err());
    }

    #[test]
    fn a_secret_is_never_printed() {
        let transport = MailTransport::Smtp {
            url: "smtps://u@mail.example.org".into(),
            password: Some(Secret("hunter2-hunter2".into())),
        };
        assert!(!format!("{transport:?}").contains("hunter2"));
    }
}
