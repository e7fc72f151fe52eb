//! `/api/v1/posts`: published posts newest first (`posts::db::list_published`), and one
//! post for whoever may read it (`posts::model::require_reader`: a draft or a post in
//! review only for its author and the team's members, with a `read` token) with its
//! latest comments; `drafts:write` drafts a post and revises one before publication
//! (`posts::model::require_writer`, `require_editor`), never submits, approves or
//! publishes; `comments:write` comments on a published post (`require_published`, the
//! room's comment rate).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::idempotent;
#[allow(unused_imports)]
use super::model::ApiErrorJson;
use super::respond::{
    ApiError, PageQuery, Viewer, WriteRefusals, answer, invalid, json_body, refuse, writer,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::posts::db::{self, WriteError};
use crate::posts::model::{self, Comment, CommentForm, Post, PostForm, PostState};
use crate::teams;
use crate::tokens::bearer::{ApiCaller, Caller};
use crate::tokens::model::Scope;
use crate::web::dates::rfc3339;
use crate::web::form::FormErrors;
use crate::web::idempotency::new_key;

#[derive(Debug, Serialize, ToSchema)]
pub struct PostJson {
    pub id: i64,
    pub url: String,
    pub team: super::rfcs::TeamRef,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub author: String,
    /// `draft`, `in_review` or `published`.
    pub state: &'static str,
    pub created_at: String,
    pub published_at: Option<String>,
    pub approved_by: Option<String>,
    pub pinned_at: Option<String>,
    pub edited_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i64,
    pub author: String,
    /// `null` once deleted.
    pub body: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted_at: Option<String>,
}

/// Published posts, and with `read` (else `null`) the unpublished ones `/posts` shows
/// its reader.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostListing {
    pub items: Vec<PostJson>,
    pub next: Option<String>,
    /// Posts in review in the reader's teams, by others, awaiting their review.
    pub awaiting_review: Option<Vec<PostJson>>,
    /// The reader's own drafts and posts in review.
    pub unpublished: Option<Vec<PostJson>>,
}

/// One post with its latest comments (at most 50, oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostDetail {
    #[serde(flatten)]
    pub post: PostJson,
    pub comments: Vec<CommentJson>,
    pub earlier_comments: bool,
}

/// A post's text (with `team`, a team's slug, to draft one). `timeline`, `members` and
/// `decisions` are the post form's fields of the same names.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct PostBody {
    pub team: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub timeline: String,
    pub members: String,
    pub decisions: String,
}

impl From<PostBody> for PostForm {
    fn from(b: PostBody) -> Self {
        PostForm {
            team: b.team,
            title: b.title,
            body: b.body,
            timeline: b.timeline,
            members: b.members,
            decisions: b.decisions,
            ..PostForm::default()
        }
    }
}

/// A comment.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct CommentBody {
    pub body: String,
}

fn post_json(state: &AppState, p: &Post) -> PostJson {
    PostJson {
        id: p.id,
        url: state.config.absolute(&p.path()),
        team: super::rfcs::TeamRef {
            slug: p.team_slug.clone(),
            name: p.team_name.clone(),
        },
        slug: p.slug.clone(),
        title: p.title.clone(),
        body: p.body.clone(),
        author: p.author_login.clone(),
        state: match p.state() {
            PostState::Draft => "draft",
            PostState::InReview => "in_review",
            PostState::Published => "published",
        },
        created_at: rfc3339(p.created_at),
        published_at: p.published_at.map(rfc3339),
        approved_by: p.approved_by.clone(),
        pinned_at: p.pinned_at.map(rfc3339),
        edited_at: p.edited_at.map(rfc3339),
    }
}

fn comment_json(c: &Comment) -> CommentJson {
    CommentJson {
        id: c.id,
        author: c.author_login.clone(),
        body: c.deleted_at.is_none().then(|| c.body.clone()),
        created_at: rfc3339(c.created_at),
        edited_at: c.edited_at.map(rfc3339),
        deleted_at: c.deleted_at.map(rfc3339),
    }
}

#[utoipa::path(get, operation_id = "posts_list", path = "/api/v1/posts", tag = "posts", security((), ("bearer" = ["read"])),
    params(("after" = Option<String>, Query, description = "The `next` cursor of the page before."), ("limit" = Option<u32>, Query, description = "Items per page, 1 to 100 (50 unless given).")),
    responses((status = 200, description = "Published posts, newest first.", body = PostListing), (status = 400, description = "A cursor or limit that is not one.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/posts`: published posts, newest first. The cursor is the position of
/// the next page in that list. With `read`, also what `/posts` shows its reader besides:
/// the posts in review awaiting their review, and their own drafts and posts in review.
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let page = PageQuery::parse(&headers, query.as_deref())?;
    let viewer = Viewer::of(&state, &caller).await?;
    let offset = page.after.unwrap_or(0);
    let limit = page.limit as i64;
    let mut posts = db::list_published(&state.pool, None, false, limit + 1, offset).await?;
    let next = (posts.len() as i64 > limit).then(|| (offset + limit).to_string());
    posts.truncate(page.limit);
    let items = posts.iter().map(|l| post_json(&state, &l.post)).collect();
    let (awaiting_review, yours) = match &viewer.user {
        Some(user) => {
            let limit = crate::inbox::model::SECTION_LIMIT;
            let awaiting = db::awaiting_review(&state.pool, user.id, limit).await?;
            let yours = db::unpublished_by(&state.pool, user.id).await?;
            (
                Some(awaiting.iter().map(|p| post_json(&state, p)).collect()),
                Some(yours.iter().map(|p| post_json(&state, p)).collect()),
            )
        }
        None => (None, None),
    };
    let body = PostListing {
        items,
        next,
        awaiting_review,
        unpublished: yours,
    };
    answer(&headers, &viewer, &body)
}

/// A post `user_id` may read, and whether they are a member of its team.
async fn readable(
    state: &AppState,
    team: &str,
    slug: &str,
    user_id: Option<i64>,
) -> Result<(Post, model::Viewer), ApiError> {
    let post = db::find_post(&state.pool, team, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_member = match user_id {
        Some(user_id) => db::is_member(&state.pool, post.team_id, user_id).await?,
        None => false,
    };
    let viewer = model::Viewer { user_id, is_member };
    model::require_reader(&post, &viewer)?;
    Ok((post, viewer))
}

#[utoipa::path(get, operation_id = "posts_show", path = "/api/v1/posts/{team}/{slug}", tag = "posts", security((), ("bearer" = ["read"])),
    params(("team" = String, Path, description = "The team."), ("slug" = String, Path, description = "The post.")),
    responses((status = 200, description = "The post with its latest comments; a draft only with `read` for its team.", body = PostDetail),
        (status = 404, description = "No such post, or a draft of another team.", body = ApiErrorJson), (status = 401, description = "A token that is not live (expired, revoked, malformed...).", body = ApiErrorJson)))]
/// `GET /api/v1/posts/{team}/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((team, slug)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let viewer = Viewer::of(&state, &caller).await?;
    let (post, _) = readable(&state, &team, &slug, viewer.user_id()).await?;
    let (comments, earlier_comments) = db::comment_page(&state.pool, post.id, None).await?;
    let body = PostDetail {
        post: post_json(&state, &post),
        comments: comments.iter().map(comment_json).collect(),
        earlier_comments,
    };
    answer(&headers, &viewer, &body)
}

/// A write the room refused: its field (422) or its rule under the lock (409).
fn refused(headers: &HeaderMap, e: WriteError) -> ApiError {
    match e {
        WriteError::Refused(why) => refuse(headers, StatusCode::CONFLICT, "conflict", why),
        WriteError::Invalid { field, message } => {
            let mut errors = FormErrors::default();
            errors.add(field, message);
            invalid(headers, &errors)
        }
        WriteError::Database(e) => e.into(),
    }
}

fn draft_answer(state: &AppState, team: &str, slug: &str) -> serde_json::Value {
    json!({
        "team": team,
        "slug": slug,
        "url": state.config.absolute(&format!("/posts/{team}/{slug}")),
        "state": "draft",
    })
}

#[utoipa::path(post, operation_id = "posts_create", path = "/api/v1/posts", tag = "posts", security(("bearer" = ["drafts:write"])),
    request_body = PostBody,
    responses((status = 201, description = "The draft.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/posts` (`drafts:write`): a draft of one of the person's teams.
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller: &Caller = writer(&headers, &caller, Scope::DraftsWrite)?;
    let form = PostForm::from(json_body::<PostBody>(&headers, &body)?);
    let now = state.clock.now();
    let ids = teams::db::current_team_ids(&state.pool, caller.user.id).await?;
    let team = teams::db::find_team(&state.pool, form.team.trim())
        .await?
        .filter(|t| t.is_active());
    let Some(team) = team else {
        let mut errors = FormErrors::default();
        errors.add("team", "Name one of your teams by its slug.");
        return Err(invalid(&headers, &errors));
    };
    model::require_writer(&model::Viewer {
        user_id: Some(caller.user.id),
        is_member: ids.contains(&team.id),
    })?;
    let content = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let slug = db::create_post(
        &mut write.tx,
        &team,
        &caller.user,
        &content,
        &new_key(),
        now,
    )
    .await
    .map_err(|e| refused(&headers, e))?;
    let body = draft_answer(&state, &team.slug, &slug);
    write.finish(StatusCode::CREATED, body).await
}

#[utoipa::path(post, operation_id = "posts_revise", path = "/api/v1/posts/{team}/{slug}", tag = "posts", security(("bearer" = ["drafts:write"])),
    params(("team" = String, Path, description = "The team."), ("slug" = String, Path, description = "One's own draft.")),
    request_body = PostBody,
    responses((status = 200, description = "Saved as a draft.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/posts/{team}/{slug}` (`drafts:write`): a new text for one's own draft
/// (a post in review becomes a draft again, as on the site). A published post is edited
/// on the site only.
pub async fn revise(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((team, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::DraftsWrite)?;
    let form = PostForm::from(json_body::<PostBody>(&headers, &body)?);
    let now = state.clock.now();
    let (post, viewer) = readable(&state, &team, &slug, Some(caller.user.id)).await?;
    model::require_editor(&post, &viewer)?;
    if post.state() == PostState::Published {
        return Err(refuse(
            &headers,
            StatusCode::CONFLICT,
            "published",
            "This post is published: a token with drafts:write changes drafts only. Edit it on the site.",
        ));
    }
    let content = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let changed = db::update_post(&mut write.tx, post.id, &caller.user, &content, now)
        .await
        .map_err(|e| refused(&headers, e))?;
    let mut body = draft_answer(&state, &post.team_slug, &post.slug);
    body["changed"] = changed.into();
    write.finish(StatusCode::OK, body).await
}

#[utoipa::path(post, operation_id = "posts_comment", path = "/api/v1/posts/{team}/{slug}/comments", tag = "posts", security(("bearer" = ["comments:write"])),
    params(("team" = String, Path, description = "The team."), ("slug" = String, Path, description = "A published post.")),
    request_body = CommentBody,
    responses((status = 201, description = "The comment.", body = serde_json::Value), WriteRefusals))]
/// `POST /api/v1/posts/{team}/{slug}/comments` (`comments:write`).
pub async fn comment(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((team, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = writer(&headers, &caller, Scope::CommentsWrite)?;
    let form = CommentForm {
        body: json_body::<CommentBody>(&headers, &body)?.body,
        ..CommentForm::default()
    };
    let now = state.clock.now();
    let (post, _) = readable(&state, &team, &slug, Some(caller.user.id)).await?;
    model::require_published(&post)?;
    let recent = db::comments_written_since(
        &state.pool,
        caller.user.id,
        now - model::COMMENT_RATE_WINDOW,
    )
    .await?;
    if let Some(problem) = model::comment_rate_problem(recent) {
        return Err(refuse(
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            "comment_rate",
            problem,
        ));
    }
    let body = form.validate().map_err(|e| invalid(&headers, &e))?;
    let mut write = idempotent::begin(&state.pool, &headers, caller, now).await?;
    let id = db::create_comment(&mut write.tx, &post, &caller.user, &body, &new_key(), now).await?;
    let url = state
        .config
        .absolute(&format!("{}#comment-{id}", post.path()));
    write
        .finish(StatusCode::CREATED, json!({ "id": id, "url": url }))
        .await
}
