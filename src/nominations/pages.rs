//! The pages of `templates/nominations/`, with every view field computed here so the
//! templates only loop and print.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::db::{Event, ListEntry, Nomination, Statement};
use super::model::{
    self, Call, CallForm, EventKind, ListEntryForm, NominateForm, Stage, Standing, WindowState,
};
use crate::auth::model::User;
use crate::decisions::model::time_left;
use crate::teams::model::Team;
use crate::web::dates::{format_datetime_local, format_utc};
use crate::web::form::{Choice, Choosable, Field, FormErrors, render_errors};
use crate::web::layout::Layout;
use crate::web::markdown;

fn window_text(call: &Call, now: OffsetDateTime) -> String {
    match call.window(now) {
        WindowState::NotYetOpen => format!(
            "Opens {}, closes {}.",
            format_utc(call.opens_at),
            format_utc(call.closes_at)
        ),
        WindowState::Open => format!(
            "Open for nominations until {} ({}).",
            format_utc(call.closes_at),
            time_left(call.closes_at, now)
        ),
        WindowState::Closed => format!("Closed for nominations on {}.", format_utc(call.closes_at)),
    }
}

fn seats_text(seats: i32) -> String {
    if seats == 1 {
        "1 seat".into()
    } else {
        format!("{seats} seats")
    }
}

// ----- a team's calls -----

pub struct CallItem {
    pub id: i64,
    pub title: String,
    pub window: String,
    /// "2 stale nominations", or empty (members only).
    pub stale: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations/calls.html")]
pub struct CallsPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub calls: Vec<CallItem>,
    pub may_open: bool,
}

pub fn stale_text(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => "1 stale nomination".into(),
        n => format!("{n} stale nominations"),
    }
}

impl CallsPage {
    pub fn new(
        layout: Layout,
        team: &Team,
        calls: &[Call],
        stale: &[(i64, usize)],
        may_open: bool,
        now: OffsetDateTime,
    ) -> Self {
        CallsPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            calls: calls
                .iter()
                .map(|c| CallItem {
                    id: c.id,
                    title: c.title.clone(),
                    window: window_text(c, now),
                    stale: stale
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map(|(_, n)| stale_text(*n))
                        .unwrap_or_default(),
                })
                .collect(),
            may_open,
        }
    }
}

// ----- opening a call -----

#[derive(Template, WebTemplate)]
#[template(path = "nominations/call_form.html")]
pub struct CallFormPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub problems: Vec<String>,
    pub title: Field,
    pub looking_for: Field,
    pub eligibility: Choice,
    pub eligible_team: Field,
    pub eligible_list: Field,
    pub eligible_github_team: Field,
    pub seats: Field,
    pub opens_at: Field,
    pub closes_at: Field,
    pub stale_after_days: Field,
    pub idempotency_key: String,
}

impl CallFormPage {
    pub fn new(layout: Layout, team: &Team, form: &CallForm, errors: &FormErrors) -> Self {
        let options = [
            ("open", "Anyone"),
            ("team", "Current members of a team"),
            ("list", "People on a list kept by the administrators"),
            (
                "github_team",
                "Members of a GitHub team (through the GitHub App)",
            ),
        ];
        CallFormPage {
            idempotency_key: crate::web::idempotency::key_or_new(&form.idempotency_key),
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            problems: render_errors(errors),
            title: Field::new("title", "Title", &form.title, model::TITLE_MAX, errors),
            looking_for: Field::new(
                "looking_for",
                "What the team looks for",
                &form.looking_for,
                model::LOOKING_FOR_MAX,
                errors,
            )
            .hint("Public, in Markdown."),
            eligibility: Choice {
                name: "eligibility",
                label: "Who may be nominated",
                options: options
                    .iter()
                    .map(|(value, label)| Choosable {
                        value,
                        label,
                        selected: *value == form.eligibility,
                    })
                    .collect(),
                error: errors.get("eligibility").map(str::to_string),
            },
            eligible_team: Field::new(
                "eligible_team",
                "Team (slug)",
                &form.eligible_team,
                40,
                errors,
            )
            .hint("For “current members of a team”: the team's slug, e.g. committers."),
            eligible_list: Field::new(
                "eligible_list",
                "List name",
                &form.eligible_list,
                model::LIST_NAME_MAX,
                errors,
            )
            .hint("For “people on a list”: the list's name."),
            eligible_github_team: Field::new(
                "eligible_github_team",
                "GitHub team (slug)",
                &form.eligible_github_team,
                100,
                errors,
            )
            .hint("For “members of a GitHub team”: the team's slug in the organization, e.g. committers."),
            seats: Field::new("seats", "Seats", &form.seats, 3, errors),
            opens_at: Field::new("opens_at", "Opens (UTC)", &form.opens_at, 16, errors)
                .hint("Read as UTC, not your local time."),
            closes_at: Field::new("closes_at", "Closes (UTC)", &form.closes_at, 16, errors)
                .hint("Read as UTC, not your local time; within a year."),
            stale_after_days: Field::new(
                "stale_after_days",
                "Stale after (days)",
                &form.stale_after_days,
                3,
                errors,
            )
            .hint("A nomination with no activity for longer is flagged to the team."),
        }
    }
}

// ----- a call -----

pub struct PipelineRow {
    pub id: i64,
    pub nominee: String,
    pub nominator: String,
    pub stage: &'static str,
    pub stale: bool,
    pub last_activity: String,
    pub shortlistable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations/call.html")]
pub struct CallPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub team_slug: String,
    pub team_name: String,
    pub looking_for_html: String,
    pub eligibility: String,
    pub seats: String,
    pub window: String,
    pub window_open: bool,
    pub announced: Vec<String>,
    pub is_member: bool,
    pub pipeline: Vec<PipelineRow>,
    pub any_shortlistable: bool,
    pub problems: Vec<String>,
    pub decision_closes: String,
    /// The endorsement form's problems and what was typed.
    pub endorse_problems: Vec<String>,
    pub endorse_login: String,
    pub endorse_text: String,
}

impl CallPage {
    pub fn new(
        layout: Layout,
        call: &Call,
        is_member: bool,
        announced: &[String],
        pipeline: &[Nomination],
        problems: Vec<String>,
        now: OffsetDateTime,
    ) -> Self {
        let pipeline: Vec<PipelineRow> = pipeline
            .iter()
            .map(|n| PipelineRow {
                id: n.id,
                nominee: n.nominee_login.clone(),
                nominator: n.nominator_login.clone(),
                stage: n.stage.label(),
                stale: n.is_stale(now),
                last_activity: format_utc(n.last_activity),
                shortlistable: n.stage == Stage::Accepted,
            })
            .collect();
        CallPage {
            layout,
            id: call.id,
            title: call.title.clone(),
            team_slug: call.team_slug.clone(),
            team_name: call.team_name.clone(),
            looking_for_html: markdown::render(&call.looking_for),
            eligibility: call.eligibility.describe(),
            seats: seats_text(call.seats),
            window: window_text(call, now),
            window_open: call.window(now) == WindowState::Open,
            announced: announced.to_vec(),
            is_member,
            any_shortlistable: pipeline.iter().any(|r| r.shortlistable),
            pipeline,
            problems,
            decision_closes: format_datetime_local(now + model::DECISION_OPEN_FOR),
            endorse_problems: Vec::new(),
            endorse_login: String::new(),
            endorse_text: String::new(),
        }
    }
}

// ----- nominating -----

#[derive(Template, WebTemplate)]
#[template(path = "nominations/nominate.html")]
pub struct NominatePage {
    pub layout: Layout,
    pub call_id: i64,
    pub call_title: String,
    pub team_name: String,
    pub eligibility: String,
    pub problems: Vec<String>,
    pub nominee: Field,
    pub statement: Field,
}

impl NominatePage {
    pub fn new(layout: Layout, call: &Call, form: &NominateForm, errors: &FormErrors) -> Self {
        NominatePage {
            layout,
            call_id: call.id,
            call_title: call.title.clone(),
            team_name: call.team_name.clone(),
            eligibility: call.eligibility.describe(),
            problems: render_errors(errors),
            nominee: Field::new(
                "nominee",
                "GitHub login of the nominee",
                &form.nominee,
                model::LOGIN_MAX + 1,
                errors,
            )
            .hint("Your own login to nominate yourself. They need not have signed in yet."),
            statement: Field::new(
                "statement",
                "Statement",
                &form.statement,
                model::STATEMENT_MAX,
                errors,
            )
            .hint("Why them, in Markdown. Only the nominee, you and the team see it."),
        }
    }
}

// ----- one nomination -----

/// What was typed into one of the nomination page's forms, to show it again.
#[derive(Clone, Debug, Default)]
pub struct NoteInput {
    /// Which form: the event kind's name, or `admit`.
    pub form: &'static str,
    pub note: String,
    pub error: Option<String>,
}

pub struct EventView {
    pub what: &'static str,
    pub who: String,
    pub at: String,
    pub note: Option<String>,
    pub decision: Option<i64>,
}

/// One of the small forms on a nomination's page.
pub struct NoteBox {
    pub action: &'static str,
    pub id: &'static str,
    pub heading: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub button: &'static str,
    pub value: String,
    pub error: Option<String>,
    /// A form without a text field (accept, announce).
    pub bare: bool,
    pub idempotency_key: String,
}

impl NoteBox {
    pub fn described_by(&self) -> String {
        let mut ids = vec![format!("{}-hint", self.id)];
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

pub struct StatementView {
    pub nominator: String,
    pub html: String,
}

pub struct EndorsementView {
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations/nomination.html")]
pub struct NominationPage {
    pub layout: Layout,
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub team_name: String,
    pub nominee: String,
    /// The nominators the reader may know of, with their statements.
    pub nominators: String,
    pub statements: Vec<StatementView>,
    pub stage: &'static str,
    pub stale: bool,
    pub is_member: bool,
    pub is_nominee: bool,
    pub history: Vec<EventView>,
    pub endorsements: Vec<EndorsementView>,
    pub forms: Vec<NoteBox>,
    pub may_admit: bool,
    pub admit_closes: String,
    /// Whether `admit_closes` fits a date-time control (else a text box keeps it).
    pub admit_closes_fits: bool,
    pub admit_error: Option<String>,
}

fn event_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Accepted => "Accepted by the nominee",
        EventKind::Declined => "Declined by the nominee",
        EventKind::Withdrawn => "Withdrawn by the nominee",
        EventKind::Shortlisted => "Shortlisted",
        EventKind::Interviewed => "Interviewed",
        EventKind::Admitted => "Admitted",
        EventKind::NotSelected => "Not selected",
        EventKind::Announced => "Announced",
        EventKind::Feedback => "Feedback to the candidate",
    }
}

/// Who reads an event's note: the team all of them; the nominee the feedback and their
/// own words; the nominator none.
fn note_visible(kind: EventKind, standing: &Standing) -> bool {
    standing.is_member || (standing.is_nominee && kind.note_for_nominee())
}

impl NominationPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        call: &Call,
        n: &Nomination,
        standing: Standing,
        statements: &[Statement],
        events: &[Event],
        endorsements: &[(String, String, OffsetDateTime)],
        input: NoteInput,
        now: OffsetDateTime,
    ) -> Self {
        // A form sent back (refused for its text or for the stage) is shown again, with
        // what was typed and why, whatever the stage now allows.
        let typed = |kind: EventKind| input.form == kind.as_str();
        let allowed = |kind| model::require_stage(n.stage, kind).is_ok() || typed(kind);
        let mut forms = Vec::new();
        let mut add = |kind: EventKind,
                       action: &'static str,
                       heading: &'static str,
                       label: &'static str,
                       hint: &'static str,
                       button: &'static str,
                       bare: bool| {
            let typed = input.form == kind.as_str();
            forms.push(NoteBox {
                action,
                id: kind.as_str(),
                heading,
                label,
                hint,
                button,
                value: if typed {
                    input.note.clone()
                } else {
                    String::new()
                },
                error: if typed { input.error.clone() } else { None },
                bare,
                idempotency_key: crate::web::idempotency::new_key(),
            });
        };
        if standing.is_nominee {
            if allowed(EventKind::Accepted) || typed(EventKind::Declined) {
                add(
                    EventKind::Accepted,
                    "accept",
                    "Accept",
                    "",
                    "The team then considers your nomination.",
                    "Accept the nomination",
                    true,
                );
                add(
                    EventKind::Declined,
                    "decline",
                    "Decline",
                    "Reason (optional)",
                    "Seen only by the team.",
                    "Decline the nomination",
                    false,
                );
            } else if allowed(EventKind::Withdrawn) {
                add(
                    EventKind::Withdrawn,
                    "withdraw",
                    "Withdraw",
                    "Reason (optional)",
                    "Seen only by the team.",
                    "Withdraw",
                    false,
                );
            }
        }
        if standing.is_member {
            if allowed(EventKind::Interviewed) {
                add(
                    EventKind::Interviewed,
                    "interview",
                    "Record an interview",
                    "Interview notes",
                    "For the team only.",
                    "Record the interview",
                    false,
                );
            }
            if allowed(EventKind::Feedback) {
                add(
                    EventKind::Feedback,
                    "feedback",
                    "Feedback to the candidate",
                    "Feedback",
                    "The nominee reads it.",
                    "Send feedback",
                    false,
                );
            }
            if allowed(EventKind::NotSelected) {
                add(
                    EventKind::NotSelected,
                    "not-selected",
                    "Not selected",
                    "Feedback to the candidate (optional)",
                    "The nominee reads it.",
                    "Mark not selected",
                    false,
                );
            }
            if allowed(EventKind::Announced) {
                add(
                    EventKind::Announced,
                    "announce",
                    "Announce",
                    "",
                    "The call's public page then names them.",
                    "Announce",
                    true,
                );
            }
        }
        let admitting = input.form == "admit";
        let admit_closes = if admitting {
            input.note.clone()
        } else {
            format_datetime_local(now + model::DECISION_OPEN_FOR)
        };
        NominationPage {
            layout,
            id: n.id,
            call_id: call.id,
            call_title: call.title.clone(),
            team_name: call.team_name.clone(),
            nominee: n.nominee_login.clone(),
            nominators: statements
                .iter()
                .map(|s| s.nominator_login.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            statements: statements
                .iter()
                .map(|s| StatementView {
                    nominator: s.nominator_login.clone(),
                    html: markdown::render(&s.statement),
                })
                .collect(),
            stage: n.stage.label(),
            stale: standing.is_member && n.is_stale(now),
            is_member: standing.is_member,
            is_nominee: standing.is_nominee,
            history: events
                .iter()
                .map(|e| EventView {
                    what: event_label(e.kind),
                    who: e.actor_login.clone().unwrap_or_default(),
                    at: format_utc(e.at),
                    note: e.note.clone().filter(|_| note_visible(e.kind, &standing)),
                    decision: e.decision_id.filter(|_| standing.is_member),
                })
                .collect(),
            endorsements: endorsements
                .iter()
                .map(|(author, body, at)| EndorsementView {
                    author: author.clone(),
                    body: body.clone(),
                    at: format_utc(*at),
                })
                .collect(),
            forms,
            may_admit: standing.is_member && allowed(EventKind::Admitted),
            admit_closes_fits: crate::web::dates::fits_datetime_local(admit_closes.trim()),
            admit_closes,
            admit_error: if admitting { input.error } else { None },
        }
    }
}

// ----- my nominations -----

pub struct MineItem {
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub team_name: String,
    pub nominee: String,
    pub stage: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub of_me: Vec<MineItem>,
    pub by_me: Vec<MineItem>,
}

impl MinePage {
    pub fn new(
        layout: Layout,
        user: &User,
        nominations: &[Nomination],
        _now: OffsetDateTime,
    ) -> Self {
        let item = |n: &Nomination| MineItem {
            id: n.id,
            call_id: n.call_id,
            call_title: n.call_title.clone(),
            team_name: n.team_name.clone(),
            nominee: n.nominee_login.clone(),
            stage: n.stage.label(),
        };
        MinePage {
            layout,
            of_me: nominations
                .iter()
                .filter(|n| n.nominee_id == user.id)
                .map(item)
                .collect(),
            by_me: nominations
                .iter()
                .filter(|n| n.nominated_by(user.id) && n.nominee_id != user.id)
                .map(item)
                .collect(),
        }
    }
}

// ----- eligibility lists -----

pub struct ListGroup {
    pub name: String,
    pub entries: Vec<ListEntryView>,
}

pub struct ListEntryView {
    pub id: i64,
    pub login: String,
    pub added: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations/lists.html")]
pub struct ListsPage {
    pub layout: Layout,
    pub lists: Vec<ListGroup>,
    pub problems: Vec<String>,
    pub list_name: Field,
    pub login: Field,
}

impl ListsPage {
    pub fn new(
        layout: Layout,
        entries: &[ListEntry],
        form: &ListEntryForm,
        errors: &FormErrors,
    ) -> Self {
        let mut lists: Vec<ListGroup> = Vec::new();
        for e in entries {
            let view = ListEntryView {
                id: e.id,
                login: e.login.clone(),
                added: format!("added by {} on {}", e.added_by, format_utc(e.added_at)),
            };
            match lists.last_mut() {
                Some(group) if group.name == e.list_name => group.entries.push(view),
                _ => lists.push(ListGroup {
                    name: e.list_name.clone(),
                    entries: vec![view],
                }),
            }
        }
        ListsPage {
            layout,
            lists,
            problems: render_errors(errors),
            list_name: Field::new(
                "list_name",
                "List name",
                &form.list_name,
                model::LIST_NAME_MAX,
                errors,
            )
            .hint("Lowercase letters, digits and hyphens, e.g. committers."),
            login: Field::new(
                "login",
                "GitHub login",
                &form.login,
                model::LOGIN_MAX + 1,
                errors,
            ),
        }
    }
}
