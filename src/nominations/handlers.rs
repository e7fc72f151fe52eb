use crate::web::form::Form;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::db::{self, EventLinks, Nomination};
use super::model::{
    self, Call, CallForm, DecisionTimeForm, EndorseForm, EventKind, ListEntryForm, NominateForm,
    NoteForm, ShortlistForm, Standing,
};
use super::pages::{
    CallFormPage, CallPage, CallsPage, ListsPage, MinePage, NominatePage, NominationPage, NoteInput,
};
use crate::app::AppState;
use crate::auth::model::User;
use crate::decisions;
use crate::decisions::model::{Effect, NewDecision, Nominee};
use crate::error::AppError;
use crate::teams::db as teams_db;
use crate::teams::model::Team;
use crate::web::extract::{Admin, CurrentUser};
use crate::web::flash::done;
use crate::web::form::FormErrors;
use crate::web::idempotency;
use crate::web::layout::Layout;

async fn is_member_of(
    state: &AppState,
    team_id: i64,
    user: Option<&User>,
) -> Result<bool, AppError> {
    Ok(match user {
        Some(user) => teams_db::current_team_ids(&state.pool, user.id)
            .await?
            .contains(&team_id),
        None => false,
    })
}

async fn load_team(
    state: &AppState,
    slug: &str,
    user: Option<&User>,
) -> Result<(Team, bool), AppError> {
    let team = teams_db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let member = is_member_of(state, team.id, user).await?;
    Ok((team, member))
}

async fn load_call(
    state: &AppState,
    id: i64,
    user: Option<&User>,
) -> Result<(Call, bool), AppError> {
    let call = db::find_call(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let member = is_member_of(state, call.team_id, user).await?;
    Ok((call, member))
}

/// A nomination `user` may see, and where they stand towards it.
async fn load_nomination(
    state: &AppState,
    id: i64,
    user: Option<&User>,
) -> Result<(Nomination, Standing), AppError> {
    let nomination = db::find_nomination(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = Standing {
        signed_in: user.is_some(),
        is_member: is_member_of(state, nomination.team_id, user).await?,
        is_nominee: user.is_some_and(|u| u.id == nomination.nominee_id),
        is_nominator: user.is_some_and(|u| nomination.nominated_by(u.id)),
    };
    model::require_viewer(&standing)?;
    Ok((nomination, standing))
}

fn member_rule(member: bool, user: Option<&User>) -> Result<(), AppError> {
    model::require_member(&Standing {
        signed_in: user.is_some(),
        is_member: member,
        ..Standing::default()
    })
}

// ----- calls -----

pub async fn list_calls(
    State(state): State<AppState>,
    layout: Layout,
    Path(slug): Path<String>,
) -> Result<CallsPage, AppError> {
    let now = state.clock.now();
    let (team, member) = load_team(&state, &slug, layout.user.as_ref()).await?;
    let calls = db::team_calls(&state.pool, team.id).await?;
    let stale = if member {
        stale_counts(&state, &calls, now).await?
    } else {
        Vec::new()
    };
    Ok(CallsPage::new(
        layout,
        &team,
        &calls,
        &stale,
        member && team.is_active(),
        now,
    ))
}

/// Per call, how many of its nominations are stale (members only), in one query.
async fn stale_counts(
    state: &AppState,
    calls: &[Call],
    now: time::OffsetDateTime,
) -> Result<Vec<(i64, usize)>, AppError> {
    let ids: Vec<i64> = calls.iter().map(|c| c.id).collect();
    let nominations = db::nominations_of_calls(&state.pool, &ids).await?;
    Ok(calls
        .iter()
        .map(|c| {
            let stale = nominations
                .iter()
                .filter(|n| n.call_id == c.id && n.is_stale(now))
                .count();
            (c.id, stale)
        })
        .collect())
}

pub async fn new_call(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> Result<CallFormPage, AppError> {
    let now = state.clock.now();
    let (team, member) = load_team(&state, &slug, Some(&user)).await?;
    member_rule(member, Some(&user))?;
    team.require_active()?;
    Ok(CallFormPage::new(
        layout,
        &team,
        &CallForm::blank(now),
        &FormErrors::default(),
    ))
}

pub async fn create_call(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Form(form): Form<CallForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (team, member) = load_team(&state, &slug, Some(&user)).await?;
    member_rule(member, Some(&user))?;
    team.require_active()?;
    let errors = match form.validate(now) {
        Err(errors) => errors,
        Ok(new) => {
            let eligible_team = match &new.eligible_team {
                Some(slug) => teams_db::find_team(&state.pool, slug).await?,
                None => None,
            };
            if new.eligible_team.is_some() && eligible_team.is_none() {
                let mut errors = FormErrors::default();
                errors.add("eligible_team", "There is no team with this slug.");
                errors
            } else if let Some(problem) = crate::github::eligibility::call_team_problem(
                state.github_app.as_deref(),
                new.eligible_github_team.as_deref(),
                now,
            )
            .await
            {
                let mut errors = FormErrors::default();
                errors.add("eligible_github_team", problem);
                errors
            } else {
                let message = "The call for nominations is open.";
                let mut tx = state.pool.begin().await?;
                let key = idempotency::key_or_new(&form.idempotency_key);
                if let Some(to) = idempotency::claim(&mut tx, user.id, &key, now).await? {
                    return done(tx, message, &to).await;
                }
                let id = db::create_call(
                    &mut tx,
                    &team,
                    &new,
                    eligible_team.map(|t| t.id),
                    &user,
                    now,
                )
                .await?;
                let to = format!("/calls/{id}");
                idempotency::made(&mut tx, user.id, &key, &to).await?;
                return done(tx, message, &to).await;
            }
        }
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        CallFormPage::new(layout, &team, &form, &errors),
    )
        .into_response())
}

async fn call_page(
    state: &AppState,
    layout: Layout,
    id: i64,
    shortlist_problems: Vec<String>,
) -> Result<CallPage, AppError> {
    let now = state.clock.now();
    let (call, member) = load_call(state, id, layout.user.as_ref()).await?;
    let announced = db::announced(&state.pool, id).await?;
    let pipeline = if member {
        db::call_nominations(&state.pool, id).await?
    } else {
        Vec::new()
    };
    Ok(CallPage::new(
        layout,
        &call,
        member,
        &announced,
        &pipeline,
        shortlist_problems,
        now,
    ))
}

pub async fn show_call(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
) -> Result<CallPage, AppError> {
    call_page(&state, layout, id, Vec::new()).await
}

pub async fn new_nomination(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<NominatePage, AppError> {
    let now = state.clock.now();
    let (call, _) = load_call(&state, id, Some(&user)).await?;
    model::require_window_open(call.window(now)).map_err(AppError::Conflict)?;
    Ok(NominatePage::new(
        layout,
        &call,
        &NominateForm::default(),
        &FormErrors::default(),
    ))
}

pub async fn create_nomination(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NominateForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (call, _) = load_call(&state, id, Some(&user)).await?;
    model::require_window_open(call.window(now)).map_err(AppError::Conflict)?;
    let errors = match form.validate() {
        Err(errors) => errors,
        Ok((login, statement)) => {
            let mut errors = FormErrors::default();
            // A call open to a GitHub team's members asks GitHub first.
            let in_github_team = crate::github::eligibility::nominee_in_team(
                state.github_app.as_deref(),
                &call.eligibility,
                &login,
                now,
            )
            .await;
            let problem = match in_github_team {
                Err(why) => Some(format!(
                    "We could not ask GitHub whether {login} is a member of the team this call is for ({why}). Nothing was sent; your text is kept below, so send it again in a few minutes."
                )),
                Ok(member) => db::eligibility_problem(&state.pool, &call, &login, member).await?,
            };
            if let Some(problem) = problem {
                errors.add("nominee", problem);
            } else {
                let mut tx = state.pool.begin().await?;
                match db::nominate(&mut tx, &call, &login, &user, &statement, now).await {
                    Ok(nomination) => {
                        let message = if login.eq_ignore_ascii_case(&user.login) {
                            "You are nominated. Accept the nomination below so the team can consider it."
                        } else {
                            "Your nomination is sent. The nominee decides whether to accept it; until then only they, you and the team see it."
                        };
                        return done(tx, message, &format!("/nominations/{nomination}")).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            errors
        }
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        NominatePage::new(layout, &call, &form, &errors),
    )
        .into_response())
}

pub async fn create_endorsement(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<EndorseForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (call, _) = load_call(&state, id, Some(&user)).await?;
    match form.validate() {
        Ok((login, body)) => {
            let mut tx = state.pool.begin().await?;
            db::endorse(&mut tx, &call, &login, &user, &body, now).await?;
            done(
                tx,
                "Your endorsement is sent privately to the team.",
                &format!("/calls/{id}"),
            )
            .await
        }
        Err(errors) => {
            let mut page = call_page(&state, layout, id, Vec::new()).await?;
            page.endorse_problems = crate::web::form::render_errors(&errors);
            page.endorse_login = form.login;
            page.endorse_text = form.endorsement;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

fn parse_decision_time(
    text: &str,
    now: time::OffsetDateTime,
) -> Result<time::OffsetDateTime, Vec<String>> {
    crate::decisions::model::closing_time(text, now).map_err(|e| vec![e])
}

pub async fn open_shortlist(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (call, member) = load_call(&state, id, Some(&user)).await?;
    member_rule(member, Some(&user))?;
    let pairs = crate::web::form::pairs(&body).map_err(|why| {
        AppError::BadRequest(format!(
            "This form did not arrive the way a browser sends it: {why}."
        ))
    })?;
    let form = ShortlistForm::from_pairs(pairs)?;
    let nominations = db::call_nominations(&state.pool, id).await?;
    let mut problems = Vec::new();
    let mut chosen = Vec::new();
    if form.nomination_ids.is_empty() {
        problems.push("Choose at least one accepted nomination to shortlist.".to_string());
    }
    for nid in &form.nomination_ids {
        match nominations.iter().find(|n| n.id == *nid) {
            None => problems.push(format!("Nomination #{nid} is not in this call.")),
            Some(n) => match model::require_stage(n.stage, EventKind::Shortlisted) {
                Err(why) => problems.push(format!("{}: {why}", n.nominee_login)),
                Ok(()) => chosen.push(Nominee {
                    nomination_id: n.id,
                    login: n.nominee_login.clone(),
                }),
            },
        }
    }
    let closes_at = match parse_decision_time(&form.closes_at, now) {
        Ok(at) => Some(at),
        Err(mut why) => {
            problems.append(&mut why);
            None
        }
    };
    if let (true, Some(closes_at)) = (problems.is_empty(), closes_at) {
        let logins: Vec<&str> = chosen.iter().map(|n| n.login.as_str()).collect();
        let new = NewDecision {
            question: format!("Shortlist {} for “{}”?", logins.join(", "), call.title),
            body: format!(
                "From the call for nominations [“{}”](/calls/{}). Each nominee has accepted their nomination.",
                call.title, call.id
            ),
            closes_at,
            is_public: false,
            effect: Effect::ShortlistNominations {
                call_id: call.id,
                call_title: call.title.clone(),
                nominations: chosen,
            },
        };
        return open_decision(&state, &call, &user, &new, now).await;
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        call_page(&state, layout, id, problems).await?,
    )
        .into_response())
}

async fn open_decision(
    state: &AppState,
    call: &Call,
    user: &User,
    new: &NewDecision,
    now: time::OffsetDateTime,
) -> Result<Response, AppError> {
    let team = teams_db::find_team(&state.pool, &call.team_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let decision = decisions::db::open_decision(&mut tx, &team, new, user, now).await?;
    done(
        tx,
        "The decision is open; when it passes, record its outcome to apply it.",
        &format!("/decisions/{decision}"),
    )
    .await
}

// ----- one nomination -----

async fn nomination_page(
    state: &AppState,
    layout: Layout,
    id: i64,
    input: NoteInput,
) -> Result<NominationPage, AppError> {
    let now = state.clock.now();
    let user = layout.user.clone();
    let (nomination, standing) = load_nomination(state, id, user.as_ref()).await?;
    let call = db::find_call(&state.pool, nomination.call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = db::events(&state.pool, id).await?;
    let reader = user.as_ref().map_or(0, |u| u.id);
    let statements = db::statements(
        &state.pool,
        id,
        model::statements_read_by(&standing, reader),
    )
    .await?;
    let endorsements = if standing.is_member {
        db::endorsements(&state.pool, call.id, &nomination.nominee_login).await?
    } else {
        Vec::new()
    };
    Ok(NominationPage::new(
        layout,
        &call,
        &nomination,
        standing,
        &statements,
        &events,
        &endorsements,
        input,
        now,
    ))
}

pub async fn show_nomination(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<i64>,
) -> Result<NominationPage, AppError> {
    nomination_page(&state, layout, id, NoteInput::default()).await
}

/// Who may add which event from the nomination page.
fn require_for(kind: EventKind, standing: &Standing) -> Result<(), AppError> {
    match kind {
        EventKind::Accepted | EventKind::Declined | EventKind::Withdrawn => {
            model::require_nominee(standing)
        }
        _ => model::require_member(standing),
    }
}

#[allow(clippy::too_many_arguments)]
/// Adds one event from the nomination page: the note checked, the rule for who may, the
/// stage checked under the nomination's lock.
async fn add_event(
    state: &AppState,
    layout: Layout,
    user: &User,
    id: i64,
    kind: EventKind,
    note: Result<Option<String>, FormErrors>,
    typed: &NoteForm,
    message: &str,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (nomination, standing) = load_nomination(state, id, Some(user)).await?;
    require_for(kind, &standing)?;
    // The stage first: the form comes back with what was typed and why, as for its text.
    let (status, note) = match model::require_stage(nomination.stage, kind) {
        Err(why) => {
            let mut errors = FormErrors::default();
            errors.add("note", why);
            (StatusCode::CONFLICT, Err(errors))
        }
        Ok(()) => (StatusCode::UNPROCESSABLE_ENTITY, note),
    };
    match note {
        Ok(note) => {
            let mut tx = state.pool.begin().await?;
            // A form sent twice (a double click) adds its event once. Forms without a key
            // (accept, announce) rely on the stage rule alone.
            let to = format!("/nominations/{id}");
            let key = (!typed.idempotency_key.is_empty())
                .then(|| idempotency::key_or_new(&typed.idempotency_key));
            if let Some(key) = &key
                && let Some(to) = idempotency::claim(&mut tx, user.id, key, now).await?
            {
                return done(tx, message, &to).await;
            }
            db::add_event(
                &mut tx,
                id,
                kind,
                user,
                note.as_deref(),
                EventLinks::default(),
                now,
            )
            .await?;
            if let Some(key) = &key {
                idempotency::made(&mut tx, user.id, key, &to).await?;
            }
            done(tx, message, &to).await
        }
        Err(errors) => {
            let input = NoteInput {
                form: kind.as_str(),
                note: typed.note.clone(),
                error: errors.get("note").map(str::to_string),
            };
            Ok((status, nomination_page(state, layout, id, input).await?).into_response())
        }
    }
}

pub async fn accept_nomination(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Accepted,
        Ok(None),
        &NoteForm::default(),
        "You accepted the nomination. The team will consider it; your stage is shown here.",
    )
    .await
}

pub async fn decline_nomination(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let note = form.optional("Reason");
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Declined,
        note,
        &form,
        "You declined the nomination. Your reason stays with the team.",
    )
    .await
}

pub async fn withdraw_nomination(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let note = form.optional("Reason");
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Withdrawn,
        note,
        &form,
        "You withdrew from the nomination.",
    )
    .await
}

pub async fn record_interview(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let note = form.required("Interview notes").map(Some);
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Interviewed,
        note,
        &form,
        "The interview is recorded; its notes are for the team only.",
    )
    .await
}

pub async fn give_feedback(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let note = form.required("Feedback").map(Some);
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Feedback,
        note,
        &form,
        "Your feedback is shared with the candidate.",
    )
    .await
}

pub async fn mark_not_selected(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let note = form.optional("Feedback to the candidate");
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::NotSelected,
        note,
        &form,
        "The nomination is marked not selected.",
    )
    .await
}

pub async fn announce_nominee(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    add_event(
        &state,
        layout,
        &user,
        id,
        EventKind::Announced,
        Ok(None),
        &NoteForm::default(),
        "Announced: the call's public page now names them.",
    )
    .await
}

pub async fn open_admission(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionTimeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (nomination, standing) = load_nomination(&state, id, Some(&user)).await?;
    model::require_member(&standing)?;
    let call = db::find_call(&state.pool, nomination.call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let problem = model::require_stage(nomination.stage, EventKind::Admitted)
        .err()
        .or_else(|| crate::decisions::model::closing_time(&form.closes_at, now).err());
    if let Some(problem) = problem {
        let input = NoteInput {
            form: "admit",
            note: form.closes_at.clone(),
            error: Some(problem),
        };
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            nomination_page(&state, layout, id, input).await?,
        )
            .into_response());
    }
    let closes_at =
        crate::decisions::model::closing_time(&form.closes_at, now).map_err(AppError::Conflict)?;
    let new = NewDecision {
        question: format!("Admit {} to {}?", nomination.nominee_login, call.team_name),
        body: format!(
            "From the call for nominations [“{}”](/calls/{}); see [the nomination](/nominations/{}).",
            call.title, call.id, nomination.id
        ),
        closes_at,
        is_public: false,
        effect: Effect::AdmitNominee {
            call_id: call.id,
            call_title: call.title.clone(),
            nomination_id: nomination.id,
            login: nomination.nominee_login.clone(),
        },
    };
    open_decision(&state, &call, &user, &new, now).await
}

// ----- the person's own -----

pub async fn my_nominations(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<MinePage, AppError> {
    let now = state.clock.now();
    let nominations = db::my_nominations(&state.pool, user.id).await?;
    Ok(MinePage::new(layout, &user, &nominations, now))
}

// ----- eligibility lists -----

pub async fn show_lists(
    State(state): State<AppState>,
    layout: Layout,
    Admin(_): Admin,
) -> Result<ListsPage, AppError> {
    let entries = db::list_entries(&state.pool).await?;
    Ok(ListsPage::new(
        layout,
        &entries,
        &ListEntryForm::default(),
        &FormErrors::default(),
    ))
}

pub async fn add_list_entry(
    State(state): State<AppState>,
    layout: Layout,
    Admin(admin): Admin,
    Form(form): Form<ListEntryForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match form.validate() {
        Ok((list, login)) => {
            let mut tx = state.pool.begin().await?;
            let added = db::add_entry(&mut tx, &list, &login, &admin, now).await?;
            let message = if added {
                format!("{login} is on the list “{list}”.")
            } else {
                format!("{login} was already on the list “{list}”.")
            };
            done(tx, message, "/eligibility").await
        }
        Err(errors) => {
            let entries = db::list_entries(&state.pool).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ListsPage::new(layout, &entries, &form, &errors),
            )
                .into_response())
        }
    }
}

pub async fn remove_list_entry(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let removed = db::remove_entry(&mut tx, id, &admin, now).await?;
    let message = if removed {
        "Removed from the list."
    } else {
        "That entry was already removed."
    };
    done(tx, message, "/eligibility").await
}
