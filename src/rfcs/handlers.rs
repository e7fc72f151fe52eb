use crate::web::form::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::db::{self, Taken};
use super::model::{
    self, DispositionForm, FeedbackEditForm, FeedbackForm, Rfc, RfcForm, SettleForm, Standing,
    WindowForm,
};
use super::pages::{
    Actions, DiffPage, DispositionPage, Feed, FeedbackEditPage, FeedbackInputs, FormPage,
    IndexPage, Retyped, RevisionPage, RevisionsPage, RfcPage, RfcPageData, SettlePage, WindowPage,
};
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams;
use crate::teams::db::WriteError;
use crate::web::extract::CurrentUser;
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::layout::Layout;

/// The RFC and where `user` stands towards its team.
async fn load(state: &AppState, id: i64, user: Option<&User>) -> Result<(Rfc, Standing), AppError> {
    let rfc = db::find_rfc(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let user_teams = match user {
        Some(user) => teams::db::current_team_ids(&state.pool, user.id).await?,
        None => Vec::new(),
    };
    let standing = Standing::of(user.map(|u| u.id), rfc.team_id, &user_teams);
    Ok((rfc, standing))
}

/// Loads an RFC the viewer may read: a draft is "not found" outside its team.
async fn load_readable(
    state: &AppState,
    id: i64,
    user: Option<&User>,
    now: OffsetDateTime,
) -> Result<(Rfc, Standing), AppError> {
    let (rfc, standing) = load(state, id, user).await?;
    model::require_reader(&rfc, &standing, now)?;
    Ok((rfc, standing))
}

fn with_status(status: StatusCode, page: impl IntoResponse) -> Result<Response, AppError> {
    Ok((status, page).into_response())
}

fn is_constraint(e: &WriteError, name: &str) -> bool {
    e.constraint() == Some(name)
}

/// The current (active) teams a person belongs to, by name.
async fn own_teams(state: &AppState, user: &User) -> Result<Vec<teams::model::Team>, AppError> {
    let ids = teams::db::current_team_ids(&state.pool, user.id).await?;
    Ok(teams::db::list_teams(&state.pool)
        .await?
        .into_iter()
        .filter(|t| t.is_active() && ids.contains(&t.id))
        .collect())
}

pub async fn list_rfcs(
    State(state): State<AppState>,
    layout: Layout,
) -> Result<IndexPage, AppError> {
    let now = state.clock.now();
    let viewer_teams = match &layout.user {
        Some(user) => teams::db::current_team_ids(&state.pool, user.id).await?,
        None => Vec::new(),
    };
    let rfcs = db::list_rfcs(&state.pool, &viewer_teams, now).await?;
    let may_draft = !viewer_teams.is_empty();
    Ok(IndexPage::new(layout, &rfcs, may_draft, now))
}

#[derive(Deserialize)]
pub struct NewQuery {
    team: Option<String>,
}

pub async fn new_rfc(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Query(query): Query<NewQuery>,
) -> Result<FormPage, AppError> {
    let teams = own_teams(&state, &user).await?;
    if teams.is_empty() {
        return Err(AppError::Forbidden("only members of a team may draft RFCs"));
    }
    let form = RfcForm {
        team: query.team.unwrap_or_default(),
        form_key: model::new_form_key(),
        ..RfcForm::default()
    };
    Ok(FormPage::new(
        layout,
        None,
        &teams,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn create_rfc(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Form(form): Form<RfcForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let teams = own_teams(&state, &user).await?;
    let team = teams.iter().find(|t| t.slug == form.team);
    let user_teams: Vec<i64> = teams.iter().map(|t| t.id).collect();
    let standing = Standing::of(
        Some(user.id),
        team.map(|t| t.id).unwrap_or_default(),
        &user_teams,
    );
    model::require_team_member(&standing)?;
    let Some(team) = team else {
        return Err(AppError::Forbidden("only the team's members may do this"));
    };
    let form_key = model::check_form_key(&form.form_key)?;
    let errors = match form.validate(true) {
        Err(errors) => errors,
        Ok(text) => {
            let mut tx = state.pool.begin().await?;
            match db::create_rfc(&mut tx, team, &text, form_key, &user, now).await {
                Ok(id) => {
                    let message = format!("“{}” was drafted as revision 1.", text.title);
                    return done(tx, message, &format!("/rfcs/{id}")).await;
                }
                Err(e) if is_constraint(&e, "rfcs_form_key") => {
                    drop(tx);
                    // The same form sent again: show what the first submission made.
                    return match db::find_by_form_key(&state.pool, form_key, user.id).await? {
                        Some(id) => Ok(Redirect::to(&format!("/rfcs/{id}")).into_response()),
                        None => Err(AppError::Conflict(
                            "This form was already used; please reload the page.".into(),
                        )),
                    };
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        FormPage::new(layout, None, &teams, &form, &errors),
    )
}

/// Builds the RFC page for a viewer, with the feedback form as given.
async fn rfc_page(
    state: &AppState,
    layout: Layout,
    rfc: &Rfc,
    standing: &Standing,
    inputs: FeedbackInputs,
    before: Option<i64>,
    now: OffsetDateTime,
) -> Result<RfcPage, AppError> {
    let viewer = standing.user_id;
    let is_member = standing.is_member;
    let (feedback, earlier) =
        db::feedback_page(&state.pool, rfc.id, viewer, is_member, before).await?;
    // Earlier texts of the shown pieces that were edited (the viewer's right to read them
    // was checked by the page query); no query when none was.
    let edited: Vec<i64> = feedback
        .iter()
        .filter(|f| f.edited_at.is_some())
        .map(|f| f.id)
        .collect();
    let edits = if edited.is_empty() {
        Vec::new()
    } else {
        db::feedback_edits_of(&state.pool, &edited).await?
    };
    let changes = db::window_changes(&state.pool, rfc.id).await?;
    let concerns = super::concerns::concerns(&state.pool, rfc.id).await?;
    let review_on = match rfc.decision_id {
        Some(decision) => crate::decisions::db::recorded_outcome(&state.pool, decision)
            .await?
            .and_then(|o| o.review_on),
        None => None,
    };
    let pending = if is_member && rfc.resolution.is_none() {
        let mut conn = state.pool.acquire().await?;
        super::concerns::pending_settlement(&mut conn, rfc.id, now).await?
    } else {
        None
    };
    let summary = match rfc.disposition_published_at {
        Some(_) => Some(db::private_summary(&state.pool, rfc.id).await?),
        None => None,
    };
    let actions = Actions {
        edit: is_member && model::require_revisable(rfc, now).is_ok(),
        window: is_member && rfc.resolution.is_none() && !rfc.has_closed(now),
        dispose: is_member && model::require_disposable(rfc, now).is_ok(),
        settle: is_member && rfc.resolution.is_none(),
    };
    Ok(RfcPage::new(
        layout,
        RfcPageData {
            rfc,
            // Revisions are numbered from 1 without gaps.
            revisions: usize::try_from(rfc.current.number).unwrap_or(0),
            feedback: &feedback,
            earlier: earlier.then(|| feedback.first().map(|f| f.id)).flatten(),
            paged: before.is_some(),
            edits: &edits,
            changes: &changes,
            concerns: &concerns,
            review_on,
            may_raise: is_member && super::concerns::raising_problem(rfc, pending).is_none(),
            summary,
            is_member,
            actions,
            inputs,
            now,
        },
    ))
}

fn blank_feedback() -> FeedbackForm {
    FeedbackForm {
        visibility: model::Visibility::Public.as_str().into(),
        form_key: model::new_form_key(),
        ..FeedbackForm::default()
    }
}

/// `?before=<feedback id>` pages back through the feedback; without it the page shows
/// the latest.
#[derive(Debug, Default, Deserialize)]
pub struct FeedbackQuery {
    before: Option<String>,
}

pub async fn show_rfc(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
    Query(query): Query<FeedbackQuery>,
) -> Result<RfcPage, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, layout.user.as_ref(), now).await?;
    let inputs = FeedbackInputs::new(&blank_feedback(), &FormErrors::default(), None);
    // A malformed cursor shows the latest feedback rather than an error.
    let before = query.before.and_then(|b| b.trim().parse::<i64>().ok());
    rfc_page(&state, layout, &rfc, &standing, inputs, before, now).await
}

pub async fn edit_rfc(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    model::require_revisable(&rfc, now)?;
    let current = &rfc.current;
    let form = RfcForm {
        title: current.title.clone(),
        summary: current.summary.clone(),
        body: current.body.clone(),
        pull_request_url: current.pull_request_url.clone().unwrap_or_default(),
        ..RfcForm::default()
    };
    Ok(FormPage::new(
        layout,
        Some(&rfc),
        &[],
        &form,
        &FormErrors::default(),
    ))
}

pub async fn update_rfc(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<RfcForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    model::require_revisable(&rfc, now)?;
    let errors = match form.validate(false) {
        Err(errors) => errors,
        Ok(text) => {
            let mut tx = state.pool.begin().await?;
            let to = format!("/rfcs/{id}");
            let message = match db::revise(&mut tx, rfc.id, &text, &user, now).await? {
                Some(number) => format!("Saved as revision {number}."),
                None => "Nothing changed, so no new revision was made.".into(),
            };
            return done(tx, message, &to).await;
        }
    };
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        FormPage::new(layout, Some(&rfc), &[], &form, &errors),
    )
}

pub async fn edit_window(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<WindowPage, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    let form = WindowPage::filled(&rfc);
    Ok(WindowPage::new(
        layout,
        &rfc,
        &form,
        &FormErrors::default(),
        now,
    ))
}

pub async fn update_window(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<WindowForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    let mut tx = state.pool.begin().await?;
    let errors = match db::set_window(&mut tx, rfc.id, &form, &user, now).await {
        Ok(Ok(change)) => {
            let message = format!(
                "The feedback window closes at {}.",
                crate::web::dates::format_utc(change.window.closes_at)
            );
            return done(tx, message, &format!("/rfcs/{id}")).await;
        }
        Ok(Err(errors)) => errors,
        Err(WriteError::Refused(why)) => {
            let mut errors = FormErrors::default();
            errors.add("form", why);
            errors
        }
        Err(e) => return Err(e.into()),
    };
    drop(tx);
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        WindowPage::new(layout, &rfc, &form, &errors, now),
    )
}

/// Takes feedback while the window is open. Outside it, whatever the form sent, the page
/// comes back with the reason and the text as typed (409); a form that does not hold comes
/// back with its errors (422). A valid form is written first (`db::add_feedback` checks the
/// window under the RFC's lock): the RFC is read here only when the page has to come back.
pub async fn create_feedback(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let checked = form.validate();
    let mut refusal = None;
    if let (Ok(form_key), Ok((body, visibility))) =
        (model::check_form_key(&form.form_key), &checked)
    {
        let piece = db::NewFeedback {
            rfc_id: id,
            author_id: user.id,
            visibility: *visibility,
            body: body.to_string(),
            form_key: form_key.to_string(),
            at: now,
        };
        let mut tx = state.pool.begin().await?;
        match db::add_feedback(&mut tx, &piece).await {
            Ok(Taken::Added(feedback_id)) => {
                let message = match visibility {
                    model::Visibility::Public => "Thank you: your feedback is published.",
                    model::Visibility::Private => {
                        "Thank you: your feedback was sent privately to the team."
                    }
                };
                return done(tx, message, &format!("/rfcs/{id}#feedback-{feedback_id}")).await;
            }
            Ok(Taken::SentBefore) => {
                drop(tx);
                let to = match db::feedback_by_form_key(&state.pool, form_key, user.id).await? {
                    Some(feedback_id) => format!("/rfcs/{id}#feedback-{feedback_id}"),
                    None => format!("/rfcs/{id}"),
                };
                return Ok(Redirect::to(&to).into_response());
            }
            Err(WriteError::Refused(why)) => refusal = Some(why),
            Err(e) => return Err(e.into()),
        }
    }
    // The page comes back: an RFC the person may not read is not found, whatever they sent.
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    let (status, inputs) = match refusal.or_else(|| model::feedback_refusal(&rfc, now)) {
        Some(why) => (
            StatusCode::CONFLICT,
            FeedbackInputs::new(&form, &FormErrors::default(), Some(why)),
        ),
        None => {
            model::check_form_key(&form.form_key)?;
            let errors = checked.err().unwrap_or_default();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                FeedbackInputs::new(&form, &errors, None),
            )
        }
    };
    let page = rfc_page(&state, layout, &rfc, &standing, inputs, None, now).await?;
    with_status(status, page)
}

/// Loads one's own feedback: only its author may change it.
async fn own_feedback(
    state: &AppState,
    rfc: &Rfc,
    feedback_id: i64,
    user: &User,
) -> Result<db::OwnFeedback, AppError> {
    let feedback = db::find_feedback(&state.pool, rfc.id, feedback_id)
        .await?
        .ok_or(AppError::NotFound)?;
    model::require_author(feedback.author_id, feedback.visibility, user.id)?;
    Ok(feedback)
}

fn require_taking_feedback(rfc: &Rfc, now: OffsetDateTime) -> Result<(), AppError> {
    match model::feedback_refusal(rfc, now) {
        None => Ok(()),
        Some(why) => Err(AppError::Conflict(why)),
    }
}

pub async fn edit_feedback(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((id, feedback_id)): Path<(i64, i64)>,
) -> Result<FeedbackEditPage, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, Some(&user), now).await?;
    let feedback = own_feedback(&state, &rfc, feedback_id, &user).await?;
    require_taking_feedback(&rfc, now)?;
    Ok(FeedbackEditPage::new(
        layout,
        &rfc,
        feedback.id,
        &feedback.body,
        &FormErrors::default(),
    ))
}

pub async fn update_feedback(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((id, feedback_id)): Path<(i64, i64)>,
    Form(form): Form<FeedbackEditForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, Some(&user), now).await?;
    let feedback = own_feedback(&state, &rfc, feedback_id, &user).await?;
    let mut errors = match form.validate() {
        Err(errors) => errors,
        Ok(body) => {
            let mut tx = state.pool.begin().await?;
            match db::edit_feedback(&mut tx, &feedback, &body, &user, now).await {
                Ok(changed) => {
                    let message = if changed {
                        "Your feedback was changed; the earlier text is kept."
                    } else {
                        "Nothing changed."
                    };
                    let to = format!("/rfcs/{id}#feedback-{}", feedback.id);
                    return done(tx, message, &to).await;
                }
                Err(WriteError::Refused(why)) => {
                    let mut errors = FormErrors::default();
                    errors.add("form", why);
                    errors
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    if let Some(why) = model::feedback_refusal(&rfc, now) {
        if errors.get("form").is_none() {
            errors.add("form", why);
        }
        let page = FeedbackEditPage::new(layout, &rfc, feedback.id, &form.body, &errors);
        return with_status(StatusCode::CONFLICT, page);
    }
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        FeedbackEditPage::new(layout, &rfc, feedback.id, &form.body, &errors),
    )
}

pub async fn withdraw_feedback(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, feedback_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, Some(&user), now).await?;
    let feedback = own_feedback(&state, &rfc, feedback_id, &user).await?;
    let mut tx = state.pool.begin().await?;
    db::withdraw_feedback(&mut tx, &feedback, &user, now).await?;
    let to = format!("/rfcs/{id}#feedback-{}", feedback.id);
    done(tx, "Your feedback was withdrawn.", &to).await
}

pub async fn show_disposition(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<DispositionPage, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    model::require_disposable(&rfc, now)?;
    let feedback = db::feedback(&state.pool, rfc.id, Some(user.id), true).await?;
    Ok(DispositionPage::new(
        layout,
        &rfc,
        &feedback,
        None,
        Vec::new(),
    ))
}

pub async fn record_disposition(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path((id, feedback_id)): Path<(i64, i64)>,
    Form(form): Form<DispositionForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    model::require_disposable(&rfc, now)?;
    let target = db::find_feedback(&state.pool, rfc.id, feedback_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok((verdict, reason)) => {
            let mut tx = state.pool.begin().await?;
            db::record_disposition(&mut tx, &target, (verdict, &reason), &user, now).await?;
            let message = format!("Feedback {} was marked {}.", target.id, verdict.as_str());
            let to = format!("/rfcs/{id}/disposition#disposition-{}", target.id);
            return done(tx, message, &to).await;
        }
    };
    let feedback = db::feedback(&state.pool, rfc.id, Some(user.id), true).await?;
    let retyped = Retyped {
        feedback_id: target.id,
        form: &form,
        errors: &errors,
    };
    let problems = vec![format!(
        "The disposition of feedback {} was not saved; see below.",
        target.id
    )];
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        DispositionPage::new(layout, &rfc, &feedback, Some(retyped), problems),
    )
}

pub async fn publish_disposition(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    model::require_disposable(&rfc, now)?;
    let mut tx = state.pool.begin().await?;
    match db::publish_disposition(&mut tx, rfc.id, &user, now).await {
        Ok(()) => {
            let to = format!("/rfcs/{id}#disposition");
            done(tx, "The disposition is published.", &to).await
        }
        Err(WriteError::Refused(why)) => {
            drop(tx);
            let feedback = db::feedback(&state.pool, rfc.id, Some(user.id), true).await?;
            with_status(
                StatusCode::CONFLICT,
                DispositionPage::new(layout, &rfc, &feedback, None, vec![why]),
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn list_revisions(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
) -> Result<RevisionsPage, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, layout.user.as_ref(), now).await?;
    let revisions = db::revisions(&state.pool, rfc.id).await?;
    Ok(RevisionsPage::new(layout, &rfc, &revisions))
}

pub async fn show_revision(
    State(state): State<AppState>,
    layout: Layout,
    Path((id, number)): Path<(i64, i32)>,
) -> Result<RevisionPage, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, layout.user.as_ref(), now).await?;
    let revisions = db::revisions(&state.pool, rfc.id).await?;
    let revision = revisions
        .iter()
        .find(|r| r.number == number)
        .ok_or(AppError::NotFound)?;
    Ok(RevisionPage::new(layout, &rfc, revision))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Compares any two revisions, older or newer in either order.
pub async fn show_diff(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
    Query(query): Query<DiffQuery>,
) -> Result<DiffPage, AppError> {
    let now = state.clock.now();
    let (rfc, _) = load_readable(&state, id, layout.user.as_ref(), now).await?;
    let revisions = db::revisions(&state.pool, rfc.id).await?;
    let pick = |text: Option<&str>, default: i32| -> Result<_, AppError> {
        let number = match text.map(str::trim) {
            None | Some("") => default,
            Some(text) => text
                .parse::<i32>()
                .map_err(|_| AppError::BadRequest(format!("“{text}” is not a revision number.")))?,
        };
        revisions
            .iter()
            .find(|r| r.number == number)
            .ok_or_else(|| AppError::BadRequest(format!("There is no revision {number}.")))
    };
    let last = rfc.current.number;
    let from = pick(query.from.as_deref(), (last - 1).max(1))?;
    let to = pick(query.to.as_deref(), last)?;
    let lines = model::diff(&from.as_text(), &to.as_text());
    Ok(DiffPage::new(layout, &rfc, from, to, &lines))
}

/// The Atom feed of RFCs open for feedback, closing soonest first.
pub async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let rfcs = db::open_for_feedback(&state.pool, now, model::FEED_SIZE).await?;
    let config = state.config.clone();
    let feed = Feed::new(&rfcs, |path| config.absolute(path), now);
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

pub async fn new_settlement(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<SettlePage, AppError> {
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    let form = SettleForm {
        closes_at: crate::web::dates::format_datetime_local(
            now + crate::decisions::model::DEFAULT_OPEN_FOR,
        ),
        ..SettleForm::default()
    };
    Ok(SettlePage::new(
        layout,
        &rfc,
        &form,
        &FormErrors::default(),
        now,
    ))
}

/// Opens a decision whose typed effect accepts, rejects or withdraws the RFC when its
/// outcome is recorded. Its rules and closing time are the decisions room's.
pub async fn open_settlement(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<SettleForm>,
) -> Result<Response, AppError> {
    use crate::decisions;
    let now = state.clock.now();
    let (rfc, standing) = load_readable(&state, id, Some(&user), now).await?;
    model::require_team_member(&standing)?;
    let team = teams::db::find_team(&state.pool, &rfc.team_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let resolution = model::Resolution::parse(&form.resolution);
    match resolution {
        None => errors.add("resolution", "Choose what the decision asks."),
        Some(r) => {
            if let Some(problem) = db::resolution_problem(&rfc, r, now) {
                errors.add("resolution", problem);
            }
        }
    }
    let opening = decisions::model::DecisionForm {
        question: resolution
            .map(|r| SettleForm::question(&rfc, r))
            .unwrap_or_else(|| "Settle the RFC?".into()),
        body: form.body.clone(),
        closes_at: form.closes_at.clone(),
        visibility: if rfc.is_public(now) { "public" } else { "team" }.into(),
        effect_kind: decisions::model::EffectKind::Text.as_str().into(),
        effect_text: "Settles the RFC.".into(),
        ..decisions::model::DecisionForm::default()
    };
    match (opening.validate(now), resolution) {
        (Ok(mut new), Some(resolution)) if errors.is_empty() => {
            new.effect = decisions::model::Effect::ResolveRfc {
                rfc_id: rfc.id,
                title: rfc.current.title.clone(),
                resolution,
            };
            let mut tx = state.pool.begin().await?;
            match decisions::db::open_decision(&mut tx, &team, &new, &user, now).await {
                Ok(decision_id) => {
                    let carried =
                        super::concerns::carry(&mut tx, rfc.id, decision_id, &user, now).await?;
                    let message = match carried {
                        0 => format!("The decision “{}” is open.", new.question),
                        1 => format!(
                            "The decision “{}” is open, with the RFC's open concern carried in.",
                            new.question
                        ),
                        n => format!(
                            "The decision “{}” is open, with the RFC's {n} open concerns carried in.",
                            new.question
                        ),
                    };
                    return done(tx, message, &format!("/decisions/{decision_id}")).await;
                }
                Err(WriteError::Refused(why)) => errors.add("form", why),
                Err(e) => return Err(e.into()),
            }
        }
        (Ok(_), _) => {}
        (Err(opening_errors), _) => {
            for (field, message) in opening_errors.iter() {
                errors.add(field, message.clone());
            }
        }
    }
    with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        SettlePage::new(layout, &rfc, &form, &errors, now),
    )
}
