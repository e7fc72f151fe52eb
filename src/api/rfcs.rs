//! `/api/v1/rfcs`: the RFCs a viewer may list (`rfcs::db::list_rfcs`), one RFC with its
//! revisions, the feedback the viewer may read (`rfcs::db::feedback`, filtered in its
//! SQL), the disposition as the page shows it and, once published, the counts of private
//! feedback; and the writes of `drafts:write` (draft, revise) and `feedback:write`
//! (give, edit, withdraw), through the same `rfcs::db` functions and `rfcs::model` rules
//! as the forms.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::idempotent;
#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::respond::{
    ApiError, Listing, PageQuery, Viewer, WriteRefusals, answer, invalid, json_body, page_of,
    writer,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::rfcs::db::{self, Feedback, NewFeedback, Taken};
use crate::rfcs::model::{
    self, FeedbackEditForm, FeedbackForm, Revision, Rfc, RfcForm, Stage, Standing, WindowState,
};
use crate::teams;
use crate::tokens::bearer::{ApiCaller, Caller};
use crate::tokens::model::Scope;
use crate::web::dates::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WindowJson {
    pub opens_at: String,
    pub closes_at: String,
    /// `not_yet_open`, `open` or `closed`.
    pub state: &'static str,
}

/// An RFC in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RfcSummary {
    pub id: i64,
    pub url: String,
    pub team: TeamRef,
    pub title: String,
    pub summary: String,
    /// `draft`, `open_for_feedback`, `closed`, `accepted`, `rejected` or `withdrawn`.
    pub stage: &'static str,
    pub window: Option<WindowJson>,
    pub revision: i32,
    pub created_at: String,
    pub revised_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionJson {
    pub number: i32,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub pull_request_url: Option<String>,
    pub change_note: String,
    pub author: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispositionJson {
    pub verdict: &'static str,
    pub reason: Option<String>,
    pub recorded_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackJson {
    pub id: i64,
    pub author: String,
    /// `public`, or `private` (to the team).
    pub visibility: &'static str,
    pub revision: i32,
    /// `null` once withdrawn.
    pub body: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub disposition: Option<DispositionJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrivateCounts {
    pub accepted: i64,
    pub declined: i64,
    pub noted: i64,
    pub total: i64,
}

/// One RFC.
#[derive(Debug, Serialize, ToSchema)]
pub struct RfcJson {
    #[serde(flatten)]
    pub summary: RfcSummary,
    pub body: String,
    pub pull_request_url: Option<String>,
    pub resolution: Option<&'static str>,
    pub decision_id: Option<i64>,
    pub disposition_published_at: Option<String>,
    pub revisions: Vec<RevisionJson>,
    pub feedback: Vec<FeedbackJson>,
    /// Private feedback by verdict, once the disposition is published (`null` before).
    pub private_feedback: Option<PrivateCounts>,
}

/// An RFC's text, to draft (with `team`, a team's slug) or revise.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RfcBody {
    pub team: String,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// http or https only.
    pub pull_request_url: String,
    pub change_note: String,
}

impl From<RfcBody> for RfcForm {
    fn from(b: RfcBody) -> Self {
        RfcForm {
            team: b.team,
            title: b.title,
            summary: b.summary,
            body: b.body,
            pull_request_url: b.pull_request_url,
            change_note: b.change_note,
            ..RfcForm::default()
        }
    }
}

/// A piece of feedback.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FeedbackBody {
    pub body: String,
    /// `public`, or `private` (to the team).
    pub visibility: String,
}

impl From<FeedbackBody> for FeedbackForm {
    fn from(b: FeedbackBody) -> Self {
        FeedbackForm {
            body: b.body,
            visibility: b.visibility,
            form_key: String::new(),
        }
    }
}

/// A new text for one's own feedback.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FeedbackEditBody {
    pub body: String,
}

fn stage_code(stage: Stage) -> &'static str {
    match stage {
        Stage::Draft => "draft",
        Stage::OpenForFeedback => "open_for_feedback",
        Stage::Closed => "closed",
        Stage::Accepted => "accepted",
        Stage::Rejected => "rejected",
        Stage::Withdrawn => "withdrawn",
    }
}

fn summary(state: &AppState, rfc: &Rfc, now: OffsetDateTime) -> RfcSummary {
    RfcSummary {
        id: rfc.id,
        url: state.config.absolute(&format!("/rfcs/{}", rfc.id)),
        team: TeamRef {
            slug: rfc.team_slug.clone(),
            name: rfc.team_name.clone(),
        },
        title: rfc.current.title.clone(),
        summary: rfc.current.summary.clone(),
        stage: stage_code(rfc.stage(now)),
        window: rfc.window.map(|w| WindowJson {
            opens_at: rfc3339(w.opens_at),
            closes_at: rfc3339(w.closes_at),
            state: match w.state(now) {
                WindowState::NotYetOpen => "not_yet_open",
                WindowState::Open => "open",
                WindowState::Closed => "closed",
            },
        }),
        revision: rfc.current.number,
        created_at: rfc3339(rfc.created_at),
        revised_at: rfc3339(rfc.current.created_at),
    }
}

fn revision_json(v: &Revision) -> RevisionJson {
    RevisionJson {
        number: v.number,
        title: v.title.clone(),
        summary: v.summary.clone(),
        body: v.body.clone(),
        pull_request_url: v.pull_request_url.clone(),
        change_note: v.change_note.clone(),
        author: v.author_login.clone(),
        created_at: rfc3339(v.created_at),
    }
}

fn feedback_json(f: &Feedback) -> FeedbackJson {
    FeedbackJson {
        id: f.id,
        author: f.author_login.clone(),
        visibility: f.visibility.as_str(),
        revision: f.revision_number,
        body: f.withdrawn_at.is_none().then(|| f.body.clone()),
        created_at: rfc3339(f.created_at),
        edited_at: f.edited_at.map(rfc3339),
        withdrawn_at: f.withdrawn_at.map(rfc3339),
        disposition: f.verdict.map(|v| DispositionJson {
            verdict: v.as_str(),
            reason: f.reason.clone(),
            recorded_by: f.disposed_by.clone(),
        }),
    }
}

#[utoipa::path(get, operation_id = "rfcs_list", path = "/api/v1/rfcs", tag = "rfcs", security((), ("bearer" = ["read"])),
    params(("after" = Option<String>, Query, description = "The `next` cursor of the page before."), ("limit" = Option<u32>, Query, description = "Items per page, 1 to 100 (50 unless given).")),
    responses((status = 200, description = "RFCs newest first: every one whose window opened, and with `read` the drafts of the owner's teams.", body = Listing<RfcSummary>), (status = 400, description = "A cursor or limit that is not one.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/rfcs`: newest first, as on `/rfcs`.
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let page = PageQuery::parse(&headers, query.as_deref())?;
    let viewer = Viewer::of(&state, &caller).await?;
    let now = state.clock.now();
    let all = db::list_rfcs(&state.pool, &viewer.teams, now).await?;
    let (rfcs, next) = page_of(&headers, all, |r| r.id, page)?;
    let items = rfcs.iter().map(|r| summary(&state, r, now)).collect();
    answer(&headers, &viewer, &Listing { items, next })
}

/// An RFC the viewer may read (`rfcs::model::require_reader`), and where they stand.
async fn readable(
    state: &AppState,
    id: &str,
    user_id: Option<i64>,
    teams: &[i64],
    now: OffsetDateTime,
) -> Result<(Rfc, Standing), ApiError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let rfc = db::find_rfc(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = Standing::of(user_id, rfc.team_id, teams);
    model::require_reader(&rfc, &standing, now)?;
    Ok((rfc, standing))
}

#[utoipa::path(get, operation_id = "rfcs_show", path = "/api/v1/rfcs/{id}", tag = "rfcs", security((), ("bearer" = ["read"])),
    params(("id" = i64, Path, description = "The RFC's number.")),
    responses((status = 200, description = "The RFC, its revisions, the feedback the caller may read, the disposition as published.", body = RfcJson),
        (status = 404, description = "No such RFC, or a draft of another team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/rfcs/{id}`.
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = Viewer::of(&state, &caller).await?;
    let now = state.clock.now();
    let (rfc, standing) = readable(&state, &id, viewer.user_id(), &viewer.teams, now).await?;
    let revisions = db::revisions(&state.pool, rfc.id).await?;
    let feedback = db::feedback(&state.pool, rfc.id, standing.user_id, standing.is_member).await?;
    let private_feedback = match rfc.disposition_published_at {
        Some(_) => {
            let s = db::private_summary(&state.pool, rfc.id).await?;
            Some(PrivateCounts {
                accepted: s.accepted,
                declined: s.declined,
                noted: s.noted,
                total: s.total,
            })
        }
        None => None,
    };
    let body = RfcJson {
        summary: summary(&state, &rfc, now),
        body: rfc.current.body.clone(),
        pull_request_url: rfc.current.pull_request_url.clone(),
        resolution: rfc.resolution.map(|r| r.as_str()),
        decision_id: rfc.decision_id,
        disposition_published_at: rfc.disposition_published_at.map(rfc3339),
        revisions: revisions.iter().map(revision_json).collect(),
        feedback: feedback.iter().map(feedback_json).collect(),
        private_feedback,
    };
    answer(&headers, &viewer, &body)
}

/// The person behind a writing token, as a reader of their own teams' RFCs.
async fn teams_of(state: &AppState, caller: &Caller) -> Result<Vec<i64>, ApiError> {
    Ok(teams::db::current_team_ids(&state.pool, caller.user.id).await?)
}

#[utoipa::path(post, operation_id = "rfcs_create", path = "/api/v1/rfcs", tag = "rfcs", security(("bearer" = ["drafts:write"])),
    request_body = RfcBody,
    responses((status = 201, description = "The draft, as revision 1.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/rfcs` (`drafts:write`): a new draft of one of the person's teams, as
/// revision 1. The window is set on the site, never here.
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::DraftsWrite)?;
    let form = RfcForm::from(json_body::<RfcBody>(&headers, &body)?);
    let now = state.clock.now();
    let ids = teams_of(&state, caller).await?;
    let team = teams::db::find_team(&state.pool, form.team.trim())
        .await?
        .filter(|t| t.is_active());
    let standing = Standing::of(
        Some(caller.user.id),
        team.as_ref().map(|t| t.id).unwrap_or_default(),
        &ids,
    );
    model::require_team_member(&standing)?;
    let Some(team) = team else {
        return Err(AppError::Forbidden("only the team's members may do this").into());
    };
    let text = form.validate(true).map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let form_key = model::new_form_key();
    let id = db::create_rfc(&mut write.tx, &team, &text, &form_key, &caller.user, now).await?;
    let url = state.config.absolute(&format!("/rfcs/{id}"));
    write
        .finish(
            StatusCode::CREATED,
            json!({ "id": id, "url": url, "revision": 1 }),
        )
        .await
}

#[utoipa::path(post, operation_id = "rfcs_revise", path = "/api/v1/rfcs/{id}/revisions", tag = "rfcs", security(("bearer" = ["drafts:write"])),
    params(("id" = i64, Path, description = "The RFC's number.")),
    request_body = RfcBody,
    responses((status = 201, description = "A new revision.", body = serde_json::Value), (status = 200, description = "The same text: no revision made.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/rfcs/{id}/revisions` (`drafts:write`): a new revision while the text
/// may change (`rfcs::model::require_revisable`); the same text makes none.
pub async fn revise(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::DraftsWrite)?;
    let form = RfcForm::from(json_body::<RfcBody>(&headers, &body)?);
    let now = state.clock.now();
    let ids = teams_of(&state, caller).await?;
    let (rfc, standing) = readable(&state, &id, Some(caller.user.id), &ids, now).await?;
    model::require_team_member(&standing)?;
    model::require_revisable(&rfc, now)?;
    let text = form.validate(false).map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let made = db::revise(&mut write.tx, rfc.id, &text, &caller.user, now).await?;
    let (status, revision) = match made {
        Some(number) => (StatusCode::CREATED, number),
        None => (StatusCode::OK, rfc.current.number),
    };
    write
        .finish(
            status,
            json!({ "id": rfc.id, "revision": revision, "changed": made.is_some() }),
        )
        .await
}

#[utoipa::path(post, operation_id = "rfcs_give_feedback", path = "/api/v1/rfcs/{id}/feedback", tag = "rfcs", security(("bearer" = ["feedback:write"])),
    params(("id" = i64, Path, description = "The RFC's number.")),
    request_body = FeedbackBody,
    responses((status = 201, description = "The feedback, tied to the current revision.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/rfcs/{id}/feedback` (`feedback:write`): public or private feedback
/// while the window is open (`rfcs::model::feedback_refusal`, checked under the RFC's
/// lock by `rfcs::db::add_feedback`).
pub async fn give_feedback(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::FeedbackWrite)?;
    let form = FeedbackForm::from(json_body::<FeedbackBody>(&headers, &body)?);
    let now = state.clock.now();
    let ids = teams_of(&state, caller).await?;
    let (rfc, _) = readable(&state, &id, Some(caller.user.id), &ids, now).await?;
    let (body, visibility) = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let piece = NewFeedback {
        rfc_id: rfc.id,
        author_id: caller.user.id,
        visibility,
        body,
        form_key: model::new_form_key(),
        at: now,
    };
    let feedback_id = match db::add_feedback(&mut write.tx, &piece).await? {
        Taken::Added(feedback_id) => feedback_id,
        // A fresh form key is never taken already.
        Taken::SentBefore => return Err(AppError::internal("a fresh form key was taken").into()),
    };
    write
        .finish(
            StatusCode::CREATED,
            json!({ "id": feedback_id, "rfc_id": rfc.id, "visibility": visibility.as_str() }),
        )
        .await
}

/// One's own piece of feedback on an RFC one may read (`rfcs::model::require_author`).
async fn own_feedback(
    state: &AppState,
    caller: &Caller,
    id: &str,
    feedback_id: &str,
    now: OffsetDateTime,
) -> Result<(Rfc, db::OwnFeedback), ApiError> {
    let ids = teams_of(state, caller).await?;
    let (rfc, _) = readable(state, id, Some(caller.user.id), &ids, now).await?;
    let feedback_id: i64 = feedback_id.parse().map_err(|_| AppError::NotFound)?;
    let feedback = db::find_feedback(&state.pool, rfc.id, feedback_id)
        .await?
        .ok_or(AppError::NotFound)?;
    model::require_author(feedback.author_id, feedback.visibility, caller.user.id)?;
    Ok((rfc, feedback))
}

#[utoipa::path(post, operation_id = "rfcs_edit_feedback", path = "/api/v1/rfcs/{id}/feedback/{feedback_id}", tag = "rfcs", security(("bearer" = ["feedback:write"])),
    params(("id" = i64, Path, description = "The RFC's number."), ("feedback_id" = i64, Path, description = "One's own piece of feedback.")),
    request_body = FeedbackEditBody,
    responses((status = 200, description = "Changed (the earlier text is kept), or the same.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/rfcs/{id}/feedback/{feedback_id}` (`feedback:write`): a new text for
/// one's own feedback while the window is open; the earlier text is kept.
pub async fn edit_feedback(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((id, feedback_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::FeedbackWrite)?;
    let form = FeedbackEditForm {
        body: json_body::<FeedbackEditBody>(&headers, &body)?.body,
    };
    let now = state.clock.now();
    let (_, feedback) = own_feedback(&state, caller, &id, &feedback_id, now).await?;
    let body = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let changed = db::edit_feedback(&mut write.tx, &feedback, &body, &caller.user, now).await?;
    write
        .finish(
            StatusCode::OK,
            json!({ "id": feedback.id, "changed": changed }),
        )
        .await
}

#[utoipa::path(post, operation_id = "rfcs_withdraw_feedback", path = "/api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw", tag = "rfcs", security(("bearer" = ["feedback:write"])),
    params(("id" = i64, Path, description = "The RFC's number."), ("feedback_id" = i64, Path, description = "One's own piece of feedback.")),
    responses((status = 200, description = "Withdrawn.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw` (`feedback:write`).
pub async fn withdraw_feedback(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((id, feedback_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::FeedbackWrite)?;
    let now = state.clock.now();
    let (_, feedback) = own_feedback(&state, caller, &id, &feedback_id, now).await?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    db::withdraw_feedback(&mut write.tx, &feedback, &caller.user, now).await?;
    write
        .finish(
            StatusCode::OK,
            json!({ "id": feedback.id, "withdrawn": true }),
        )
        .await
}
