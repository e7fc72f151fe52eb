use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use std::sync::Arc;

#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::model::{self, TeamList};
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;
use crate::tokens::bearer::{self, ApiCaller};
use crate::tokens::model::Scope;
use crate::web::cache::Body;

/// A rendered document: its body (plain and gzipped) and its ETag.
#[derive(Clone, Debug)]
pub struct Document {
    body: Body,
    etag: Arc<str>,
}

#[utoipa::path(get, operation_id = "list_teams", path = "/api/v1/teams", tag = "teams", security((), ("bearer" = ["read"])),
    responses((status = 200, description = "Every team with its charter, parent, sub-teams, members and alumni.", body = TeamList), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
pub async fn list_teams(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let key = "/api/v1/teams";
    let version = crate::audit::db::version(&state.pool).await?;
    let document = state
        .api_cache
        .get_or_build(&version, key, async {
            let all = teams::db::list_teams(&state.pool).await?;
            let ledgers = teams::db::all_ledgers(&state.pool).await?;
            render(&TeamList {
                teams: model::team_list(&all, &ledgers, &state.config),
            })
        })
        .await?;
    cached_json(&headers, document, caller.0.is_some())
}

#[utoipa::path(get, operation_id = "show_team", path = "/api/v1/teams/{slug}", tag = "teams", security((), ("bearer" = ["read"])),
    params(("slug" = String, Path, description = "The team.")),
    responses((status = 200, description = "One team.", body = model::TeamJson),
        (status = 404, description = "No such team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
pub async fn show_team(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let key = format!("/api/v1/teams/{slug}");
    let version = crate::audit::db::version(&state.pool).await?;
    let document = state
        .api_cache
        .get_or_build(&version, &key, async {
            let team = teams::db::find_team(&state.pool, &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let sub_teams = teams::db::sub_teams(&state.pool, team.id).await?;
            let ledger = teams::db::ledger(&state.pool, team.id).await?;
            let sub_slugs = sub_teams.into_iter().map(|s| s.slug).collect();
            render(&model::team_json(&team, sub_slugs, &ledger, &state.config))
        })
        .await?;
    cached_json(&headers, document, caller.0.is_some())
}

#[utoipa::path(get, operation_id = "me", path = "/api/v1/me", tag = "tokens", security(("bearer" = ["read"])),
    responses((status = 200, description = "The token's owner, their teams and the token.", body = model::Me),
        (status = 401, description = "No token, or one that is not live.", body = ApiErrorJson),
        (status = 403, description = "The token lacks `read`.", body = ApiErrorJson)))]
/// `/api/v1/me`: the token's owner, their current teams and the token itself. Needs a
/// token with `read`; never kept by a shared cache.
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, Response> {
    let request_id = bearer::request_id_of(&headers);
    let Some(caller) = caller else {
        return Err(bearer::ApiRefusal {
            status: StatusCode::UNAUTHORIZED,
            code: "token_required",
            message: "This answer is about the person behind a token: send one as \u{201c}Authorization: Bearer concord_pat_...\u{201d}.".into(),
            request_id,
        }
        .into_response());
    };
    if !caller.may(Scope::Read) {
        return Err(bearer::lacks(request_id, Scope::Read).into_response());
    }
    let teams = crate::tokens::db::current_teams(&state.pool, caller.user.id)
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    let body = model::Me {
        login: caller.user.login.clone(),
        name: caller.user.name.clone(),
        is_admin: caller.user.is_admin,
        teams: teams
            .into_iter()
            .map(|t| model::MyTeam {
                url: state.config.absolute(&format!("/teams/{}", t.slug)),
                slug: t.slug,
                name: t.name,
                role: t.role,
            })
            .collect(),
        token: model::TokenJson {
            name: caller.token_name.clone(),
            scopes: caller.scopes.iter().map(|s| s.as_str()).collect(),
            expires_at: crate::web::dates::rfc3339(caller.expires_at),
        },
    };
    let mut response = axum::Json(body).into_response();
    super::respond::cache_headers(response.headers_mut(), true);
    Ok(response)
}

fn render(value: &impl Serialize) -> Result<Document, AppError> {
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = model::etag(&body);
    Ok(Document {
        body: Body::new(axum::body::Bytes::from(body)).map_err(AppError::internal)?,
        etag: Arc::from(etag.as_str()),
    })
}

/// JSON with a weak ETag and `Cache-Control`, or `304` when the client has it already.
fn cached_json(
    headers: &HeaderMap,
    document: Document,
    private: bool,
) -> Result<Response, AppError> {
    let etag = document.etag.to_string();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| model::etag_matches(sent, &etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut json = HeaderMap::new();
        json.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        document.body.respond(headers, json)
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(AppError::internal)?,
    );
    super::respond::cache_headers(headers, private);
    Ok(response)
}
