//! `/api/v1/teams/{slug}/decisions` and `/api/v1/decisions/{id}`: a team's decisions
//! (`decisions::db::team_decisions`: the private ones only for its members) and one
//! decision for those who may see it (`decisions::model::require_viewer`), as its record
//! (`export::model::decision_json`: rule, deciders, every position, concerns, the
//! computed outcome) with each decider's current position and the tally; and
//! `positions:write`, taking a position in a decision one decides
//! (`decisions::model::require_decider`, `decisions::db::take_position`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::idempotent;
#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::respond::{
    ApiError, Listing, PageQuery, Viewer, WriteRefusals, answer, invalid, json_body, page_of,
    writer,
};
use crate::app::AppState;
use crate::decisions::db;
use crate::decisions::model::{self, Decision, PositionForm, Standing, Tally};
use crate::error::AppError;
use crate::export::model::{DecisionRecord, decision_json};
use crate::teams;
use crate::tokens::bearer::ApiCaller;
use crate::tokens::model::Scope;
use crate::web::dates::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct TallyJson {
    pub deciders: usize,
    pub agree: usize,
    pub stand_aside: usize,
    pub object: usize,
    pub absent: usize,
    pub unresolved_concerns: usize,
}

/// A position: `stance` is `agree`, `agree_with_concerns`, `stand_aside` or `object`
/// (as the decision page offers them).
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct PositionBody {
    pub stance: String,
    pub comment: String,
}

fn tally_json(t: &Tally) -> TallyJson {
    TallyJson {
        deciders: t.deciders,
        agree: t.agree,
        stand_aside: t.stand_aside,
        object: t.object,
        absent: t.absent,
        unresolved_concerns: t.unresolved_concerns,
    }
}

/// A decision in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionSummary {
    pub id: i64,
    pub url: String,
    pub question: String,
    /// `public`, or `team` (its members only).
    pub visibility: &'static str,
    pub opened_at: String,
    pub closes_at: String,
    /// `open`, `passed`, `blocked`, `lapsed` or `withdrawn`, computed at the request.
    pub outcome: &'static str,
    pub tally: TallyJson,
}

#[utoipa::path(get, operation_id = "decisions_list", path = "/api/v1/teams/{slug}/decisions", tag = "decisions", security((), ("bearer" = ["read"])),
    params(("slug" = String, Path, description = "The team."), ("after" = Option<String>, Query, description = "The `next` cursor of the page before."), ("limit" = Option<u32>, Query, description = "Items per page, 1 to 100 (50 unless given).")),
    responses((status = 200, description = "The team's decisions newest first: public ones, and with `read` its private ones for its members.", body = Listing<DecisionSummary>), (status = 400, description = "A cursor or limit that is not one.", body = ApiErrorJson),
        (status = 404, description = "No such team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/teams/{slug}/decisions`: newest first, as on the team's decisions page.
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
    let all = db::team_decisions(&state.pool, team.id, viewer.is_member_of(team.id)).await?;
    let (decisions, next) = page_of(&headers, all, |d| d.id, page)?;
    let ids: Vec<i64> = decisions.iter().map(|d| d.id).collect();
    let tallies = db::tallies(&state.pool, &ids).await?;
    let items = decisions
        .iter()
        .map(|d| {
            let tally = tallies.get(&d.id).cloned().unwrap_or_default();
            DecisionSummary {
                id: d.id,
                url: state.config.absolute(&format!("/decisions/{}", d.id)),
                question: d.question.clone(),
                visibility: if d.is_public { "public" } else { "team" },
                opened_at: rfc3339(d.opened_at),
                closes_at: rfc3339(d.closes_at),
                outcome: d.outcome(&tally, now).as_str(),
                tally: tally_json(&tally),
            }
        })
        .collect();
    answer(&headers, &viewer, &Listing { items, next })
}

/// A decision `user_id` may see (`require_viewer`), and where they stand.
async fn visible(
    state: &AppState,
    id: &str,
    user_id: Option<i64>,
) -> Result<(Decision, Standing), ApiError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let decision = db::find_decision(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (is_member, is_decider) = match user_id {
        Some(user_id) => (
            teams::db::current_team_ids(&state.pool, user_id)
                .await?
                .contains(&decision.team_id),
            db::is_decider(&state.pool, id, user_id).await?,
        ),
        None => (false, false),
    };
    let standing = Standing {
        signed_in: user_id.is_some(),
        is_member,
        is_decider,
        is_opener: user_id == Some(decision.opened_by),
    };
    model::require_viewer(decision.is_public, &standing)?;
    Ok((decision, standing))
}

#[utoipa::path(get, operation_id = "decisions_show", path = "/api/v1/decisions/{id}", tag = "decisions", security((), ("bearer" = ["read"])),
    params(("id" = i64, Path, description = "The decision.")),
    responses((status = 200, description = "The decision's record (as `/decisions/{id}/record.json`: rule, deciders, every position, concerns, outcome) with `current_positions` and `tally`.", body = serde_json::Value),
        (status = 404, description = "No such decision, or a private one of another team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/decisions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = Viewer::of(&state, &caller).await?;
    let (decision, _) = visible(&state, &id, viewer.user_id()).await?;
    let deciders = db::deciders(&state.pool, decision.id).await?;
    let positions = db::positions(&state.pool, decision.id).await?;
    let concerns = db::concerns(&state.pool, decision.id).await?;
    let recorded = db::recorded_outcome(&state.pool, decision.id).await?;
    let tally = model::tally_of(&deciders, &positions, &concerns);
    let outcome = decision.outcome(&tally, state.clock.now());
    let absolute = |path: &str| state.config.absolute(path);
    let mut body = decision_json(
        &DecisionRecord {
            decision: &decision,
            outcome,
            deciders: &deciders,
            positions: &positions,
            concerns: &concerns,
            recorded: recorded.as_ref(),
        },
        &absolute,
    );
    let current = model::current_positions(&positions, |p| p.user_id);
    let current: Vec<Value> = deciders
        .iter()
        .map(|d| {
            let position = current.get(&d.user_id);
            json!({
                "login": d.login,
                "stance": position.map(|p| p.stance.as_str()),
                "comment": position.and_then(|p| p.comment.clone()),
                "at": position.map(|p| rfc3339(p.at)),
            })
        })
        .collect();
    if let Value::Object(fields) = &mut body {
        fields.insert("current_positions".into(), Value::Array(current));
        fields.insert("tally".into(), json!(tally_json(&tally)));
    }
    answer(&headers, &viewer, &body)
}

#[utoipa::path(post, operation_id = "decisions_take_position", path = "/api/v1/decisions/{id}/positions", tag = "decisions", security(("bearer" = ["positions:write"])),
    params(("id" = i64, Path, description = "A decision the token's owner decides.")),
    request_body = PositionBody,
    responses((status = 201, description = "The position, recorded.", body = serde_json::Value), (status = 200, description = "Already recorded as it is.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/decisions/{id}/positions` (`positions:write`): `{stance, comment}` from
/// a decider, while the decision is open.
pub async fn take_position(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::PositionsWrite)?;
    let b: PositionBody = json_body(&headers, &body)?;
    let form = PositionForm {
        stance: b.stance,
        comment: b.comment,
    };
    let now = state.clock.now();
    let (decision, standing) = visible(&state, &id, Some(caller.user.id)).await?;
    model::require_decider(&standing)?;
    let (stance, comment) = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let added = db::take_position(
        &mut write.tx,
        decision.id,
        &caller.user,
        stance,
        comment.as_deref(),
        now,
    )
    .await?;
    write
        .finish(
            if added {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            json!({ "decision_id": decision.id, "stance": stance.as_str(), "changed": added }),
        )
        .await
}
