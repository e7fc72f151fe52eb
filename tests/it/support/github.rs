//! A stand-in GitHub on loopback, so tests run the real OAuth flow: it checks the client
//! id and secret, single-use codes, the redirect URI and the PKCE verifier, as GitHub does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "test-client-id";
pub const CLIENT_SECRET: &str = "test-client-secret";

/// Who the next person to authorize is.
#[derive(Clone, Debug)]
pub struct Identity {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
}

/// A way for the stand-in to misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The person clicks "Cancel" on GitHub's consent page.
    Deny,
    /// The token endpoint answers 500.
    TokenDown,
    /// The token endpoint answers 200 with something that is not a token.
    TokenGarbage,
    /// The user API refuses the token.
    UserUnauthorized,
}

#[derive(Default)]
struct Inner {
    next: Option<Identity>,
    fault: Option<Fault>,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, (Identity, usize)>,
    /// The `scope` parameter of every authorize request.
    scopes: Vec<Option<String>>,
    token_requests: usize,
}

struct Grant {
    identity: Identity,
    challenge: String,
    redirect_uri: String,
}

#[derive(Clone)]
pub struct StandInGithub {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    /// The GitHub App side (`support/github_app.rs`) and its clock.
    pub(crate) app_side: super::github_app::Shared,
}

impl StandInGithub {
    pub async fn start() -> Self {
        Self::start_with_clock(concord::app::Clock::system()).await
    }

    /// A stand-in whose App side checks expiry on `clock` (the test app's).
    pub async fn start_with_clock(clock: concord::app::Clock) -> Self {
        Self::start_on(0, clock).await
    }

    /// On a chosen loopback port (0: any), for `scripts/github-stand-in`.
    pub async fn start_on(port: u16, clock: concord::app::Clock) -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app_side: super::github_app::Shared = Arc::new((Mutex::new(Default::default()), clock));
        let router = Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(access_token))
            .route("/api/user", get(user))
            .with_state(inner.clone())
            .merge(super::github_app::routes(app_side.clone()));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind stand-in GitHub");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandInGithub {
            url,
            inner,
            app_side,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("stand-in GitHub state")
    }

    /// The GitHub account the next authorization signs in as.
    pub fn will_sign_in(&self, id: i64, login: &str, name: Option<&str>) {
        self.lock().next = Some(Identity {
            id,
            login: login.into(),
            name: name.map(Into::into),
        });
    }

    pub fn set_fault(&self, fault: Fault) {
        self.lock().fault = Some(fault);
    }

    /// The `scope` parameters authorize requests carried.
    pub fn requested_scopes(&self) -> Vec<Option<String>> {
        self.lock().scopes.clone()
    }

    /// How often each issued token was used on the API.
    pub fn token_uses(&self) -> Vec<usize> {
        self.lock().tokens.values().map(|(_, uses)| *uses).collect()
    }

    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    pub fn config(&self) -> concord::config::GithubConfig {
        concord::config::GithubConfig {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            authorize_url: format!("{}/login/oauth/authorize", self.url)
                .parse()
                .expect("url"),
            token_url: format!("{}/login/oauth/access_token", self.url)
                .parse()
                .expect("url"),
            api_url: format!("{}/api", self.url).parse().expect("url"),
        }
    }
}

fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: String,
    response_type: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scope: Option<String>,
}

async fn authorize(
    State(inner): State<Arc<Mutex<Inner>>>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let mut inner = inner.lock().expect("state");
    inner.scopes.push(q.scope.clone());
    if q.client_id != CLIENT_ID || q.response_type != "code" {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    if q.code_challenge_method.as_deref() != Some("S256") {
        return (
            StatusCode::BAD_REQUEST,
            "PKCE S256 required by this stand-in",
        )
            .into_response();
    }
    let Some(challenge) = q.code_challenge else {
        return (StatusCode::BAD_REQUEST, "no code challenge").into_response();
    };
    let state = url::form_urlencoded::byte_serialize(q.state.as_bytes()).collect::<String>();
    if inner.fault == Some(Fault::Deny) {
        return Redirect::to(&format!(
            "{}?error=access_denied&state={state}",
            q.redirect_uri
        ))
        .into_response();
    }
    let identity = inner.next.clone().unwrap_or(Identity {
        id: 1001,
        login: "octo-test".into(),
        name: Some("Octo Test".into()),
    });
    let code = random_token();
    inner.codes.insert(
        code.clone(),
        Grant {
            identity,
            challenge,
            redirect_uri: q.redirect_uri.clone(),
        },
    );
    Redirect::to(&format!("{}?code={code}&state={state}", q.redirect_uri)).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn token_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": error })),
    )
        .into_response()
}

async fn access_token(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let mut inner = inner.lock().expect("state");
    inner.token_requests += 1;
    match inner.fault {
        Some(Fault::TokenDown) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
        }
        Some(Fault::TokenGarbage) => {
            return (StatusCode::OK, "<html>not a token</html>").into_response();
        }
        _ => {}
    }
    // Client authentication: HTTP Basic (what the oauth2 crate sends) or form fields.
    let (id, secret) = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(basic) if basic.starts_with("Basic ") => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&basic[6..])
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let (id, secret) = decoded.split_once(':').unwrap_or_default();
            let unescape = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            (unescape(id), unescape(secret))
        }
        _ => (
            form.client_id.clone().unwrap_or_default(),
            form.client_secret.clone().unwrap_or_default(),
        ),
    };
    if id != CLIENT_ID || secret != CLIENT_SECRET {
        return token_error("incorrect_client_credentials");
    }
    if form.grant_type != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    // Codes are single-use.
    let Some(grant) = inner.codes.remove(&form.code) else {
        return token_error("bad_verification_code");
    };
    if form.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return token_error("redirect_uri_mismatch");
    }
    let verifier = form.code_verifier.unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    if computed != grant.challenge {
        return token_error("invalid_grant");
    }
    let token = random_token();
    inner.tokens.insert(token.clone(), (grant.identity, 0));
    Json(serde_json::json!({ "access_token": token, "token_type": "bearer", "scope": "" }))
        .into_response()
}

async fn user(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let mut inner = inner.lock().expect("state");
    let unauthorized = inner.fault == Some(Fault::UserUnauthorized);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let Some((identity, uses)) = inner.tokens.get_mut(&token) else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "message": "Bad credentials" })),
        )
            .into_response();
    };
    *uses += 1;
    if unauthorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "message": "Bad credentials" })),
        )
            .into_response();
    }
    Json(serde_json::json!({
        "id": identity.id,
        "login": identity.login,
        "name": identity.name,
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}", identity.id),
        // Every stand-in account shows a public address.
        "email": format!("{}@mail.example.org", identity.login.to_lowercase()),
    }))
    .into_response()
}
