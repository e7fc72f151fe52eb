//! The exported documents: plain JSON values and CSV rows built from the rooms' own types.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::decisions::model::{Concern, Decider, Decision, Outcome, Position, RecordedOutcome};
use crate::rfcs::db::Feedback;
use crate::rfcs::model::{Revision, Rfc};
use crate::teams::model::{LedgerRow, Team};

/// A time as RFC 3339 in UTC (`2026-03-02T09:00:00Z`).
pub fn ts(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn opt_ts(at: Option<OffsetDateTime>) -> Value {
    at.map(ts).map(Value::from).unwrap_or(Value::Null)
}

/// The columns of a ledger export, in order (CSV header and JSON keys alike).
pub const LEDGER_COLUMNS: [&str; 11] = [
    "login",
    "name",
    "role",
    "joined_at",
    "join_reason",
    "left_at",
    "end_kind",
    "leave_reason",
    "decision_id",
    "decision_url",
    "nomination_id",
];

/// One ledger row as the columns' values (empty for none), for CSV.
pub fn ledger_record(row: &LedgerRow, absolute: &impl Fn(&str) -> String) -> Vec<String> {
    vec![
        row.login.clone(),
        row.name.clone().unwrap_or_default(),
        row.role.as_str().to_string(),
        ts(row.joined_at),
        row.join_reason.clone(),
        row.left_at.map(ts).unwrap_or_default(),
        row.end_kind
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        row.leave_reason.clone().unwrap_or_default(),
        row.decision_id.map(|id| id.to_string()).unwrap_or_default(),
        row.decision_id
            .map(|id| absolute(&format!("/decisions/{id}")))
            .unwrap_or_default(),
        row.nomination_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    ]
}

/// A team's whole ledger as JSON, oldest row first.
pub fn ledger_json(team: &Team, rows: &[LedgerRow], absolute: &impl Fn(&str) -> String) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "login": row.login,
                "name": row.name,
                "role": row.role.as_str(),
                "joined_at": ts(row.joined_at),
                "join_reason": row.join_reason,
                "added_by": row.added_by,
                "left_at": opt_ts(row.left_at),
                "end_kind": row.end_kind.map(|k| k.as_str()),
                "leave_reason": row.leave_reason,
                "closed_by": row.closed_by,
                "decision_id": row.decision_id,
                "decision_url": row.decision_id.map(|id| absolute(&format!("/decisions/{id}"))),
                "nomination_id": row.nomination_id,
            })
        })
        .collect();
    json!({
        "team": {"slug": team.slug, "name": team.name, "url": absolute(&format!("/teams/{}", team.slug))},
        "ledger": rows,
    })
}

/// Everything the decision page shows, as one document.
pub struct DecisionRecord<'a> {
    pub decision: &'a Decision,
    pub outcome: Outcome,
    pub deciders: &'a [Decider],
    pub positions: &'a [Position],
    pub concerns: &'a [Concern],
    pub recorded: Option<&'a RecordedOutcome>,
}

pub fn decision_json(r: &DecisionRecord<'_>, absolute: &impl Fn(&str) -> String) -> Value {
    let d = r.decision;
    json!({
        "id": d.id,
        "url": absolute(&format!("/decisions/{}", d.id)),
        "team": {"slug": d.team_slug, "name": d.team_name},
        "question": d.question,
        "body": d.body,
        "visibility": if d.is_public { "public" } else { "team" },
        "opened_by": d.opener_login,
        "opened_at": ts(d.opened_at),
        "closes_at": ts(d.closes_at),
        "rule": {"kind": d.rule.kind.as_str(), "n": d.rule.n},
        "effect": d.effect,
        "outcome": r.outcome.as_str(),
        "withdrawn": d.withdrawn_at.map(|at| json!({
            "at": ts(at), "by": d.withdrawn_by, "reason": d.withdrawal_reason,
        })),
        "deciders": r.deciders.iter().map(|x| json!({"login": x.login, "name": x.name})).collect::<Vec<_>>(),
        "positions": r.positions.iter().map(|p| json!({
            "login": p.login, "stance": p.stance.as_str(), "comment": p.comment, "at": ts(p.at),
            "by_proxy": p.by_proxy,
        })).collect::<Vec<_>>(),
        "concerns": r.concerns.iter().map(|c| json!({
            "raised_by": c.raised_by_login, "title": c.title, "raised_at": ts(c.raised_at),
            "resolved_at": opt_ts(c.resolved_at), "resolution": c.resolution,
        })).collect::<Vec<_>>(),
        "recorded_outcome": r.recorded.map(|o| json!({
            "statement": o.statement, "recorded_by": o.recorded_by, "recorded_at": ts(o.recorded_at),
        })),
    })
}

/// An RFC with every revision, and the feedback given: public feedback only, with its
/// disposition once the team has published it (withdrawn pieces without their text).
pub fn rfc_json(
    rfc: &Rfc,
    revisions: &[Revision],
    feedback: &[Feedback],
    now: OffsetDateTime,
    absolute: &impl Fn(&str) -> String,
) -> Value {
    json!({
        "id": rfc.id,
        "url": absolute(&format!("/rfcs/{}", rfc.id)),
        "team": {"slug": rfc.team_slug, "name": rfc.team_name},
        "title": rfc.current.title,
        "stage": rfc.stage(now).label(),
        "window": rfc.window.map(|w| json!({"opens_at": ts(w.opens_at), "closes_at": ts(w.closes_at)})),
        "resolution": rfc.resolution.map(|r| r.as_str()),
        "decision_id": rfc.decision_id,
        "disposition_published_at": opt_ts(rfc.disposition_published_at),
        "revisions": revisions.iter().map(|v| json!({
            "number": v.number, "title": v.title, "summary": v.summary, "body": v.body,
            "pull_request_url": v.pull_request_url, "change_note": v.change_note,
            "author": v.author_login, "created_at": ts(v.created_at),
        })).collect::<Vec<_>>(),
        "feedback": feedback.iter().filter(|f| f.visibility.as_str() == "public").map(|f| json!({
            "id": f.id,
            "author": f.author_login,
            "revision": f.revision_number,
            "body": if f.withdrawn_at.is_some() { None } else { Some(&f.body) },
            "created_at": ts(f.created_at),
            "edited_at": opt_ts(f.edited_at),
            "withdrawn_at": opt_ts(f.withdrawn_at),
            "disposition": f.verdict.map(|v| json!({
                "verdict": v.as_str(), "reason": f.reason, "recorded_by": f.disposed_by,
            })),
        })).collect::<Vec<_>>(),
    })
}
