//! Teams as plain types, and the pure rules: what a slug looks like, how a decision rule
//! reads, who may do what to a team, how the ledger's rows join into stints, and how the
//! teams nest into the tree of delegations.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::auth::model::{User, login_problem};
use crate::error::AppError;
use crate::web::dates::parse_date;
use crate::web::form::FormErrors;

pub const SLUG_MAX: usize = 40;
pub const NAME_MAX: usize = 100;
pub const PURPOSE_MAX: usize = 2000;
pub const MANDATE_MAX: usize = 4000;
pub const REASON_MAX: usize = 500;
pub const NOTE_MAX: usize = 1000;
/// The largest `n` a decision rule may name.
pub const RULE_N_MAX: i32 = 20;
/// How far ahead a review date may be set, in years.
const REVIEW_HORIZON_YEARS: i32 = 10;

/// A role in a team, as the ledger records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Lead,
    Member,
    /// Still a member, but away: left out of decisions.
    OnLeave,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Lead, Role::OnLeave];

    /// The stored and the API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Lead => "lead",
            Role::OnLeave => "on_leave",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Lead => "lead",
            Role::OnLeave => "on leave",
        }
    }
}

/// What caused a ledger or charter change, recorded with it so the record links back:
/// nothing (a person acted directly), or the decision (and later the nomination) behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cause {
    pub decision_id: Option<i64>,
    pub nomination_id: Option<i64>,
}

impl Cause {
    /// A person acted directly.
    pub const DIRECT: Cause = Cause {
        decision_id: None,
        nomination_id: None,
    };

    pub fn decision(id: i64) -> Self {
        Cause {
            decision_id: Some(id),
            ..Cause::DIRECT
        }
    }
}

/// How a team decides. The decisions capability evaluates it; here it is chosen, stored
/// and described.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Every decider agrees; at most `n` deciders may be absent.
    Unanimous,
    /// All but `n` deciders agree, and no concern is left unresolved.
    AllBut,
}

impl RuleKind {
    pub const ALL: [RuleKind; 2] = [RuleKind::Unanimous, RuleKind::AllBut];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Unanimous => "unanimous",
            RuleKind::AllBut => "all_but",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        RuleKind::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleKind::Unanimous => "Unanimous, with at most N deciders absent",
            RuleKind::AllBut => "All but N deciders agree, and no unresolved concern",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    pub kind: RuleKind,
    pub n: i32,
}

impl DecisionRule {
    pub fn describe(&self) -> String {
        let deciders = |n: i32| {
            if n == 1 {
                "1 decider".to_string()
            } else {
                format!("{n} deciders")
            }
        };
        match (self.kind, self.n) {
            (RuleKind::Unanimous, 0) => "Unanimous: every decider agrees, none absent.".into(),
            (RuleKind::Unanimous, n) => format!("Unanimous, with at most {} absent.", deciders(n)),
            (RuleKind::AllBut, 0) => "All deciders agree, and no concern is unresolved.".into(),
            (RuleKind::AllBut, n) => format!(
                "All but {} agree, and no concern is unresolved.",
                deciders(n)
            ),
        }
    }
}

/// What a team may decide, how, and when the charter is next reviewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charter {
    pub mandate: String,
    pub rule: DecisionRule,
    pub review_on: Option<Date>,
    /// How many days a hold on one of its decisions lasts (`decisions::model::holds`).
    pub hold_days: i32,
    /// How many days a concern's raiser may stay silent before another decider may open
    /// a decision to overrule it (`decisions::model::overrule`).
    pub answer_days: i32,
    /// After how many days without activity a member is flagged (`teams::inactivity`);
    /// `None`: never.
    pub inactivity_days: Option<i32>,
    /// How long a flagged member has to answer.
    pub inactivity_notice_days: i32,
}

/// How long a hold lasts unless the charter says otherwise, and the most it may say.
pub const HOLD_DAYS_DEFAULT: i32 = 7;
pub const HOLD_DAYS_MAX: i32 = 60;

#[derive(Clone, Debug)]
pub struct Team {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub charter: Charter,
    pub parent_id: Option<i64>,
    pub parent_slug: Option<String>,
    pub parent_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

impl Team {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// A revoked team's charter and membership are history: nothing changes any more.
    pub fn require_active(&self) -> Result<(), AppError> {
        if self.is_active() {
            Ok(())
        } else {
            Err(AppError::Conflict(format!(
                "The delegation of {} was revoked; the team can no longer change.",
                self.name
            )))
        }
    }

    pub fn is_review_due(&self, now: OffsetDateTime) -> bool {
        self.charter.review_on.is_some_and(|day| day <= now.date())
    }
}

/// Where a person stands towards one team, for the rules below.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub signed_in: bool,
    pub is_admin: bool,
    /// Holds an open ledger row in the team (any role, on leave included).
    pub is_member: bool,
    /// Holds an open ledger row in the team that delegated this one.
    pub is_parent_member: bool,
}

impl Standing {
    /// `user_teams`: the ids of the teams the person currently belongs to.
    pub fn of(user: Option<&User>, team: &Team, user_teams: &[i64]) -> Self {
        Standing {
            signed_in: user.is_some(),
            is_admin: user.is_some_and(|u| u.is_admin),
            is_member: user_teams.contains(&team.id),
            is_parent_member: team
                .parent_id
                .is_some_and(|parent| user_teams.contains(&parent)),
        }
    }
}

fn refuse(signed_in: bool, why: &'static str) -> Result<(), AppError> {
    if signed_in {
        Err(AppError::Forbidden(why))
    } else {
        Err(AppError::SignInRequired)
    }
}

/// A team's members and the site administrators add members, change roles and record
/// leaving directly (a decision's membership effect does it too, with the decision as
/// its cause). Until a delegated team has a lead of its own (`has_lead`), the members of
/// the team that delegated it may staff it too.
pub fn require_member_manager(standing: &Standing, has_lead: bool) -> Result<(), AppError> {
    if standing.is_admin || standing.is_member || (standing.is_parent_member && !has_lead) {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the team's members, site administrators and, until the team has a lead, the members of the team that delegated it manage its membership",
        )
    }
}

/// A charter is edited by the team itself, by the team that delegated it (whose mandate
/// it carries), or by a site administrator.
pub fn require_charter_editor(standing: &Standing) -> Result<(), AppError> {
    if standing.is_admin || standing.is_member || standing.is_parent_member {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the team's members, the members of the team that delegated it and site administrators edit its charter",
        )
    }
}

/// A team delegates a new team beneath it: `standing` is towards the delegating team.
pub fn require_delegator(standing: &Standing) -> Result<(), AppError> {
    if standing.is_admin || standing.is_member {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the team's members and site administrators delegate teams beneath it",
        )
    }
}

/// The team that delegated a team (or a site administrator) may revoke the delegation.
/// Top-level teams were not delegated, so there is nothing to revoke.
pub fn require_revoker(standing: &Standing, team: &Team) -> Result<(), AppError> {
    if team.parent_id.is_none() {
        return Err(AppError::Conflict(
            "A top-level team was not delegated, so its delegation cannot be revoked.".into(),
        ));
    }
    if standing.is_admin || standing.is_parent_member {
        Ok(())
    } else {
        refuse(
            standing.signed_in,
            "only the members of the team that delegated this one and site administrators revoke its delegation",
        )
    }
}

/// Slugs name teams in addresses and the API: 2 to 40 lowercase letters, digits and
/// single hyphens, not starting or ending with a hyphen, and not `new`.
pub fn slug_problem(slug: &str) -> Option<&'static str> {
    let well_formed = (2..=SLUG_MAX).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if slug.is_empty() {
        Some("Slug is required.")
    } else if !well_formed {
        Some(
            "A slug has 2 to 40 lowercase letters, digits or single hyphens, and does not start or end with a hyphen.",
        )
    } else if slug == "new" {
        Some("This slug is reserved; choose another.")
    } else {
        None
    }
}

/// A review date as typed (a charter's, a decision's outcome's): empty for none, else a
/// real day from today on and within ten years.
pub fn review_date(text: &str, now: OffsetDateTime) -> Result<Option<Date>, &'static str> {
    let today = now.date();
    match text.trim() {
        "" => Ok(None),
        text => match parse_date(text) {
            None => Err("Enter the review date as YYYY-MM-DD, for example 2027-06-30."),
            Some(day) if day < today => Err("The review date must be today or later."),
            Some(day) if day.year() > today.year() + REVIEW_HORIZON_YEARS => {
                Err("The review date must be within ten years.")
            }
            Some(day) => Ok(Some(day)),
        },
    }
}

/// The charter fields as typed into a form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CharterFields {
    pub mandate: String,
    pub rule_kind: String,
    pub rule_n: String,
    pub review_on: String,
    pub hold_days: String,
    pub answer_days: String,
    pub inactivity_days: String,
    pub inactivity_notice_days: String,
}

impl CharterFields {
    pub fn from_charter(charter: &Charter) -> Self {
        CharterFields {
            mandate: charter.mandate.clone(),
            rule_kind: charter.rule.kind.as_str().to_string(),
            rule_n: charter.rule.n.to_string(),
            review_on: charter
                .review_on
                .map(crate::web::dates::format_date)
                .unwrap_or_default(),
            hold_days: charter.hold_days.to_string(),
            answer_days: charter.answer_days.to_string(),
            inactivity_days: charter
                .inactivity_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            inactivity_notice_days: charter.inactivity_notice_days.to_string(),
        }
    }

    /// A review date, if given, must be a real day from today on and within ten years.
    pub fn validate(&self, errors: &mut FormErrors, now: OffsetDateTime) -> Option<Charter> {
        let mandate = errors.required("mandate", "Mandate", &self.mandate, MANDATE_MAX);
        let kind = RuleKind::parse(&self.rule_kind);
        if kind.is_none() {
            errors.add("rule_kind", "Choose a decision rule.");
        }
        let n = match self.rule_n.trim() {
            "" => Some(0),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=RULE_N_MAX).contains(n)),
        };
        if n.is_none() {
            errors.add(
                "rule_n",
                format!("N is a whole number from 0 to {RULE_N_MAX}."),
            );
        }
        let review_on = review_date(&self.review_on, now);
        if let Err(message) = review_on {
            errors.add("review_on", message);
        }
        let hold_days = match self.hold_days.trim() {
            "" => Some(HOLD_DAYS_DEFAULT),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=HOLD_DAYS_MAX).contains(n)),
        };
        if hold_days.is_none() {
            errors.add(
                "hold_days",
                format!("Days a hold lasts is a whole number from 1 to {HOLD_DAYS_MAX}."),
            );
        }
        use crate::decisions::model::overrule::{ANSWER_DAYS_DEFAULT, ANSWER_DAYS_MAX};
        let answer_days = match self.answer_days.trim() {
            "" => Some(ANSWER_DAYS_DEFAULT),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=ANSWER_DAYS_MAX).contains(n)),
        };
        if answer_days.is_none() {
            errors.add(
                "answer_days",
                format!("Days a concern's raiser may stay silent is a whole number from 1 to {ANSWER_DAYS_MAX}."),
            );
        }
        let inactivity_days = match self.inactivity_days.trim() {
            "" => Some(None),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|n| (30..=3650).contains(n))
                .map(Some),
        };
        if inactivity_days.is_none() {
            errors.add(
                "inactivity_days",
                "The inactivity period is a whole number of days from 30 to 3650, or empty for none.",
            );
        }
        let notice_days = match self.inactivity_notice_days.trim() {
            "" => Some(crate::teams::inactivity::NOTICE_DAYS_DEFAULT),
            text => text.parse::<i32>().ok().filter(|n| (7..=180).contains(n)),
        };
        if notice_days.is_none() {
            errors.add(
                "inactivity_notice_days",
                "The notice period is a whole number of days from 7 to 180.",
            );
        }
        match (kind, n, review_on, hold_days, answer_days) {
            (Some(kind), Some(n), Ok(review_on), Some(hold_days), Some(answer_days))
                if errors.is_empty() =>
            {
                Some(Charter {
                    mandate,
                    rule: DecisionRule { kind, n },
                    review_on,
                    hold_days,
                    answer_days,
                    inactivity_days: inactivity_days.flatten(),
                    inactivity_notice_days: notice_days
                        .unwrap_or(crate::teams::inactivity::NOTICE_DAYS_DEFAULT),
                })
            }
            _ => None,
        }
    }
}

/// The form that creates a top-level team or delegates one.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamForm {
    pub slug: String,
    pub name: String,
    pub purpose: String,
    #[serde(flatten)]
    pub charter: CharterFields,
    pub note: String,
    /// Founding leads and members: logins separated by spaces, commas or new lines
    /// (`staffing::Founders`; the decision form's delegation leaves them empty).
    pub leads: String,
    pub members: String,
    /// Makes a repeated submission find the team the first one made (`web::idempotency`;
    /// inside the decision form, the decision's own key is read instead).
    pub idempotency_key: String,
}

/// A team to create, validated.
#[derive(Clone, Debug)]
pub struct NewTeam {
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub charter: Charter,
    pub note: Option<String>,
}

impl TeamForm {
    pub fn validate(&self, now: OffsetDateTime) -> Result<NewTeam, FormErrors> {
        let mut errors = FormErrors::default();
        let slug = self.slug.trim().to_string();
        if let Some(problem) = slug_problem(&slug) {
            errors.add("slug", problem);
        }
        let name = errors.required("name", "Name", &self.name, NAME_MAX);
        let purpose = errors.required("purpose", "Purpose", &self.purpose, PURPOSE_MAX);
        let charter = self.charter.validate(&mut errors, now);
        let note = errors.optional("note", "Note", &self.note, NOTE_MAX);
        match charter {
            Some(charter) if errors.is_empty() => Ok(NewTeam {
                slug,
                name,
                purpose,
                charter,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// The form that edits a team's purpose and charter.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CharterForm {
    pub purpose: String,
    #[serde(flatten)]
    pub charter: CharterFields,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct CharterChange {
    pub purpose: String,
    pub charter: Charter,
    pub note: Option<String>,
}

impl CharterForm {
    pub fn from_team(team: &Team) -> Self {
        CharterForm {
            purpose: team.purpose.clone(),
            charter: CharterFields::from_charter(&team.charter),
            note: String::new(),
        }
    }

    pub fn validate(&self, team: &Team, now: OffsetDateTime) -> Result<CharterChange, FormErrors> {
        let mut errors = FormErrors::default();
        let purpose = errors.required("purpose", "Purpose", &self.purpose, PURPOSE_MAX);
        let charter = self.charter.validate(&mut errors, now);
        let note = errors.optional("note", "Note", &self.note, NOTE_MAX);
        match charter {
            Some(charter) if errors.is_empty() => {
                let change = CharterChange {
                    purpose,
                    charter,
                    note,
                };
                if changed_fields(team, &change).is_empty() {
                    errors.add(
                        "mandate",
                        "Nothing has changed: edit the charter before saving.",
                    );
                    Err(errors)
                } else {
                    Ok(change)
                }
            }
            _ => Err(errors),
        }
    }
}

/// Which parts of the charter a change touches, by their field names.
pub fn changed_fields(team: &Team, change: &CharterChange) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if team.purpose != change.purpose {
        fields.push("purpose");
    }
    if team.charter.mandate != change.charter.mandate {
        fields.push("mandate");
    }
    if team.charter.rule != change.charter.rule {
        fields.push("decision_rule");
    }
    if team.charter.hold_days != change.charter.hold_days {
        fields.push("hold_days");
    }
    if team.charter.answer_days != change.charter.answer_days {
        fields.push("answer_days");
    }
    if team.charter.inactivity_days != change.charter.inactivity_days
        || team.charter.inactivity_notice_days != change.charter.inactivity_notice_days
    {
        fields.push("inactivity");
    }
    if team.charter.review_on != change.charter.review_on {
        fields.push("review_on");
    }
    fields
}

/// Adding a person to a team.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub login: String,
    pub role: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct NewMember {
    pub login: String,
    pub role: Role,
    pub reason: String,
}

impl MemberForm {
    pub fn validate(&self) -> Result<NewMember, FormErrors> {
        let mut errors = FormErrors::default();
        let login = self.login.trim().trim_start_matches('@').to_string();
        if let Some(problem) = login_problem(&login) {
            errors.add("login", problem);
        }
        let role = Role::parse(&self.role).filter(|role| *role != Role::OnLeave);
        if role.is_none() {
            errors.add("role", "Choose member or lead.");
        }
        let reason = errors.required("reason", "Reason", &self.reason, REASON_MAX);
        match role {
            Some(role) if errors.is_empty() => Ok(NewMember {
                login,
                role,
                reason,
            }),
            _ => Err(errors),
        }
    }
}

/// Changing a current member's role (going on leave and coming back included).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    pub role: String,
    pub role_reason: String,
}

impl RoleForm {
    pub fn validate(&self, current: Role) -> Result<(Role, String), FormErrors> {
        let mut errors = FormErrors::default();
        let role = Role::parse(&self.role);
        match role {
            None => errors.add("role", "Choose a role."),
            Some(role) if role == current => {
                errors.add(
                    "role",
                    format!("The role is already {}; choose another.", role.label()),
                );
            }
            Some(_) => {}
        }
        let reason = errors.required("role_reason", "Reason", &self.role_reason, REASON_MAX);
        match role {
            Some(role) if errors.is_empty() => Ok((role, reason)),
            _ => Err(errors),
        }
    }
}

/// Recording that a member leaves the team.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LeaveForm {
    pub leave_reason: String,
}

impl LeaveForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let reason = errors.required("leave_reason", "Reason", &self.leave_reason, REASON_MAX);
        if errors.is_empty() {
            Ok(reason)
        } else {
            Err(errors)
        }
    }
}

/// Revoking a delegation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    pub reason: String,
}

impl RevokeForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let reason = errors.required("reason", "Reason", &self.reason, NOTE_MAX);
        if errors.is_empty() {
            Ok(reason)
        } else {
            Err(errors)
        }
    }
}

/// How a ledger row ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// The person left the team (or the team's delegation was revoked).
    Left,
    /// The person took another role; the next row continues the stint.
    RoleChanged,
}

impl EndKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndKind::Left => "left",
            EndKind::RoleChanged => "role_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "left" => Some(EndKind::Left),
            "role_changed" => Some(EndKind::RoleChanged),
            _ => None,
        }
    }
}

/// One row of the membership ledger, with the people's logins.
#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub id: i64,
    pub team_id: i64,
    pub user_id: i64,
    pub login: String,
    pub name: Option<String>,
    pub role: Role,
    pub joined_at: OffsetDateTime,
    pub join_reason: String,
    pub added_by: Option<String>,
    pub left_at: Option<OffsetDateTime>,
    pub end_kind: Option<EndKind>,
    pub leave_reason: Option<String>,
    pub closed_by: Option<String>,
    pub decision_id: Option<i64>,
    pub nomination_id: Option<i64>,
}

/// An unbroken span of membership: from joining to leaving, across role changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stint {
    pub from: OffsetDateTime,
    pub to: Option<OffsetDateTime>,
}

/// One person's rows in one team joined into stints, oldest first: a row that ended in a
/// role change continues into the row that starts when it ends.
pub fn stints<'a>(rows: impl IntoIterator<Item = &'a LedgerRow>) -> Vec<Stint> {
    let mut rows: Vec<&LedgerRow> = rows.into_iter().collect();
    rows.sort_by_key(|row| (row.joined_at, row.id));
    let mut stints: Vec<Stint> = Vec::new();
    let mut continues = false;
    for row in rows {
        match stints.last_mut() {
            Some(last) if continues && last.to == Some(row.joined_at) => last.to = row.left_at,
            _ => stints.push(Stint {
                from: row.joined_at,
                to: row.left_at,
            }),
        }
        continues = row.end_kind == Some(EndKind::RoleChanged);
    }
    stints
}

/// The years of each stint, `2021–2023, 2025`, for alumni lists.
pub fn years(stints: &[Stint]) -> String {
    let spans: Vec<String> = stints
        .iter()
        .map(|stint| match stint.to.map(|to| to.year()) {
            Some(to) if to == stint.from.year() => to.to_string(),
            Some(to) => format!("{}–{}", stint.from.year(), to),
            None => format!("{}–", stint.from.year()),
        })
        .collect();
    let mut unique: Vec<String> = Vec::with_capacity(spans.len());
    for span in spans {
        if !unique.contains(&span) {
            unique.push(span);
        }
    }
    unique.join(", ")
}

#[derive(Clone, Debug)]
pub struct CurrentMember {
    pub user_id: i64,
    pub login: String,
    pub name: Option<String>,
    pub role: Role,
    /// The start of the current stint.
    pub since: OffsetDateTime,
    /// When the current role began.
    pub role_since: OffsetDateTime,
}

#[derive(Clone, Debug)]
pub struct Alumnus {
    pub user_id: i64,
    pub login: String,
    pub name: Option<String>,
    pub stints: Vec<Stint>,
    pub years: String,
}

/// A team's people: who belongs now, and who belonged before.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    /// Leads first, then members, then those on leave; by login within each.
    pub current: Vec<CurrentMember>,
    /// Most recently left first.
    pub alumni: Vec<Alumnus>,
}

/// The roster that follows from one team's ledger rows.
pub fn roster(rows: &[LedgerRow]) -> Roster {
    let mut by_person: BTreeMap<i64, Vec<&LedgerRow>> = BTreeMap::new();
    for row in rows {
        by_person.entry(row.user_id).or_default().push(row);
    }
    let mut roster = Roster::default();
    for (user_id, person_rows) in by_person {
        let spans = stints(person_rows.iter().copied());
        let Some(latest) = person_rows.iter().max_by_key(|row| (row.joined_at, row.id)) else {
            continue;
        };
        match (latest.left_at, spans.last()) {
            (None, Some(current)) => roster.current.push(CurrentMember {
                user_id,
                login: latest.login.clone(),
                name: latest.name.clone(),
                role: latest.role,
                since: current.from,
                role_since: latest.joined_at,
            }),
            _ => roster.alumni.push(Alumnus {
                user_id,
                login: latest.login.clone(),
                name: latest.name.clone(),
                years: years(&spans),
                stints: spans,
            }),
        }
    }
    roster
        .current
        .sort_by_key(|m| (m.role, m.login.to_lowercase()));
    roster.alumni.sort_by(|a, b| {
        let last = |x: &Alumnus| x.stints.last().and_then(|s| s.to);
        last(b)
            .cmp(&last(a))
            .then_with(|| a.login.to_lowercase().cmp(&b.login.to_lowercase()))
    });
    roster
}

/// Where one team sits in the tree of delegations, for a nested list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeSlot {
    /// Index into the list given to [`tree`].
    pub index: usize,
    pub depth: usize,
    /// The next slots are its children: the item opens a nested list.
    pub has_children: bool,
    /// How many nested lists close after this item (when it has no children).
    pub closes: usize,
}

/// Orders `(id, parent id)` pairs depth first, each team under its parent, siblings in
/// the order given. A team whose parent is not in the list is a root.
pub fn tree(nodes: &[(i64, Option<i64>)]) -> Vec<TreeSlot> {
    let ids: HashSet<i64> = nodes.iter().map(|(id, _)| *id).collect();
    let mut children: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (index, (_, parent)) in nodes.iter().enumerate() {
        match parent {
            Some(parent) if ids.contains(parent) => {
                children.entry(*parent).or_default().push(index)
            }
            _ => roots.push(index),
        }
    }
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(nodes.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|index| (index, 0)).collect();
    while let Some((index, depth)) = stack.pop() {
        if !seen.insert(index) {
            continue;
        }
        order.push((index, depth));
        if let Some(kids) = children.get(&nodes[index].0) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    (0..order.len())
        .map(|i| {
            let (index, depth) = order[i];
            let next_depth = order.get(i + 1).map_or(0, |(_, d)| *d);
            let has_children = next_depth > depth;
            TreeSlot {
                index,
                depth,
                has_children,
                closes: if has_children {
                    0
                } else {
                    depth.saturating_sub(next_depth)
                },
            }
        })
        .collect()
}

/// Whether a team's name, purpose or mandate mentions every word of a question such as
/// "who may decide about releases" (words of three letters or fewer are ignored).
pub fn mentions(query: &str, texts: &[&str]) -> bool {
    let haystack = texts.join(" ").to_lowercase();
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3 && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .map(str::to_lowercase)
        .collect();
    !words.is_empty() && words.iter().all(|w| haystack.contains(w.as_str()))
}

const STOP_WORDS: &[&str] = &[
    "decide", "decides", "about", "which", "team", "teams", "what", "whom",
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn team(parent_id: Option<i64>) -> Team {
        Team {
            id: 2,
            slug: "packages".into(),
            name: "Packages".into(),
            purpose: "Keep the collection healthy.".into(),
            charter: Charter {
                mandate: "Package policy".into(),
                rule: DecisionRule {
                    kind: RuleKind::Unanimous,
                    n: 1,
                },
                review_on: Some(date!(2027 - 06 - 30)),
                hold_days: 7,
                answer_days: 14,
                inactivity_days: None,
                inactivity_notice_days: 30,
            },
            parent_id,
            parent_slug: parent_id.map(|_| "core".into()),
            parent_name: parent_id.map(|_| "Core".into()),
            created_at: datetime!(2026-01-01 0:00 UTC),
            revoked_at: None,
        }
    }

    fn user(is_admin: bool) -> User {
        User {
            id: 9,
            login: "someone".into(),
            name: None,
            is_admin,
        }
    }

    #[test]
    fn standing_follows_current_teams() {
        let team = team(Some(1));
        assert_eq!(Standing::of(None, &team, &[]), Standing::default());
        let member = Standing::of(Some(&user(false)), &team, &[2]);
        assert!(member.is_member && !member.is_parent_member && !member.is_admin);
        let parent = Standing::of(Some(&user(false)), &team, &[1, 5]);
        assert!(!parent.is_member && parent.is_parent_member);
        assert!(Standing::of(Some(&user(true)), &team, &[]).is_admin);
    }

    #[test]
    fn each_rule_admits_its_roles_only() {
        let team = team(Some(1));
        let visitor = Standing::default();
        let signed_in = Standing {
            signed_in: true,
            ..Standing::default()
        };
        let member = Standing {
            is_member: true,
            ..signed_in
        };
        let parent = Standing {
            is_parent_member: true,
            ..signed_in
        };
        let admin = Standing {
            is_admin: true,
            ..signed_in
        };
        assert!(matches!(
            require_member_manager(&visitor, false),
            Err(AppError::SignInRequired)
        ));
        for has_lead in [true, false] {
            assert!(matches!(
                require_member_manager(&signed_in, has_lead),
                Err(AppError::Forbidden(_))
            ));
            assert!(
                require_member_manager(&member, has_lead).is_ok()
                    && require_member_manager(&admin, has_lead).is_ok()
            );
        }
        // The delegating team staffs a team until it has a lead of its own.
        assert!(require_member_manager(&parent, false).is_ok());
        assert!(matches!(
            require_member_manager(&parent, true),
            Err(AppError::Forbidden(_))
        ));

        assert!(matches!(
            require_charter_editor(&signed_in),
            Err(AppError::Forbidden(_))
        ));
        for ok in [member, parent, admin] {
            assert!(require_charter_editor(&ok).is_ok());
        }

        assert!(matches!(
            require_delegator(&signed_in),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_delegator(&member).is_ok() && require_delegator(&admin).is_ok());

        assert!(matches!(
            require_revoker(&member, &team),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require_revoker(&visitor, &team),
            Err(AppError::SignInRequired)
        ));
        assert!(require_revoker(&parent, &team).is_ok() && require_revoker(&admin, &team).is_ok());
        assert!(matches!(
            require_revoker(&admin, &self::team(None)),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn slugs() {
        for ok in ["core", "ci", "release-tools", "t2", &"a".repeat(40)] {
            assert_eq!(slug_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "a",
            "Core",
            "-core",
            "core-",
            "co--re",
            "co re",
            "cöre",
            "new",
            &"a".repeat(41),
        ] {
            assert!(slug_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn rules_read_as_sentences() {
        let rule = |kind, n| DecisionRule { kind, n }.describe();
        assert_eq!(
            rule(RuleKind::Unanimous, 0),
            "Unanimous: every decider agrees, none absent."
        );
        assert_eq!(
            rule(RuleKind::Unanimous, 1),
            "Unanimous, with at most 1 decider absent."
        );
        assert_eq!(
            rule(RuleKind::AllBut, 2),
            "All but 2 deciders agree, and no concern is unresolved."
        );
    }

    fn charter_fields(rule_kind: &str, rule_n: &str, review_on: &str) -> CharterFields {
        CharterFields {
            mandate: "Releases".into(),
            rule_kind: rule_kind.into(),
            rule_n: rule_n.into(),
            review_on: review_on.into(),
            hold_days: String::new(),
            answer_days: String::new(),
            inactivity_days: String::new(),
            inactivity_notice_days: String::new(),
        }
    }

    #[test]
    fn charter_fields_are_checked_against_now() {
        let now = datetime!(2026-11-21 12:00 UTC);
        let mut errors = FormErrors::default();
        let charter = charter_fields("all_but", "2", "2026-11-21").validate(&mut errors, now);
        assert_eq!(
            charter.map(|c| c.rule),
            Some(DecisionRule {
                kind: RuleKind::AllBut,
                n: 2
            })
        );
        let mut errors = FormErrors::default();
        assert!(
            charter_fields("unanimous", "", "")
                .validate(&mut errors, now)
                .is_some()
        );

        for (kind, n, review, field) in [
            ("majority", "1", "", "rule_kind"),
            ("unanimous", "-1", "", "rule_n"),
            ("unanimous", "21", "", "rule_n"),
            ("unanimous", "one", "", "rule_n"),
            ("unanimous", "1", "2026-11-20", "review_on"),
            ("unanimous", "1", "2026-02-30", "review_on"),
            ("unanimous", "1", "next year", "review_on"),
            ("unanimous", "1", "2037-01-01", "review_on"),
        ] {
            let mut errors = FormErrors::default();
            assert!(
                charter_fields(kind, n, review)
                    .validate(&mut errors, now)
                    .is_none()
            );
            assert!(
                errors.get(field).is_some(),
                "{kind} {n} {review}: {errors:?}"
            );
        }
    }

    #[test]
    fn an_unchanged_charter_is_refused() {
        let team = team(None);
        let now = datetime!(2026-11-21 12:00 UTC);
        let form = CharterForm::from_team(&team);
        assert!(
            form.validate(&team, now)
                .expect_err("refused")
                .get("mandate")
                .is_some()
        );
        let edited = CharterForm {
            charter: CharterFields {
                rule_n: "2".into(),
                ..form.charter.clone()
            },
            ..form
        };
        let change = edited.validate(&team, now).expect("valid");
        assert_eq!(changed_fields(&team, &change), vec!["decision_rule"]);
    }

    #[test]
    fn member_forms() {
        let ok = MemberForm {
            login: " @Basil-Moss ".into(),
            role: "lead".into(),
            reason: "Founding member".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!((ok.login.as_str(), ok.role), ("Basil-Moss", Role::Lead));
        let errors = MemberForm {
            login: "not a login".into(),
            role: "on_leave".into(),
            reason: " ".into(),
        }
        .validate()
        .expect_err("refused");
        for field in ["login", "role", "reason"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let role = |role: &str| RoleForm {
            role: role.into(),
            role_reason: "Away for a while".into(),
        };
        assert_eq!(
            role("on_leave").validate(Role::Member).expect("valid").0,
            Role::OnLeave
        );
        assert!(
            role("member")
                .validate(Role::Member)
                .expect_err("refused")
                .get("role")
                .is_some()
        );
        assert!(role("boss").validate(Role::Member).is_err());
        assert!(
            LeaveForm {
                leave_reason: "x".repeat(501)
            }
            .validate()
            .is_err()
        );
    }

    fn row(
        id: i64,
        user_id: i64,
        role: Role,
        from: OffsetDateTime,
        to: Option<OffsetDateTime>,
        end: Option<EndKind>,
    ) -> LedgerRow {
        LedgerRow {
            id,
            team_id: 1,
            user_id,
            login: format!("person-{user_id}"),
            name: None,
            role,
            joined_at: from,
            join_reason: "r".into(),
            added_by: None,
            left_at: to,
            end_kind: end,
            leave_reason: to.map(|_| "r".into()),
            closed_by: None,
            decision_id: None,
            nomination_id: None,
        }
    }

    #[test]
    fn role_changes_continue_a_stint_and_leaving_ends_it() {
        let t = |y: i32| {
            datetime!(2020-03-01 0:00 UTC)
                .replace_year(y)
                .expect("valid")
        };
        let rows = [
            row(
                1,
                7,
                Role::Member,
                t(2020),
                Some(t(2021)),
                Some(EndKind::RoleChanged),
            ),
            row(
                2,
                7,
                Role::Lead,
                t(2021),
                Some(t(2022)),
                Some(EndKind::Left),
            ),
            row(
                3,
                7,
                Role::Member,
                t(2024),
                Some(t(2025)),
                Some(EndKind::RoleChanged),
            ),
            row(4, 7, Role::OnLeave, t(2025), None, None),
        ];
        assert_eq!(
            stints(&rows),
            vec![
                Stint {
                    from: t(2020),
                    to: Some(t(2022))
                },
                Stint {
                    from: t(2024),
                    to: None
                },
            ]
        );
        // Leaving and rejoining at the same instant is two stints, not one.
        let rejoined = [
            row(
                1,
                7,
                Role::Member,
                t(2020),
                Some(t(2021)),
                Some(EndKind::Left),
            ),
            row(2, 7, Role::Member, t(2021), None, None),
        ];
        assert_eq!(stints(&rejoined).len(), 2);
    }

    #[test]
    fn alumni_years() {
        let t = |y: i32| {
            datetime!(2020-03-01 0:00 UTC)
                .replace_year(y)
                .expect("valid")
        };
        assert_eq!(
            years(&[Stint {
                from: t(2019),
                to: Some(t(2022))
            }]),
            "2019–2022"
        );
        assert_eq!(
            years(&[
                Stint {
                    from: t(2019),
                    to: Some(t(2019))
                },
                Stint {
                    from: t(2021),
                    to: Some(t(2023))
                },
                Stint {
                    from: t(2025),
                    to: None
                },
            ]),
            "2019, 2021–2023, 2025–"
        );
    }

    #[test]
    fn roster_splits_current_members_and_alumni() {
        let t = |y: i32| {
            datetime!(2020-03-01 0:00 UTC)
                .replace_year(y)
                .expect("valid")
        };
        let rows = [
            row(
                1,
                1,
                Role::Member,
                t(2020),
                Some(t(2021)),
                Some(EndKind::RoleChanged),
            ),
            row(2, 1, Role::Lead, t(2021), None, None),
            row(
                3,
                2,
                Role::Member,
                t(2019),
                Some(t(2020)),
                Some(EndKind::Left),
            ),
            row(4, 3, Role::OnLeave, t(2022), None, None),
            row(5, 4, Role::Member, t(2023), None, None),
            row(
                6,
                5,
                Role::Member,
                t(2018),
                Some(t(2023)),
                Some(EndKind::Left),
            ),
        ];
        let roster = roster(&rows);
        let current: Vec<(i64, Role)> =
            roster.current.iter().map(|m| (m.user_id, m.role)).collect();
        assert_eq!(
            current,
            vec![(1, Role::Lead), (4, Role::Member), (3, Role::OnLeave)]
        );
        assert_eq!(roster.current[0].since, t(2020));
        assert_eq!(roster.current[0].role_since, t(2021));
        let alumni: Vec<(i64, &str)> = roster
            .alumni
            .iter()
            .map(|a| (a.user_id, a.years.as_str()))
            .collect();
        assert_eq!(alumni, vec![(5, "2018–2023"), (2, "2019–2020")]);
    }

    #[test]
    fn tree_nests_children_under_parents() {
        // core(1) > packages(2) > docs(5); infra(3) > ci(4); orphan(6, parent gone).
        let nodes = [
            (1, None),
            (3, None),
            (2, Some(1)),
            (4, Some(3)),
            (5, Some(2)),
            (6, Some(99)),
        ];
        let slots = tree(&nodes);
        let order: Vec<(i64, usize)> = slots.iter().map(|s| (nodes[s.index].0, s.depth)).collect();
        assert_eq!(order, vec![(1, 0), (2, 1), (5, 2), (3, 0), (4, 1), (6, 0)]);
        let shape: Vec<(bool, usize)> = slots.iter().map(|s| (s.has_children, s.closes)).collect();
        assert_eq!(
            shape,
            vec![
                (true, 0),
                (true, 0),
                (false, 2),
                (true, 0),
                (false, 1),
                (false, 0)
            ]
        );
    }

    #[test]
    fn tree_survives_a_cycle() {
        let slots = tree(&[(1, Some(2)), (2, Some(1))]);
        assert!(slots.is_empty() || slots.len() <= 2);
    }

    #[test]
    fn questions_find_mandates() {
        let texts = [
            "Packages",
            "Package policy: admission, removal and releases of packages",
        ];
        assert!(mentions("Who may decide about package releases?", &texts));
        assert!(!mentions("Who may decide about the website?", &texts));
        assert!(!mentions("who", &texts));
    }

    #[test]
    fn review_is_due_from_its_day() {
        let team = team(None);
        assert!(!team.is_review_due(datetime!(2027-06-29 23:59 UTC)));
        assert!(team.is_review_due(datetime!(2027-06-30 00:00 UTC)));
    }
}
