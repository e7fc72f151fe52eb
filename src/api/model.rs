//! The API's documents (their field names are a promise: see docs/API.md) and the
//! HTTP caching rules.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::config::Config;
use crate::teams::model::{LedgerRow, Team, roster};
use crate::web::dates::{format_date, rfc3339};

/// Clients and caches may reuse an answer for a minute, then revalidate with the ETag.
pub const CACHE_CONTROL: &str = "public, max-age=60";

/// An answer to a token: its owner's, kept by nobody (`Vary: Authorization` as well).
pub const PRIVATE_CACHE_CONTROL: &str = "private, no-store";

/// Every refusal: a machine-readable code, a message for people, and the request id
/// (also in the `x-request-id` header) to quote when asking about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorJson {
    pub code: String,
    pub message: String,
    pub request_id: String,
    /// Only for `invalid_fields`: a message per field.
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

/// `/api/v1/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub login: String,
    pub name: Option<String>,
    pub is_admin: bool,
    pub teams: Vec<MyTeam>,
    pub token: TokenJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyTeam {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    pub name: String,
    pub scopes: Vec<&'static str>,
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    pub teams: Vec<TeamJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamJson {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub purpose: String,
    pub parent: Option<String>,
    pub subteams: Vec<String>,
    pub mandate: String,
    pub decision_rule: RuleJson,
    pub review_date: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub members: Vec<MemberJson>,
    pub alumni: Vec<AlumnusJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleJson {
    pub kind: &'static str,
    pub n: i32,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    pub login: String,
    pub name: Option<String>,
    pub role: &'static str,
    pub since: String,
    pub role_since: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlumnusJson {
    pub login: String,
    pub name: Option<String>,
    pub years: String,
    pub stints: Vec<StintJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StintJson {
    pub joined_at: String,
    pub left_at: Option<String>,
}

pub fn team_json(
    team: &Team,
    subteams: Vec<String>,
    ledger: &[LedgerRow],
    config: &Config,
) -> TeamJson {
    let roster = roster(ledger);
    TeamJson {
        slug: team.slug.clone(),
        name: team.name.clone(),
        url: config.absolute(&format!("/teams/{}", team.slug)),
        purpose: team.purpose.clone(),
        parent: team.parent_slug.clone(),
        subteams,
        mandate: team.charter.mandate.clone(),
        decision_rule: RuleJson {
            kind: team.charter.rule.kind.as_str(),
            n: team.charter.rule.n,
            description: team.charter.rule.describe(),
        },
        review_date: team.charter.review_on.map(format_date),
        created_at: rfc3339(team.created_at),
        revoked_at: team.revoked_at.map(rfc3339),
        members: roster
            .current
            .iter()
            .map(|m| MemberJson {
                login: m.login.clone(),
                name: m.name.clone(),
                role: m.role.as_str(),
                since: rfc3339(m.since),
                role_since: rfc3339(m.role_since),
            })
            .collect(),
        alumni: roster
            .alumni
            .iter()
            .map(|a| AlumnusJson {
                login: a.login.clone(),
                name: a.name.clone(),
                years: a.years.clone(),
                stints: a
                    .stints
                    .iter()
                    .map(|s| StintJson {
                        joined_at: rfc3339(s.from),
                        left_at: s.to.map(rfc3339),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Every team, in the order given, with its sub-teams and people; `ledgers` holds the
/// rows of all teams.
pub fn team_list(teams: &[Team], ledgers: &[LedgerRow], config: &Config) -> Vec<TeamJson> {
    let mut rows_by_team: HashMap<i64, Vec<LedgerRow>> = HashMap::new();
    for row in ledgers {
        rows_by_team
            .entry(row.team_id)
            .or_default()
            .push(row.clone());
    }
    let mut subteams: HashMap<i64, Vec<String>> = HashMap::new();
    for team in teams {
        if let Some(parent) = team.parent_id {
            subteams.entry(parent).or_default().push(team.slug.clone());
        }
    }
    teams
        .iter()
        .map(|team| {
            let rows = rows_by_team.get(&team.id).map(Vec::as_slice).unwrap_or(&[]);
            let subs = subteams.remove(&team.id).unwrap_or_default();
            team_json(team, subs, rows, config)
        })
        .collect()
}

/// A weak validator: the body's hash. Weak, because compression changes the bytes sent
/// but not the document.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// `If-None-Match` matches when it is `*` or lists the ETag, compared weakly.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    if_none_match.trim() == "*" || if_none_match.split(',').any(|sent| opaque(sent) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_weak_and_follow_the_body() {
        let a = etag(b"{\"teams\":[]}");
        assert!(a.starts_with("W/\"") && a.ends_with('"'));
        assert_eq!(a, etag(b"{\"teams\":[]}"));
        assert_ne!(a, etag(b"{\"teams\":[1]}"));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = "W/\"abc\"";
        assert!(etag_matches("W/\"abc\"", tag));
        assert!(etag_matches("\"abc\"", tag));
        assert!(etag_matches("\"x\", W/\"abc\"", tag));
        assert!(etag_matches("*", tag));
        assert!(!etag_matches("\"abcd\"", tag));
        assert!(!etag_matches("", tag));
    }
}
