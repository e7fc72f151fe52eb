//! The App's credentials: a JWT signed with the private key (RS256) asks GitHub for an
//! installation token, which lives an hour and is kept in this process's memory only,
//! replaced [`super::model::REFRESH_MARGIN`] before it ends. Neither the key, the JWT nor
//! the token is ever logged or put in a URL; errors carry GitHub's status and message only.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::Mutex;
use url::Url;

use super::model;
use crate::config::{GithubAppConfig, Secret};

/// Why GitHub could not be asked, or what it refused; shown to people as it is.
#[derive(Clone, Debug, thiserror::Error)]
pub enum GithubError {
    #[error("GitHub could not be reached ({0})")]
    Unreachable(String),
    #[error("GitHub answered {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("GitHub's answer could not be read ({0})")]
    Garbage(String),
}

impl GithubError {
    /// GitHub answered that the thing asked about does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, GithubError::Refused { status: 404, .. })
    }
}

/// The installation token in use and when it ends.
struct Installation {
    id: i64,
    token: Secret,
    expires_at: OffsetDateTime,
}

pub struct GithubApp {
    pub org: String,
    app_id: u64,
    key: EncodingKey,
    /// The API base, ending in `/`.
    api: Url,
    http: reqwest::Client,
    /// Held while a token is asked for, so one request at a time refreshes it.
    installation: Mutex<Option<Installation>>,
    /// GitHub's answers to "is this login in this team?", kept a few minutes
    /// (`super::eligibility`).
    pub(super) memberships: moka::future::Cache<(String, String), bool>,
}

#[derive(Serialize)]
struct Claims {
    iat: i64,
    exp: i64,
    iss: String,
}

#[derive(Deserialize)]
struct InstallationAnswer {
    id: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    token: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

#[derive(Deserialize)]
struct Message {
    message: Option<String>,
}

impl GithubApp {
    pub fn new(config: &GithubAppConfig) -> Result<Self, crate::error::AppError> {
        let key = EncodingKey::from_rsa_pem(config.private_key.as_bytes()).map_err(|_| {
            crate::error::AppError::Internal("the GitHub App's private key is unreadable".into())
        })?;
        let mut api = config.api_url.clone();
        if !api.path().ends_with('/') {
            api.set_path(&format!("{}/", api.path()));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("Concord")
            .build()
            .map_err(crate::error::AppError::internal)?;
        Ok(GithubApp {
            org: config.org.clone(),
            app_id: config.app_id,
            key,
            api,
            http,
            installation: Mutex::new(None),
            memberships: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(super::eligibility::KEPT)
                .build(),
        })
    }

    /// A JWT for the App itself, good for [`model::JWT_LIFETIME`] (issued a minute early
    /// for clock drift, as GitHub advises).
    fn jwt(&self, now: OffsetDateTime) -> Result<Secret, GithubError> {
        let claims = Claims {
            iat: (now - time::Duration::minutes(1)).unix_timestamp(),
            exp: (now + model::JWT_LIFETIME).unix_timestamp(),
            iss: self.app_id.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map(Secret)
            .map_err(|e| GithubError::Garbage(format!("the App JWT could not be signed: {e}")))
    }

    pub(super) fn url(&self, path: &str) -> Result<Url, GithubError> {
        self.api
            .join(path.trim_start_matches('/'))
            .map_err(|e| GithubError::Garbage(e.to_string()))
    }

    fn request(&self, method: Method, url: Url, bearer: &Secret) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(bearer.as_str())
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
    }

    /// Sends a request and reads a JSON answer (`None` for 204 No Content).
    async fn send<T: serde::de::DeserializeOwned>(
        request: RequestBuilder,
    ) -> Result<Option<T>, GithubError> {
        let response = request
            .send()
            .await
            .map_err(|e| GithubError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        if !status.is_success() {
            let message = response
                .json::<Message>()
                .await
                .ok()
                .and_then(|m| m.message)
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
            return Err(GithubError::Refused {
                status: status.as_u16(),
                message: message.chars().take(300).collect(),
            });
        }
        response
            .json::<T>()
            .await
            .map(Some)
            .map_err(|e| GithubError::Garbage(e.without_url().to_string()))
    }

    /// The installation token, asked for again when it is about to end.
    async fn token(&self, now: OffsetDateTime) -> Result<Secret, GithubError> {
        let mut kept = self.installation.lock().await;
        if let Some(installation) = kept.as_ref()
            && !model::needs_refresh(installation.expires_at, now)
        {
            return Ok(installation.token.clone());
        }
        let jwt = self.jwt(now)?;
        let id = match kept.as_ref() {
            Some(installation) => installation.id,
            None => {
                let url = self.url(&format!("orgs/{}/installation", self.org))?;
                Self::send::<InstallationAnswer>(self.request(Method::GET, url, &jwt))
                    .await?
                    .ok_or_else(|| GithubError::Garbage("no installation".into()))?
                    .id
            }
        };
        let url = self.url(&format!("app/installations/{id}/access_tokens"))?;
        let answer = Self::send::<TokenAnswer>(self.request(Method::POST, url, &jwt))
            .await?
            .ok_or_else(|| GithubError::Garbage("no token".into()))?;
        let token = Secret(answer.token);
        *kept = Some(Installation {
            id,
            token: token.clone(),
            expires_at: answer.expires_at,
        });
        tracing::info!(expires_at = %answer.expires_at, "the GitHub App has a new installation token");
        Ok(token)
    }

    /// Calls the API as the installation. A 401 drops the kept token, so the next call
    /// asks for a new one.
    pub(super) async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        now: OffsetDateTime,
    ) -> Result<Option<T>, GithubError> {
        let token = self.token(now).await?;
        let mut request = self.request(method, self.url(path)?, &token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let answer = Self::send::<T>(request).await;
        if let Err(GithubError::Refused { status: 401, .. }) = &answer {
            *self.installation.lock().await = None;
        }
        answer
    }
}

impl std::fmt::Debug for GithubApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubApp")
            .field("app_id", &self.app_id)
            .field("org", &self.org)
            .finish_non_exhaustive()
    }
}
