use crate::web::form::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::db::{self, WriteError};
use super::model::{
    self, ActionItemForm, CommentForm, LikeForm, PinForm, Post, PostForm, PostState, ReviewForm,
    Viewer, switch, timeline_text,
};
use super::pages::{
    ActionItemPage, Allowed, CommentEditPage, Feed, HistoryPage, ListContext, PostData,
    PostFormPage, PostInputs, PostPage, PostsPage, TeamActionsPage,
};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams;
use crate::teams::model::Team;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::idempotency::{key_or_new as nonce_or_new, new_key as new_nonce};
use crate::web::layout::Layout;

/// The post at a permalink and where `user` stands towards it.
async fn load(
    state: &AppState,
    team_slug: &str,
    slug: &str,
    user: Option<&User>,
) -> Result<(Post, Viewer), AppError> {
    let post = db::find_post(&state.pool, team_slug, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_member = match user {
        Some(user) => db::is_member(&state.pool, post.team_id, user.id).await?,
        None => false,
    };
    let viewer = Viewer {
        user_id: user.map(|u| u.id),
        is_member,
    };
    model::require_reader(&post, &viewer)?;
    Ok((post, viewer))
}

fn unprocessable(page: impl IntoResponse) -> Result<Response, AppError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A write's refusal as form messages; anything else is an error.
fn refused(e: WriteError) -> Result<FormErrors, AppError> {
    let mut errors = FormErrors::default();
    match e {
        WriteError::Refused(why) => errors.add("form", why),
        WriteError::Invalid { field, message } => errors.add(field, message),
        other => return Err(other.into()),
    }
    Ok(errors)
}

#[derive(Deserialize)]
pub struct ListQuery {
    team: Option<String>,
    page: Option<String>,
}

/// Published posts, newest first, a page at a time; filtered by team with `?team=`.
/// A signed-in person also sees their drafts and the posts awaiting their review.
pub async fn list_posts(
    State(state): State<AppState>,
    layout: Layout,
    Query(query): Query<ListQuery>,
) -> Result<PostsPage, AppError> {
    let teams = teams::db::list_teams(&state.pool).await?;
    let team = match query.team.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(slug) => Some(
            teams
                .iter()
                .find(|t| t.slug == slug)
                .ok_or(AppError::NotFound)?,
        ),
    };
    let team_id = team.map(|t| t.id);
    let page = model::page_number(query.page.as_deref());
    let offset = (page - 1) * model::PAGE_SIZE;
    // One more than a page tells whether an older page exists, without counting them all.
    let mut listed = db::list_published(
        &state.pool,
        team_id,
        team.is_some(),
        model::PAGE_SIZE + 1,
        offset,
    )
    .await?;
    let older = listed.len() as i64 > model::PAGE_SIZE;
    listed.truncate(usize::try_from(model::PAGE_SIZE).unwrap_or(0));
    let (awaiting, drafts, may_write) = match &layout.user {
        Some(user) => (
            db::awaiting_review(&state.pool, user.id, crate::inbox::model::SECTION_LIMIT).await?,
            db::unpublished_by(&state.pool, user.id).await?,
            !teams::db::current_team_ids(&state.pool, user.id)
                .await?
                .is_empty(),
        ),
        None => (Vec::new(), Vec::new(), false),
    };
    Ok(PostsPage::new(
        layout,
        &listed,
        ListContext {
            teams: &teams,
            team,
            page,
            older,
            may_write,
            awaiting: &awaiting,
            drafts: &drafts,
        },
    ))
}

/// The active teams `user` belongs to now: those they may write for.
async fn writable_teams(state: &AppState, user: &User) -> Result<Vec<Team>, AppError> {
    let ids = teams::db::current_team_ids(&state.pool, user.id).await?;
    Ok(teams::db::list_teams(&state.pool)
        .await?
        .into_iter()
        .filter(|t| t.is_active() && ids.contains(&t.id))
        .collect())
}

#[derive(Deserialize)]
pub struct NewQuery {
    team: Option<String>,
}

pub async fn new_post(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Query(query): Query<NewQuery>,
) -> Result<PostFormPage, AppError> {
    let teams = writable_teams(&state, &user).await?;
    model::require_writer(&Viewer {
        user_id: Some(user.id),
        is_member: !teams.is_empty(),
    })?;
    let form = PostForm {
        team: query.team.unwrap_or_default(),
        nonce: new_nonce(),
        ..PostForm::default()
    };
    Ok(PostFormPage::new(
        layout,
        None,
        &teams,
        &form,
        &FormErrors::default(),
        false,
    ))
}

pub async fn create_post(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Form(mut form): Form<PostForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    form.nonce = nonce_or_new(&form.nonce);
    let teams = writable_teams(&state, &user).await?;
    let team = match teams::db::find_team(&state.pool, form.team.trim()).await? {
        None => None,
        Some(team) => {
            model::require_writer(&Viewer {
                user_id: Some(user.id),
                is_member: teams.iter().any(|t| t.id == team.id),
            })?;
            Some(team)
        }
    };
    if form.is_preview() {
        let page = PostFormPage::new(layout, None, &teams, &form, &FormErrors::default(), true);
        return Ok(page.into_response());
    }
    let errors = match (form.validate(), &team) {
        (Ok(content), Some(team)) => {
            let mut tx = state.pool.begin().await?;
            match db::create_post(&mut tx, team, &user, &content, &form.nonce, now).await {
                Ok(slug) => {
                    let to = format!("/posts/{}/{slug}", team.slug);
                    let message = "The draft is saved. Submit it for review when it is ready.";
                    return done(tx, message, &to).await;
                }
                Err(e) => refused(e)?,
            }
        }
        (result, team) => {
            let mut errors = result.err().unwrap_or_default();
            if team.is_none() {
                errors.add("team", "Choose one of your teams.");
            }
            errors
        }
    };
    unprocessable(PostFormPage::new(
        layout, None, &teams, &form, &errors, false,
    ))
}

/// Loads everything the post's page shows and what the viewer may do there.
async fn post_page(
    state: &AppState,
    layout: Layout,
    post: Post,
    viewer: Viewer,
    mut inputs: PostInputs,
    before: Option<i64>,
) -> Result<PostPage, AppError> {
    let now = state.clock.now();
    let links = db::links(&state.pool, post.id).await?;
    let timeline = db::timeline(&state.pool, post.id).await?;
    let actions = db::action_items(&state.pool, post.id).await?;
    let (likes, liked) = db::like_summary(&state.pool, post.id, viewer.user_id).await?;
    let published = post.state() == PostState::Published;
    let (comments, earlier, versions) = if published {
        let (comments, earlier) = db::comment_page(&state.pool, post.id, before).await?;
        // Earlier versions of the shown comments that were edited; no query when none was.
        let edited: Vec<i64> = comments
            .iter()
            .filter(|c| c.edited_at.is_some())
            .map(|c| c.id)
            .collect();
        let versions = if edited.is_empty() {
            Vec::new()
        } else {
            db::comment_versions_of(&state.pool, &edited).await?
        };
        (comments, earlier, versions)
    } else {
        (Vec::new(), false, Vec::new())
    };
    let see_reviews = viewer.is_member || viewer.user_id == Some(post.author_id);
    let reviews = if see_reviews {
        db::reviews(&state.pool, post.id).await?
    } else {
        Vec::new()
    };
    let signed_in = viewer.user_id.is_some();
    let may = Allowed {
        edit: model::require_editor(&post, &viewer).is_ok(),
        submit: model::require_submitter(&post, &viewer).is_ok(),
        review: model::require_reviewer(&post, &viewer).is_ok(),
        pin: model::require_pinner(&post, &viewer).is_ok(),
        like: signed_in && published,
        comment: signed_in && published,
        keep_actions: model::require_action_keeper(&post, &viewer).is_ok(),
        see_reviews,
    };
    if inputs.comment_nonce.is_empty() {
        inputs.comment_nonce = new_nonce();
    }
    if inputs.action.nonce.is_empty() {
        inputs.action.nonce = new_nonce();
    }
    let data = PostData {
        post,
        links,
        timeline,
        actions,
        likes,
        liked,
        earlier: earlier.then(|| comments.first().map(|c| c.id)).flatten(),
        paged: before.is_some(),
        comments,
        versions,
        reviews,
    };
    Ok(PostPage::new(
        layout,
        &data,
        may,
        viewer.user_id,
        &inputs,
        now,
    ))
}

/// `?before=<comment id>` pages back through the comments; without it the page shows
/// the latest.
#[derive(Debug, Default, Deserialize)]
pub struct CommentQuery {
    before: Option<String>,
}

pub async fn show_post(
    State(state): State<AppState>,
    layout: Layout,
    Path((team, slug)): Path<(String, String)>,
    Query(query): Query<CommentQuery>,
) -> Result<PostPage, AppError> {
    let (post, viewer) = load(&state, &team, &slug, layout.user.as_ref()).await?;
    // A malformed cursor shows the latest comments rather than an error.
    let before = query.before.and_then(|b| b.trim().parse::<i64>().ok());
    post_page(&state, layout, post, viewer, PostInputs::default(), before).await
}

async fn form_of(state: &AppState, post: &Post) -> Result<PostForm, AppError> {
    let timeline = db::timeline(&state.pool, post.id).await?;
    let links = db::links(&state.pool, post.id).await?;
    Ok(PostForm {
        title: post.title.clone(),
        body: post.body.clone(),
        timeline: timeline_text(&timeline),
        members: links
            .iter()
            .filter_map(|l| l.login.as_deref())
            .collect::<Vec<_>>()
            .join(" "),
        decisions: links
            .iter()
            .filter_map(|l| l.decision_id.map(|id| id.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        ..PostForm::default()
    })
}

pub async fn edit_post(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
) -> Result<PostFormPage, AppError> {
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_editor(&post, &viewer)?;
    let form = form_of(&state, &post).await?;
    Ok(PostFormPage::new(
        layout,
        Some(&post),
        &[],
        &form,
        &FormErrors::default(),
        false,
    ))
}

pub async fn update_post(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<PostForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_editor(&post, &viewer)?;
    if form.is_preview() {
        let page = PostFormPage::new(
            layout,
            Some(&post),
            &[],
            &form,
            &FormErrors::default(),
            true,
        );
        return Ok(page.into_response());
    }
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok(content) => {
            let mut tx = state.pool.begin().await?;
            match db::update_post(&mut tx, post.id, &user, &content, now).await {
                Ok(changed) => {
                    let message = match (changed, post.state()) {
                        (false, _) => "Nothing changed.",
                        (true, PostState::InReview) => {
                            "Saved. The post is a draft again: submit it for review once more."
                        }
                        (true, PostState::Published) => {
                            "Saved. The earlier version stays in the post's history."
                        }
                        (true, PostState::Draft) => "The draft is saved.",
                    };
                    return done(tx, message, &post.path()).await;
                }
                Err(e) => refused(e)?,
            }
        }
    };
    unprocessable(PostFormPage::new(
        layout,
        Some(&post),
        &[],
        &form,
        &errors,
        false,
    ))
}

pub async fn submit_post(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_submitter(&post, &viewer)?;
    let mut tx = state.pool.begin().await?;
    db::submit_post(&mut tx, post.id, &user, now).await?;
    let message = format!(
        "Submitted for review: another member of {} approves it before it is published.",
        post.team_name
    );
    done(tx, message, &post.path()).await
}

/// The version the reviewer read, from their form.
fn reviewed_version(form: &ReviewForm, post: &Post) -> Result<i32, AppError> {
    form.require_current(post)?;
    Ok(post.version)
}

pub async fn approve_post(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_reviewer(&post, &viewer)?;
    let version = reviewed_version(&form, &post)?;
    let mut tx = state.pool.begin().await?;
    db::approve_post(&mut tx, post.id, &user, version, now).await?;
    done(tx, "Approved and published.", &post.path()).await
}

pub async fn request_changes(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_reviewer(&post, &viewer)?;
    let version = reviewed_version(&form, &post)?;
    let mut errors = FormErrors::default();
    let comment = errors.required(
        "comment",
        "What should change",
        &form.comment,
        model::REVIEW_COMMENT_MAX,
    );
    if errors.is_empty() {
        let mut tx = state.pool.begin().await?;
        db::request_changes(&mut tx, post.id, &user, version, &comment, now).await?;
        let message = "You asked for changes; the post is a draft again for its author.";
        return done(tx, message, &post.path()).await;
    }
    let inputs = PostInputs {
        review_comment: form.comment,
        errors,
        ..PostInputs::default()
    };
    unprocessable(post_page(&state, layout, post, viewer, inputs, None).await?)
}

pub async fn like_post(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<LikeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, _) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_published(&post)?;
    let like = switch(&form.like)?;
    let mut tx = state.pool.begin().await?;
    db::set_like(&mut tx, &post, &user, like, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}#likes", post.path())).into_response())
}

pub async fn pin_post(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<PinForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_pinner(&post, &viewer)?;
    let pin = switch(&form.pin)?;
    let mut tx = state.pool.begin().await?;
    db::set_pin(&mut tx, post.id, &user, pin, now).await?;
    let message = if pin {
        "Pinned: the post shows first among the team's updates."
    } else {
        "Unpinned."
    };
    done(tx, message, &post.path()).await
}

pub async fn show_history(
    State(state): State<AppState>,
    layout: Layout,
    Path((team, slug)): Path<(String, String)>,
) -> Result<HistoryPage, AppError> {
    let (post, _) = load(&state, &team, &slug, layout.user.as_ref()).await?;
    model::require_published(&post)?;
    let revisions = db::revisions(&state.pool, post.id).await?;
    Ok(HistoryPage::new(layout, &post, &revisions))
}

pub async fn create_comment(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_published(&post)?;
    let nonce = nonce_or_new(&form.nonce);
    let recent =
        db::comments_written_since(&state.pool, user.id, now - model::COMMENT_RATE_WINDOW).await?;
    if let Some(problem) = model::comment_rate_problem(recent) {
        let mut errors = FormErrors::default();
        errors.add("body", problem);
        let inputs = PostInputs {
            comment: form.body,
            comment_nonce: nonce,
            errors,
            ..PostInputs::default()
        };
        let page = post_page(&state, layout, post, viewer, inputs, None).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    match form.validate() {
        Ok(body) => {
            let mut tx = state.pool.begin().await?;
            let id = db::create_comment(&mut tx, &post, &user, &body, &nonce, now).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}#comment-{id}", post.path())).into_response())
        }
        Err(errors) => {
            let inputs = PostInputs {
                comment: form.body,
                comment_nonce: nonce,
                errors,
                ..PostInputs::default()
            };
            unprocessable(post_page(&state, layout, post, viewer, inputs, None).await?)
        }
    }
}

async fn load_comment(
    state: &AppState,
    post: &Post,
    comment_id: i64,
) -> Result<model::Comment, AppError> {
    db::find_comment(&state.pool, post.id, comment_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_comment(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug, comment_id)): Path<(String, String, i64)>,
) -> Result<CommentEditPage, AppError> {
    let now = state.clock.now();
    let (post, _) = load(&state, &team, &slug, Some(&user)).await?;
    let comment = load_comment(&state, &post, comment_id).await?;
    model::require_comment_editor(&comment, user.id, now)?;
    Ok(CommentEditPage::new(
        layout,
        &post,
        &comment,
        &comment.body,
        &FormErrors::default(),
    ))
}

pub async fn update_comment(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug, comment_id)): Path<(String, String, i64)>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, _) = load(&state, &team, &slug, Some(&user)).await?;
    let comment = load_comment(&state, &post, comment_id).await?;
    model::require_comment_editor(&comment, user.id, now)?;
    match form.validate() {
        Ok(body) => {
            let mut tx = state.pool.begin().await?;
            db::edit_comment(&mut tx, &post, &comment, &user, &body, now).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}#comment-{}", post.path(), comment.id)).into_response())
        }
        Err(errors) => unprocessable(CommentEditPage::new(
            layout, &post, &comment, &form.body, &errors,
        )),
    }
}

pub async fn delete_comment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((team, slug, comment_id)): Path<(String, String, i64)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    let comment = load_comment(&state, &post, comment_id).await?;
    model::require_comment_deleter(&comment, &viewer)?;
    let mut tx = state.pool.begin().await?;
    db::delete_comment(&mut tx, &post, &comment, &user, now).await?;
    let to = format!("{}#comment-{}", post.path(), comment.id);
    done(tx, "The comment was deleted.", &to).await
}

pub async fn create_action_item(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug)): Path<(String, String)>,
    Form(mut form): Form<ActionItemForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_action_keeper(&post, &viewer)?;
    form.nonce = nonce_or_new(&form.nonce);
    match form.validate() {
        Ok(fields) => {
            let mut tx = state.pool.begin().await?;
            db::create_action_item(&mut tx, &post, &fields, &form.nonce, &user, now).await?;
            let to = format!("{}#actions", post.path());
            done(tx, "The action item was added.", &to).await
        }
        Err(errors) => {
            let inputs = PostInputs {
                action: form,
                errors,
                ..PostInputs::default()
            };
            unprocessable(post_page(&state, layout, post, viewer, inputs, None).await?)
        }
    }
}

async fn load_action_item(
    state: &AppState,
    post: &Post,
    item_id: i64,
) -> Result<model::ActionItem, AppError> {
    db::find_action_item(&state.pool, post.id, item_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_action_item(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug, item_id)): Path<(String, String, i64)>,
) -> Result<ActionItemPage, AppError> {
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_action_keeper(&post, &viewer)?;
    let item = load_action_item(&state, &post, item_id).await?;
    let form = ActionItemForm {
        text: item.text.clone(),
        owner: item.owner_login.clone(),
        due_on: crate::web::dates::format_date(item.due_on),
        status: if item.is_open() { "open" } else { "done" }.into(),
        nonce: String::new(),
    };
    Ok(ActionItemPage::new(
        layout,
        &post,
        &item,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn update_action_item(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((team, slug, item_id)): Path<(String, String, i64)>,
    Form(form): Form<ActionItemForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (post, viewer) = load(&state, &team, &slug, Some(&user)).await?;
    model::require_action_keeper(&post, &viewer)?;
    let item = load_action_item(&state, &post, item_id).await?;
    match form.validate() {
        Ok(fields) => {
            let mut tx = state.pool.begin().await?;
            db::update_action_item(&mut tx, &post, &item, &fields, &user, now).await?;
            let to = format!("{}#actions", post.path());
            done(tx, "The action item was saved.", &to).await
        }
        Err(errors) => unprocessable(ActionItemPage::new(layout, &post, &item, &form, &errors)),
    }
}

/// Every action item of a team's published incident reports: open ones first.
pub async fn list_team_actions(
    State(state): State<AppState>,
    layout: Layout,
    Path(slug): Path<String>,
) -> Result<TeamActionsPage, AppError> {
    let now = state.clock.now();
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = db::team_action_items(&state.pool, team.id, false, 500).await?;
    Ok(TeamActionsPage::new(layout, &team, &items, now))
}

fn atom(feed: Feed) -> Result<Response, AppError> {
    let xml = askama::Template::render(&feed).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        xml,
    )
        .into_response())
}

/// The Atom feed of every team's published posts.
pub async fn feed_all(State(state): State<AppState>) -> Result<Response, AppError> {
    let listed = db::list_published(&state.pool, None, false, model::FEED_SIZE, 0).await?;
    let config = state.config.clone();
    atom(Feed::new(
        "Concord: team updates".into(),
        "/posts/feed.xml",
        "/posts",
        &listed,
        |path| config.absolute(path),
        state.clock.now(),
    ))
}

/// The Atom feed of one team's published posts.
pub async fn feed_team(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let team = teams::db::find_team(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let listed = db::list_published(&state.pool, Some(team.id), false, model::FEED_SIZE, 0).await?;
    let config = state.config.clone();
    atom(Feed::new(
        format!("Concord: updates from {}", team.name),
        &format!("/posts/{}/feed.xml", team.slug),
        &format!("/posts?team={}", team.slug),
        &listed,
        |path| config.absolute(path),
        state.clock.now(),
    ))
}
