//! The pages of `templates/teams/`, with every view field computed here so the templates
//! only loop and print.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::db::{CharterEvent, SubTeam};
use super::model::{
    self, CharterFields, CharterForm, EndKind, LedgerRow, MemberForm, Role, RoleForm, Roster,
    RuleKind, Team, TeamForm,
};
use crate::web::dates::{format_date, format_day, format_utc};
use crate::web::form::{Choice, Choosable, Field, FormErrors, render_errors};
use crate::web::layout::Layout;
use crate::web::markdown;

/// A team named by a link.
#[derive(Clone, Debug)]
pub struct TeamLink {
    pub slug: String,
    pub name: String,
}

impl TeamLink {
    pub fn of(team: &Team) -> Self {
        TeamLink {
            slug: team.slug.clone(),
            name: team.name.clone(),
        }
    }

    fn parent_of(team: &Team) -> Option<Self> {
        match (&team.parent_slug, &team.parent_name) {
            (Some(slug), Some(name)) => Some(TeamLink {
                slug: slug.clone(),
                name: name.clone(),
            }),
            _ => None,
        }
    }
}

fn rule_choice(selected: &str, errors: &FormErrors) -> Choice {
    Choice {
        name: "rule_kind",
        label: "Decision rule",
        options: RuleKind::ALL
            .into_iter()
            .map(|kind| Choosable {
                value: kind.as_str(),
                label: kind.label(),
                selected: kind.as_str() == selected,
            })
            .collect(),
        error: errors.get("rule_kind").map(str::to_string),
    }
}

fn role_choice(roles: &[Role], selected: &str, errors: &FormErrors) -> Choice {
    Choice {
        name: "role",
        label: "Role",
        options: roles
            .iter()
            .map(|role| Choosable {
                value: role.as_str(),
                label: role.label(),
                selected: role.as_str() == selected,
            })
            .collect(),
        error: errors.get("role").map(str::to_string),
    }
}

/// The charter's fields, shared by the forms that create and edit a team.
#[derive(Clone, Debug)]
pub struct CharterInputs {
    pub mandate: Field,
    pub rule_kind: Choice,
    pub rule_n: Field,
    pub review_on: Field,
    pub hold_days: Field,
    pub answer_days: Field,
    pub inactivity_days: Field,
    pub inactivity_notice_days: Field,
}

impl CharterInputs {
    fn new(fields: &CharterFields, errors: &FormErrors) -> Self {
        CharterInputs {
            mandate: Field::new("mandate", "Mandate", &fields.mandate, model::MANDATE_MAX, errors)
                .hint("What the team may decide, in Markdown. This answers “who may decide X?”."),
            rule_kind: rule_choice(&fields.rule_kind, errors),
            rule_n: Field::new("rule_n", "N", &fields.rule_n, 2, errors)
                .hint("The number in the rule: deciders who may be absent, or who may not agree. 0 to 20."),
            review_on: Field::new("review_on", "Review date (optional)", &fields.review_on, 10, errors)
                .hint("When the charter is next reviewed, as YYYY-MM-DD."),
            hold_days: Field::new("hold_days", "Days a hold lasts", &fields.hold_days, 2, errors)
                .hint("A decider's hold (“I need time to read”) keeps a decision from passing early for this many days at most, 1 to 60. Empty: 7."),
            answer_days: Field::new("answer_days", "Days a concern's raiser may stay silent", &fields.answer_days, 2, errors)
                .hint("After this many days without a word from whoever raised a concern, another decider may open a decision to overrule it, 1 to 90. Empty: 14."),
            inactivity_days: Field::new("inactivity_days", "Inactivity period in days (optional)", &fields.inactivity_days, 4, errors)
                .hint("A member with nothing in the team (a position, feedback, a post, a review, a comment, a nomination note) for this many days is flagged, 30 to 3650. Empty: never."),
            inactivity_notice_days: Field::new("inactivity_notice_days", "Notice period in days", &fields.inactivity_notice_days, 3, errors)
                .hint("How long a flagged member has to say they are still active, or someone to vouch for them, 7 to 180. Empty: 30."),
        }
    }
}

// ----- the tree -----

#[derive(Clone, Debug)]
pub struct TreeNode {
    pub slug: String,
    pub name: String,
    pub mandate_html: String,
    pub rule: String,
    /// "3 members".
    pub members: String,
    pub matched: bool,
    pub has_children: bool,
    pub closes: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/index.html")]
pub struct TreePage {
    pub layout: Layout,
    pub nodes: Vec<TreeNode>,
    pub former: Vec<TeamLink>,
    pub question: String,
    /// What the question found; `None` without a question.
    pub answer: Option<String>,
    pub may_create: bool,
}

impl TreePage {
    pub fn new(
        layout: Layout,
        teams: &[Team],
        counts: &std::collections::HashMap<i64, i64>,
        question: &str,
    ) -> Self {
        let active: Vec<&Team> = teams.iter().filter(|t| t.is_active()).collect();
        let pairs: Vec<(i64, Option<i64>)> = active.iter().map(|t| (t.id, t.parent_id)).collect();
        let question = question.trim().chars().take(200).collect::<String>();
        let nodes: Vec<TreeNode> = model::tree(&pairs)
            .into_iter()
            .map(|slot| {
                let team = active[slot.index];
                TreeNode {
                    slug: team.slug.clone(),
                    name: team.name.clone(),
                    mandate_html: markdown::render(&team.charter.mandate),
                    rule: team.charter.rule.describe(),
                    members: crate::web::count_of(
                        counts.get(&team.id).copied().unwrap_or(0),
                        "member",
                        "members",
                    ),
                    matched: !question.is_empty()
                        && model::mentions(
                            &question,
                            &[&team.name, &team.purpose, &team.charter.mandate],
                        ),
                    has_children: slot.has_children,
                    closes: slot.closes,
                }
            })
            .collect();
        let found = nodes.iter().filter(|n| n.matched).count();
        let answer = match (question.is_empty(), found) {
            (true, _) => None,
            (false, 0) => Some(format!(
                "No team's name, purpose or mandate mentions “{question}”. Ask the top-level teams."
            )),
            (false, 1) => Some(format!("1 team mentions “{question}”: marked below.")),
            (false, n) => Some(format!("{n} teams mention “{question}”: marked below.")),
        };
        let may_create = layout.user.as_ref().is_some_and(|u| u.is_admin);
        TreePage {
            nodes,
            former: teams
                .iter()
                .filter(|t| !t.is_active())
                .map(TeamLink::of)
                .collect(),
            question,
            answer,
            may_create,
            layout,
        }
    }
}

// ----- one team -----

#[derive(Clone, Debug)]
pub struct MemberView {
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub since: String,
    pub role_since: String,
}

#[derive(Clone, Debug)]
pub struct AlumnusView {
    pub login: String,
    pub name: String,
    pub years: String,
}

#[derive(Clone, Debug)]
pub struct HistoryView {
    pub login: String,
    pub role: &'static str,
    pub from: String,
    pub until: String,
    pub join_reason: String,
    pub added_by: Option<String>,
    /// How the row ended: "Left", "Role changed", or empty while open.
    pub ending: &'static str,
    pub leave_reason: Option<String>,
    pub closed_by: Option<String>,
    /// The decision that made the row, linked from it.
    pub decision_id: Option<i64>,
}

fn display_name(login: &str, name: &Option<String>) -> String {
    name.clone().unwrap_or_else(|| login.to_string())
}

pub fn member_views(roster: &Roster) -> Vec<MemberView> {
    roster
        .current
        .iter()
        .map(|m| MemberView {
            login: m.login.clone(),
            name: display_name(&m.login, &m.name),
            role: m.role.label(),
            since: format_day(m.since),
            role_since: format_day(m.role_since),
        })
        .collect()
}

fn history_views<'a>(rows: impl DoubleEndedIterator<Item = &'a LedgerRow>) -> Vec<HistoryView> {
    rows.rev()
        .map(|r| HistoryView {
            login: r.login.clone(),
            role: r.role.label(),
            from: format_utc(r.joined_at),
            until: r.left_at.map(format_utc).unwrap_or_default(),
            join_reason: r.join_reason.clone(),
            added_by: r.added_by.clone(),
            ending: match r.end_kind {
                Some(EndKind::Left) => "Left",
                Some(EndKind::RoleChanged) => "Role changed",
                None => "",
            },
            leave_reason: r.leave_reason.clone(),
            closed_by: r.closed_by.clone(),
            decision_id: r.decision_id,
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct EventView {
    pub at: String,
    pub what: &'static str,
    /// The other team the record names (the delegating team, or the delegated one).
    pub other: Option<TeamLink>,
    pub actor: Option<String>,
    pub mandate_html: String,
    pub rule: String,
    pub review: Option<String>,
    pub note: Option<String>,
}

fn event_view(team: &Team, event: &CharterEvent) -> EventView {
    let own = event.team_slug == team.slug;
    let parent = match (&event.parent_slug, &event.parent_name) {
        (Some(slug), Some(name)) => Some(TeamLink {
            slug: slug.clone(),
            name: name.clone(),
        }),
        _ => None,
    };
    let child = TeamLink {
        slug: event.team_slug.clone(),
        name: event.team_name.clone(),
    };
    let (what, other) = match (own, event.kind.as_str()) {
        (true, "created") => ("Created as a top-level team", None),
        (true, "delegated") => ("Delegated by", parent),
        (true, "charter_changed") => ("Charter changed", None),
        (true, "revoked") => ("Delegation revoked; it was delegated by", parent),
        (false, "delegated") => ("Delegated a new team:", Some(child)),
        (false, "charter_changed") => ("Charter changed of delegated team", Some(child)),
        (false, "revoked") => ("Revoked the delegation of", Some(child)),
        _ => ("Charter record", None),
    };
    EventView {
        at: format_utc(event.at),
        what,
        other,
        actor: event.actor_login.clone(),
        mandate_html: markdown::render(&event.charter.mandate),
        rule: event.charter.rule.describe(),
        review: event.charter.review_on.map(format_date),
        note: event.note.clone(),
    }
}

#[derive(Clone, Debug)]
pub struct SubTeamView {
    pub slug: String,
    pub name: String,
    pub mandate_html: String,
    pub revoked: Option<String>,
}

/// What the viewer may do here; each flag mirrors a `require_*` rule the server enforces.
#[derive(Clone, Copy, Debug, Default)]
pub struct Actions {
    pub manage_members: bool,
    /// The team's GitHub page (`github::model::require_viewer`).
    pub github: bool,
    pub edit_charter: bool,
    pub delegate: bool,
    pub revoke: bool,
}

/// "You are a lead of Core since 2026-03-02", with the buttons that change it.
#[derive(Clone, Debug)]
pub struct OwnMembership {
    pub role: String,
    pub since: String,
    pub on_leave: bool,
}

impl OwnMembership {
    pub fn of(row: &super::staffing::OwnRow) -> Self {
        OwnMembership {
            role: row.role.label().to_string(),
            since: format_day(row.since),
            on_leave: row.role == Role::OnLeave,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/show.html")]
pub struct TeamPage {
    pub layout: Layout,
    pub slug: String,
    pub name: String,
    pub purpose_html: String,
    pub mandate_html: String,
    pub rule: String,
    pub review: Option<String>,
    pub review_due: bool,
    pub created: String,
    pub parent: Option<TeamLink>,
    pub revoked: Option<String>,
    pub sub_teams: Vec<SubTeamView>,
    pub events: Vec<EventView>,
    pub members: Vec<MemberView>,
    /// "2,000 current members" (the list shows one page of them).
    pub member_count: String,
    /// Links to the previous and next page of current members.
    pub members_prev: Option<String>,
    pub members_next: Option<String>,
    pub alumni: Vec<AlumnusView>,
    /// The latest membership rows only (the rest are in the audit log and the ledger
    /// of the people concerned).
    pub history: Vec<HistoryView>,
    pub actions: Actions,
    /// "2 stale nominations" in the team's calls, for its members; empty otherwise.
    pub stale_nominations: String,
    /// The signed-in member's own role, for the "Your membership" buttons.
    pub own: Option<OwnMembership>,
    /// The team's latest published updates, pinned first (filled in by the handler).
    pub updates: Vec<crate::posts::pages::PostItem>,
    /// Open action items of the team's incident reports.
    pub open: Vec<crate::posts::pages::ActionView>,
    /// Decisions due for review: (id, question, day), filled in by the handler.
    pub reviews: Vec<(i64, String, String)>,
    /// Members flagged as inactive, for the team's members: (login, sentence, it is me,
    /// the notice ran out).
    pub inactive: Vec<(String, String, bool, bool)>,
}

impl TeamPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        team: &Team,
        sub_teams: &[SubTeam],
        events: &[CharterEvent],
        ledger: &crate::teams::db::LedgerPage,
        members_page: i64,
        actions: Actions,
        now: OffsetDateTime,
    ) -> Self {
        use crate::teams::db::{LATEST_ROWS, MEMBER_PAGE};
        let mut roster = model::roster(&ledger.rows);
        // This page's members in the order the page query chose them.
        roster
            .current
            .retain(|m| ledger.on_page.contains(&m.user_id));
        roster
            .current
            .sort_by_key(|m| (m.role, m.role_since, m.user_id));
        let more = roster.current.len() as i64 > MEMBER_PAGE;
        roster.current.truncate(MEMBER_PAGE as usize);
        roster.alumni.truncate(LATEST_ROWS as usize);
        let page_link = |n: i64| format!("/teams/{}?members={n}#members", team.slug);
        TeamPage {
            layout,
            slug: team.slug.clone(),
            name: team.name.clone(),
            purpose_html: markdown::render(&team.purpose),
            mandate_html: markdown::render(&team.charter.mandate),
            rule: team.charter.rule.describe(),
            review: team.charter.review_on.map(format_date),
            review_due: team.is_active() && team.is_review_due(now),
            created: format_day(team.created_at),
            parent: TeamLink::parent_of(team),
            revoked: team.revoked_at.map(format_utc),
            sub_teams: sub_teams
                .iter()
                .map(|s| SubTeamView {
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    mandate_html: markdown::render(&s.mandate),
                    revoked: s.revoked_at.map(format_day),
                })
                .collect(),
            events: events.iter().rev().map(|e| event_view(team, e)).collect(),
            members: member_views(&roster),
            member_count: crate::web::count_of(
                ledger.current_count,
                "current member",
                "current members",
            ),
            members_prev: (members_page > 1).then(|| page_link(members_page - 1)),
            members_next: more.then(|| page_link(members_page + 1)),
            alumni: roster
                .alumni
                .iter()
                .map(|a| AlumnusView {
                    login: a.login.clone(),
                    name: display_name(&a.login, &a.name),
                    years: a.years.clone(),
                })
                .collect(),
            history: history_views(ledger.rows.iter())
                .into_iter()
                .take(LATEST_ROWS as usize)
                .collect(),
            actions,
            stale_nominations: String::new(),
            own: None,
            updates: Vec::new(),
            open: Vec::new(),
            reviews: Vec::new(),
            inactive: Vec::new(),
        }
    }
}

// ----- forms -----

/// Room for [`super::staffing::FOUNDERS_MAX`] logins of the longest kind.
const FOUNDERS_FIELD_MAX: usize = 1000;

#[derive(Template, WebTemplate)]
#[template(path = "teams/team_form.html")]
pub struct TeamFormPage {
    pub layout: Layout,
    pub title: String,
    pub action: String,
    pub parent: Option<TeamLink>,
    pub problems: Vec<String>,
    pub slug: Field,
    pub name: Field,
    pub purpose: Field,
    pub charter: CharterInputs,
    pub note: Field,
    pub leads: Field,
    pub members: Field,
    pub idempotency_key: String,
}

impl TeamFormPage {
    pub fn new(
        layout: Layout,
        parent: Option<&Team>,
        form: &TeamForm,
        errors: &FormErrors,
    ) -> Self {
        let (title, action) = match parent {
            Some(parent) => (
                format!("Delegate a team from {}", parent.name),
                format!("/teams/{}/delegate", parent.slug),
            ),
            None => ("Create a top-level team".to_string(), "/teams".to_string()),
        };
        TeamFormPage {
            idempotency_key: crate::web::idempotency::key_or_new(&form.idempotency_key),
            layout,
            title,
            action,
            parent: parent.map(TeamLink::of),
            problems: render_errors(errors),
            slug: Field::new("slug", "Slug", &form.slug, model::SLUG_MAX, errors)
                .hint("Its address and API name, e.g. release-tools: lowercase letters, digits and hyphens. It cannot change later."),
            name: Field::new("name", "Name", &form.name, model::NAME_MAX, errors),
            purpose: Field::new("purpose", "Purpose", &form.purpose, model::PURPOSE_MAX, errors)
                .hint("Why the team exists, in Markdown."),
            charter: CharterInputs::new(&form.charter, errors),
            note: Field::new("note", "Note for the record (optional)", &form.note, model::NOTE_MAX, errors)
                .hint("Shown with the dated record of this delegation."),
            leads: Field::new("leads", "Founding leads (optional)", &form.leads, FOUNDERS_FIELD_MAX, errors)
                .hint(match parent {
                    Some(_) => "GitHub logins, separated by spaces or commas: members of either team or anyone. Until the team has a lead, the members of the delegating team manage its membership.",
                    None => "GitHub logins, separated by spaces or commas. They need not have signed in yet.",
                }),
            members: Field::new("members", "Founding members (optional)", &form.members, FOUNDERS_FIELD_MAX, errors)
                .hint("GitHub logins, separated by spaces or commas."),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/charter.html")]
pub struct CharterPage {
    pub layout: Layout,
    pub team: TeamLink,
    pub problems: Vec<String>,
    pub purpose: Field,
    pub charter: CharterInputs,
    pub note: Field,
}

impl CharterPage {
    pub fn new(layout: Layout, team: &Team, form: &CharterForm, errors: &FormErrors) -> Self {
        CharterPage {
            layout,
            team: TeamLink::of(team),
            problems: render_errors(errors),
            purpose: Field::new(
                "purpose",
                "Purpose",
                &form.purpose,
                model::PURPOSE_MAX,
                errors,
            )
            .hint("Why the team exists, in Markdown."),
            charter: CharterInputs::new(&form.charter, errors),
            note: Field::new(
                "note",
                "Why it changes (optional)",
                &form.note,
                model::NOTE_MAX,
                errors,
            )
            .hint("Shown with the dated record of this change."),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/revoke.html")]
pub struct RevokePage {
    pub layout: Layout,
    pub team: TeamLink,
    pub parent: Option<TeamLink>,
    /// "its 3 current members".
    pub members: String,
    pub problems: Vec<String>,
    pub reason: Field,
}

impl RevokePage {
    pub fn new(
        layout: Layout,
        team: &Team,
        members: usize,
        reason: &str,
        errors: &FormErrors,
    ) -> Self {
        RevokePage {
            layout,
            team: TeamLink::of(team),
            parent: TeamLink::parent_of(team),
            members: crate::web::count_of(
                i64::try_from(members).unwrap_or(i64::MAX),
                "current member",
                "current members",
            ),
            problems: render_errors(errors),
            reason: Field::new("reason", "Reason", reason, model::NOTE_MAX, errors)
                .hint("Shown with the dated record of the revocation on both teams' pages."),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/members.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub team: TeamLink,
    pub members: Vec<MemberView>,
    pub problems: Vec<String>,
    pub login: Field,
    pub role: Choice,
    pub reason: Field,
}

impl MembersPage {
    pub fn new(
        layout: Layout,
        team: &Team,
        ledger: &[LedgerRow],
        form: &MemberForm,
        errors: &FormErrors,
    ) -> Self {
        MembersPage {
            layout,
            team: TeamLink::of(team),
            members: member_views(&model::roster(ledger)),
            problems: render_errors(errors),
            login: Field::new("login", "GitHub login", &form.login, 39, errors)
                .hint("They need not have signed in to Concord yet."),
            role: role_choice(&[Role::Member, Role::Lead], &form.role, errors),
            reason: Field::new("reason", "Reason", &form.reason, model::REASON_MAX, errors)
                .hint("Shown in the team's public membership history."),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teams/member.html")]
pub struct MemberPage {
    pub layout: Layout,
    pub team: TeamLink,
    pub login: String,
    pub name: String,
    pub current: Option<MemberView>,
    pub history: Vec<HistoryView>,
    pub problems: Vec<String>,
    pub role: Choice,
    pub role_reason: Field,
    pub leave_reason: Field,
}

#[derive(Clone, Debug, Default)]
pub struct MemberInputs {
    pub role: RoleForm,
    pub leave_reason: String,
}

impl MemberPage {
    pub fn new(
        layout: Layout,
        team: &Team,
        person: &crate::auth::model::User,
        ledger: &[LedgerRow],
        inputs: &MemberInputs,
        errors: &FormErrors,
    ) -> Self {
        let rows: Vec<LedgerRow> = ledger
            .iter()
            .filter(|r| r.user_id == person.id)
            .cloned()
            .collect();
        let roster = model::roster(&rows);
        let current = member_views(&roster).into_iter().next();
        let current_role = roster.current.first().map(|m| m.role);
        let roles: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Some(*r) != current_role)
            .collect();
        MemberPage {
            layout,
            team: TeamLink::of(team),
            login: person.login.clone(),
            name: person.display_name().to_string(),
            current,
            history: history_views(rows.iter()),
            problems: render_errors(errors),
            role: role_choice(&roles, &inputs.role.role, errors),
            role_reason: Field::new(
                "role_reason",
                "Reason for the change",
                &inputs.role.role_reason,
                model::REASON_MAX,
                errors,
            ),
            leave_reason: Field::new(
                "leave_reason",
                "Reason for leaving",
                &inputs.leave_reason,
                model::REASON_MAX,
                errors,
            ),
        }
    }
}
