//! The stand-in GitHub's App side, as GitHub does it: App JWTs are checked against the
//! App's public key (RS256) and their expiry on the stand-in's clock (the test's), and
//! installation tokens expire an hour after they are issued. It serves the organization's
//! teams, their members, people by login and id, and records membership changes and
//! issue comments.

// A refusal is the stand-in's answer itself; its size does not matter in a test server.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use concord::app::Clock;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

pub const APP_ID: u64 = 4242;
pub const ORG: &str = "concord-test";
pub const INSTALLATION_ID: i64 = 77;
/// GitHub's installation tokens start so; the logs test looks for it.
pub const TOKEN_PREFIX: &str = "ghs_";
pub const PRIVATE_KEY: &str = include_str!("../../fixtures/github-app-test-key.pem");
const PUBLIC_KEY: &str = include_str!("../../fixtures/github-app-test-key.pub.pem");

/// A way for the App side to misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppFault {
    /// Every API call answers 503.
    Down,
}

#[derive(Default)]
pub struct AppInner {
    /// Accounts by id: the login now.
    accounts: BTreeMap<i64, String>,
    /// Teams by slug: member ids, in the order added.
    teams: BTreeMap<String, Vec<i64>>,
    /// Tokens issued, with when each ends (the stand-in's clock).
    tokens: Vec<(String, time::OffsetDateTime)>,
    /// Every JWT that was accepted, to check none is logged.
    pub jwts: Vec<String>,
    pub tokens_issued: usize,
    pub jwt_refusals: Vec<String>,
    /// "PUT slug login", "DELETE slug login", in order.
    pub changes: Vec<String>,
    /// Comments by id: (repo, number, body, edits).
    pub comments: BTreeMap<i64, (String, i64, String, usize)>,
    fault: Option<AppFault>,
}

pub type Shared = Arc<(Mutex<AppInner>, Clock)>;

pub fn routes(shared: Shared) -> Router {
    Router::new()
        .route("/api/orgs/{org}/installation", get(installation))
        .route(
            "/api/app/installations/{id}/access_tokens",
            post(access_tokens),
        )
        .route("/api/orgs/{org}/teams/{slug}", get(team))
        .route("/api/orgs/{org}/teams/{slug}/members", get(members))
        .route(
            "/api/orgs/{org}/teams/{slug}/memberships/{login}",
            get(membership)
                .put(add_membership)
                .delete(remove_membership),
        )
        .route("/api/users/{login}", get(user_by_login))
        .route("/api/user/{id}", get(user_by_id))
        .route(
            "/api/repos/{owner}/{repo}/issues/{number}/comments",
            post(add_comment),
        )
        .route(
            "/api/repos/{owner}/{repo}/issues/comments/{id}",
            patch(edit_comment),
        )
        .with_state(shared)
}

fn message(status: StatusCode, text: &str) -> Response {
    (status, Json(serde_json::json!({ "message": text }))).into_response()
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string()
}

#[derive(Deserialize)]
struct Claims {
    iat: i64,
    exp: i64,
    iss: String,
}

/// Checks an App JWT as GitHub does: signature under the App's key, issuer, expiry at
/// most ten minutes out, issued no later than now.
fn check_jwt(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let token = bearer(headers);
    let now = shared.1.now().unix_timestamp();
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).expect("public key");
    let mut validation = Validation::new(Algorithm::RS256);
    // Expiry is checked below against the stand-in's clock, not the machine's.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let refused = |why: String| {
        shared
            .0
            .lock()
            .expect("state")
            .jwt_refusals
            .push(why.clone());
        Err(message(StatusCode::UNAUTHORIZED, &why))
    };
    let claims = match jsonwebtoken::decode::<Claims>(&token, &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => return refused(format!("A JSON web token could not be decoded: {e}")),
    };
    if claims.iss != APP_ID.to_string() {
        return refused("'Issuer' claim ('iss') must be the App's id".into());
    }
    if claims.exp <= now {
        return refused("'Expiration time' claim ('exp') is too far in the past".into());
    }
    if claims.exp - claims.iat > 600 || claims.iat > now + 60 {
        return refused("'Expiration time' claim ('exp') is too far in the future".into());
    }
    shared.0.lock().expect("state").jwts.push(token);
    Ok(())
}

/// Checks an installation token: issued here and not expired.
fn check_token(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let token = bearer(headers);
    let now = shared.1.now();
    let inner = shared.0.lock().expect("state");
    if inner.fault == Some(AppFault::Down) {
        return Err(message(
            StatusCode::SERVICE_UNAVAILABLE,
            "GitHub is down for maintenance",
        ));
    }
    match inner.tokens.iter().find(|(t, _)| *t == token) {
        Some((_, ends)) if *ends > now => Ok(()),
        Some(_) => Err(message(
            StatusCode::UNAUTHORIZED,
            "Bad credentials (token expired)",
        )),
        None => Err(message(StatusCode::UNAUTHORIZED, "Bad credentials")),
    }
}

async fn installation(
    State(shared): State<Shared>,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_jwt(&shared, &headers) {
        return refused;
    }
    if org != ORG {
        return message(StatusCode::NOT_FOUND, "Not Found");
    }
    Json(serde_json::json!({ "id": INSTALLATION_ID })).into_response()
}

async fn access_tokens(
    State(shared): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_jwt(&shared, &headers) {
        return refused;
    }
    if id != INSTALLATION_ID {
        return message(StatusCode::NOT_FOUND, "Not Found");
    }
    let ends = shared.1.now() + time::Duration::hours(1);
    let token = format!("{TOKEN_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let mut inner = shared.0.lock().expect("state");
    inner.tokens.push((token.clone(), ends));
    inner.tokens_issued += 1;
    let expires_at = ends
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    (
        StatusCode::CREATED,
        Json(serde_json::json!({ "token": token, "expires_at": expires_at })),
    )
        .into_response()
}

fn account_json(id: i64, login: &str) -> serde_json::Value {
    serde_json::json!({ "id": id, "login": login, "type": "User" })
}

async fn team(
    State(shared): State<Shared>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let inner = shared.0.lock().expect("state");
    match (org == ORG, inner.teams.contains_key(&slug)) {
        (true, true) => Json(serde_json::json!({ "slug": slug, "name": slug })).into_response(),
        _ => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    per_page: Option<usize>,
    page: Option<usize>,
}

async fn members(
    State(shared): State<Shared>,
    Path((_, slug)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let inner = shared.0.lock().expect("state");
    let Some(ids) = inner.teams.get(&slug) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    let per_page = q.per_page.unwrap_or(30).min(100);
    let page = q.page.unwrap_or(1).max(1);
    let list: Vec<_> = ids
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|id| account_json(*id, &inner.accounts[id]))
        .collect();
    Json(list).into_response()
}

fn find_login(inner: &AppInner, login: &str) -> Option<i64> {
    inner
        .accounts
        .iter()
        .find(|(_, l)| l.eq_ignore_ascii_case(login))
        .map(|(id, _)| *id)
}

async fn membership(
    State(shared): State<Shared>,
    Path((_, slug, login)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let inner = shared.0.lock().expect("state");
    let member = find_login(&inner, &login)
        .is_some_and(|id| inner.teams.get(&slug).is_some_and(|ids| ids.contains(&id)));
    match member {
        true => Json(serde_json::json!({ "state": "active", "role": "member" })).into_response(),
        false => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}

async fn add_membership(
    State(shared): State<Shared>,
    Path((_, slug, login)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let mut inner = shared.0.lock().expect("state");
    let Some(id) = find_login(&inner, &login) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    let Some(ids) = inner.teams.get_mut(&slug) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    if !ids.contains(&id) {
        ids.push(id);
    }
    inner.changes.push(format!("PUT {slug} {login}"));
    Json(serde_json::json!({ "state": "active", "role": "member" })).into_response()
}

async fn remove_membership(
    State(shared): State<Shared>,
    Path((_, slug, login)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let mut inner = shared.0.lock().expect("state");
    let id = find_login(&inner, &login);
    let Some(ids) = inner.teams.get_mut(&slug) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    ids.retain(|m| Some(*m) != id);
    inner.changes.push(format!("DELETE {slug} {login}"));
    StatusCode::NO_CONTENT.into_response()
}

async fn user_by_login(
    State(shared): State<Shared>,
    Path(login): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let inner = shared.0.lock().expect("state");
    match find_login(&inner, &login) {
        Some(id) => Json(account_json(id, &inner.accounts[&id])).into_response(),
        None => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}

async fn user_by_id(
    State(shared): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let inner = shared.0.lock().expect("state");
    match inner.accounts.get(&id) {
        Some(login) => Json(account_json(id, login)).into_response(),
        None => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}

#[derive(Deserialize)]
struct CommentBody {
    body: String,
}

async fn add_comment(
    State(shared): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, i64)>,
    headers: HeaderMap,
    Json(body): Json<CommentBody>,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let mut inner = shared.0.lock().expect("state");
    let id = 9000 + inner.comments.len() as i64;
    inner
        .comments
        .insert(id, (format!("{owner}/{repo}"), number, body.body, 0));
    (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response()
}

async fn edit_comment(
    State(shared): State<Shared>,
    Path((_, _, id)): Path<(String, String, i64)>,
    headers: HeaderMap,
    Json(body): Json<CommentBody>,
) -> Response {
    if let Err(refused) = check_token(&shared, &headers) {
        return refused;
    }
    let mut inner = shared.0.lock().expect("state");
    match inner.comments.get_mut(&id) {
        Some(comment) => {
            comment.2 = body.body;
            comment.3 += 1;
            Json(serde_json::json!({ "id": id })).into_response()
        }
        None => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// What tests arrange and read on the App side.
impl super::StandInGithub {
    fn app(&self) -> std::sync::MutexGuard<'_, AppInner> {
        self.app_side.0.lock().expect("stand-in App state")
    }

    /// An account GitHub has.
    pub fn add_account(&self, id: i64, login: &str) {
        self.app().accounts.insert(id, login.into());
    }

    /// The account changes its login on GitHub.
    pub fn rename(&self, id: i64, login: &str) {
        self.app().accounts.insert(id, login.into());
    }

    /// A team of the organization with these members (added as accounts if new).
    pub fn add_team(&self, slug: &str, members: &[(i64, &str)]) {
        let mut inner = self.app();
        for (id, login) in members {
            inner
                .accounts
                .entry(*id)
                .or_insert_with(|| login.to_string());
        }
        inner
            .teams
            .insert(slug.into(), members.iter().map(|(id, _)| *id).collect());
    }

    /// Someone adds a member by hand on GitHub.
    pub fn add_by_hand(&self, slug: &str, id: i64, login: &str) {
        let mut inner = self.app();
        inner
            .accounts
            .entry(id)
            .or_insert_with(|| login.to_string());
        inner.teams.entry(slug.into()).or_default().push(id);
    }

    /// The logins of a team's members now, sorted.
    pub fn team_logins(&self, slug: &str) -> Vec<String> {
        let inner = self.app();
        let mut logins: Vec<String> = inner
            .teams
            .get(slug)
            .map(|ids| ids.iter().map(|id| inner.accounts[id].clone()).collect())
            .unwrap_or_default();
        logins.sort();
        logins
    }

    pub fn membership_changes(&self) -> Vec<String> {
        self.app().changes.clone()
    }

    pub fn tokens_issued(&self) -> usize {
        self.app().tokens_issued
    }

    pub fn jwt_refusals(&self) -> Vec<String> {
        self.app().jwt_refusals.clone()
    }

    /// Every JWT and installation token issued, to look for in the logs.
    pub fn app_secrets(&self) -> Vec<String> {
        let inner = self.app();
        inner
            .jwts
            .iter()
            .cloned()
            .chain(inner.tokens.iter().map(|(t, _)| t.clone()))
            .collect()
    }

    pub fn comments(&self) -> Vec<(i64, String, i64, String, usize)> {
        self.app()
            .comments
            .iter()
            .map(|(id, (repo, n, body, edits))| (*id, repo.clone(), *n, body.clone(), *edits))
            .collect()
    }

    pub fn set_app_fault(&self, fault: Option<AppFault>) {
        self.app().fault = fault;
    }

    /// The App's configuration for Concord, pointing at this stand-in.
    pub fn app_config(&self) -> concord::config::GithubAppConfig {
        concord::config::GithubAppConfig {
            app_id: APP_ID,
            org: ORG.into(),
            api_url: format!("{}/api", self.url).parse().expect("url"),
            private_key: concord::config::Secret(PRIVATE_KEY.into()),
        }
    }
}
