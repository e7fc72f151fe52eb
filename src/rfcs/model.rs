//! RFCs as plain types, and the pure rules: the feedback window's state at `now`, the stage
//! shown, who may see and do what, and the forms' validation. Nothing here reads a clock
//! or a database, so every rule is unit-tested below, at its boundaries.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::web::dates::parse_datetime_local;
use crate::web::form::FormErrors;

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 1000;
pub const BODY_MAX: usize = 50_000;
pub const URL_MAX: usize = 500;
pub const NOTE_MAX: usize = 500;
pub const FEEDBACK_MAX: usize = 10_000;
pub const REASON_MAX: usize = 500;
pub const DISPOSITION_REASON_MAX: usize = 2000;
/// The longest feedback window a team may set.
pub const WINDOW_MAX: Duration = Duration::days(366);
/// How far ahead the inbox warns of a closing window.
pub const CLOSING_SOON: Duration = Duration::days(2);
/// How many entries the Atom feed holds.
pub const FEED_SIZE: i64 = 50;

/// When feedback is taken: from `opens_at` (inclusive) until `closes_at` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowState {
    NotYetOpen,
    Open,
    Closed,
}

impl Window {
    /// The state at `now`, from the stored times alone.
    pub fn state(&self, now: OffsetDateTime) -> WindowState {
        if now < self.opens_at {
            WindowState::NotYetOpen
        } else if now < self.closes_at {
            WindowState::Open
        } else {
            WindowState::Closed
        }
    }

    /// What is left of an open window; `None` unless it is open.
    pub fn time_left(&self, now: OffsetDateTime) -> Option<Duration> {
        (self.state(now) == WindowState::Open).then(|| self.closes_at - now)
    }
}

/// "3 days 4 hours", "5 hours 2 minutes", "1 minute", "less than a minute".
pub fn describe_duration(d: Duration) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    let (days, hours, minutes) = (d.whole_days(), d.whole_hours() % 24, d.whole_minutes() % 60);
    if days > 0 {
        if hours > 0 {
            format!("{} {}", plural(days, "day"), plural(hours, "hour"))
        } else {
            plural(days, "day")
        }
    } else if hours > 0 {
        if minutes > 0 {
            format!("{} {}", plural(hours, "hour"), plural(minutes, "minute"))
        } else {
            plural(hours, "hour")
        }
    } else if minutes > 0 {
        plural(minutes, "minute")
    } else {
        "less than a minute".into()
    }
}

/// How a decision settled the RFC (stored as the decision's effect, in snake case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Accepted,
    Rejected,
    Withdrawn,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [
        Resolution::Accepted,
        Resolution::Rejected,
        Resolution::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Accepted => "accepted",
            Resolution::Rejected => "rejected",
            Resolution::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Resolution::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// "accept", "reject", "withdraw": what a decision does to the RFC.
    pub fn verb(self) -> &'static str {
        match self {
            Resolution::Accepted => "accept",
            Resolution::Rejected => "reject",
            Resolution::Withdrawn => "withdraw",
        }
    }
}

/// The lifecycle stage shown, derived from the window, the decision's outcome and `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Draft,
    OpenForFeedback,
    Closed,
    Accepted,
    Rejected,
    Withdrawn,
}

impl Stage {
    pub fn of(
        window: Option<&Window>,
        resolution: Option<Resolution>,
        now: OffsetDateTime,
    ) -> Self {
        match resolution {
            Some(Resolution::Accepted) => Stage::Accepted,
            Some(Resolution::Rejected) => Stage::Rejected,
            Some(Resolution::Withdrawn) => Stage::Withdrawn,
            None => match window.map(|w| w.state(now)) {
                None | Some(WindowState::NotYetOpen) => Stage::Draft,
                Some(WindowState::Open) => Stage::OpenForFeedback,
                Some(WindowState::Closed) => Stage::Closed,
            },
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Draft",
            Stage::OpenForFeedback => "Open for feedback",
            Stage::Closed => "Closed",
            Stage::Accepted => "Accepted",
            Stage::Rejected => "Rejected",
            Stage::Withdrawn => "Withdrawn",
        }
    }
}

/// An RFC as the rules see it; its text is in its current revision.
#[derive(Clone, Debug)]
pub struct Rfc {
    pub id: i64,
    pub team_id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub created_at: OffsetDateTime,
    pub window: Option<Window>,
    pub disposition_published_at: Option<OffsetDateTime>,
    pub resolution: Option<Resolution>,
    /// The decision that settled it, and when.
    pub decision_id: Option<i64>,
    pub resolved_at: Option<OffsetDateTime>,
    pub current: Revision,
}

impl Rfc {
    pub fn stage(&self, now: OffsetDateTime) -> Stage {
        Stage::of(self.window.as_ref(), self.resolution, now)
    }

    pub fn window_state(&self, now: OffsetDateTime) -> Option<WindowState> {
        self.window.map(|w| w.state(now))
    }

    /// Public once its window has opened; before that, a draft for the team only. A draft
    /// withdrawn before its window opened stays the team's.
    pub fn is_public(&self, now: OffsetDateTime) -> bool {
        self.window.is_some_and(|w| {
            now >= w.opens_at && self.resolved_at.is_none_or(|at| at >= w.opens_at)
        })
    }

    pub fn has_closed(&self, now: OffsetDateTime) -> bool {
        self.window_state(now) == Some(WindowState::Closed)
    }
}

/// One numbered revision: the whole text as it stood after an edit.
#[derive(Clone, Debug)]
pub struct Revision {
    pub id: i64,
    pub number: i32,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub pull_request_url: Option<String>,
    pub change_note: String,
    pub author_login: String,
    pub created_at: OffsetDateTime,
}

impl Revision {
    /// The revision as lines of plain text, for comparing two revisions.
    pub fn as_text(&self) -> String {
        format!(
            "Title: {}\nSummary: {}\nPull request: {}\n\n{}\n",
            self.title,
            self.summary.replace('\n', " "),
            self.pull_request_url.as_deref().unwrap_or("none"),
            self.body.trim_end()
        )
    }
}

/// Where a person stands towards one RFC's team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub user_id: Option<i64>,
    /// A current member of the RFC's team.
    pub is_member: bool,
}

impl Standing {
    pub fn of(user_id: Option<i64>, team_id: i64, user_teams: &[i64]) -> Self {
        Standing {
            user_id,
            is_member: user_teams.contains(&team_id),
        }
    }
}

fn refuse(standing: &Standing, why: &'static str) -> Result<(), AppError> {
    if standing.user_id.is_some() {
        Err(AppError::Forbidden(why))
    } else {
        Err(AppError::SignInRequired)
    }
}

/// A draft is the team's; once its window opens, everyone may read the RFC. Anyone else
/// is told there is nothing there, so a draft's existence does not leak.
pub fn require_reader(rfc: &Rfc, standing: &Standing, now: OffsetDateTime) -> Result<(), AppError> {
    if rfc.is_public(now) || standing.is_member {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Only the team's members draft, revise, set the window and dispose of feedback.
pub fn require_team_member(standing: &Standing) -> Result<(), AppError> {
    if standing.is_member {
        Ok(())
    } else {
        refuse(standing, "only the team's members may do this")
    }
}

/// A new revision is made until the window closes (or a decision settles the RFC).
pub fn require_revisable(rfc: &Rfc, now: OffsetDateTime) -> Result<(), AppError> {
    match rfc.stage(now) {
        Stage::Draft | Stage::OpenForFeedback => Ok(()),
        _ => Err(AppError::Conflict(
            "This RFC's feedback window has closed; its text no longer changes.".into(),
        )),
    }
}

/// Why feedback is refused at `now`, as the person is told; `None` when it is taken.
pub fn feedback_refusal(rfc: &Rfc, now: OffsetDateTime) -> Option<String> {
    use crate::web::dates::format_utc;
    if let Some(resolution) = rfc.resolution {
        return Some(format!(
            "This RFC was {}; it no longer takes feedback.",
            resolution.as_str()
        ));
    }
    match rfc.window {
        None => Some("This RFC has no feedback window yet; feedback is not taken.".into()),
        Some(w) => match w.state(now) {
            WindowState::NotYetOpen => Some(format!(
                "The feedback window opens at {}; feedback is not taken before then.",
                format_utc(w.opens_at)
            )),
            WindowState::Open => None,
            WindowState::Closed => Some(format!(
                "The feedback window closed at {}; feedback is no longer taken.",
                format_utc(w.closes_at)
            )),
        },
    }
}

/// Who may see a piece of feedback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Public,
    /// The team's members and its author only.
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

/// The rule the feedback queries apply in SQL, stated once more for the tests: public
/// feedback for everyone; private feedback for the team's members and its author.
pub fn may_read_feedback(visibility: Visibility, author_id: i64, standing: &Standing) -> bool {
    match visibility {
        Visibility::Public => true,
        Visibility::Private => standing.is_member || standing.user_id == Some(author_id),
    }
}

/// Only its author changes or withdraws a piece of feedback; someone else's private
/// feedback does not exist for anyone else.
pub fn require_author(
    author_id: i64,
    visibility: Visibility,
    user_id: i64,
) -> Result<(), AppError> {
    if author_id == user_id {
        return Ok(());
    }
    match visibility {
        Visibility::Private => Err(AppError::NotFound),
        Visibility::Public => Err(AppError::Forbidden(
            "only its author may change a piece of feedback",
        )),
    }
}

/// What a member records for one piece of feedback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Declined,
    Noted,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Accepted, Verdict::Declined, Verdict::Noted];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Declined => "declined",
            Verdict::Noted => "noted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Accepted => "Accepted",
            Verdict::Declined => "Declined",
            Verdict::Noted => "Noted",
        }
    }
}

/// Dispositions are recorded after the window closes and until they are published.
pub fn require_disposable(rfc: &Rfc, now: OffsetDateTime) -> Result<(), AppError> {
    if !rfc.has_closed(now) {
        Err(AppError::Conflict(
            "Feedback is disposed of only after the window closes.".into(),
        ))
    } else if rfc.disposition_published_at.is_some() {
        Err(AppError::Conflict(
            "The disposition was published; it no longer changes.".into(),
        ))
    } else {
        Ok(())
    }
}

// ----- forms -----

/// The drafting and editing form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RfcForm {
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub pull_request_url: String,
    #[serde(default)]
    pub change_note: String,
    /// The form's idempotency key (sent as `idempotency_key`, like every form that
    /// creates something; `form_key` is still read).
    #[serde(default, rename = "idempotency_key", alias = "form_key")]
    pub form_key: String,
}

/// A revision's text, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RfcText {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub pull_request_url: Option<String>,
    pub change_note: String,
}

impl RfcText {
    /// Whether `revision` already says exactly this (a repeated submission, or no edit).
    pub fn same_as(&self, revision: &Revision) -> bool {
        self.title == revision.title
            && self.summary == revision.summary
            && self.body == revision.body
            && self.pull_request_url == revision.pull_request_url
    }
}

/// An external pull request link: http or https, with a host, nothing else.
pub fn check_pull_request_url(text: &str) -> Result<String, &'static str> {
    let parsed = url::Url::parse(text)
        .map_err(|_| "The pull request link is not a web address (http:// or https://).")?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("The pull request link must start with http:// or https://.");
    }
    if text.chars().any(char::is_whitespace) {
        return Err("The pull request link must not contain spaces.");
    }
    Ok(text.to_string())
}

impl RfcForm {
    /// `first`: drafting a new RFC, where the change note is optional.
    pub fn validate(&self, first: bool) -> Result<RfcText, FormErrors> {
        let mut errors = FormErrors::default();
        let title = errors.required("title", "The title", &self.title, TITLE_MAX);
        let summary = errors.required("summary", "The summary", &self.summary, SUMMARY_MAX);
        let body = errors.required("body", "The text", &self.body, BODY_MAX);
        let url = errors.optional(
            "pull_request_url",
            "The pull request link",
            &self.pull_request_url,
            URL_MAX,
        );
        let pull_request_url = match url {
            Some(url) if errors.get("pull_request_url").is_none() => {
                match check_pull_request_url(&url) {
                    Ok(url) => Some(url),
                    Err(why) => {
                        errors.add("pull_request_url", why);
                        None
                    }
                }
            }
            _ => None,
        };
        let change_note = if first {
            errors
                .optional(
                    "change_note",
                    "The change note",
                    &self.change_note,
                    NOTE_MAX,
                )
                .unwrap_or_else(|| "First draft".into())
        } else {
            errors.required(
                "change_note",
                "The change note",
                &self.change_note,
                NOTE_MAX,
            )
        };
        if errors.is_empty() {
            Ok(RfcText {
                title,
                summary,
                body,
                pull_request_url,
                change_note,
            })
        } else {
            Err(errors)
        }
    }
}

/// A form key as a repeated submission sends it back: random letters and digits.
pub fn check_form_key(key: &str) -> Result<&str, AppError> {
    if (8..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(key)
    } else {
        Err(AppError::BadRequest(
            "The form is out of date; please reload the page and try again.".into(),
        ))
    }
}

pub fn new_form_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Setting or changing the window.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub reason: String,
}

/// A checked window change: the new window, and the reason for a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowChange {
    pub window: Window,
    pub reason: Option<String>,
}

impl WindowForm {
    /// The rules: the window closes after it opens and within a year; it does not open
    /// in the past (empty means now); once open, its opening stays and its closing may
    /// move (extended or shortened) but not into the past; a closed window stays closed.
    /// Every change of a window already set needs a reason.
    pub fn validate(
        &self,
        current: Option<Window>,
        now: OffsetDateTime,
    ) -> Result<WindowChange, FormErrors> {
        let mut errors = FormErrors::default();
        let state = current.map(|w| w.state(now));
        if state == Some(WindowState::Closed) {
            errors.add("form", "The window has closed; it can no longer change.");
            return Err(errors);
        }
        let opens_at = match (current, state) {
            (Some(w), Some(WindowState::Open)) => Some(w.opens_at),
            _ if self.opens_at.trim().is_empty() => Some(now),
            _ => match parse_datetime_local(&self.opens_at) {
                None => {
                    errors.add(
                        "opens_at",
                        crate::web::dates::time_problem("the opening time"),
                    );
                    None
                }
                Some(at) if at < now - Duration::minutes(1) => {
                    errors.add(
                        "opens_at",
                        "The opening time is in the past; leave it empty to open now.",
                    );
                    None
                }
                Some(at) => Some(at.max(now)),
            },
        };
        let closes_at = match parse_datetime_local(&self.closes_at) {
            None => {
                errors.add(
                    "closes_at",
                    crate::web::dates::time_problem("the closing time"),
                );
                None
            }
            Some(at) if at <= now => {
                errors.add("closes_at", "The closing time must be in the future.");
                None
            }
            Some(at) => Some(at),
        };
        if let (Some(opens), Some(closes)) = (opens_at, closes_at) {
            if closes <= opens {
                errors.add("closes_at", "The window must close after it opens.");
            } else if closes - opens > WINDOW_MAX {
                errors.add("closes_at", "A window may last at most a year.");
            }
        }
        let reason = match current {
            None => errors.optional("reason", "The reason", &self.reason, REASON_MAX),
            Some(_) => Some(errors.required("reason", "The reason", &self.reason, REASON_MAX)),
        };
        match (opens_at, closes_at) {
            (Some(opens_at), Some(closes_at)) if errors.is_empty() => Ok(WindowChange {
                window: Window {
                    opens_at,
                    closes_at,
                },
                // The first setting is not a change; its note is not kept.
                reason: current.and(reason),
            }),
            _ => Err(errors),
        }
    }
}

/// Feedback as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub visibility: String,
    /// The form's idempotency key (sent as `idempotency_key`, like every form that
    /// creates something; `form_key` is still read).
    #[serde(default, rename = "idempotency_key", alias = "form_key")]
    pub form_key: String,
}

impl FeedbackForm {
    pub fn validate(&self) -> Result<(String, Visibility), FormErrors> {
        let mut errors = FormErrors::default();
        let body = errors.required("body", "Your feedback", &self.body, FEEDBACK_MAX);
        let visibility = Visibility::parse(&self.visibility);
        if visibility.is_none() {
            errors.add(
                "visibility",
                "Choose whether your feedback is public or private to the team.",
            );
        }
        match visibility {
            Some(visibility) if errors.is_empty() => Ok((body, visibility)),
            _ => Err(errors),
        }
    }
}

/// Editing one's own feedback.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FeedbackEditForm {
    #[serde(default)]
    pub body: String,
}

impl FeedbackEditForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let body = errors.required("body", "Your feedback", &self.body, FEEDBACK_MAX);
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(errors)
        }
    }
}

/// One disposition as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DispositionForm {
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub reason: String,
}

impl DispositionForm {
    pub fn validate(&self) -> Result<(Verdict, String), FormErrors> {
        let mut errors = FormErrors::default();
        let verdict = Verdict::parse(&self.verdict);
        if verdict.is_none() {
            errors.add("verdict", "Choose accepted, declined or noted.");
        }
        let reason = errors.required("reason", "The reason", &self.reason, DISPOSITION_REASON_MAX);
        match verdict {
            Some(verdict) if errors.is_empty() => Ok((verdict, reason)),
            _ => Err(errors),
        }
    }
}

/// Opening a decision that settles the RFC.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettleForm {
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub closes_at: String,
}

impl SettleForm {
    /// The question the decision asks, e.g. "Accept RFC 3, “Automated contributions”?".
    pub fn question(rfc: &Rfc, resolution: Resolution) -> String {
        let verb = resolution.verb();
        let mut title: String = rfc.current.title.chars().take(150).collect();
        if title.chars().count() < rfc.current.title.chars().count() {
            title.push('…');
        }
        let mut question = format!("{verb} RFC {}, “{title}”?", rfc.id);
        if let Some(first) = question.get(..1) {
            question = first.to_uppercase() + &question[1..];
        }
        question
    }
}

/// A line-by-line comparison of two revisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub change: Change,
    pub old_number: Option<usize>,
    pub new_number: Option<usize>,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
    /// Unchanged lines left out between two changes.
    Gap,
}

/// The lines that differ between `old` and `new`, with three lines of context around
/// each change; `Gap` marks where unchanged lines were left out.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            lines.push(DiffLine {
                change: Change::Gap,
                old_number: None,
                new_number: None,
                text: String::new(),
            });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches(['\n', '\r']).to_string();
                lines.push(DiffLine {
                    change: match change.tag() {
                        ChangeTag::Equal => Change::Same,
                        ChangeTag::Delete => Change::Removed,
                        ChangeTag::Insert => Change::Added,
                    },
                    old_number: change.old_index().map(|n| n + 1),
                    new_number: change.new_index().map(|n| n + 1),
                    text,
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const OPENS: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);
    const CLOSES: OffsetDateTime = datetime!(2026-05-08 12:00 UTC);
    const SECOND: Duration = Duration::seconds(1);

    fn window() -> Window {
        Window {
            opens_at: OPENS,
            closes_at: CLOSES,
        }
    }

    fn revision() -> Revision {
        Revision {
            id: 1,
            number: 1,
            title: "Automated contributions".into(),
            summary: "A policy.".into(),
            body: "Line one.\nLine two.\n".into(),
            pull_request_url: None,
            change_note: "First draft".into(),
            author_login: "carol".into(),
            created_at: OPENS - Duration::days(1),
        }
    }

    fn rfc(window: Option<Window>, resolution: Option<Resolution>) -> Rfc {
        Rfc {
            id: 1,
            team_id: 7,
            team_slug: "core".into(),
            team_name: "Core".into(),
            created_at: OPENS - Duration::days(1),
            window,
            disposition_published_at: None,
            resolution,
            decision_id: resolution.map(|_| 9),
            resolved_at: resolution.map(|_| OPENS - Duration::days(1)),
            current: revision(),
        }
    }

    #[test]
    fn the_window_opens_at_its_opening_second_and_closes_at_its_closing_second() {
        let w = window();
        assert_eq!(w.state(OPENS - SECOND), WindowState::NotYetOpen);
        assert_eq!(w.state(OPENS), WindowState::Open);
        assert_eq!(w.state(OPENS + SECOND), WindowState::Open);
        assert_eq!(w.state(CLOSES - SECOND), WindowState::Open);
        assert_eq!(w.state(CLOSES), WindowState::Closed);
        assert_eq!(w.state(CLOSES + SECOND), WindowState::Closed);
    }

    #[test]
    fn feedback_is_taken_exactly_while_the_window_is_open() {
        let r = rfc(Some(window()), None);
        let refusal = feedback_refusal(&r, OPENS - SECOND).expect("refused before opening");
        assert!(
            refusal.contains("opens at 2026-05-01 12:00 UTC"),
            "{refusal}"
        );
        assert_eq!(feedback_refusal(&r, OPENS), None);
        assert_eq!(feedback_refusal(&r, OPENS + SECOND), None);
        assert_eq!(feedback_refusal(&r, CLOSES - SECOND), None);
        let refusal = feedback_refusal(&r, CLOSES).expect("refused at closing");
        assert!(
            refusal.contains("closed at 2026-05-08 12:00 UTC"),
            "{refusal}"
        );
        assert!(feedback_refusal(&r, CLOSES + SECOND).is_some());
        assert!(feedback_refusal(&rfc(None, None), OPENS).is_some());
        let withdrawn = rfc(Some(window()), Some(Resolution::Withdrawn));
        assert!(
            feedback_refusal(&withdrawn, OPENS + SECOND)
                .expect("a withdrawn RFC takes no feedback")
                .contains("withdrawn")
        );
    }

    #[test]
    fn time_left_counts_down_only_while_open() {
        let w = window();
        assert_eq!(w.time_left(OPENS - SECOND), None);
        assert_eq!(w.time_left(OPENS), Some(Duration::days(7)));
        assert_eq!(w.time_left(CLOSES - SECOND), Some(SECOND));
        assert_eq!(w.time_left(CLOSES), None);
        assert_eq!(describe_duration(Duration::days(7)), "7 days");
        assert_eq!(
            describe_duration(Duration::hours(27) + Duration::minutes(5)),
            "1 day 3 hours"
        );
        assert_eq!(describe_duration(Duration::minutes(61)), "1 hour 1 minute");
        assert_eq!(describe_duration(Duration::minutes(2)), "2 minutes");
        assert_eq!(describe_duration(SECOND), "less than a minute");
    }

    #[test]
    fn the_stage_follows_the_window_and_the_decision() {
        let w = Some(window());
        assert_eq!(rfc(None, None).stage(OPENS), Stage::Draft);
        assert_eq!(rfc(w, None).stage(OPENS - SECOND), Stage::Draft);
        assert_eq!(rfc(w, None).stage(OPENS), Stage::OpenForFeedback);
        assert_eq!(rfc(w, None).stage(CLOSES - SECOND), Stage::OpenForFeedback);
        assert_eq!(rfc(w, None).stage(CLOSES), Stage::Closed);
        assert_eq!(
            rfc(w, Some(Resolution::Accepted)).stage(CLOSES),
            Stage::Accepted
        );
        assert_eq!(
            rfc(w, Some(Resolution::Rejected)).stage(CLOSES),
            Stage::Rejected
        );
        assert_eq!(
            rfc(None, Some(Resolution::Withdrawn)).stage(OPENS),
            Stage::Withdrawn
        );
    }

    #[test]
    fn a_draft_is_the_teams_until_its_window_opens() {
        let member = Standing {
            user_id: Some(1),
            is_member: true,
        };
        let outsider = Standing {
            user_id: Some(2),
            is_member: false,
        };
        let visitor = Standing::default();
        let draft = rfc(None, None);
        let scheduled = rfc(Some(window()), None);
        assert!(require_reader(&draft, &member, OPENS).is_ok());
        assert!(require_reader(&draft, &outsider, OPENS).is_err());
        assert!(require_reader(&scheduled, &visitor, OPENS - SECOND).is_err());
        assert!(require_reader(&scheduled, &visitor, OPENS).is_ok());
        assert!(require_reader(&scheduled, &outsider, CLOSES + SECOND).is_ok());
        // Withdrawn before its window opened: it stays the team's.
        let withdrawn = rfc(Some(window()), Some(Resolution::Withdrawn));
        assert!(require_reader(&withdrawn, &visitor, CLOSES).is_err());
        assert!(require_reader(&withdrawn, &member, CLOSES).is_ok());
        let mut later = withdrawn.clone();
        later.resolved_at = Some(OPENS + SECOND);
        assert!(require_reader(&later, &visitor, CLOSES).is_ok());
    }

    #[test]
    fn private_feedback_is_for_the_team_and_its_author() {
        let author = Standing {
            user_id: Some(5),
            is_member: false,
        };
        let member = Standing {
            user_id: Some(1),
            is_member: true,
        };
        let other = Standing {
            user_id: Some(6),
            is_member: false,
        };
        assert!(may_read_feedback(
            Visibility::Public,
            5,
            &Standing::default()
        ));
        assert!(may_read_feedback(Visibility::Private, 5, &author));
        assert!(may_read_feedback(Visibility::Private, 5, &member));
        assert!(!may_read_feedback(Visibility::Private, 5, &other));
        assert!(!may_read_feedback(
            Visibility::Private,
            5,
            &Standing::default()
        ));
    }

    #[test]
    fn revisions_until_the_window_closes_and_dispositions_after() {
        let r = rfc(Some(window()), None);
        assert!(require_revisable(&r, CLOSES - SECOND).is_ok());
        assert!(require_revisable(&r, CLOSES).is_err());
        assert!(require_disposable(&r, CLOSES - SECOND).is_err());
        assert!(require_disposable(&r, CLOSES).is_ok());
        let mut published = r.clone();
        published.disposition_published_at = Some(CLOSES + SECOND);
        assert!(require_disposable(&published, CLOSES + SECOND).is_err());
    }

    fn window_form(opens: &str, closes: &str, reason: &str) -> WindowForm {
        WindowForm {
            opens_at: opens.into(),
            closes_at: closes.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn a_first_window_opens_now_or_later_and_closes_after() {
        let now = datetime!(2026-04-30 09:00:30 UTC);
        let change = window_form("", "2026-05-08T12:00", "")
            .validate(None, now)
            .expect("opens now");
        assert_eq!(change.window.opens_at, now);
        assert_eq!(change.window.closes_at, CLOSES);
        assert_eq!(change.reason, None);
        let change = window_form("2026-05-01T12:00", "2026-05-08T12:00", "")
            .validate(None, now)
            .expect("opens later");
        assert_eq!(change.window, window());
        // The current minute, as a datetime field sends it, means now.
        let change = window_form("2026-04-30T09:00", "2026-05-08T12:00", "")
            .validate(None, now)
            .expect("this minute");
        assert_eq!(change.window.opens_at, now);
        for (opens, closes, field) in [
            ("2026-04-29T09:00", "2026-05-08T12:00", "opens_at"),
            ("yesterday", "2026-05-08T12:00", "opens_at"),
            ("", "2026-04-30T09:00", "closes_at"),
            ("", "2026-02-30T09:00", "closes_at"),
            ("2026-05-08T12:00", "2026-05-01T12:00", "closes_at"),
            ("", "2027-06-01T12:00", "closes_at"),
        ] {
            let errors = window_form(opens, closes, "")
                .validate(None, now)
                .expect_err("refused");
            assert!(errors.get(field).is_some(), "{opens} {closes}: {errors:?}");
        }
    }

    #[test]
    fn an_open_window_keeps_its_opening_and_moves_its_closing_with_a_reason() {
        let during = OPENS + Duration::days(1);
        let errors = window_form("", "2026-05-10T12:00", "")
            .validate(Some(window()), during)
            .expect_err("a reason is needed");
        assert!(errors.get("reason").is_some());
        let change = window_form("2026-06-01T00:00", "2026-05-10T12:00", "More time")
            .validate(Some(window()), during)
            .expect("extended");
        assert_eq!(change.window.opens_at, OPENS);
        assert_eq!(change.window.closes_at, datetime!(2026-05-10 12:00 UTC));
        assert_eq!(change.reason.as_deref(), Some("More time"));
        let change = window_form("", "2026-05-03T12:00", "Enough heard")
            .validate(Some(window()), during)
            .expect("shortened");
        assert_eq!(change.window.closes_at, datetime!(2026-05-03 12:00 UTC));
        let errors = window_form("", "2026-05-01T12:00", "Close it")
            .validate(Some(window()), during)
            .expect_err("not into the past");
        assert!(errors.get("closes_at").is_some());
        let errors = window_form("", "2026-06-01T12:00", "Reopen")
            .validate(Some(window()), CLOSES)
            .expect_err("closed stays closed");
        assert!(errors.get("form").is_some());
    }

    #[test]
    fn pull_request_links_are_http_or_https_only() {
        assert!(check_pull_request_url("https://example.org/org/repo/pull/12").is_ok());
        assert!(check_pull_request_url("http://example.org/pr/1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://example.org/x",
            "example.org/pull/1",
            "https://",
            "data:text/html,x",
        ] {
            assert!(check_pull_request_url(bad).is_err(), "{bad}");
        }
        let form = RfcForm {
            title: "T".into(),
            summary: "S".into(),
            body: "B".into(),
            pull_request_url: "javascript:alert(1)".into(),
            ..RfcForm::default()
        };
        let errors = form.validate(true).expect_err("bad link");
        assert!(errors.get("pull_request_url").is_some());
    }

    #[test]
    fn an_edit_needs_a_change_note_but_a_first_draft_does_not() {
        let form = RfcForm {
            title: " T ".into(),
            summary: "S".into(),
            body: "B".into(),
            ..RfcForm::default()
        };
        let text = form.validate(true).expect("first draft");
        assert_eq!(text.title, "T");
        assert_eq!(text.change_note, "First draft");
        assert!(
            form.validate(false)
                .expect_err("edit")
                .get("change_note")
                .is_some()
        );
    }

    #[test]
    fn feedback_needs_text_and_a_visibility() {
        let form = FeedbackForm {
            body: "Good idea".into(),
            visibility: "private".into(),
            form_key: String::new(),
        };
        assert_eq!(
            form.validate().expect("valid"),
            ("Good idea".to_string(), Visibility::Private)
        );
        let form = FeedbackForm {
            body: "  ".into(),
            visibility: "secret".into(),
            form_key: String::new(),
        };
        let errors = form.validate().expect_err("invalid");
        assert!(errors.get("body").is_some());
        assert!(errors.get("visibility").is_some());
    }

    #[test]
    fn a_diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
        let lines = diff(old, new);
        let changes: Vec<(Change, &str)> =
            lines.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert!(changes.contains(&(Change::Removed, "b")));
        assert!(changes.contains(&(Change::Added, "B")));
        assert!(changes.contains(&(Change::Added, "l")));
        assert!(changes.contains(&(Change::Gap, "")));
        let added_b = lines
            .iter()
            .find(|l| l.text == "B")
            .expect("the added line");
        assert_eq!((added_b.old_number, added_b.new_number), (None, Some(2)));
        assert!(diff(old, old).is_empty());
    }

    #[test]
    fn a_revision_reads_as_text_for_comparison() {
        let text = revision().as_text();
        assert!(text.starts_with("Title: Automated contributions\nSummary: A policy.\n"));
        assert!(text.contains("Pull request: none\n\nLine one.\nLine two.\n"));
    }
}
