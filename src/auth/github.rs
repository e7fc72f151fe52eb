//! The GitHub side of sign-in: the authorization-code flow with `state` and PKCE (S256),
//! no scopes, and one read of `GET /user` with the token, which is then dropped. The
//! endpoints come from configuration so tests run the real flow against a stand-in.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, TokenResponse, TokenUrl,
};
use url::Url;

use super::model::GithubIdentity;
use crate::config::GithubConfig;
use crate::error::AppError;

type OauthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub struct GithubClient {
    oauth: OauthClient,
    /// Follows no redirects (a redirect from the token endpoint is refused, not followed).
    http: reqwest::Client,
    user_url: Url,
}

/// What must survive the round trip to GitHub; kept in the session.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PendingSignIn {
    pub state: String,
    pub verifier: String,
    pub next: String,
}

/// Why a sign-in failed; the person sees the message, the log sees the detail.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("GitHub could not confirm the sign-in ({0})")]
    Exchange(String),
    #[error("GitHub did not tell us who you are ({0})")]
    Identity(String),
}

impl GithubClient {
    pub fn new(config: &GithubConfig, public_url: &Url) -> Result<Self, AppError> {
        let redirect = public_url
            .join("/auth/github/callback")
            .map_err(AppError::internal)?;
        let oauth = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
            .set_redirect_uri(RedirectUrl::from_url(redirect));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("Concord")
            .build()
            .map_err(AppError::internal)?;
        let mut api = config.api_url.clone();
        if !api.path().ends_with('/') {
            api.set_path(&format!("{}/", api.path()));
        }
        let user_url = api.join("user").map_err(AppError::internal)?;
        Ok(GithubClient {
            oauth,
            http,
            user_url,
        })
    }

    /// The address to send the person to, and what to keep until they come back.
    pub fn start(&self, next: String) -> (Url, PendingSignIn) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingSignIn {
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
        };
        (url, pending)
    }

    /// Exchanges the code for a token, reads the identity once, and drops the token.
    pub async fn finish(
        &self,
        code: String,
        verifier: String,
    ) -> Result<GithubIdentity, SignInError> {
        let token = self
            .oauth
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::Exchange(describe_token_error(&e)))?;
        let response = self
            .http
            .get(self.user_url.clone())
            .bearer_auth(token.access_token().secret())
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .send()
            .await
            .map_err(|e| SignInError::Identity(e.without_url().to_string()))?;
        drop(token);
        if !response.status().is_success() {
            return Err(SignInError::Identity(format!(
                "the API answered {}",
                response.status()
            )));
        }
        response
            .json::<GithubIdentity>()
            .await
            .map_err(|e| SignInError::Identity(format!("unreadable identity: {}", e.without_url())))
    }
}

/// A description of a failed exchange that carries no secret.
fn describe_token_error<RE: std::error::Error + 'static>(
    error: &oauth2::RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> String {
    match error {
        oauth2::RequestTokenError::ServerResponse(response) => {
            format!("the token endpoint refused: {}", response.error())
        }
        oauth2::RequestTokenError::Request(e) => {
            format!("the token endpoint could not be reached: {e}")
        }
        oauth2::RequestTokenError::Parse(e, _) => {
            format!("the token endpoint answered garbage: {e}")
        }
        oauth2::RequestTokenError::Other(e) => format!("the token endpoint failed: {e}"),
    }
}
