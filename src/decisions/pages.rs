//! The pages of `templates/decisions/`, with every view field computed here so the
//! templates only loop and print.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::model::holds::{self, Hold, HoldState};
use super::model::proxies::{self, Proxy};
use super::model::{
    self, Concern, Decider, Decision, DecisionForm, EffectKind, MEMBER_CHANGES, Outcome, Position,
    PositionForm, RecordedOutcome, Stance, Standing, Tally,
};
use crate::teams::model::{MANDATE_MAX, NAME_MAX, PURPOSE_MAX, RuleKind, SLUG_MAX, Team};
use crate::web::dates::format_utc;
use crate::web::form::{Choice, Choosable, Field, FormErrors, render_errors};
use crate::web::layout::Layout;
use crate::web::markdown;

fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Open => "outcome outcome-open",
        Outcome::Passed => "outcome outcome-passed",
        Outcome::Blocked => "outcome outcome-blocked",
        Outcome::Lapsed | Outcome::Withdrawn => "outcome outcome-closed",
    }
}

fn visibility_label(is_public: bool) -> &'static str {
    if is_public { "Public" } else { "Team only" }
}

// ----- a team's decisions -----

#[derive(Clone, Debug)]
pub struct ListItem {
    pub id: i64,
    pub question: String,
    pub outcome: &'static str,
    pub outcome_class: &'static str,
    pub visibility: &'static str,
    pub opened: String,
    pub closes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/index.html")]
pub struct ListPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub open: Vec<ListItem>,
    pub closed: Vec<ListItem>,
    pub may_open: bool,
    pub is_member: bool,
}

impl ListPage {
    pub fn new(
        layout: Layout,
        team: &Team,
        decisions: &[Decision],
        tallies: &HashMap<i64, Tally>,
        may_open: bool,
        is_member: bool,
        now: OffsetDateTime,
    ) -> Self {
        let (mut open, mut closed) = (Vec::new(), Vec::new());
        for d in decisions {
            let tally = tallies.get(&d.id).copied().unwrap_or_default();
            let outcome = d.outcome(&tally, now);
            let item = ListItem {
                id: d.id,
                question: d.question.clone(),
                outcome: outcome.label(),
                outcome_class: outcome_class(outcome),
                visibility: visibility_label(d.is_public),
                opened: format_utc(d.opened_at),
                closes: format!(
                    "{} ({})",
                    format_utc(d.closes_at),
                    model::time_left(d.closes_at, now)
                ),
            };
            if outcome.is_open() {
                open.push(item);
            } else {
                closed.push(item);
            }
        }
        ListPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            open,
            closed,
            may_open,
            is_member,
        }
    }
}

// ----- opening a decision -----

fn choice(
    name: &'static str,
    label: &'static str,
    options: &[(&'static str, &'static str)],
    selected: &str,
    errors: &FormErrors,
) -> Choice {
    Choice {
        name,
        label,
        options: options
            .iter()
            .map(|(value, label)| Choosable {
                value,
                label,
                selected: *value == selected,
            })
            .collect(),
        error: errors.get(name).map(str::to_string),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/new.html")]
pub struct DecisionFormPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub rule: String,
    pub problems: Vec<String>,
    pub question: Field,
    pub body: Field,
    pub closes_at: Field,
    pub visibility: Choice,
    pub effect_kind: Choice,
    pub effect_text: Field,
    pub member_login: Field,
    pub member_change: Choice,
    pub slug: Field,
    pub name: Field,
    pub purpose: Field,
    pub mandate: Field,
    pub rule_kind: Choice,
    pub rule_n: Field,
    pub review_on: Field,
    pub idempotency_key: String,
}

impl DecisionFormPage {
    pub fn new(layout: Layout, team: &Team, form: &DecisionForm, errors: &FormErrors) -> Self {
        let kinds: Vec<(&'static str, &'static str)> = EffectKind::FORM
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect();
        let rules: Vec<(&'static str, &'static str)> = RuleKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect();
        let charter = &form.team.charter;
        DecisionFormPage {
            idempotency_key: crate::web::idempotency::key_or_new(&form.idempotency_key),
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            rule: team.charter.rule.describe(),
            problems: render_errors(errors),
            question: Field::new("question", "Question", &form.question, model::QUESTION_MAX, errors)
                .hint("What the team decides, as a question: “Do we admit …?”"),
            body: Field::new("body", "Body", &form.body, model::BODY_MAX, errors)
                .hint("The background and the proposal, in Markdown."),
            closes_at: Field::new("closes_at", "Closing time (UTC)", &form.closes_at, 16, errors)
                .hint("Read as UTC, not your local time: at least an hour from now and within 90 days. It can pass earlier once every decider has spoken."),
            visibility: choice(
                "visibility",
                "Who may see it",
                &[
                    ("team", "The team only: positions and outcome stay within the team"),
                    ("public", "Everyone: positions and outcome are public"),
                ],
                &form.visibility,
                errors,
            ),
            effect_kind: choice("effect_kind", "What passing it does", &kinds, &form.effect_kind, errors),
            effect_text: Field::new("effect_text", "In words", &form.effect_text, model::EFFECT_TEXT_MAX, errors)
                .hint("For “described in words”: what follows when it passes."),
            member_login: Field::new("member_login", "GitHub login", &form.member_login, 39, errors)
                .hint("For a membership change: whose membership changes."),
            member_change: choice("member_change", "The change", &MEMBER_CHANGES, &form.member_change, errors),
            slug: Field::new("slug", "Slug of the new team", &form.team.slug, SLUG_MAX, errors)
                .hint("For a delegation: its address, e.g. release-tools."),
            name: Field::new("name", "Name of the new team", &form.team.name, NAME_MAX, errors),
            purpose: Field::new("purpose", "Its purpose", &form.team.purpose, PURPOSE_MAX, errors)
                .hint("Why it exists, in Markdown."),
            mandate: Field::new("mandate", "Its mandate", &charter.mandate, MANDATE_MAX, errors)
                .hint("What it may decide, in Markdown."),
            rule_kind: choice("rule_kind", "Its decision rule", &rules, &charter.rule_kind, errors),
            rule_n: Field::new("rule_n", "N", &charter.rule_n, 2, errors)
                .hint("The number in its rule, 0 to 20."),
            review_on: Field::new("review_on", "Its review date (optional)", &charter.review_on, 10, errors)
                .hint("YYYY-MM-DD."),
        }
    }
}

// ----- one decision -----

/// What the decision page shows, as loaded.
pub struct Record {
    pub decision: Decision,
    pub standing: Standing,
    pub user_id: Option<i64>,
    pub deciders: Vec<Decider>,
    pub history: Vec<Position>,
    pub concerns: Vec<Concern>,
    pub recorded: Option<RecordedOutcome>,
    /// Every proxy named in the decision, live or taken back.
    pub proxies: Vec<Proxy>,
    pub holds: Vec<Hold>,
    /// Where each concern stands towards overruling (`overrule`).
    pub overrule: super::overrule::Standings,
    pub reviews: super::reviews::Links,
    /// What the outcome asked of GitHub (a linked team), and how it went.
    pub github: Vec<crate::github::db::DecisionChange>,
    pub now: OffsetDateTime,
}

/// What was typed into the decision page's forms, to show again with the messages.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub position: PositionForm,
    pub concern: String,
    pub resolution: String,
    /// The concern whose resolution form was submitted.
    pub resolving: Option<i64>,
    pub statement: String,
    pub review_on: String,
    pub reason: String,
    pub proxy_login: String,
    /// A position typed by a proxy for their principal.
    pub proxy_position: PositionForm,
}

#[derive(Clone, Debug)]
pub struct DeciderView {
    pub login: String,
    pub name: String,
    /// Empty while they have not spoken.
    pub stance: &'static str,
    pub comment: Option<String>,
    pub since: String,
    /// The proxy who took the current position for them.
    pub by_proxy: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HistoryView {
    pub at: String,
    pub login: String,
    pub stance: &'static str,
    pub comment: Option<String>,
    /// "changed from Object" when it replaced an earlier position.
    pub change: Option<String>,
    /// The proxy who took it on the decider's behalf.
    pub by_proxy: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HoldView {
    pub by: String,
    pub placed: String,
    /// "stands until …", "released on …", "lapsed on … after 7 days".
    pub state: String,
}

#[derive(Clone, Debug)]
pub struct ProxyView {
    pub principal: String,
    pub proxy: String,
    pub named: String,
    pub taken_back: Option<String>,
    pub from_leave: bool,
}

/// One radio button of a hand-written group (the proxy's form has ids of its own).
#[derive(Clone, Debug)]
pub struct RadioView {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Clone, Debug)]
pub struct ConcernView {
    pub id: i64,
    pub title: String,
    pub raised_by: String,
    pub raised_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub handed_to: Option<String>,
    pub may_resolve: bool,
    /// The raiser, while it is open, may hand it over.
    pub may_hand_over: bool,
    pub resolution_input: String,
    pub resolution_error: Option<String>,
    /// The decision that overruled it.
    pub overruled_by: Option<i64>,
    /// The overrule decision opened on it that is still open.
    pub pending_overrule: Option<i64>,
    /// Why the signed-in decider may open an overrule of it, when they may.
    pub may_overrule: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RecordedView {
    pub statement_html: String,
    pub by: String,
    pub at: String,
    /// What the effect made, with a link: (text, url).
    pub made: Option<(String, String)>,
    /// "2026-06-30", when the team looks at it again.
    pub review_on: Option<String>,
    /// The decision that reviews it, once opened.
    pub reviewed_by: Option<i64>,
    /// Whether the signed-in member may open its review now.
    pub may_review: bool,
    /// The GitHub side of the effect, one sentence per change (`github::model::status`).
    pub github: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/show.html")]
pub struct DecisionPage {
    pub layout: Layout,
    pub id: i64,
    pub question: String,
    pub team_slug: String,
    pub team_name: String,
    pub visibility: &'static str,
    pub opened: String,
    pub opener: String,
    pub closes: String,
    pub time_left: String,
    pub rule: String,
    pub effect: String,
    /// Whether recording the outcome applies a typed effect.
    pub applies_effect: bool,
    pub body_html: String,
    pub outcome: &'static str,
    pub outcome_class: &'static str,
    /// One sentence on why the outcome is what it is.
    pub explanation: String,
    pub needs: Vec<String>,
    /// The tally in a sentence.
    pub tally: String,
    pub deciders: Vec<DeciderView>,
    pub silent: Vec<String>,
    pub history: Vec<HistoryView>,
    pub concerns: Vec<ConcernView>,
    pub recorded: Option<RecordedView>,
    /// (by, at, reason) of a withdrawal.
    pub withdrawn: Option<(String, String, String)>,
    pub my_position: Option<String>,
    pub may_take_position: bool,
    pub may_record_outcome: bool,
    pub may_withdraw: bool,
    /// A decider who left the team: they can no longer take positions.
    pub decider_left: bool,
    pub problems: Vec<String>,
    pub stance: Choice,
    pub comment: Field,
    pub concern: Field,
    pub statement: Field,
    pub review_on: Field,
    /// The decision this one reviews.
    pub reviews: Option<i64>,
    pub reason: Field,
    pub holds: Vec<HoldView>,
    pub may_place_hold: bool,
    pub may_release_hold: bool,
    pub hold_days: i32,
    pub proxies: Vec<ProxyView>,
    /// The login of the signed-in decider's live proxy.
    pub my_proxy: Option<String>,
    pub may_name_proxy: bool,
    pub proxy_login: Field,
    /// The principal whose proxy the signed-in person holds, while they may act.
    pub acting_for: Option<String>,
    pub proxy_stances: Vec<RadioView>,
    pub proxy_stance_error: Option<String>,
    pub proxy_comment: String,
    pub proxy_comment_error: Option<String>,
    /// (decision, concern title) of the concern this decision would overrule.
    pub overrules: Option<(i64, String)>,
}

/// The ground on which the signed-in person may open an overrule of `concern`, if they
/// may (`model::overrule`): a decider who may act, not its raiser, none pending.
fn overrule_ground(record: &Record, concern: &Concern, may_act: bool) -> Option<String> {
    let me = record.user_id?;
    let raiser = record.overrule.raisers.get(&concern.id).copied()?;
    let days = record.overrule.answer_days;
    if !may_act
        || model::overrule::opening_problem(
            concern,
            me,
            raiser,
            days,
            record.overrule.pending(concern.id),
            record.now,
        )
        .is_some()
    {
        return None;
    }
    model::overrule::ground(raiser, days, record.now)
        .map(|g| g.describe(&concern.raised_by_login, days))
}

fn explanation(
    outcome: Outcome,
    tally: &Tally,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> String {
    let closed = now >= closes_at;
    match outcome {
        Outcome::Open if tally.absent > 0 => format!(
            "Open until its closing time. It passes earlier once every decider has taken a position and the rule is met; {} not yet spoken.",
            if tally.absent == 1 { "1 decider has".to_string() } else { format!("{} deciders have", tally.absent) }
        ),
        Outcome::Open if tally.held_at(now) => "Open: every decider has spoken, and a hold keeps it from passing early until the hold is released or lapses by itself.".into(),
        Outcome::Open => "Open: every decider has spoken, but the rule is not met yet. Positions can still change until the closing time.".into(),
        Outcome::Passed if closed && tally.absent > 0 => "Passed at its closing time: the rule was met.".into(),
        Outcome::Passed => "Passed: every decider took a position and the rule was met.".into(),
        Outcome::Blocked if tally.object > 0 => "Blocked: an objection stood at the closing time.".into(),
        Outcome::Blocked => "Blocked: a concern was still unresolved at the closing time.".into(),
        Outcome::Lapsed => "Lapsed: the rule was not met by the closing time.".into(),
        Outcome::Withdrawn => "Withdrawn by the member who opened it.".into(),
    }
}

impl DecisionPage {
    pub fn new(layout: Layout, record: &Record, inputs: &Inputs, errors: &FormErrors) -> Self {
        let d = &record.decision;
        let now = record.now;
        let tally = model::tally_of(&record.deciders, &record.history, &record.concerns)
            .with_holds(&record.holds);
        let outcome = d.outcome(&tally, now);
        let current = model::current_positions(&record.history, |p| p.user_id);
        let deciders: Vec<DeciderView> = record
            .deciders
            .iter()
            .map(|decider| {
                let position = current.get(&decider.user_id);
                DeciderView {
                    login: decider.login.clone(),
                    name: decider
                        .name
                        .clone()
                        .unwrap_or_else(|| decider.login.clone()),
                    stance: position.map(|p| p.stance.label()).unwrap_or(""),
                    comment: position.and_then(|p| p.comment.clone()),
                    since: position.map(|p| format_utc(p.at)).unwrap_or_default(),
                    by_proxy: position.and_then(|p| p.by_proxy.clone()),
                }
            })
            .collect();
        let silent = deciders
            .iter()
            .filter(|v| v.stance.is_empty())
            .map(|v| v.login.clone())
            .collect();
        let mut previous: HashMap<i64, Stance> = HashMap::new();
        let history = record
            .history
            .iter()
            .map(|p| {
                let change = previous
                    .insert(p.user_id, p.stance)
                    .map(|before| format!("changed from {}", before.label()));
                HistoryView {
                    at: format_utc(p.at),
                    login: p.login.clone(),
                    stance: p.stance.label(),
                    comment: p.comment.clone(),
                    change,
                    by_proxy: p.by_proxy.clone(),
                }
            })
            .collect();
        let is_open = outcome.is_open();
        let may_act = model::require_decider(&record.standing).is_ok();
        let concerns = record
            .concerns
            .iter()
            .map(|c| {
                let resolving = inputs.resolving == Some(c.id);
                ConcernView {
                    id: c.id,
                    title: c.title.clone(),
                    raised_by: c.raised_by_login.clone(),
                    raised_at: format_utc(c.raised_at),
                    resolved_at: c.resolved_at.map(format_utc),
                    resolution: c.resolution.clone(),
                    handed_to: c.handed_to_login.clone(),
                    may_resolve: is_open
                        && may_act
                        && c.resolved_at.is_none()
                        && record
                            .user_id
                            .is_some_and(|me| model::handover::may_resolve(c, me)),
                    may_hand_over: is_open
                        && may_act
                        && c.resolved_at.is_none()
                        && Some(c.raised_by) == record.user_id,
                    resolution_input: if resolving {
                        inputs.resolution.clone()
                    } else {
                        String::new()
                    },
                    resolution_error: if resolving {
                        errors.get("resolution").map(str::to_string)
                    } else {
                        None
                    },
                    overruled_by: c.overruled_by,
                    pending_overrule: record.overrule.pending(c.id),
                    may_overrule: overrule_ground(record, c, is_open && may_act),
                }
            })
            .collect();
        let my_position = record.user_id.and_then(|me| current.get(&me)).map(|p| {
            format!(
                "Your current position: {} (since {}).",
                p.stance.label(),
                format_utc(p.at)
            )
        });
        let recorded = record.recorded.as_ref().map(|r| RecordedView {
            statement_html: markdown::render(&r.statement),
            by: r.recorded_by.clone(),
            at: format_utc(r.recorded_at),
            github: record
                .github
                .iter()
                .map(crate::github::model::status_line)
                .collect(),
            made: match (&r.delegated_team, r.membership_id) {
                (Some((slug, name)), _) => Some((
                    format!("Delegated the team {name}"),
                    format!("/teams/{slug}"),
                )),
                (None, Some(_)) => Some((
                    format!("Changed the membership of {}: see its history", d.team_name),
                    format!("/teams/{}#history", d.team_slug),
                )),
                (None, None) => None,
            },
            review_on: r.review_on.map(crate::web::dates::format_date),
            reviewed_by: record.reviews.reviewed_by,
            may_review: r.review_on.is_some()
                && record.reviews.reviewed_by.is_none()
                && model::require_member(&record.standing).is_ok(),
        });
        let stances: Vec<(&'static str, &'static str)> = Stance::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect();
        let selected_stance = if inputs.position.stance.is_empty() {
            record
                .user_id
                .and_then(|me| current.get(&me))
                .map(|p| p.stance.as_str())
                .unwrap_or("")
        } else {
            inputs.position.stance.as_str()
        };
        let me = record.user_id.unwrap_or(0);
        let holds = record
            .holds
            .iter()
            .map(|h| HoldView {
                by: h.placed_by_login.clone(),
                placed: format_utc(h.placed_at),
                state: match h.state(now) {
                    HoldState::Stands { until } => {
                        format!("stands until {}", format_utc(until))
                    }
                    HoldState::Released { at } => format!("released on {}", format_utc(at)),
                    HoldState::Lapsed { at } => format!(
                        "lapsed by itself on {} after {} days",
                        format_utc(at),
                        d.hold_days
                    ),
                },
            })
            .collect();
        let mut needs = if is_open {
            tally.needs(d.rule)
        } else {
            Vec::new()
        };
        if is_open {
            for h in record.holds.iter().filter(|h| h.stands_at(now)) {
                needs.push(format!(
                    "the hold of {} to be released or to lapse on {} before it can pass early",
                    h.placed_by_login,
                    format_utc(h.lapses_at)
                ));
            }
        }
        let my_proxy = proxies::proxy_of(&record.proxies, me, now).map(|p| p.proxy_login.clone());
        let acting_for = proxies::held_by(&record.proxies, me, now)
            .filter(|_| is_open && record.standing.is_member)
            .map(|p| p.principal_login.clone());
        let proxy_stances = Stance::ALL
            .iter()
            .map(|s| RadioView {
                value: s.as_str(),
                label: s.label(),
                checked: inputs.proxy_position.stance == s.as_str(),
            })
            .collect();
        let proxies = record
            .proxies
            .iter()
            .map(|p| ProxyView {
                principal: p.principal_login.clone(),
                proxy: p.proxy_login.clone(),
                named: format_utc(p.named_at),
                taken_back: p.revoked_at.map(format_utc),
                from_leave: p.from_leave,
            })
            .collect();
        DecisionPage {
            may_place_hold: is_open && may_act && holds::placing_problem(&record.holds, me).is_none(),
            may_release_hold: is_open && may_act && holds::releasable(&record.holds, me, now).is_some(),
            hold_days: d.hold_days,
            holds,
            may_name_proxy: is_open && may_act && my_proxy.is_none(),
            my_proxy: my_proxy.filter(|_| is_open),
            proxies,
            proxy_login: Field::new(
                "proxy_login",
                "GitHub login of your proxy",
                &inputs.proxy_login,
                39,
                errors,
            )
            .hint("Another member of the team, not on leave, who holds no other proxy here. They take positions for you until you take it back; your own later position replaces theirs."),
            acting_for,
            proxy_stances,
            proxy_stance_error: errors.get("proxy_stance").map(str::to_string),
            proxy_comment: inputs.proxy_position.comment.clone(),
            proxy_comment_error: errors.get("proxy_comment").map(str::to_string),
            overrules: match &d.effect {
                model::Effect::OverruleConcern {
                    decision_id, title, ..
                } => Some((*decision_id, title.clone())),
                _ => None,
            },
            id: d.id,
            question: d.question.clone(),
            team_slug: d.team_slug.clone(),
            team_name: d.team_name.clone(),
            visibility: visibility_label(d.is_public),
            opened: format_utc(d.opened_at),
            opener: d.opener_login.clone(),
            closes: format_utc(d.closes_at),
            time_left: model::time_left(d.closes_at, now),
            rule: d.rule.describe(),
            effect: d.effect.describe(&d.team_name),
            applies_effect: d.effect.is_typed(),
            body_html: markdown::render(&d.body),
            outcome: outcome.label(),
            outcome_class: outcome_class(outcome),
            explanation: explanation(outcome, &tally, d.closes_at, now),
            needs,
            tally: tally.describe(),
            deciders,
            silent,
            history,
            concerns,
            recorded,
            withdrawn: match (&d.withdrawn_by, d.withdrawn_at, &d.withdrawal_reason) {
                (Some(by), Some(at), Some(reason)) => {
                    Some((by.clone(), format_utc(at), reason.clone()))
                }
                _ => None,
            },
            my_position,
            may_take_position: is_open && may_act,
            may_record_outcome: outcome == Outcome::Passed
                && record.recorded.is_none()
                && model::require_member(&record.standing).is_ok(),
            may_withdraw: is_open && model::require_opener(&record.standing).is_ok(),
            decider_left: is_open && record.standing.is_decider && !record.standing.is_member,
            problems: render_errors(errors),
            stance: choice("stance", "Your position", &stances, selected_stance, errors),
            comment: Field::new(
                "comment",
                "Comment (optional)",
                &inputs.position.comment,
                model::COMMENT_MAX,
                errors,
            )
            .hint("Shown with your position in its history."),
            concern: Field::new(
                "concern",
                "Your concern",
                &inputs.concern,
                model::CONCERN_MAX,
                errors,
            )
            .hint("Name it in a line. It holds the decision until you resolve it; only you can."),
            statement: Field::new(
                "statement",
                "Outcome statement",
                &inputs.statement,
                model::STATEMENT_MAX,
                errors,
            )
            .hint("What was decided, in Markdown, for the record."),
            review_on: Field::new(
                "review_on",
                "Review date (optional)",
                &inputs.review_on,
                10,
                errors,
            )
            .hint("When the team looks at this outcome again, as YYYY-MM-DD. The team is reminded 14 days ahead and on the day."),
            reviews: record.reviews.reviews,
            reason: Field::new(
                "reason",
                "Why it is withdrawn",
                &inputs.reason,
                model::WITHDRAWAL_MAX,
                errors,
            ),
            layout,
        }
    }
}
