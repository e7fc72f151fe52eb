//! `GET /api/v1/audit`: the audit log newest first, as on `/audit`
//! (`audit::db::list_visible`: public entries, and with a `read` token those of the
//! owner's current teams), keyset-paginated on the entry id.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::respond::{ApiError, Listing, PageQuery, Viewer, answer};
use crate::app::AppState;
use crate::audit::db;
use crate::tokens::bearer::ApiCaller;
use crate::web::dates::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryJson {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub subject_kind: String,
    pub subject: String,
    pub team: Option<String>,
    /// `public`, or `team` (its members only).
    pub visibility: &'static str,
    pub details: serde_json::Value,
}

#[utoipa::path(get, operation_id = "audit_list", path = "/api/v1/audit", tag = "audit", security((), ("bearer" = ["read"])),
    params(("after" = Option<String>, Query, description = "The `next` cursor of the page before."), ("limit" = Option<u32>, Query, description = "Items per page, 1 to 100 (50 unless given).")),
    responses((status = 200, description = "The audit log newest first: public entries, and with `read` those of the owner's teams.", body = Listing<EntryJson>), (status = 400, description = "A cursor or limit that is not one.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let page = PageQuery::parse(&headers, query.as_deref())?;
    let viewer = Viewer::of(&state, &caller).await?;
    let limit = page.limit as i64;
    let mut rows = db::list_visible(&state.pool, &viewer.teams, page.after, limit + 1).await?;
    let more = rows.len() > page.limit;
    rows.truncate(page.limit);
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| EntryJson {
            id: r.id,
            at: rfc3339(r.at),
            actor: r.actor_login,
            action: r.action,
            subject_kind: r.subject_kind,
            subject: r.subject_label,
            team: r.team_slug,
            visibility: r.visibility.as_str(),
            details: r.details,
        })
        .collect();
    answer(&headers, &viewer, &Listing { items, next })
}
