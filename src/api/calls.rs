//! `/api/v1/teams/{slug}/calls` and `/api/v1/calls/{id}`: calls for nominations, public
//! as on their pages, with the people announced; and for a `read` token of a current
//! member of the calling team, the pipeline the call page shows its members
//! (`nominations::db::call_nominations`: nominee, nominator, stage; never the statements,
//! which stay on each nomination's page).

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::respond::{ApiError, Listing, PageQuery, Viewer, answer, page_of};
use crate::app::AppState;
use crate::error::AppError;
use crate::nominations::db::{self, Nomination};
use crate::nominations::model::{Call, Eligibility, Stage, WindowState};
use crate::teams;
use crate::tokens::bearer::ApiCaller;
use crate::web::dates::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct CallJson {
    pub id: i64,
    pub url: String,
    pub team: super::rfcs::TeamRef,
    pub title: String,
    pub looking_for: String,
    /// `open`, `team:<slug>` (current members of that team), `list:<name>` or
    /// `github_team:<slug>` (members of that GitHub team of the App's organization).
    pub eligibility: String,
    pub seats: i32,
    pub opens_at: String,
    pub closes_at: String,
    /// `not_yet_open`, `open` or `closed`.
    pub window: &'static str,
    pub opened_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NominationJson {
    pub id: i64,
    pub nominee: String,
    pub nominator: String,
    pub stage: &'static str,
    pub created_at: String,
    pub last_activity: String,
}

/// One call: `announced` always; `nominations` only for the team's members (else `null`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDetail {
    #[serde(flatten)]
    pub call: CallJson,
    pub announced: Vec<String>,
    pub nominations: Option<Vec<NominationJson>>,
}

fn call_json(state: &AppState, call: &Call, now: time::OffsetDateTime) -> CallJson {
    CallJson {
        id: call.id,
        url: state.config.absolute(&format!("/calls/{}", call.id)),
        team: super::rfcs::TeamRef {
            slug: call.team_slug.clone(),
            name: call.team_name.clone(),
        },
        title: call.title.clone(),
        looking_for: call.looking_for.clone(),
        eligibility: match &call.eligibility {
            Eligibility::Open => "open".to_string(),
            Eligibility::TeamMember { slug, .. } => format!("team:{slug}"),
            Eligibility::List(name) => format!("list:{name}"),
            Eligibility::GithubTeam(slug) => format!("github_team:{slug}"),
        },
        seats: call.seats,
        opens_at: rfc3339(call.opens_at),
        closes_at: rfc3339(call.closes_at),
        window: match call.window(now) {
            WindowState::NotYetOpen => "not_yet_open",
            WindowState::Open => "open",
            WindowState::Closed => "closed",
        },
        opened_by: call.opened_by_login.clone(),
    }
}

fn stage_code(stage: Stage) -> &'static str {
    match stage {
        Stage::Nominated => "nominated",
        Stage::Accepted => "accepted",
        Stage::Shortlisted => "shortlisted",
        Stage::Interviewed => "interviewed",
        Stage::Decided => "decided",
        Stage::Announced => "announced",
        Stage::Declined => "declined",
        Stage::Withdrawn => "withdrawn",
        Stage::NotSelected => "not_selected",
    }
}

fn nomination_json(n: &Nomination) -> NominationJson {
    NominationJson {
        id: n.id,
        nominee: n.nominee_login.clone(),
        nominator: n.nominator_login.clone(),
        stage: stage_code(n.stage),
        created_at: rfc3339(n.created_at),
        last_activity: rfc3339(n.last_activity),
    }
}

#[utoipa::path(get, operation_id = "calls_list", path = "/api/v1/teams/{slug}/calls", tag = "calls", security((), ("bearer" = ["read"])),
    params(("slug" = String, Path, description = "The team."), ("after" = Option<String>, Query, description = "The `next` cursor of the page before."), ("limit" = Option<u32>, Query, description = "Items per page, 1 to 100 (50 unless given).")),
    responses((status = 200, description = "The team's calls for nominations, newest first.", body = Listing<CallJson>), (status = 400, description = "A cursor or limit that is not one.", body = ApiErrorJson),
        (status = 404, description = "No such team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/teams/{slug}/calls`: newest first.
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let page = PageQuery::parse(&headers, query.as_deref())?;
    let viewer = Viewer::of(&state, &caller).await?;
    let now = state.clock.now();
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = db::team_calls(&state.pool, team.id).await?;
    let (calls, next) = page_of(&headers, all, |c| c.id, page)?;
    let items = calls.iter().map(|c| call_json(&state, c, now)).collect();
    answer(&headers, &viewer, &Listing { items, next })
}

#[utoipa::path(get, operation_id = "calls_show", path = "/api/v1/calls/{id}", tag = "calls", security((), ("bearer" = ["read"])),
    params(("id" = i64, Path, description = "The call.")),
    responses((status = 200, description = "The call; with `read` for a member of its team, the nominations.", body = CallDetail),
        (status = 404, description = "No such call.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/calls/{id}`.
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = Viewer::of(&state, &caller).await?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let call = db::find_call(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let announced = db::announced(&state.pool, id).await?;
    let nominations = if viewer.is_member_of(call.team_id) {
        Some(
            db::call_nominations(&state.pool, id)
                .await?
                .iter()
                .map(nomination_json)
                .collect(),
        )
    } else {
        None
    };
    let body = CallDetail {
        call: call_json(&state, &call, state.clock.now()),
        announced,
        nominations,
    };
    answer(&headers, &viewer, &body)
}
