//! Audit entries as other rooms write them and as `/audit` shows them.

use time::OffsetDateTime;

/// Who may read an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone, signed in or not.
    Public,
    /// The current members of the entry's team only.
    Team,
    /// Nobody on any page: kept for the record (a person's own tokens).
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Team => "team",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Visibility::Public),
            "team" => Some(Visibility::Team),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

/// What an entry is about: a kind (`team`, `membership`, ...), its id, and a label a
/// person can read even after the thing has changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: Option<i64>,
    pub label: String,
}

/// One change of state, to be written with [`crate::audit::record`].
#[derive(Clone, Debug)]
pub struct Entry {
    pub at: OffsetDateTime,
    /// Who made the change; `None` for the system itself (demo data, scheduled work).
    pub actor_id: Option<i64>,
    /// `room.verb`, e.g. `team.created`, `membership.left`. Stable: tests and readers
    /// of the log rely on it.
    pub action: &'static str,
    pub subject: Subject,
    /// The team the change belongs to, if any. Team-only entries must have one.
    pub team_id: Option<i64>,
    pub visibility: Visibility,
    /// A JSON object with what changed.
    pub details: serde_json::Value,
}

/// How many entries a page of `/audit` shows.
pub const PAGE_SIZE: i64 = 50;

/// The rule for reading an entry: public entries are for everyone; team-only entries
/// for the current members of that team.
pub fn may_read(visibility: Visibility, team_id: Option<i64>, viewer_teams: &[i64]) -> bool {
    match visibility {
        Visibility::Public => true,
        Visibility::Team => team_id.is_some_and(|team| viewer_teams.contains(&team)),
        Visibility::Private => false,
    }
}

/// A readable sentence for an action; unknown actions are shown as they are.
pub fn describe(action: &str) -> &str {
    match action {
        "team.created" => "created the team",
        "team.delegated" => "delegated the team",
        "team.charter_changed" => "changed the charter of",
        "team.revoked" => "revoked the delegation of",
        "membership.joined" => "added a member to",
        "membership.role_changed" => "changed a member's role in",
        "membership.left" => "recorded a member leaving",
        "decision.opened" => "opened a decision in",
        "decision.position_taken" => "took a position on a decision in",
        "decision.concern_raised" => "raised a concern on a decision in",
        "decision.concern_resolved" => "resolved a concern on a decision in",
        "decision.withdrawn" => "withdrew a decision in",
        "decision.outcome_recorded" => "recorded the outcome of a decision in",
        "post.drafted" => "drafted a post in",
        "post.edited" => "edited a post in",
        "post.submitted" => "submitted a post for review in",
        "post.published" => "approved and published a post in",
        "post.changes_requested" => "asked for changes to a post in",
        "post.liked" => "liked a post in",
        "post.unliked" => "took back a like of a post in",
        "post.pinned" => "pinned a post in",
        "post.unpinned" => "unpinned a post in",
        "post.commented" => "commented on a post in",
        "post.comment_edited" => "edited a comment on a post in",
        "post.comment_deleted" => "deleted a comment on a post in",
        "post.action_added" => "added an action item to a post in",
        "post.action_changed" => "changed an action item of a post in",
        "rfc.drafted" => "drafted",
        "rfc.revised" => "revised",
        "rfc.window_set" => "set the feedback window of",
        "rfc.window_changed" => "changed the feedback window of",
        "rfc.disposition_published" => "published the disposition of the feedback on",
        "rfc_feedback.submitted" => "gave",
        "rfc_feedback.edited" => "edited",
        "rfc_feedback.withdrawn" => "withdrew",
        "rfc_disposition.recorded" => "recorded the disposition of",
        "person.removed" => "removed the account of",
        "person.restored" => "restored the account of",
        other => other,
    }
}

/// The details object flattened to `key: value` lines, sorted by key.
pub fn detail_lines(details: &serde_json::Value) -> Vec<(String, String)> {
    let Some(object) = details.as_object() else {
        return Vec::new();
    };
    object
        .iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "none".to_string(),
                other => other.to_string(),
            };
            (key.replace('_', " "), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_entries_are_for_everyone_and_team_entries_for_members() {
        assert!(may_read(Visibility::Public, None, &[]));
        assert!(may_read(Visibility::Public, Some(3), &[]));
        assert!(!may_read(Visibility::Team, Some(3), &[]));
        assert!(!may_read(Visibility::Team, Some(3), &[4, 5]));
        assert!(may_read(Visibility::Team, Some(3), &[4, 3]));
        assert!(!may_read(Visibility::Team, None, &[3]));
    }

    #[test]
    fn visibility_round_trips() {
        for v in [Visibility::Public, Visibility::Team] {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        assert_eq!(Visibility::parse("secret"), None);
    }

    #[test]
    fn details_become_lines() {
        let lines = detail_lines(&serde_json::json!({"role": "lead", "rule_n": 2, "note": null}));
        assert!(lines.contains(&("role".into(), "lead".into())));
        assert!(lines.contains(&("rule n".into(), "2".into())));
        assert!(lines.contains(&("note".into(), "none".into())));
        assert!(detail_lines(&serde_json::json!([1, 2])).is_empty());
    }
}
