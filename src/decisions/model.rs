//! Decisions as plain types, and the pure rules: the tally, the outcome it gives at `now`,
//! what the rule still needs, who may do what, the effects a decision can have, and the
//! forms. Nothing here reads a clock or a database, so every rule and edge is unit-tested
//! below.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::auth::model::login_problem;
use crate::error::AppError;
use crate::teams::model::{DecisionRule, NewTeam, Role, RuleKind, TeamForm};
use crate::web::dates::parse_datetime_local;
use crate::web::form::FormErrors;

pub mod handover;
pub mod holds;
pub mod overrule;
pub mod proxies;
pub mod reviews;

pub const QUESTION_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const COMMENT_MAX: usize = 2000;
pub const CONCERN_MAX: usize = 500;
pub const RESOLUTION_MAX: usize = 1000;
pub const STATEMENT_MAX: usize = 4000;
pub const WITHDRAWAL_MAX: usize = 1000;
pub const EFFECT_TEXT_MAX: usize = 1000;
/// How far ahead a closing time may be set.
pub const HORIZON: Duration = Duration::days(90);
/// The shortest time a decision stays open, so that deciders get a chance to speak.
pub const SHORTEST: Duration = Duration::hours(1);
/// How long a new decision stays open unless the opener says otherwise.
pub const DEFAULT_OPEN_FOR: Duration = Duration::days(7);

/// Where a decider stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stance {
    Agree,
    /// Agrees, with reservations; concerns that hold the decision are raised by name.
    AgreeWithConcerns,
    /// Will not take part, and will not block.
    StandAside,
    /// A block: the decision cannot pass while it stands.
    Object,
}

impl Stance {
    pub const ALL: [Stance; 4] = [
        Stance::Agree,
        Stance::AgreeWithConcerns,
        Stance::StandAside,
        Stance::Object,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Agree => "agree",
            Stance::AgreeWithConcerns => "agree_with_concerns",
            Stance::StandAside => "stand_aside",
            Stance::Object => "object",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Stance::ALL.into_iter().find(|stance| stance.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stance::Agree => "Agree",
            Stance::AgreeWithConcerns => "Agree with concerns",
            Stance::StandAside => "Stand aside",
            Stance::Object => "Object (block)",
        }
    }

    fn agrees(self) -> bool {
        matches!(self, Stance::Agree | Stance::AgreeWithConcerns)
    }
}

/// The outcome, always computed from the stored facts and `now`, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Passed,
    Blocked,
    Lapsed,
    Withdrawn,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Passed => "passed",
            Outcome::Blocked => "blocked",
            Outcome::Lapsed => "lapsed",
            Outcome::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Open => "Open",
            Outcome::Passed => "Passed",
            Outcome::Blocked => "Blocked",
            Outcome::Lapsed => "Lapsed",
            Outcome::Withdrawn => "Withdrawn",
        }
    }

    pub fn is_open(self) -> bool {
        self == Outcome::Open
    }
}

/// The counts a rule is judged on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub deciders: usize,
    /// Agree, or agree with concerns.
    pub agree: usize,
    pub stand_aside: usize,
    pub object: usize,
    /// Deciders with no position yet.
    pub absent: usize,
    pub unresolved_concerns: usize,
    /// When the last standing hold lapses, if any hold was placed and not released
    /// (`holds`); it stands while `now` is before this.
    pub held_until: Option<OffsetDateTime>,
}

impl Tally {
    /// `stances`: the current stance of each decider who has taken one.
    pub fn count(
        deciders: usize,
        stances: impl IntoIterator<Item = Stance>,
        unresolved_concerns: usize,
    ) -> Self {
        let mut tally = Tally {
            deciders,
            unresolved_concerns,
            ..Tally::default()
        };
        let mut present = 0;
        for stance in stances {
            present += 1;
            match stance {
                s if s.agrees() => tally.agree += 1,
                Stance::StandAside => tally.stand_aside += 1,
                _ => tally.object += 1,
            }
        }
        tally.absent = deciders.saturating_sub(present);
        tally
    }

    /// Whether the rule is met by the positions as they stand. Under both rules an
    /// objection blocks, an unresolved concern holds the decision, and at least one
    /// decider must agree.
    ///
    /// - Unanimous, at most `n` absent: everyone present agrees or stands aside (standing
    ///   aside does not break unanimity), and no more than `n` deciders took no position.
    /// - All but `n`: at least `deciders - n` deciders agree.
    pub fn meets(&self, rule: DecisionRule) -> bool {
        self.needs(rule).is_empty()
    }

    /// What the rule still needs before it is met, in words; empty when it is met.
    pub fn needs(&self, rule: DecisionRule) -> Vec<String> {
        let n = usize::try_from(rule.n).unwrap_or(0);
        let mut needs = Vec::new();
        if self.object > 0 {
            needs.push(format!(
                "{} to be withdrawn",
                plural(self.object, "objection", "objections")
            ));
        }
        if self.unresolved_concerns > 0 {
            needs.push(format!(
                "{} to be resolved by whoever raised them",
                plural(
                    self.unresolved_concerns,
                    "unresolved concern",
                    "unresolved concerns"
                )
            ));
        }
        match rule.kind {
            RuleKind::Unanimous => {
                if self.absent > n {
                    needs.push(format!(
                        "{} more to take a position",
                        plural(self.absent - n, "decider", "deciders")
                    ));
                }
                if self.agree == 0 {
                    needs.push("at least one decider to agree".into());
                }
            }
            RuleKind::AllBut => {
                let required = self.deciders.saturating_sub(n).max(1);
                if self.agree < required {
                    needs.push(format!(
                        "{} more to agree",
                        plural(required - self.agree, "decider", "deciders")
                    ));
                }
            }
        }
        needs
    }
}

impl Tally {
    /// Whether a hold keeps the decision from passing early at `now`.
    pub fn held_at(&self, now: OffsetDateTime) -> bool {
        self.held_until.is_some_and(|until| now < until)
    }

    /// The same counts with the holds of the decision.
    pub fn with_holds(self, holds: &[holds::Hold]) -> Tally {
        Tally {
            held_until: holds::held_until(holds),
            ..self
        }
    }

    /// The counts in a sentence.
    pub fn describe(&self) -> String {
        format!(
            "{}: {} agree, {} stand aside, {} object, {} not yet spoken; {}.",
            plural(self.deciders, "decider", "deciders"),
            self.agree,
            self.stand_aside,
            self.object,
            self.absent,
            plural(
                self.unresolved_concerns,
                "unresolved concern",
                "unresolved concerns"
            ),
        )
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The outcome at `now`. Before the closing time a decision passes early only when every
/// decider has taken a position, the rule is met and no hold stands (so nobody who has not
/// spoken yet, or asked for time, is overruled); otherwise it stays open. At the closing time it passes if the rule is met;
/// an objection or an unresolved concern blocks it; anything else lapses.
///
/// Writes are refused once this is not `Open`, so an outcome, once reached, never moves.
pub fn outcome(
    tally: &Tally,
    rule: DecisionRule,
    closes_at: OffsetDateTime,
    withdrawn: bool,
    now: OffsetDateTime,
) -> Outcome {
    if withdrawn {
        Outcome::Withdrawn
    } else if tally.absent == 0 && tally.meets(rule) && !tally.held_at(now) {
        Outcome::Passed
    } else if now < closes_at {
        Outcome::Open
    } else if tally.meets(rule) {
        Outcome::Passed
    } else if tally.object > 0 || tally.unresolved_concerns > 0 {
        Outcome::Blocked
    } else {
        Outcome::Lapsed
    }
}

/// How long until `closes_at`, in words: "2 days 3 hours left", "40 minutes left",
/// "closed".
pub fn time_left(closes_at: OffsetDateTime, now: OffsetDateTime) -> String {
    let left = closes_at - now;
    if left <= Duration::ZERO {
        return "closed".into();
    }
    let days = left.whole_days();
    let hours = left.whole_hours() % 24;
    let minutes = (left.whole_minutes() % 60).max(if days == 0 && hours == 0 { 1 } else { 0 });
    let unit = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let text = match (days, hours) {
        (0, 0) => unit(minutes, "minute", "minutes"),
        (0, h) => format!(
            "{} {}",
            unit(h, "hour", "hours"),
            unit(minutes, "minute", "minutes")
        ),
        (d, 0) => unit(d, "day", "days"),
        (d, h) => format!("{} {}", unit(d, "day", "days"), unit(h, "hour", "hours")),
    };
    format!("{text} left")
}

// ----- what is stored -----

/// A decision as stored. Its outcome is computed: [`Decision::outcome`].
#[derive(Clone, Debug)]
pub struct Decision {
    pub id: i64,
    pub team_id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub question: String,
    pub body: String,
    pub is_public: bool,
    pub opened_by: i64,
    pub opener_login: String,
    pub opened_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    /// The team's rule when the decision opened.
    pub rule: DecisionRule,
    pub effect: Effect,
    /// The charter's days a hold lasts, frozen when the decision opened.
    pub hold_days: i32,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
}

impl Decision {
    pub fn outcome(&self, tally: &Tally, now: OffsetDateTime) -> Outcome {
        outcome(
            tally,
            self.rule,
            self.closes_at,
            self.withdrawn_at.is_some(),
            now,
        )
    }
}

/// A decider frozen at opening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decider {
    pub user_id: i64,
    pub login: String,
    pub name: Option<String>,
}

/// One position in the history; the latest per decider is their current one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub id: i64,
    pub user_id: i64,
    pub login: String,
    pub stance: Stance,
    pub comment: Option<String>,
    pub at: OffsetDateTime,
    /// The login of the proxy who took it on the decider's behalf (`proxies`).
    pub by_proxy: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concern {
    pub id: i64,
    pub raised_by: i64,
    pub raised_by_login: String,
    pub title: String,
    pub raised_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    pub resolution: Option<String>,
    /// The decider the raiser handed it over to (`handover`).
    pub handed_to: Option<i64>,
    pub handed_to_login: Option<String>,
    /// The decision that overruled it (`overrule`); it is resolved then too.
    pub overruled_by: Option<i64>,
}

/// The outcome statement of a passed decision, and what its effect made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedOutcome {
    pub statement: String,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
    pub membership_id: Option<i64>,
    pub delegated_team: Option<(String, String)>,
    /// When the team looks at it again (`reviews`).
    pub review_on: Option<Date>,
}

/// The tally of a decision from its full record.
pub fn tally_of(deciders: &[Decider], history: &[Position], concerns: &[Concern]) -> Tally {
    let current = current_positions(history, |p| p.user_id);
    let stances = deciders
        .iter()
        .filter_map(|d| current.get(&d.user_id).map(|p| p.stance));
    let unresolved = concerns.iter().filter(|c| c.resolved_at.is_none()).count();
    Tally::count(deciders.len(), stances, unresolved)
}

// ----- effects -----

/// What passing a decision does. Stored as JSON tagged by `kind` (the column's check
/// constraint lists the kinds). A typed effect is applied by `db::apply_effect` in the
/// transaction that records the outcome, exactly once.
///
/// To add a kind (nominations: admit a nominee; RFCs: accept or reject): add a variant
/// with what applying it needs (and what describing it needs: the record outlives the
/// things it names), its arm in [`Effect::describe`] and in `db::apply_effect` (which
/// calls the owning room's `db`), and the kind's name in the `decisions_effect_kind`
/// check in a migration. The owning room opens such decisions from its own pages with
/// `db::open_decision`; the generic form offers the kinds in [`EffectKind::FORM`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// Nothing automatic; the text says what follows.
    Text { text: String },
    /// A person joins the team or takes a new role in it (`role`), or leaves it
    /// (`role: None`).
    ChangeMembership { login: String, role: Option<Role> },
    /// A new team is delegated beneath the deciding team.
    DelegateTeam(Delegation),
    /// Accepted nominations in one of the team's calls move to the shortlist
    /// (`nominations::db::apply_shortlist`).
    ShortlistNominations {
        call_id: i64,
        call_title: String,
        nominations: Vec<Nominee>,
    },
    /// A shortlisted nominee joins the team as a member, the ledger row linked to the
    /// decision and the nomination (`nominations::db::apply_admit`).
    AdmitNominee {
        call_id: i64,
        call_title: String,
        nomination_id: i64,
        login: String,
    },
    /// One of the team's RFCs is accepted, rejected or withdrawn. The title is kept for
    /// the record; the RFC is named by its id.
    ResolveRfc {
        rfc_id: i64,
        title: String,
        resolution: crate::rfcs::model::Resolution,
    },
    /// A concern on another decision of the team is marked overruled
    /// (`decisions::overrule`); its raiser could not be reached. The title and raiser are
    /// kept for the record.
    OverruleConcern {
        decision_id: i64,
        concern_id: i64,
        title: String,
        raised_by: String,
    },
    /// A member flagged as inactive whose notice ran out leaves the team, the ledger's
    /// reason "inactive" (`teams::inactivity`). They are not among the deciders.
    MoveToAlumni { login: String },
}

/// A nomination as an effect names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nominee {
    pub nomination_id: i64,
    pub login: String,
}

/// A team to delegate, as a decision carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub mandate: String,
    pub rule: DecisionRule,
    #[serde(with = "day::option")]
    pub review_on: Option<Date>,
}

time::serde::format_description!(day, Date, "[year]-[month]-[day]");

impl Delegation {
    pub fn to_new_team(&self, decision_id: i64) -> NewTeam {
        NewTeam {
            slug: self.slug.clone(),
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            charter: crate::teams::model::Charter {
                mandate: self.mandate.clone(),
                rule: self.rule,
                review_on: self.review_on,
                hold_days: crate::teams::model::HOLD_DAYS_DEFAULT,
                answer_days: overrule::ANSWER_DAYS_DEFAULT,
                inactivity_days: None,
                inactivity_notice_days: crate::teams::inactivity::NOTICE_DAYS_DEFAULT,
            },
            note: Some(format!("Delegated by decision #{decision_id}.")),
        }
    }
}

impl Effect {
    /// What passing the decision does, in a sentence; `team` is the deciding team's name.
    pub fn describe(&self, team: &str) -> String {
        match self {
            Effect::Text { text } => text.clone(),
            Effect::ChangeMembership {
                login,
                role: Some(role),
            } => format!("{login} becomes {} of {team}.", role_phrase(*role)),
            Effect::ChangeMembership { login, role: None } => {
                format!("{login} leaves {team}.")
            }
            Effect::DelegateTeam(d) => format!(
                "{team} delegates a new team, {} ({}), with the mandate: {}",
                d.name, d.slug, d.mandate
            ),
            Effect::ShortlistNominations {
                call_title,
                nominations,
                ..
            } => format!(
                "{team} shortlists, in the call “{call_title}”: {}.",
                nominations
                    .iter()
                    .map(|n| n.login.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Effect::AdmitNominee {
                call_title, login, ..
            } => format!("{login} joins {team} as a member, from the call “{call_title}”."),
            Effect::ResolveRfc {
                rfc_id,
                title,
                resolution,
            } => format!("{team} {}s RFC {rfc_id}, “{title}”.", resolution.verb()),
            Effect::OverruleConcern {
                decision_id,
                title,
                raised_by,
                ..
            } => format!(
                "The concern “{title}” raised by {raised_by} on decision #{decision_id} is overruled: it no longer holds that decision."
            ),
            Effect::MoveToAlumni { login } => {
                format!("{login} moves to the alumni of {team}, as inactive.")
            }
        }
    }

    /// Whether passing applies something by itself (then the record links to it).
    pub fn is_typed(&self) -> bool {
        !matches!(self, Effect::Text { .. })
    }
}

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Member => "a member",
        Role::Lead => "a lead",
        Role::OnLeave => "a member on leave",
    }
}

/// Why a membership change cannot apply to someone whose current role in the team is
/// `current` (`None`: not a member); `None` when it can. Checked when the decision opens
/// (a form message) and again when its outcome is recorded (the ledger may have moved).
pub fn membership_change_problem(
    login: &str,
    current: Option<Role>,
    target: Option<Role>,
) -> Option<String> {
    match (current, target) {
        (None, None) => Some(format!(
            "{login} is not a member of the team, so cannot leave it."
        )),
        (None, Some(Role::OnLeave)) => Some(format!(
            "{login} is not a member of the team, so cannot go on leave."
        )),
        (Some(now), Some(then)) if now == then => Some(format!(
            "{login} is already {} of the team.",
            role_phrase(now)
        )),
        _ => None,
    }
}

/// The kinds of effect, as the opening form names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectKind {
    Text,
    ChangeMembership,
    DelegateTeam,
}

impl EffectKind {
    /// The kinds the generic opening form offers.
    pub const FORM: [EffectKind; 3] = [
        EffectKind::Text,
        EffectKind::ChangeMembership,
        EffectKind::DelegateTeam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EffectKind::Text => "text",
            EffectKind::ChangeMembership => "change_membership",
            EffectKind::DelegateTeam => "delegate_team",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        EffectKind::FORM.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EffectKind::Text => "Described in words (nothing changes by itself)",
            EffectKind::ChangeMembership => "Change the team's membership",
            EffectKind::DelegateTeam => "Delegate a new team beneath this one",
        }
    }
}

/// The membership changes the opening form offers: the value `leave`, or a role.
pub const MEMBER_CHANGES: [(&str, &str); 4] = [
    ("member", "Joins as a member, or becomes a member again"),
    ("lead", "Joins as a lead, or becomes a lead"),
    ("on_leave", "Goes on leave"),
    ("leave", "Leaves the team"),
];

fn parse_member_change(s: &str) -> Option<Option<Role>> {
    match s {
        "leave" => Some(None),
        other => Role::parse(other).map(Some),
    }
}

// ----- who may do what -----

/// Where a person stands towards one decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub signed_in: bool,
    /// Holds an open ledger row in the decision's team (on leave included).
    pub is_member: bool,
    /// Was frozen into the deciders when the decision opened.
    pub is_decider: bool,
    pub is_opener: bool,
}

/// Public decisions are for everyone; the others for the team's current members only.
/// A private decision is not found for anyone else: its existence is private too.
pub fn require_viewer(is_public: bool, standing: &Standing) -> Result<(), AppError> {
    if is_public || standing.is_member {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn refuse(signed_in: bool, why: &'static str) -> Result<(), AppError> {
    if signed_in {
        Err(AppError::Forbidden(why))
    } else {
        Err(AppError::SignInRequired)
    }
}

/// A team's current members (on leave included) open its decisions and record outcomes.
pub fn require_member(standing: &Standing) -> Result<(), AppError> {
    if standing.is_member {
        Ok(())
    } else {
        refuse(standing.signed_in, "only the team's members do this")
    }
}

/// Positions and concerns come from the deciders frozen at opening who are still members
/// of the team; someone who left counts as absent.
pub fn require_decider(standing: &Standing) -> Result<(), AppError> {
    if standing.is_decider && standing.is_member {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the deciders of this decision who are still members of the team take positions and raise concerns",
        )
    }
}

/// The member who opened a decision withdraws it (while it is open).
pub fn require_opener(standing: &Standing) -> Result<(), AppError> {
    if standing.is_opener && standing.is_member {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the member who opened the decision withdraws it",
        )
    }
}

/// Positions, concerns and withdrawal are taken only while the decision is open.
pub fn require_open(outcome: Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Open => Ok(()),
        Outcome::Passed => {
            Err("This decision has passed; positions and concerns can no longer change.".into())
        }
        Outcome::Withdrawn => Err("This decision was withdrawn; nothing more can be added.".into()),
        Outcome::Blocked | Outcome::Lapsed => Err(format!(
            "This decision has closed ({}); positions and concerns can no longer change.",
            outcome.label().to_lowercase()
        )),
    }
}

/// The latest position of each decider, from the history in the order it was taken.
pub fn current_positions<P>(history: &[P], decider: impl Fn(&P) -> i64) -> HashMap<i64, &P> {
    let mut current = HashMap::new();
    for position in history {
        current.insert(decider(position), position);
    }
    current
}

// ----- forms -----

/// A decision's closing time as typed (every form that opens a decision reads it here):
/// UTC, at least an hour ahead and within 90 days.
pub fn closing_time(text: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    match parse_datetime_local(text) {
        None => Err(crate::web::dates::time_problem("the closing time")),
        Some(at) if at < now + SHORTEST => {
            Err("The closing time must be at least an hour from now.".into())
        }
        Some(at) if at > now + HORIZON => Err("The closing time must be within 90 days.".into()),
        Some(at) => Ok(at),
    }
}

/// The form that opens a decision. The delegation fields are the team form's.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub question: String,
    pub body: String,
    pub closes_at: String,
    pub visibility: String,
    pub effect_kind: String,
    pub effect_text: String,
    pub member_login: String,
    pub member_change: String,
    /// Makes a repeated submission find the decision the first one opened.
    pub idempotency_key: String,
    #[serde(flatten)]
    pub team: TeamForm,
}

/// A decision to open, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    pub question: String,
    pub body: String,
    pub closes_at: OffsetDateTime,
    pub is_public: bool,
    pub effect: Effect,
}

impl DecisionForm {
    pub fn blank(now: OffsetDateTime) -> Self {
        DecisionForm {
            closes_at: crate::web::dates::format_datetime_local(now + DEFAULT_OPEN_FOR),
            visibility: "team".into(),
            effect_kind: EffectKind::Text.as_str().into(),
            member_change: "member".into(),
            idempotency_key: crate::web::idempotency::new_key(),
            team: TeamForm {
                charter: crate::teams::model::CharterFields {
                    rule_kind: RuleKind::Unanimous.as_str().into(),
                    rule_n: "0".into(),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..DecisionForm::default()
        }
    }

    /// The closing time is read as UTC, must be at least an hour ahead and within 90 days.
    pub fn validate(&self, now: OffsetDateTime) -> Result<NewDecision, FormErrors> {
        let mut errors = FormErrors::default();
        let question = errors.required("question", "Question", &self.question, QUESTION_MAX);
        let body = errors.required("body", "Body", &self.body, BODY_MAX);
        let closes_at = closing_time(&self.closes_at, now);
        if let Err(message) = &closes_at {
            errors.add("closes_at", message.clone());
        }
        let is_public = match self.visibility.as_str() {
            "public" => Some(true),
            "team" => Some(false),
            _ => {
                errors.add("visibility", "Choose who may see the decision.");
                None
            }
        };
        let effect = match EffectKind::parse(&self.effect_kind) {
            None => {
                errors.add("effect_kind", "Choose what passing the decision does.");
                None
            }
            Some(kind) => self.effect(kind, &mut errors, now),
        };
        match (closes_at, is_public, effect) {
            (Ok(closes_at), Some(is_public), Some(effect)) if errors.is_empty() => {
                Ok(NewDecision {
                    question,
                    body,
                    closes_at,
                    is_public,
                    effect,
                })
            }
            _ => Err(errors),
        }
    }

    fn effect(
        &self,
        kind: EffectKind,
        errors: &mut FormErrors,
        now: OffsetDateTime,
    ) -> Option<Effect> {
        match kind {
            EffectKind::Text => {
                let text = errors.required(
                    "effect_text",
                    "What passing it does",
                    &self.effect_text,
                    EFFECT_TEXT_MAX,
                );
                Some(Effect::Text { text })
            }
            EffectKind::ChangeMembership => {
                let login = self.member_login.trim().trim_start_matches('@').to_string();
                if let Some(problem) = login_problem(&login) {
                    errors.add("member_login", problem);
                }
                let role = parse_member_change(&self.member_change);
                if role.is_none() {
                    errors.add("member_change", "Choose the change.");
                }
                role.map(|role| Effect::ChangeMembership { login, role })
            }
            EffectKind::DelegateTeam => match self.team.validate(now) {
                Ok(new) => Some(Effect::DelegateTeam(Delegation {
                    slug: new.slug,
                    name: new.name,
                    purpose: new.purpose,
                    mandate: new.charter.mandate,
                    rule: new.charter.rule,
                    review_on: new.charter.review_on,
                })),
                Err(team_errors) => {
                    for (field, message) in team_errors.iter() {
                        if *field != "note" {
                            errors.add(field, message.clone());
                        }
                    }
                    None
                }
            },
        }
    }
}

/// Taking (or changing) a position.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PositionForm {
    pub stance: String,
    pub comment: String,
}

impl PositionForm {
    pub fn validate(&self) -> Result<(Stance, Option<String>), FormErrors> {
        let mut errors = FormErrors::default();
        let stance = Stance::parse(&self.stance);
        if stance.is_none() {
            errors.add("stance", "Choose your position.");
        }
        let comment = errors.optional("comment", "Comment", &self.comment, COMMENT_MAX);
        match stance {
            Some(stance) if errors.is_empty() => Ok((stance, comment)),
            _ => Err(errors),
        }
    }
}

/// A single required text field: a concern's title, its resolution, the outcome
/// statement, the reason for withdrawing.
fn one_text(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Result<String, FormErrors> {
    let mut errors = FormErrors::default();
    let text = errors.required(field, label, value, max);
    if errors.is_empty() {
        Ok(text)
    } else {
        Err(errors)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConcernForm {
    pub concern: String,
}

impl ConcernForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        one_text("concern", "Concern", &self.concern, CONCERN_MAX)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResolveForm {
    pub resolution: String,
}

impl ResolveForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        one_text(
            "resolution",
            "How it was resolved",
            &self.resolution,
            RESOLUTION_MAX,
        )
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    pub statement: String,
    /// When the team looks at the outcome again (`reviews`); optional.
    pub review_on: String,
}

impl OutcomeForm {
    pub fn validate(&self, now: OffsetDateTime) -> Result<(String, Option<Date>), FormErrors> {
        let mut errors = FormErrors::default();
        let statement = errors.required(
            "statement",
            "Outcome statement",
            &self.statement,
            STATEMENT_MAX,
        );
        let review_on = crate::teams::model::review_date(&self.review_on, now);
        if let Err(message) = review_on {
            errors.add("review_on", message);
        }
        match review_on {
            Ok(review_on) if errors.is_empty() => Ok((statement, review_on)),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub reason: String,
}

impl WithdrawForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        one_text("reason", "Reason", &self.reason, WITHDRAWAL_MAX)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    const CLOSES: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);
    const BEFORE: OffsetDateTime = datetime!(2026-05-01 11:59:59 UTC);
    const AT: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);
    const AFTER: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    fn unanimous(n: i32) -> DecisionRule {
        DecisionRule {
            kind: RuleKind::Unanimous,
            n,
        }
    }

    fn all_but(n: i32) -> DecisionRule {
        DecisionRule {
            kind: RuleKind::AllBut,
            n,
        }
    }

    fn tally(deciders: usize, stances: &[Stance], concerns: usize) -> Tally {
        Tally::count(deciders, stances.iter().copied(), concerns)
    }

    use Stance::{Agree, AgreeWithConcerns, Object, StandAside};

    #[test]
    fn counting() {
        let t = tally(5, &[Agree, AgreeWithConcerns, StandAside, Object], 2);
        assert_eq!(
            t,
            Tally {
                deciders: 5,
                agree: 2,
                stand_aside: 1,
                object: 1,
                absent: 1,
                unresolved_concerns: 2,
                held_until: None,
            }
        );
        assert_eq!(tally(2, &[], 0).absent, 2);
    }

    #[test]
    fn unanimous_with_none_absent() {
        let rule = unanimous(0);
        assert!(tally(3, &[Agree, Agree, Agree], 0).meets(rule));
        assert!(
            tally(3, &[Agree, AgreeWithConcerns, StandAside], 0).meets(rule),
            "standing aside does not break unanimity"
        );
        assert!(!tally(3, &[Agree, Agree], 0).meets(rule), "one absent");
        assert!(!tally(3, &[Agree, Agree, Object], 0).meets(rule), "a block");
        assert!(
            !tally(3, &[StandAside, StandAside, StandAside], 0).meets(rule),
            "nobody agrees"
        );
        assert!(
            !tally(3, &[Agree, Agree, AgreeWithConcerns], 1).meets(rule),
            "an unresolved concern"
        );
        assert!(tally(1, &[Agree], 0).meets(rule), "a team of one");
    }

    #[test]
    fn unanimous_with_some_absent() {
        let rule = unanimous(1);
        assert!(tally(3, &[Agree, Agree], 0).meets(rule));
        assert!(!tally(3, &[Agree], 0).meets(rule), "two absent");
        assert!(!tally(3, &[Agree, Object], 0).meets(rule));
        assert!(tally(3, &[Agree, StandAside], 0).meets(rule));
        assert!(
            !tally(3, &[StandAside, StandAside], 0).meets(rule),
            "nobody agrees"
        );
        // More absences allowed than there are deciders: one agreement is still needed.
        assert!(tally(2, &[Agree], 0).meets(unanimous(5)));
        assert!(!tally(2, &[], 0).meets(unanimous(5)));
    }

    #[test]
    fn all_but_n() {
        let rule = all_but(2);
        assert!(
            tally(5, &[Agree, Agree, Agree], 0).meets(rule),
            "two absent"
        );
        assert!(tally(5, &[Agree, Agree, Agree, StandAside, StandAside], 0).meets(rule));
        assert!(
            !tally(5, &[Agree, Agree, StandAside, StandAside, StandAside], 0).meets(rule),
            "only two agree"
        );
        assert!(
            !tally(5, &[Agree, Agree, Agree, Agree, Object], 0).meets(rule),
            "a block"
        );
        assert!(
            !tally(5, &[Agree, Agree, Agree, Agree, Agree], 1).meets(rule),
            "an unresolved concern"
        );
        assert!(tally(2, &[Agree, Agree], 0).meets(all_but(0)));
        assert!(
            !tally(2, &[Agree, StandAside], 0).meets(all_but(0)),
            "all but none: standing aside is not agreeing"
        );
        assert!(tally(2, &[Agree, AgreeWithConcerns], 0).meets(all_but(0)));
    }

    #[test]
    fn all_but_more_than_there_are_deciders() {
        assert!(tally(1, &[Agree], 0).meets(all_but(5)));
        assert!(!tally(1, &[], 0).meets(all_but(5)), "nobody agrees");
        assert!(!tally(3, &[StandAside, StandAside], 0).meets(all_but(5)));
    }

    #[test]
    fn no_deciders_never_passes() {
        for rule in [unanimous(0), unanimous(3), all_but(0), all_but(3)] {
            assert!(!tally(0, &[], 0).meets(rule), "{rule:?}");
            assert_eq!(
                outcome(&tally(0, &[], 0), rule, CLOSES, false, AT),
                Outcome::Lapsed
            );
        }
    }

    #[test]
    fn tallies_read_as_sentences() {
        assert_eq!(
            tally(3, &[Agree, Object], 1).describe(),
            "3 deciders: 1 agree, 0 stand aside, 1 object, 1 not yet spoken; 1 unresolved concern."
        );
        assert_eq!(
            tally(1, &[], 0).describe(),
            "1 decider: 0 agree, 0 stand aside, 0 object, 1 not yet spoken; 0 unresolved concerns."
        );
    }

    #[test]
    fn needs_say_what_is_missing() {
        assert!(
            tally(3, &[Agree, Agree, Agree], 0)
                .needs(unanimous(0))
                .is_empty()
        );
        assert_eq!(
            tally(3, &[Agree, Object], 2).needs(unanimous(0)),
            vec![
                "1 objection to be withdrawn",
                "2 unresolved concerns to be resolved by whoever raised them",
                "1 decider more to take a position",
            ]
        );
        assert_eq!(
            tally(4, &[StandAside], 0).needs(unanimous(1)),
            vec![
                "2 deciders more to take a position",
                "at least one decider to agree"
            ]
        );
        assert_eq!(
            tally(5, &[Agree, StandAside], 0).needs(all_but(1)),
            vec!["3 deciders more to agree"]
        );
        assert_eq!(
            tally(1, &[], 0).needs(all_but(4)),
            vec!["1 decider more to agree"]
        );
    }

    #[test]
    fn passes_early_only_when_everyone_has_spoken() {
        let rule = unanimous(1);
        assert_eq!(
            outcome(&tally(3, &[Agree, Agree], 0), rule, CLOSES, false, BEFORE),
            Outcome::Open
        );
        assert_eq!(
            outcome(
                &tally(3, &[Agree, Agree, Agree], 0),
                rule,
                CLOSES,
                false,
                BEFORE
            ),
            Outcome::Passed
        );
        assert_eq!(
            outcome(
                &tally(3, &[Agree, StandAside, AgreeWithConcerns], 0),
                rule,
                CLOSES,
                false,
                BEFORE
            ),
            Outcome::Passed
        );
        // The same positions pass at the closing time: one absence is allowed.
        assert_eq!(
            outcome(&tally(3, &[Agree, Agree], 0), rule, CLOSES, false, AT),
            Outcome::Passed
        );
        // All but one: everyone has spoken, one stands aside: passes early.
        assert_eq!(
            outcome(
                &tally(3, &[Agree, Agree, StandAside], 0),
                all_but(1),
                CLOSES,
                false,
                BEFORE
            ),
            Outcome::Passed
        );
        // All have spoken but an unresolved concern holds it.
        assert_eq!(
            outcome(
                &tally(2, &[Agree, AgreeWithConcerns], 1),
                all_but(0),
                CLOSES,
                false,
                BEFORE
            ),
            Outcome::Open
        );
    }

    #[test]
    fn judged_at_the_closing_time() {
        let rule = unanimous(0);
        let blocked = tally(3, &[Agree, Agree, Object], 0);
        assert_eq!(
            outcome(&blocked, rule, CLOSES, false, BEFORE),
            Outcome::Open,
            "an objection may still be withdrawn"
        );
        assert_eq!(outcome(&blocked, rule, CLOSES, false, AT), Outcome::Blocked);
        assert_eq!(
            outcome(&blocked, rule, CLOSES, false, AFTER),
            Outcome::Blocked
        );
        let held = tally(3, &[Agree, Agree, AgreeWithConcerns], 1);
        assert_eq!(outcome(&held, rule, CLOSES, false, BEFORE), Outcome::Open);
        assert_eq!(
            outcome(&held, rule, CLOSES, false, AT),
            Outcome::Blocked,
            "an unresolved concern holds it"
        );
        let quiet = tally(3, &[Agree], 0);
        assert_eq!(outcome(&quiet, rule, CLOSES, false, BEFORE), Outcome::Open);
        assert_eq!(outcome(&quiet, rule, CLOSES, false, AT), Outcome::Lapsed);
        let asides = tally(2, &[StandAside, StandAside], 0);
        assert_eq!(outcome(&asides, rule, CLOSES, false, AT), Outcome::Lapsed);
        let short = tally(5, &[Agree, Agree, StandAside, StandAside], 0);
        assert_eq!(
            outcome(&short, all_but(2), CLOSES, false, AT),
            Outcome::Lapsed
        );
        let enough = tally(5, &[Agree, Agree, Agree], 0);
        assert_eq!(
            outcome(&enough, all_but(2), CLOSES, false, BEFORE),
            Outcome::Open
        );
        assert_eq!(
            outcome(&enough, all_but(2), CLOSES, false, AT),
            Outcome::Passed
        );
    }

    #[test]
    fn withdrawn_wins() {
        let passed = tally(2, &[Agree, Agree], 0);
        assert_eq!(
            outcome(&passed, unanimous(0), CLOSES, true, BEFORE),
            Outcome::Withdrawn
        );
        assert_eq!(
            outcome(&passed, unanimous(0), CLOSES, true, AT),
            Outcome::Withdrawn
        );
    }

    #[test]
    fn only_open_decisions_change() {
        assert!(require_open(Outcome::Open).is_ok());
        for closed in [
            Outcome::Passed,
            Outcome::Blocked,
            Outcome::Lapsed,
            Outcome::Withdrawn,
        ] {
            assert!(require_open(closed).is_err(), "{closed:?}");
        }
    }

    #[test]
    fn time_left_reads_well() {
        let now = datetime!(2026-05-01 12:00 UTC);
        assert_eq!(time_left(now, now), "closed");
        assert_eq!(time_left(now - Duration::hours(1), now), "closed");
        assert_eq!(time_left(now + Duration::seconds(20), now), "1 minute left");
        assert_eq!(
            time_left(now + Duration::minutes(40), now),
            "40 minutes left"
        );
        assert_eq!(
            time_left(now + Duration::minutes(61), now),
            "1 hour 1 minute left"
        );
        assert_eq!(time_left(now + Duration::days(1), now), "1 day left");
        assert_eq!(
            time_left(now + Duration::hours(51), now),
            "2 days 3 hours left"
        );
    }

    #[test]
    fn each_rule_admits_its_roles_only() {
        let visitor = Standing::default();
        let signed_in = Standing {
            signed_in: true,
            ..visitor
        };
        let member = Standing {
            is_member: true,
            ..signed_in
        };
        let decider = Standing {
            is_decider: true,
            ..member
        };
        let left_decider = Standing {
            is_decider: true,
            ..signed_in
        };
        let opener = Standing {
            is_opener: true,
            ..member
        };

        assert!(require_viewer(true, &visitor).is_ok());
        assert!(matches!(
            require_viewer(false, &visitor),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            require_viewer(false, &signed_in),
            Err(AppError::NotFound)
        ));
        assert!(require_viewer(false, &member).is_ok());

        assert!(matches!(
            require_member(&visitor),
            Err(AppError::SignInRequired)
        ));
        assert!(matches!(
            require_member(&signed_in),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_member(&member).is_ok());

        assert!(matches!(
            require_decider(&member),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require_decider(&left_decider),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_decider(&decider).is_ok());

        assert!(matches!(
            require_opener(&decider),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_opener(&opener).is_ok());
        assert!(matches!(
            require_opener(&Standing {
                is_member: false,
                ..opener
            }),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn current_positions_are_the_latest() {
        let history = [(1, Agree), (2, Object), (1, StandAside), (2, Agree)];
        let current = current_positions(&history, |p| p.0);
        assert_eq!(current[&1].1, StandAside);
        assert_eq!(current[&2].1, Agree);
        assert_eq!(current.len(), 2);
    }

    #[test]
    fn stances_round_trip() {
        for stance in Stance::ALL {
            assert_eq!(Stance::parse(stance.as_str()), Some(stance));
        }
        assert_eq!(Stance::parse("block"), None);
    }

    #[test]
    fn effects_are_stored_as_tagged_json() {
        let effect = Effect::ChangeMembership {
            login: "basil-moss".into(),
            role: Some(Role::Lead),
        };
        let json = serde_json::to_value(&effect).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind": "change_membership", "login": "basil-moss", "role": "lead"})
        );
        let delegation = Effect::DelegateTeam(Delegation {
            slug: "docs".into(),
            name: "Docs".into(),
            purpose: "Writes.".into(),
            mandate: "The manual.".into(),
            rule: all_but(1),
            review_on: Some(date!(2027 - 01 - 31)),
        });
        let json = serde_json::to_value(&delegation).expect("json");
        assert_eq!(json["kind"], "delegate_team");
        assert_eq!(json["review_on"], "2027-01-31");
        assert_eq!(json["rule"]["kind"], "all_but");
        for effect in [effect, delegation, Effect::Text { text: "x".into() }] {
            let back: Effect =
                serde_json::from_value(serde_json::to_value(&effect).expect("json")).expect("back");
            assert_eq!(back, effect);
        }
    }

    #[test]
    fn effects_describe_themselves() {
        let leave = Effect::ChangeMembership {
            login: "elm".into(),
            role: None,
        };
        assert_eq!(leave.describe("Packages"), "elm leaves Packages.");
        let lead = Effect::ChangeMembership {
            login: "elm".into(),
            role: Some(Role::Lead),
        };
        assert_eq!(lead.describe("Packages"), "elm becomes a lead of Packages.");
        assert!(lead.is_typed() && !Effect::Text { text: "x".into() }.is_typed());
    }

    #[test]
    fn membership_changes_must_fit_the_ledger() {
        use Role::{Lead, Member, OnLeave};
        assert!(membership_change_problem("x", None, Some(Member)).is_none());
        assert!(membership_change_problem("x", None, Some(Lead)).is_none());
        assert!(membership_change_problem("x", None, Some(OnLeave)).is_some());
        assert!(membership_change_problem("x", None, None).is_some());
        assert!(membership_change_problem("x", Some(Member), Some(Lead)).is_none());
        assert!(membership_change_problem("x", Some(Member), Some(Member)).is_some());
        assert!(membership_change_problem("x", Some(OnLeave), None).is_none());
        assert!(membership_change_problem("x", Some(OnLeave), Some(Member)).is_none());
    }

    fn form(kind: &str) -> DecisionForm {
        DecisionForm {
            question: "Adopt the guideline?".into(),
            body: "See the draft.".into(),
            closes_at: "2026-05-08T12:00".into(),
            effect_kind: kind.into(),
            effect_text: "We adopt it.".into(),
            member_login: "@basil-moss".into(),
            ..DecisionForm::blank(CLOSES)
        }
    }

    #[test]
    fn a_closing_time_is_at_least_an_hour_ahead_and_within_90_days() {
        let now = CLOSES;
        assert!(closing_time("2026-05-01T12:30", now).is_err());
        assert_eq!(
            closing_time("2026-05-08 12:00", now),
            Ok(datetime!(2026-05-08 12:00 UTC))
        );
        assert!(closing_time("2026-08-01T12:00", now).is_err());
        assert_eq!(
            closing_time("next tuesday", now),
            Err(crate::web::dates::time_problem("the closing time"))
        );
    }

    #[test]
    fn opening_form_is_checked_against_now() {
        let now = CLOSES;
        let new = form("text").validate(now).expect("valid");
        assert_eq!(new.closes_at, datetime!(2026-05-08 12:00 UTC));
        assert!(!new.is_public);
        assert_eq!(
            new.effect,
            Effect::Text {
                text: "We adopt it.".into()
            }
        );

        let new = form("change_membership").validate(now).expect("valid");
        assert_eq!(
            new.effect,
            Effect::ChangeMembership {
                login: "basil-moss".into(),
                role: Some(Role::Member)
            }
        );
        let leave = DecisionForm {
            member_change: "leave".into(),
            visibility: "public".into(),
            ..form("change_membership")
        }
        .validate(now)
        .expect("valid");
        assert!(leave.is_public);
        assert_eq!(
            leave.effect,
            Effect::ChangeMembership {
                login: "basil-moss".into(),
                role: None
            }
        );

        for (change, field) in [
            (
                DecisionForm {
                    question: " ".into(),
                    ..form("text")
                },
                "question",
            ),
            (
                DecisionForm {
                    body: "".into(),
                    ..form("text")
                },
                "body",
            ),
            (
                DecisionForm {
                    question: "q".repeat(201),
                    ..form("text")
                },
                "question",
            ),
            (
                DecisionForm {
                    closes_at: "".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    closes_at: "next week".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    closes_at: "2026-02-30T10:00".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    closes_at: "2026-05-01T12:30".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    closes_at: "2026-04-01T12:00".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    closes_at: "2026-08-01T12:00".into(),
                    ..form("text")
                },
                "closes_at",
            ),
            (
                DecisionForm {
                    visibility: "secret".into(),
                    ..form("text")
                },
                "visibility",
            ),
            (
                DecisionForm {
                    effect_kind: "admit".into(),
                    ..form("text")
                },
                "effect_kind",
            ),
            (
                DecisionForm {
                    effect_text: "".into(),
                    ..form("text")
                },
                "effect_text",
            ),
            (
                DecisionForm {
                    member_login: "not a login".into(),
                    ..form("change_membership")
                },
                "member_login",
            ),
            (
                DecisionForm {
                    member_change: "boss".into(),
                    ..form("change_membership")
                },
                "member_change",
            ),
            (form("delegate_team"), "slug"),
        ] {
            let errors = change.validate(now).expect_err("refused");
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        // Fields of other kinds of effect are not checked.
        assert!(
            DecisionForm {
                member_login: "not a login".into(),
                ..form("text")
            }
            .validate(now)
            .is_ok()
        );
    }

    #[test]
    fn a_delegation_uses_the_team_form() {
        let mut delegate = form("delegate_team");
        delegate.team.slug = "docs".into();
        delegate.team.name = "Docs".into();
        delegate.team.purpose = "Writes the manual.".into();
        delegate.team.charter.mandate = "The manual.".into();
        delegate.team.charter.rule_kind = "all_but".into();
        delegate.team.charter.rule_n = "1".into();
        let new = delegate.validate(CLOSES).expect("valid");
        let Effect::DelegateTeam(d) = new.effect else {
            panic!("a delegation")
        };
        assert_eq!((d.slug.as_str(), d.rule), ("docs", all_but(1)));
        let team = d.to_new_team(7);
        assert_eq!(team.note.as_deref(), Some("Delegated by decision #7."));
    }

    #[test]
    fn small_forms() {
        assert_eq!(
            PositionForm {
                stance: "object".into(),
                comment: "  ".into()
            }
            .validate()
            .expect("valid"),
            (Object, None)
        );
        assert!(
            PositionForm {
                stance: "block".into(),
                comment: String::new()
            }
            .validate()
            .is_err()
        );
        assert!(
            PositionForm {
                stance: "agree".into(),
                comment: "c".repeat(2001)
            }
            .validate()
            .expect_err("too long")
            .get("comment")
            .is_some()
        );
        assert!(
            ConcernForm {
                concern: " ".into()
            }
            .validate()
            .is_err()
        );
        assert!(
            ConcernForm {
                concern: "c".repeat(501)
            }
            .validate()
            .is_err()
        );
        assert!(
            ResolveForm {
                resolution: "Fixed in the draft.".into()
            }
            .validate()
            .is_ok()
        );
        assert!(
            OutcomeForm {
                statement: String::new(),
                review_on: String::new(),
            }
            .validate(datetime!(2026-05-01 12:00 UTC))
            .is_err()
        );
        let now = datetime!(2026-05-01 12:00 UTC);
        let outcome = |review_on: &str| {
            OutcomeForm {
                statement: "Adopted.".into(),
                review_on: review_on.into(),
            }
            .validate(now)
        };
        assert_eq!(outcome("").ok(), Some(("Adopted.".into(), None)));
        assert_eq!(
            outcome("2026-11-01").ok(),
            Some(("Adopted.".into(), Some(date!(2026 - 11 - 01))))
        );
        assert!(outcome("2026-04-30").is_err());
        assert!(outcome("someday").is_err());
        assert!(
            WithdrawForm {
                reason: "Superseded.".into()
            }
            .validate()
            .is_ok()
        );
    }
}
