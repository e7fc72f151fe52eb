//! The pages of `templates/rfcs/`, with every view field computed here so the templates
//! only loop and print.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::db::{Feedback, FeedbackEdit, PrivateSummary, WindowChangeRow};
use super::model::{
    self, Change, DiffLine, Revision, Rfc, RfcForm, Stage, Verdict, Visibility, WindowForm,
    WindowState, describe_duration,
};
use crate::teams::model::Team;
use crate::web::dates::{format_datetime_local, format_utc, rfc3339};
use crate::web::form::{Field, FormErrors, render_errors};
use crate::web::layout::Layout;
use crate::web::markdown;

/// An RFC in a list.
#[derive(Clone, Debug)]
pub struct RfcItem {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub team_slug: String,
    pub team_name: String,
    pub stage: &'static str,
    /// "closes 2026-03-09 09:00 UTC (6 days left)", "opens ...", "closed ..." or empty.
    pub window: String,
}

impl RfcItem {
    pub fn of(rfc: &Rfc, now: OffsetDateTime) -> Self {
        RfcItem {
            id: rfc.id,
            title: rfc.current.title.clone(),
            summary: rfc.current.summary.clone(),
            team_slug: rfc.team_slug.clone(),
            team_name: rfc.team_name.clone(),
            stage: rfc.stage(now).label(),
            window: window_line(rfc, now),
        }
    }
}

/// One sentence about the window at `now`.
pub fn window_line(rfc: &Rfc, now: OffsetDateTime) -> String {
    match rfc.window {
        None => String::new(),
        Some(w) => match w.state(now) {
            WindowState::NotYetOpen => format!(
                "feedback opens {} and closes {}",
                format_utc(w.opens_at),
                format_utc(w.closes_at)
            ),
            WindowState::Open => format!(
                "feedback closes {} ({} left)",
                format_utc(w.closes_at),
                describe_duration(w.closes_at - now)
            ),
            WindowState::Closed => format!("feedback closed {}", format_utc(w.closes_at)),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub open: Vec<RfcItem>,
    pub drafts: Vec<RfcItem>,
    pub others: Vec<RfcItem>,
    pub may_draft: bool,
}

impl IndexPage {
    pub fn new(layout: Layout, rfcs: &[Rfc], may_draft: bool, now: OffsetDateTime) -> Self {
        let mut page = IndexPage {
            layout,
            open: Vec::new(),
            drafts: Vec::new(),
            others: Vec::new(),
            may_draft,
        };
        for rfc in rfcs {
            let item = RfcItem::of(rfc, now);
            match rfc.stage(now) {
                Stage::OpenForFeedback => page.open.push(item),
                Stage::Draft => page.drafts.push(item),
                _ => page.others.push(item),
            }
        }
        page
    }
}

// ----- drafting and editing -----

/// The choice of team when drafting: the teams the person belongs to.
#[derive(Clone, Debug)]
pub struct TeamSelect {
    pub options: Vec<TeamOption>,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TeamOption {
    pub slug: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub back: String,
    pub problems: Vec<String>,
    /// Only when drafting: the teams the person may draft for.
    pub team: Option<TeamSelect>,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub pull_request_url: Field,
    pub change_note: Field,
    pub form_key: String,
}

impl FormPage {
    /// `rfc`: the RFC being edited; `None` when drafting for one of `teams`.
    pub fn new(
        layout: Layout,
        rfc: Option<&Rfc>,
        teams: &[Team],
        form: &RfcForm,
        errors: &FormErrors,
    ) -> Self {
        let (heading, action, back) = match rfc {
            Some(rfc) => (
                format!("Edit “{}”", rfc.current.title),
                format!("/rfcs/{}/edit", rfc.id),
                format!("/rfcs/{}", rfc.id),
            ),
            None => ("Draft an RFC".into(), "/rfcs".into(), "/rfcs".into()),
        };
        let team = rfc.is_none().then(|| TeamSelect {
            options: teams
                .iter()
                .map(|t| TeamOption {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    selected: t.slug == form.team,
                })
                .collect(),
            error: errors.get("team").map(str::to_string),
        });
        let note_hint = if rfc.is_some() {
            "What this edit changes; shown with the revision."
        } else {
            "Optional; “First draft” if left empty."
        };
        FormPage {
            layout,
            heading,
            action,
            back,
            problems: render_errors(errors),
            team,
            title: Field::new("title", "Title", &form.title, model::TITLE_MAX, errors),
            summary: Field::new(
                "summary",
                "Summary",
                &form.summary,
                model::SUMMARY_MAX,
                errors,
            )
            .hint("One or two sentences for lists and the feed."),
            body: Field::new("body", "Text", &form.body, model::BODY_MAX, errors)
                .hint("The proposal, in Markdown."),
            pull_request_url: Field::new(
                "pull_request_url",
                "Pull request (optional)",
                &form.pull_request_url,
                model::URL_MAX,
                errors,
            )
            .hint("A link to an external pull request, starting with https:// or http://."),
            change_note: Field::new(
                "change_note",
                "Change note",
                &form.change_note,
                model::NOTE_MAX,
                errors,
            )
            .hint(note_hint),
            form_key: form.form_key.clone(),
        }
    }
}

// ----- one RFC -----

/// A piece of feedback as the page shows it.
#[derive(Clone, Debug)]
pub struct FeedbackView {
    pub id: i64,
    pub author: String,
    pub private: bool,
    pub revision: i32,
    pub on_current: bool,
    pub at: String,
    pub edited: Option<String>,
    pub withdrawn: Option<String>,
    /// Empty when withdrawn (its author still sees it).
    pub body_html: String,
    pub earlier: Vec<EarlierView>,
    pub verdict: Option<&'static str>,
    pub reason: Option<String>,
    pub disposed_by: Option<String>,
    /// The viewer wrote it and the window is open: edit and withdraw links.
    pub own_and_open: bool,
}

#[derive(Clone, Debug)]
pub struct EarlierView {
    pub revision: i32,
    pub replaced: String,
    pub body_html: String,
}

fn feedback_views(
    feedback: &[Feedback],
    edits: &[FeedbackEdit],
    viewer_id: Option<i64>,
    current_revision: i32,
    window_open: bool,
) -> Vec<FeedbackView> {
    let mut earlier: HashMap<i64, Vec<EarlierView>> = HashMap::new();
    for e in edits {
        earlier.entry(e.feedback_id).or_default().push(EarlierView {
            revision: e.revision_number,
            replaced: format_utc(e.replaced_at),
            body_html: markdown::render(&e.body),
        });
    }
    feedback
        .iter()
        .map(|f| {
            let own = viewer_id == Some(f.author_id);
            let withdrawn = f.withdrawn_at.is_some();
            FeedbackView {
                id: f.id,
                author: f.author_login.clone(),
                private: f.visibility == Visibility::Private,
                revision: f.revision_number,
                on_current: f.revision_number == current_revision,
                at: format_utc(f.created_at),
                edited: f.edited_at.map(format_utc),
                withdrawn: f.withdrawn_at.map(format_utc),
                body_html: if withdrawn && !own {
                    String::new()
                } else {
                    markdown::render(&f.body)
                },
                earlier: if withdrawn && !own {
                    Vec::new()
                } else {
                    earlier.remove(&f.id).unwrap_or_default()
                },
                verdict: f.verdict.map(Verdict::label),
                reason: f.reason.clone(),
                disposed_by: f.disposed_by.clone(),
                own_and_open: own && window_open && !withdrawn,
            }
        })
        .collect()
}

/// The feedback form under the RFC, with what was typed and any message.
#[derive(Clone, Debug)]
pub struct FeedbackInputs {
    pub body: Field,
    pub public_checked: bool,
    pub private_checked: bool,
    pub visibility_error: Option<String>,
    pub form_key: String,
    /// Why the server refused it (the window), shown above the kept text.
    pub refusal: Option<String>,
}

impl FeedbackInputs {
    pub fn new(form: &model::FeedbackForm, errors: &FormErrors, refusal: Option<String>) -> Self {
        FeedbackInputs {
            body: Field::new(
                "body",
                "Your feedback",
                &form.body,
                model::FEEDBACK_MAX,
                errors,
            )
            .hint("In Markdown. It is tied to the revision shown above."),
            public_checked: form.visibility != "private",
            private_checked: form.visibility == "private",
            visibility_error: errors.get("visibility").map(str::to_string),
            form_key: form.form_key.clone(),
            refusal,
        }
    }
}

/// What the viewer may do here; each flag mirrors a rule the server enforces.
#[derive(Clone, Copy, Debug, Default)]
pub struct Actions {
    pub edit: bool,
    pub window: bool,
    pub dispose: bool,
    pub settle: bool,
}

/// Counts of private feedback by verdict, as the public reads them.
#[derive(Clone, Debug)]
pub struct SummaryView {
    pub total: i64,
    pub accepted: i64,
    pub declined: i64,
    pub noted: i64,
}

#[derive(Clone, Debug)]
pub struct WindowChangeView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub reason: Option<String>,
}

fn window_change_views(changes: &[WindowChangeRow]) -> Vec<WindowChangeView> {
    changes
        .iter()
        .map(|c| WindowChangeView {
            at: format_utc(c.at),
            actor: c.actor_login.clone(),
            what: match c.old_closes_at {
                None => format!(
                    "Set the window: opens {}, closes {}",
                    format_utc(c.opens_at),
                    format_utc(c.closes_at)
                ),
                Some(old) if c.closes_at > old => format!(
                    "Extended the window from {} to {}",
                    format_utc(old),
                    format_utc(c.closes_at)
                ),
                Some(old) if c.closes_at < old => format!(
                    "Shortened the window from {} to {}",
                    format_utc(old),
                    format_utc(c.closes_at)
                ),
                Some(_) => format!(
                    "Moved the opening to {}; it closes {}",
                    format_utc(c.opens_at),
                    format_utc(c.closes_at)
                ),
            },
            reason: c.reason.clone(),
        })
        .collect()
}

/// The window's times, in UTC.
#[derive(Clone, Debug)]
pub struct WindowView {
    pub opens: String,
    pub closes: String,
}

/// Everything the RFC page is built from.
pub struct RfcPageData<'a> {
    pub rfc: &'a Rfc,
    pub revisions: usize,
    pub feedback: &'a [Feedback],
    /// The first shown piece, when earlier feedback exists (the next page's cursor).
    pub earlier: Option<i64>,
    /// Whether this is an earlier page (not the latest feedback).
    pub paged: bool,
    pub edits: &'a [FeedbackEdit],
    pub changes: &'a [WindowChangeRow],
    pub concerns: &'a [super::concerns::RfcConcern],
    pub review_on: Option<time::Date>,
    /// Whether the viewer may raise a concern now.
    pub may_raise: bool,
    /// Only once the disposition is published.
    pub summary: Option<PrivateSummary>,
    pub is_member: bool,
    pub actions: Actions,
    pub inputs: FeedbackInputs,
    pub now: OffsetDateTime,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/show.html")]
pub struct RfcPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub stage: &'static str,
    pub team_slug: String,
    pub team_name: String,
    pub revision: i32,
    pub revisions: usize,
    pub revised: String,
    pub revised_by: String,
    pub change_note: String,
    pub pull_request_url: Option<String>,
    pub summary: String,
    pub body_html: String,
    /// "Opens 2026-... UTC", "Closes ... UTC", with time left; empty without a window.
    pub window: Option<WindowView>,
    pub time_left: Option<String>,
    pub window_closed: bool,
    /// Whether feedback may be sent now (a refused form is kept for copying, unsent).
    pub window_open: bool,
    pub changes: Vec<WindowChangeView>,
    /// The latest change of a window already set (moved, extended or shortened), shown
    /// next to the window with its reason rather than only in the collapsed history.
    pub latest_change: Option<WindowChangeView>,
    pub feedback: Vec<FeedbackView>,
    /// Link to the page of earlier feedback, if there is any.
    pub earlier_href: Option<String>,
    /// Whether this page shows earlier feedback (then it links back to the latest).
    pub paged: bool,
    pub is_member: bool,
    pub signed_in: bool,
    pub actions: Actions,
    /// The form when feedback is taken (or was just refused, to keep the text).
    pub form: Option<FeedbackInputs>,
    /// Why feedback is not taken now.
    pub not_taken: Option<String>,
    pub published: Option<String>,
    pub private_summary: Option<SummaryView>,
    /// The decision that settled the RFC.
    pub decision_id: Option<i64>,
    pub concerns: Vec<RfcConcernView>,
    pub may_raise: bool,
    /// The review date of the settling decision's outcome (`decisions::reviews`).
    pub review_on: Option<String>,
}

/// A concern on the RFC as its page shows it.
#[derive(Clone, Debug)]
pub struct RfcConcernView {
    pub id: i64,
    pub title: String,
    pub raised_by: String,
    pub raised_at: String,
    /// "Resolved on …: …", or empty.
    pub resolved: Option<String>,
    pub carried_into: Option<i64>,
    pub may_resolve: bool,
}

impl RfcPage {
    pub fn new(layout: Layout, data: RfcPageData<'_>) -> Self {
        let rfc = data.rfc;
        let now = data.now;
        let refusal = model::feedback_refusal(rfc, now);
        let window_open = refusal.is_none();
        let signed_in = layout.user.is_some();
        let viewer_id = layout.user.as_ref().map(|u| u.id);
        let form = if data.inputs.refusal.is_some() || (window_open && signed_in) {
            Some(data.inputs)
        } else {
            None
        };
        let not_taken = match (&refusal, signed_in) {
            (Some(why), _) => Some(why.clone()),
            (None, false) => Some("Sign in to give feedback.".into()),
            (None, true) => None,
        };
        RfcPage {
            id: rfc.id,
            title: rfc.current.title.clone(),
            stage: rfc.stage(now).label(),
            team_slug: rfc.team_slug.clone(),
            team_name: rfc.team_name.clone(),
            revision: rfc.current.number,
            revisions: data.revisions,
            revised: format_utc(rfc.current.created_at),
            revised_by: rfc.current.author_login.clone(),
            change_note: rfc.current.change_note.clone(),
            pull_request_url: rfc.current.pull_request_url.clone(),
            summary: rfc.current.summary.clone(),
            body_html: markdown::render(&rfc.current.body),
            window: rfc.window.map(|w| WindowView {
                opens: format_utc(w.opens_at),
                closes: format_utc(w.closes_at),
            }),
            time_left: rfc
                .window
                .and_then(|w| w.time_left(now))
                .map(describe_duration),
            window_closed: rfc.has_closed(now),
            window_open,
            changes: window_change_views(data.changes),
            latest_change: data
                .changes
                .iter()
                .filter(|c| c.old_closes_at.is_some())
                .max_by_key(|c| c.at)
                .and_then(|c| window_change_views(std::slice::from_ref(c)).pop()),
            feedback: feedback_views(
                data.feedback,
                data.edits,
                viewer_id,
                rfc.current.number,
                window_open,
            ),
            earlier_href: data
                .earlier
                .map(|first| format!("/rfcs/{}?before={first}#feedback-heading", rfc.id)),
            paged: data.paged,
            is_member: data.is_member,
            signed_in,
            actions: data.actions,
            form,
            not_taken,
            published: rfc.disposition_published_at.map(format_utc),
            private_summary: data.summary.map(|s| SummaryView {
                total: s.total,
                accepted: s.accepted,
                declined: s.declined,
                noted: s.noted,
            }),
            decision_id: rfc.decision_id,
            concerns: data
                .concerns
                .iter()
                .map(|c| RfcConcernView {
                    id: c.id,
                    title: c.title.clone(),
                    raised_by: c.raised_by_login.clone(),
                    raised_at: format_utc(c.raised_at),
                    resolved: c.resolved_at.map(|at| {
                        format!(
                            "Resolved on {}: {}",
                            format_utc(at),
                            c.resolution.clone().unwrap_or_default()
                        )
                    }),
                    carried_into: c.carried_into,
                    may_resolve: data.is_member
                        && viewer_id
                            .is_some_and(|me| super::concerns::resolving_problem(c, me).is_none()),
                })
                .collect(),
            may_raise: data.may_raise,
            review_on: data.review_on.map(crate::web::dates::format_date),
            layout,
        }
    }
}

// ----- the window -----

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/window.html")]
pub struct WindowPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub problems: Vec<String>,
    /// The current window, described; `None` when setting the first.
    pub current: Option<String>,
    /// Whether the opening can still be chosen (the window has not opened).
    pub opening_editable: bool,
    pub opens_at: Field,
    pub closes_at: Field,
    pub reason: Field,
}

impl WindowPage {
    pub fn new(
        layout: Layout,
        rfc: &Rfc,
        form: &WindowForm,
        errors: &FormErrors,
        now: OffsetDateTime,
    ) -> Self {
        let opening_editable = rfc.window_state(now) != Some(WindowState::Open);
        let reason_label = if rfc.window.is_some() {
            "Reason for the change"
        } else {
            "Note (optional)"
        };
        WindowPage {
            id: rfc.id,
            title: rfc.current.title.clone(),
            problems: render_errors(errors),
            current: rfc.window.map(|w| {
                format!(
                    "Opens {}, closes {}.",
                    format_utc(w.opens_at),
                    format_utc(w.closes_at)
                )
            }),
            opening_editable,
            opens_at: Field::new("opens_at", "Opens at (UTC)", &form.opens_at, 20, errors)
                .hint("Read as UTC, not your local time. Leave empty to open now."),
            closes_at: Field::new("closes_at", "Closes at (UTC)", &form.closes_at, 20, errors)
                .hint("Read as UTC, not your local time."),
            reason: Field::new(
                "reason",
                reason_label,
                &form.reason,
                model::REASON_MAX,
                errors,
            )
            .hint("Logged on the RFC's page with the change."),
            layout,
        }
    }

    /// The form filled with the current window.
    pub fn filled(rfc: &Rfc) -> WindowForm {
        match rfc.window {
            Some(w) => WindowForm {
                opens_at: format_datetime_local(w.opens_at),
                closes_at: format_datetime_local(w.closes_at),
                reason: String::new(),
            },
            None => WindowForm::default(),
        }
    }
}

// ----- revisions and diffs -----

#[derive(Clone, Debug)]
pub struct RevisionItem {
    pub number: i32,
    pub author: String,
    pub at: String,
    pub change_note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/revisions.html")]
pub struct RevisionsPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub revisions: Vec<RevisionItem>,
    /// The numbers offered in the comparison form, newest first.
    pub from_default: i32,
    pub to_default: i32,
}

impl RevisionsPage {
    pub fn new(layout: Layout, rfc: &Rfc, revisions: &[Revision]) -> Self {
        let last = rfc.current.number;
        RevisionsPage {
            layout,
            id: rfc.id,
            title: rfc.current.title.clone(),
            revisions: revisions
                .iter()
                .rev()
                .map(|r| RevisionItem {
                    number: r.number,
                    author: r.author_login.clone(),
                    at: format_utc(r.created_at),
                    change_note: r.change_note.clone(),
                })
                .collect(),
            from_default: (last - 1).max(1),
            to_default: last,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/revision.html")]
pub struct RevisionPage {
    pub layout: Layout,
    pub id: i64,
    pub number: i32,
    pub latest: i32,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub pull_request_url: Option<String>,
    pub author: String,
    pub at: String,
    pub change_note: String,
}

impl RevisionPage {
    pub fn new(layout: Layout, rfc: &Rfc, revision: &Revision) -> Self {
        RevisionPage {
            layout,
            id: rfc.id,
            number: revision.number,
            latest: rfc.current.number,
            title: revision.title.clone(),
            summary: revision.summary.clone(),
            body_html: markdown::render(&revision.body),
            pull_request_url: revision.pull_request_url.clone(),
            author: revision.author_login.clone(),
            at: format_utc(revision.created_at),
            change_note: revision.change_note.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DiffRow {
    /// "added", "removed", "same" or "gap": the row's CSS class.
    pub class: &'static str,
    /// Read aloud before the line: "Added", "Removed" or empty.
    pub label: &'static str,
    pub old_number: String,
    pub new_number: String,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/diff.html")]
pub struct DiffPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub from: i32,
    pub to: i32,
    pub from_note: String,
    pub to_note: String,
    pub rows: Vec<DiffRow>,
    pub added: usize,
    pub removed: usize,
}

impl DiffPage {
    pub fn new(
        layout: Layout,
        rfc: &Rfc,
        from: &Revision,
        to: &Revision,
        lines: &[DiffLine],
    ) -> Self {
        let number = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
        DiffPage {
            layout,
            id: rfc.id,
            title: rfc.current.title.clone(),
            from: from.number,
            to: to.number,
            from_note: from.change_note.clone(),
            to_note: to.change_note.clone(),
            added: lines.iter().filter(|l| l.change == Change::Added).count(),
            removed: lines.iter().filter(|l| l.change == Change::Removed).count(),
            rows: lines
                .iter()
                .map(|l| {
                    let (class, label) = match l.change {
                        Change::Same => ("same", ""),
                        Change::Added => ("added", "Added"),
                        Change::Removed => ("removed", "Removed"),
                        Change::Gap => ("gap", ""),
                    };
                    DiffRow {
                        class,
                        label,
                        old_number: number(l.old_number),
                        new_number: number(l.new_number),
                        text: if l.change == Change::Gap {
                            "…".into()
                        } else {
                            l.text.clone()
                        },
                    }
                })
                .collect(),
        }
    }
}

// ----- one's own feedback -----

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/feedback_edit.html")]
pub struct FeedbackEditPage {
    pub layout: Layout,
    pub id: i64,
    pub feedback_id: i64,
    pub title: String,
    pub problems: Vec<String>,
    pub body: Field,
    pub closes: String,
}

impl FeedbackEditPage {
    pub fn new(
        layout: Layout,
        rfc: &Rfc,
        feedback_id: i64,
        body: &str,
        errors: &FormErrors,
    ) -> Self {
        FeedbackEditPage {
            id: rfc.id,
            feedback_id,
            title: rfc.current.title.clone(),
            problems: render_errors(errors),
            body: Field::new("body", "Your feedback", body, model::FEEDBACK_MAX, errors)
                .hint("In Markdown. The earlier text is kept and shown with it."),
            closes: rfc
                .window
                .map(|w| format_utc(w.closes_at))
                .unwrap_or_default(),
            layout,
        }
    }
}

// ----- the disposition -----

#[derive(Clone, Debug)]
pub struct VerdictOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// One piece of feedback with its disposition form.
#[derive(Clone, Debug)]
pub struct DispositionItem {
    pub id: i64,
    pub author: String,
    pub private: bool,
    pub revision: i32,
    pub body_html: String,
    pub recorded: Option<String>,
    pub options: Vec<VerdictOption>,
    pub reason: String,
    pub verdict_error: Option<String>,
    pub reason_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/disposition.html")]
pub struct DispositionPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub items: Vec<DispositionItem>,
    pub missing: usize,
    pub problems: Vec<String>,
}

/// What was typed into one disposition form that was refused.
pub struct Retyped<'a> {
    pub feedback_id: i64,
    pub form: &'a model::DispositionForm,
    pub errors: &'a FormErrors,
}

impl DispositionPage {
    pub fn new(
        layout: Layout,
        rfc: &Rfc,
        feedback: &[Feedback],
        retyped: Option<Retyped<'_>>,
        problems: Vec<String>,
    ) -> Self {
        let items: Vec<DispositionItem> = feedback
            .iter()
            .filter(|f| f.withdrawn_at.is_none())
            .map(|f| {
                let (verdict, reason, errors) = match &retyped {
                    Some(r) if r.feedback_id == f.id => (
                        r.form.verdict.clone(),
                        r.form.reason.clone(),
                        Some(r.errors),
                    ),
                    _ => (
                        f.verdict
                            .map(|v| v.as_str().to_string())
                            .unwrap_or_default(),
                        f.reason.clone().unwrap_or_default(),
                        None,
                    ),
                };
                DispositionItem {
                    id: f.id,
                    author: f.author_login.clone(),
                    private: f.visibility == Visibility::Private,
                    revision: f.revision_number,
                    body_html: markdown::render(&f.body),
                    recorded: f.verdict.map(|v| {
                        format!(
                            "{} by {}",
                            v.label(),
                            f.disposed_by.clone().unwrap_or_default()
                        )
                    }),
                    options: Verdict::ALL
                        .into_iter()
                        .map(|v| VerdictOption {
                            value: v.as_str(),
                            label: v.label(),
                            checked: v.as_str() == verdict,
                        })
                        .collect(),
                    reason,
                    verdict_error: errors.and_then(|e| e.get("verdict").map(str::to_string)),
                    reason_error: errors.and_then(|e| e.get("reason").map(str::to_string)),
                }
            })
            .collect();
        let missing = feedback
            .iter()
            .filter(|f| f.withdrawn_at.is_none() && f.verdict.is_none())
            .count();
        DispositionPage {
            layout,
            id: rfc.id,
            title: rfc.current.title.clone(),
            items,
            missing,
            problems,
        }
    }
}

// ----- the feed -----

#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub updated: String,
    pub summary: String,
    pub team: String,
}

#[derive(Template)]
#[template(path = "rfcs/feed.xml")]
pub struct Feed {
    pub self_url: String,
    pub html_url: String,
    pub id: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

impl Feed {
    pub fn new(rfcs: &[Rfc], absolute: impl Fn(&str) -> String, now: OffsetDateTime) -> Self {
        let updated = rfcs
            .iter()
            .map(|r| {
                r.current
                    .created_at
                    .max(r.window.map(|w| w.opens_at).unwrap_or(r.created_at))
            })
            .max()
            .unwrap_or(now);
        Feed {
            self_url: absolute("/rfcs/feed.xml"),
            html_url: absolute("/rfcs"),
            id: absolute("/rfcs/feed.xml"),
            updated: rfc3339(updated),
            entries: rfcs
                .iter()
                .map(|r| {
                    let closes = r
                        .window
                        .map(|w| format_utc(w.closes_at))
                        .unwrap_or_default();
                    FeedEntry {
                        title: r.current.title.clone(),
                        url: absolute(&format!("/rfcs/{}", r.id)),
                        updated: rfc3339(
                            r.current
                                .created_at
                                .max(r.window.map(|w| w.opens_at).unwrap_or(r.created_at)),
                        ),
                        summary: format!(
                            "{} Open for feedback until {}.",
                            r.current.summary, closes
                        ),
                        team: r.team_name.clone(),
                    }
                })
                .collect(),
        }
    }
}

// ----- settling by decision -----

#[derive(Clone, Debug)]
pub struct ResolutionOption {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "rfcs/settle.html")]
pub struct SettlePage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub problems: Vec<String>,
    pub options: Vec<ResolutionOption>,
    pub resolution_error: Option<String>,
    pub body: Field,
    pub closes_at: Field,
}

impl SettlePage {
    pub fn new(
        layout: Layout,
        rfc: &Rfc,
        form: &model::SettleForm,
        errors: &FormErrors,
        now: OffsetDateTime,
    ) -> Self {
        let options = model::Resolution::ALL
            .into_iter()
            .filter(|r| super::db::resolution_problem(rfc, *r, now).is_none())
            .map(|r| ResolutionOption {
                value: r.as_str(),
                label: model::SettleForm::question(rfc, r),
                checked: r.as_str() == form.resolution,
            })
            .collect();
        SettlePage {
            id: rfc.id,
            title: rfc.current.title.clone(),
            problems: render_errors(errors),
            options,
            resolution_error: errors.get("resolution").map(str::to_string),
            body: Field::new(
                "body",
                "Why",
                &form.body,
                crate::decisions::model::BODY_MAX,
                errors,
            )
            .hint("What the deciders should weigh, in Markdown."),
            closes_at: Field::new("closes_at", "Closes at (UTC)", &form.closes_at, 20, errors)
                .hint("Read as UTC, not your local time: at least an hour from now and within 90 days."),
            layout,
        }
    }
}
