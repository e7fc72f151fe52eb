//! Calls and nominations as plain types, and the pure rules: is the window open, who is
//! eligible, which stage a nomination is at (from its events), is it stale, who may see and
//! do what, and the forms. Nothing here reads a clock or a database.

use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::auth::model::login_problem;
use crate::error::AppError;
use crate::web::dates::parse_datetime_local;
use crate::web::form::FormErrors;

pub const TITLE_MAX: usize = 200;
pub const LOOKING_FOR_MAX: usize = 10_000;
pub const STATEMENT_MAX: usize = 4000;
pub const NOTE_MAX: usize = 4000;
pub const ENDORSEMENT_MAX: usize = 500;
pub const LIST_NAME_MAX: usize = 40;
pub const LOGIN_MAX: usize = 39;
/// How long a shortlisting or admitting decision stays open unless the opener says otherwise.
pub const DECISION_OPEN_FOR: Duration = Duration::days(7);

/// Who may be nominated in a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Eligibility {
    Open,
    /// A current member of the team (its id, slug, name).
    TeamMember {
        team_id: i64,
        slug: String,
        name: String,
    },
    /// On the administrators' list of this name.
    List(String),
    /// A member of this GitHub team of the App's organization (its slug), as GitHub
    /// answers through the App at nomination (`github::eligibility`).
    GithubTeam(String),
}

impl Eligibility {
    pub fn describe(&self) -> String {
        match self {
            Eligibility::Open => "Anyone may be nominated.".into(),
            Eligibility::TeamMember { name, .. } => {
                format!("Nominees must be current members of {name}.")
            }
            Eligibility::List(list) => {
                format!("Nominees must be on the list “{list}” kept by the administrators.")
            }
            Eligibility::GithubTeam(slug) => {
                format!("Nominees must be members of the GitHub team {slug}.")
            }
        }
    }

    /// Why `login` is not eligible, given what the database says about them
    /// (`is_team_member`: of the eligible team, or for a GitHub team what GitHub said).
    pub fn problem(&self, login: &str, is_team_member: bool, on_list: bool) -> Option<String> {
        match self {
            Eligibility::Open => None,
            Eligibility::TeamMember { name, .. } if !is_team_member => Some(format!(
                "{login} is not eligible: this call is for current members of {name}, and {login} is not one."
            )),
            Eligibility::List(list) if !on_list => Some(format!(
                "{login} is not eligible: this call is for people on the list “{list}”, and {login} is not on it."
            )),
            Eligibility::GithubTeam(slug) if !is_team_member => Some(format!(
                "{login} is not eligible: this call is for members of the GitHub team {slug}, and GitHub says {login} is not one."
            )),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Call {
    pub id: i64,
    pub team_id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub title: String,
    pub looking_for: String,
    pub eligibility: Eligibility,
    pub seats: i32,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub stale_after_days: i32,
    pub opened_by_login: String,
}

/// Where a call's window stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowState {
    NotYetOpen,
    Open,
    Closed,
}

impl Call {
    pub fn window(&self, now: OffsetDateTime) -> WindowState {
        window(self.opens_at, self.closes_at, now)
    }

    pub fn stale_after(&self) -> Duration {
        Duration::days(i64::from(self.stale_after_days))
    }
}

pub fn window(
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> WindowState {
    if now < opens_at {
        WindowState::NotYetOpen
    } else if now < closes_at {
        WindowState::Open
    } else {
        WindowState::Closed
    }
}

/// Nominations are taken only while the window is open.
pub fn require_window_open(state: WindowState) -> Result<(), String> {
    match state {
        WindowState::Open => Ok(()),
        WindowState::NotYetOpen => Err("This call is not open for nominations yet.".into()),
        WindowState::Closed => Err("This call has closed; it takes no more nominations.".into()),
    }
}

/// What happened to a nomination; stored as `nomination_events.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Accepted,
    Declined,
    Withdrawn,
    Shortlisted,
    Interviewed,
    Admitted,
    NotSelected,
    Announced,
    /// Feedback to the candidate; does not move the stage.
    Feedback,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Accepted,
        EventKind::Declined,
        EventKind::Withdrawn,
        EventKind::Shortlisted,
        EventKind::Interviewed,
        EventKind::Admitted,
        EventKind::NotSelected,
        EventKind::Announced,
        EventKind::Feedback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Accepted => "accepted",
            EventKind::Declined => "declined",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Shortlisted => "shortlisted",
            EventKind::Interviewed => "interviewed",
            EventKind::Admitted => "admitted",
            EventKind::NotSelected => "not_selected",
            EventKind::Announced => "announced",
            EventKind::Feedback => "feedback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whose eyes the event's note is for, beyond the team: the nominee's (and the
    /// nominator's) or the team's alone.
    pub fn note_for_nominee(self) -> bool {
        matches!(
            self,
            EventKind::Declined
                | EventKind::Withdrawn
                | EventKind::NotSelected
                | EventKind::Feedback
        )
    }

    /// Ends the nomination (it stops counting as open).
    pub fn ends(self) -> bool {
        matches!(
            self,
            EventKind::Declined | EventKind::Withdrawn | EventKind::NotSelected
        )
    }
}

/// A nomination's stage, computed from its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Nominated,
    Accepted,
    Shortlisted,
    Interviewed,
    Decided,
    Announced,
    Declined,
    Withdrawn,
    NotSelected,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Nominated => "Nominated (waiting for the nominee's answer)",
            Stage::Accepted => "Accepted by the nominee",
            Stage::Shortlisted => "Shortlisted",
            Stage::Interviewed => "Interviewed",
            Stage::Decided => "Decided: admitted",
            Stage::Announced => "Announced",
            Stage::Declined => "Declined",
            Stage::Withdrawn => "Withdrawn",
            Stage::NotSelected => "Not selected",
        }
    }

    /// Still moving: neither ended nor announced.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            Stage::Announced | Stage::Declined | Stage::Withdrawn | Stage::NotSelected
        )
    }

    /// The nominee has consented and the team has not yet decided.
    pub fn in_review(self) -> bool {
        matches!(
            self,
            Stage::Accepted | Stage::Shortlisted | Stage::Interviewed
        )
    }
}

/// The stage after these events, in the order they happened.
pub fn stage_of(events: impl IntoIterator<Item = EventKind>) -> Stage {
    events.into_iter().fold(Stage::Nominated, |stage, event| {
        if !stage.is_active() {
            return stage;
        }
        match event {
            EventKind::Accepted => Stage::Accepted,
            EventKind::Declined => Stage::Declined,
            EventKind::Withdrawn => Stage::Withdrawn,
            EventKind::Shortlisted => Stage::Shortlisted,
            EventKind::Interviewed => Stage::Interviewed,
            EventKind::Admitted => Stage::Decided,
            EventKind::NotSelected => Stage::NotSelected,
            EventKind::Announced => Stage::Announced,
            EventKind::Feedback => stage,
        }
    })
}

/// A nomination idle (no event) for longer than the call's stale age, while still moving.
pub fn is_stale(
    stage: Stage,
    last_activity: OffsetDateTime,
    stale_after: Duration,
    now: OffsetDateTime,
) -> bool {
    stage.is_active() && now - last_activity > stale_after
}

/// What may happen next from `stage`, and the message when it may not.
pub fn require_stage(stage: Stage, event: EventKind) -> Result<(), String> {
    let ok = match event {
        EventKind::Accepted | EventKind::Declined => stage == Stage::Nominated,
        EventKind::Withdrawn => matches!(
            stage,
            Stage::Nominated | Stage::Accepted | Stage::Shortlisted | Stage::Interviewed
        ),
        EventKind::Shortlisted => stage == Stage::Accepted,
        EventKind::Interviewed => matches!(stage, Stage::Shortlisted | Stage::Interviewed),
        EventKind::Admitted => matches!(stage, Stage::Shortlisted | Stage::Interviewed),
        EventKind::NotSelected => stage.in_review(),
        EventKind::Announced => stage == Stage::Decided,
        EventKind::Feedback => stage != Stage::Nominated,
    };
    if ok {
        return Ok(());
    }
    Err(match (event, stage) {
        (EventKind::Shortlisted | EventKind::Admitted, Stage::Nominated) => {
            "The nominee has not accepted the nomination; without their consent it goes no further."
                .into()
        }
        (EventKind::Admitted, _) => format!(
            "Only a shortlisted nomination can be admitted; this one is: {}.",
            stage.label().to_lowercase()
        ),
        (EventKind::Accepted | EventKind::Declined, _) => format!(
            "This nomination has been answered already: {}.",
            stage.label().to_lowercase()
        ),
        _ => format!(
            "That does not fit the nomination's stage: {}.",
            stage.label().to_lowercase()
        ),
    })
}

// ----- who may see and do what -----

/// Where a person stands towards one nomination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub signed_in: bool,
    /// A current member of the calling team.
    pub is_member: bool,
    pub is_nominee: bool,
    pub is_nominator: bool,
}

/// A nomination exists only for the team, the nominee and its nominators: for anyone
/// else it is not found.
pub fn require_viewer(standing: &Standing) -> Result<(), AppError> {
    if standing.is_member || standing.is_nominee || standing.is_nominator {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Whose statements `user_id` reads on a nomination: the team and the nominee every
/// nominator's (`None`), a nominator only their own.
pub fn statements_read_by(standing: &Standing, user_id: i64) -> Option<i64> {
    (!(standing.is_member || standing.is_nominee)).then_some(user_id)
}

fn refuse(signed_in: bool, why: &'static str) -> Result<(), AppError> {
    if signed_in {
        Err(AppError::Forbidden(why))
    } else {
        Err(AppError::SignInRequired)
    }
}

/// Only the nominee answers their nomination.
pub fn require_nominee(standing: &Standing) -> Result<(), AppError> {
    if standing.is_nominee {
        Ok(())
    } else {
        refuse(standing.signed_in, "only the nominee answers a nomination")
    }
}

/// The calling team's current members run the pipeline.
pub fn require_member(standing: &Standing) -> Result<(), AppError> {
    if standing.is_member {
        Ok(())
    } else {
        refuse(standing.signed_in, "only the team's members do this")
    }
}

// ----- forms -----

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub title: String,
    pub looking_for: String,
    pub eligibility: String,
    pub eligible_team: String,
    pub eligible_list: String,
    pub eligible_github_team: String,
    pub seats: String,
    pub opens_at: String,
    pub closes_at: String,
    pub stale_after_days: String,
    /// Makes a repeated submission find the call the first one opened.
    pub idempotency_key: String,
}

/// A call to open, validated; the eligible team is still a slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCall {
    pub title: String,
    pub looking_for: String,
    pub eligibility: &'static str,
    pub eligible_team: Option<String>,
    pub eligible_list: Option<String>,
    pub eligible_github_team: Option<String>,
    pub seats: i32,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub stale_after_days: i32,
}

fn parse_time(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    text: &str,
) -> Option<OffsetDateTime> {
    match text.trim() {
        "" => {
            errors.add(field, format!("{label} is required."));
            None
        }
        text => {
            let at = parse_datetime_local(text);
            if at.is_none() {
                errors.add(
                    field,
                    crate::web::dates::time_problem(&label.to_lowercase()),
                );
            }
            at
        }
    }
}

fn parse_number(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    text: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Option<i32> {
    match text.trim().parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                format!(
                    "{label} must be a whole number from {} to {}.",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// A list name: lowercase letters, digits and hyphens.
pub fn list_name_problem(name: &str) -> Option<&'static str> {
    let ok = !name.is_empty()
        && name.len() <= LIST_NAME_MAX
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (!ok).then_some("A list name has 1 to 40 lowercase letters, digits or hyphens, and does not start with a hyphen.")
}

impl CallForm {
    pub fn blank(now: OffsetDateTime) -> Self {
        CallForm {
            eligibility: "open".into(),
            seats: "1".into(),
            opens_at: crate::web::dates::format_datetime_local(now),
            closes_at: crate::web::dates::format_datetime_local(now + Duration::days(14)),
            stale_after_days: "14".into(),
            idempotency_key: crate::web::idempotency::new_key(),
            ..CallForm::default()
        }
    }

    /// The window closes after it opens and after `now`, within a year.
    pub fn validate(&self, now: OffsetDateTime) -> Result<NewCall, FormErrors> {
        let mut errors = FormErrors::default();
        let title = errors.required("title", "Title", &self.title, TITLE_MAX);
        let looking_for = errors.required(
            "looking_for",
            "What the team looks for",
            &self.looking_for,
            LOOKING_FOR_MAX,
        );
        let mut eligible_github_team = None;
        let (eligibility, eligible_team, eligible_list) = match self.eligibility.as_str() {
            "open" => ("open", None, None),
            "github_team" => {
                let slug = self.eligible_github_team.trim();
                if let Some(problem) = crate::github::model::slug_problem(slug) {
                    errors.add("eligible_github_team", problem);
                }
                eligible_github_team = Some(slug.to_string());
                ("github_team", None, None)
            }
            "team" => {
                let slug = self.eligible_team.trim().to_lowercase();
                if slug.is_empty() || slug.len() > 40 {
                    errors.add(
                        "eligible_team",
                        "Name the team whose members are eligible, by its slug.",
                    );
                }
                ("team", Some(slug), None)
            }
            "list" => {
                let name = self.eligible_list.trim().to_lowercase();
                if let Some(problem) = list_name_problem(&name) {
                    errors.add("eligible_list", problem);
                }
                ("list", None, Some(name))
            }
            _ => {
                errors.add("eligibility", "Choose who may be nominated.");
                ("open", None, None)
            }
        };
        let seats = parse_number(&mut errors, "seats", "Seats", &self.seats, 1..=50);
        let stale = parse_number(
            &mut errors,
            "stale_after_days",
            "Stale after (days)",
            &self.stale_after_days,
            1..=365,
        );
        let opens_at = parse_time(&mut errors, "opens_at", "The opening time", &self.opens_at);
        let closes_at = parse_time(
            &mut errors,
            "closes_at",
            "The closing time",
            &self.closes_at,
        );
        if let (Some(opens), Some(closes)) = (opens_at, closes_at) {
            if closes <= opens {
                errors.add("closes_at", "The call must close after it opens.");
            } else if closes <= now {
                errors.add("closes_at", "The closing time must be in the future.");
            } else if closes > now + Duration::days(366) {
                errors.add("closes_at", "The closing time must be within a year.");
            }
        }
        match (seats, stale, opens_at, closes_at) {
            (Some(seats), Some(stale_after_days), Some(opens_at), Some(closes_at))
                if errors.is_empty() =>
            {
                Ok(NewCall {
                    title,
                    looking_for,
                    eligibility,
                    eligible_team,
                    eligible_list,
                    eligible_github_team,
                    seats,
                    opens_at,
                    closes_at,
                    stale_after_days,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A GitHub login as typed, without a leading `@`.
pub fn clean_login(text: &str) -> String {
    text.trim().trim_start_matches('@').to_string()
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NominateForm {
    pub nominee: String,
    pub statement: String,
}

impl NominateForm {
    pub fn validate(&self) -> Result<(String, String), FormErrors> {
        let mut errors = FormErrors::default();
        let login = clean_login(&self.nominee);
        if let Some(problem) = login_problem(&login) {
            errors.add("nominee", problem);
        }
        let statement = errors.required("statement", "Statement", &self.statement, STATEMENT_MAX);
        if errors.is_empty() {
            Ok((login, statement))
        } else {
            Err(errors)
        }
    }
}

/// One note: a decline reason, interview notes, feedback.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub note: String,
    /// Makes a repeated submission add its event once (`web::idempotency`).
    pub idempotency_key: String,
}

impl NoteForm {
    pub fn required(&self, label: &str) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let note = errors.required("note", label, &self.note, NOTE_MAX);
        if errors.is_empty() {
            Ok(note)
        } else {
            Err(errors)
        }
    }

    pub fn optional(&self, label: &str) -> Result<Option<String>, FormErrors> {
        let mut errors = FormErrors::default();
        let note = errors.optional("note", label, &self.note, NOTE_MAX);
        if errors.is_empty() {
            Ok(note)
        } else {
            Err(errors)
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndorseForm {
    pub login: String,
    pub endorsement: String,
}

impl EndorseForm {
    pub fn validate(&self) -> Result<(String, String), FormErrors> {
        let mut errors = FormErrors::default();
        let login = clean_login(&self.login);
        if let Some(problem) = login_problem(&login) {
            errors.add("login", problem);
        }
        let body = errors.required(
            "endorsement",
            "Endorsement",
            &self.endorsement,
            ENDORSEMENT_MAX,
        );
        if errors.is_empty() {
            Ok((login, body))
        } else {
            Err(errors)
        }
    }
}

/// Opening a shortlisting decision: the accepted nominations to shortlist (checkboxes,
/// read from the raw form body since a name repeats) and the closing time.
#[derive(Clone, Debug, Default)]
pub struct ShortlistForm {
    pub nomination_ids: Vec<i64>,
    pub closes_at: String,
}

impl ShortlistForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, AppError> {
        let mut form = ShortlistForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "nomination" => form.nomination_ids.push(
                    value
                        .parse()
                        .map_err(|_| AppError::BadRequest("not a nomination".into()))?,
                ),
                "closes_at" => form.closes_at = value,
                _ => {}
            }
        }
        Ok(form)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionTimeForm {
    pub closes_at: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListEntryForm {
    pub list_name: String,
    pub login: String,
}

impl ListEntryForm {
    pub fn validate(&self) -> Result<(String, String), FormErrors> {
        let mut errors = FormErrors::default();
        let name = self.list_name.trim().to_lowercase();
        if let Some(problem) = list_name_problem(&name) {
            errors.add("list_name", problem);
        }
        let login = clean_login(&self.login);
        if let Some(problem) = login_problem(&login) {
            errors.add("login", problem);
        }
        if errors.is_empty() {
            Ok((name, login))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);

    #[test]
    fn the_window_opens_and_closes() {
        let opens = NOW;
        let closes = NOW + Duration::days(7);
        assert_eq!(
            window(opens, closes, NOW - Duration::seconds(1)),
            WindowState::NotYetOpen
        );
        assert_eq!(window(opens, closes, NOW), WindowState::Open);
        assert_eq!(window(opens, closes, closes), WindowState::Closed);
        assert!(require_window_open(WindowState::Closed).is_err());
    }

    #[test]
    fn stages_follow_the_events() {
        assert_eq!(stage_of([]), Stage::Nominated);
        assert_eq!(stage_of([Accepted]), Stage::Accepted);
        assert_eq!(stage_of([Declined, Accepted]), Stage::Declined);
        assert_eq!(stage_of([Accepted, Feedback]), Stage::Accepted);
        assert_eq!(
            stage_of([Accepted, Shortlisted, Interviewed, Admitted, Announced]),
            Stage::Announced
        );
        assert_eq!(
            stage_of([Accepted, Shortlisted, Withdrawn]),
            Stage::Withdrawn
        );
        assert_eq!(stage_of([Accepted, NotSelected]), Stage::NotSelected);
    }

    #[test]
    fn staleness_is_computed_from_the_last_activity() {
        let week = Duration::days(7);
        assert!(!is_stale(
            Stage::Accepted,
            NOW - Duration::days(7),
            week,
            NOW
        ));
        assert!(is_stale(
            Stage::Accepted,
            NOW - Duration::days(8),
            week,
            NOW
        ));
        assert!(!is_stale(
            Stage::Declined,
            NOW - Duration::days(80),
            week,
            NOW
        ));
        assert!(!is_stale(
            Stage::Announced,
            NOW - Duration::days(80),
            week,
            NOW
        ));
    }

    #[test]
    fn each_step_needs_its_stage() {
        assert!(require_stage(Stage::Nominated, Accepted).is_ok());
        assert!(require_stage(Stage::Accepted, Accepted).is_err());
        let refused = require_stage(Stage::Nominated, Shortlisted).expect_err("no consent");
        assert!(refused.contains("not accepted"), "{refused}");
        assert!(require_stage(Stage::Accepted, Shortlisted).is_ok());
        assert!(require_stage(Stage::Accepted, Admitted).is_err());
        assert!(require_stage(Stage::Interviewed, Admitted).is_ok());
        assert!(require_stage(Stage::Decided, Announced).is_ok());
        assert!(require_stage(Stage::Decided, Withdrawn).is_err());
        assert!(require_stage(Stage::Nominated, Feedback).is_err());
    }

    #[test]
    fn eligibility_gives_its_reason() {
        let team = Eligibility::TeamMember {
            team_id: 1,
            slug: "committers".into(),
            name: "Committers".into(),
        };
        assert!(Eligibility::Open.problem("x", false, false).is_none());
        assert!(team.problem("x", true, false).is_none());
        let why = team.problem("x", false, true).expect("refused");
        assert!(why.contains("Committers"), "{why}");
        let list = Eligibility::List("trusted".into());
        assert!(list.problem("x", false, true).is_none());
        assert!(
            list.problem("x", true, false)
                .expect("refused")
                .contains("trusted")
        );
    }

    #[test]
    fn who_sees_a_nomination() {
        let nobody = Standing {
            signed_in: true,
            ..Standing::default()
        };
        assert!(matches!(require_viewer(&nobody), Err(AppError::NotFound)));
        for s in [
            Standing {
                is_member: true,
                ..nobody
            },
            Standing {
                is_nominee: true,
                ..nobody
            },
            Standing {
                is_nominator: true,
                ..nobody
            },
        ] {
            assert!(require_viewer(&s).is_ok());
        }
        assert!(matches!(
            require_nominee(&Standing {
                is_nominator: true,
                ..nobody
            }),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require_member(&Standing::default()),
            Err(AppError::SignInRequired)
        ));
    }

    fn call_form() -> CallForm {
        CallForm {
            title: "New reviewers".into(),
            looking_for: "People who review.".into(),
            ..CallForm::blank(NOW)
        }
    }

    #[test]
    fn the_call_form_is_checked() {
        let new = call_form().validate(NOW).expect("valid");
        assert_eq!(
            (new.seats, new.stale_after_days, new.eligibility),
            (1, 14, "open")
        );
        for (form, field) in [
            (
                CallForm {
                    title: " ".into(),
                    ..call_form()
                },
                "title",
            ),
            (
                CallForm {
                    seats: "many".into(),
                    ..call_form()
                },
                "seats",
            ),
            (
                CallForm {
                    seats: "0".into(),
                    ..call_form()
                },
                "seats",
            ),
            (
                CallForm {
                    stale_after_days: "-1".into(),
                    ..call_form()
                },
                "stale_after_days",
            ),
            (
                CallForm {
                    closes_at: "2026-04-01T10:00".into(),
                    ..call_form()
                },
                "closes_at",
            ),
            (
                CallForm {
                    opens_at: "soon".into(),
                    ..call_form()
                },
                "opens_at",
            ),
            (
                CallForm {
                    eligibility: "list".into(),
                    eligible_list: "Not A List".into(),
                    ..call_form()
                },
                "eligible_list",
            ),
            (
                CallForm {
                    eligibility: "team".into(),
                    ..call_form()
                },
                "eligible_team",
            ),
            (
                CallForm {
                    eligibility: "friends".into(),
                    ..call_form()
                },
                "eligibility",
            ),
        ] {
            let errors = form.validate(NOW).expect_err("refused");
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn small_forms() {
        let (login, _) = NominateForm {
            nominee: "@amber-finch".into(),
            statement: "Reviews well.".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(login, "amber-finch");
        assert!(
            NominateForm {
                nominee: "no such login!".into(),
                statement: "x".into()
            }
            .validate()
            .is_err()
        );
        assert!(
            NominateForm {
                nominee: "a".into(),
                statement: "x".repeat(4001)
            }
            .validate()
            .is_err()
        );
        assert!(
            EndorseForm {
                login: "a".into(),
                endorsement: "x".repeat(501)
            }
            .validate()
            .is_err()
        );
        assert!(
            ListEntryForm {
                list_name: "committers".into(),
                login: "a".into()
            }
            .validate()
            .is_ok()
        );
        assert!(
            NoteForm {
                note: " ".into(),
                ..NoteForm::default()
            }
            .required("Reason")
            .is_err()
        );
        assert_eq!(
            NoteForm {
                note: " ".into(),
                ..NoteForm::default()
            }
            .optional("Reason")
            .expect("ok"),
            None
        );
    }
}
