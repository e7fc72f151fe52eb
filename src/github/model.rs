//! The GitHub App's pure rules: names, who may link a team, when an installation token
//! is refreshed, and the plan that makes a GitHub team match the ledger.

use time::OffsetDateTime;

use crate::error::AppError;
use crate::teams::model::LedgerRow;
use crate::web::dates::format_utc;

/// An installation token lives an hour; a new one is asked for this long before it ends,
/// so no request goes out with a token about to expire.
pub const REFRESH_MARGIN: time::Duration = time::Duration::minutes(5);

/// How long the App's JWT is good for (GitHub takes at most ten minutes).
pub const JWT_LIFETIME: time::Duration = time::Duration::minutes(9);

/// Whether a cached installation token must be replaced before use at `now`.
pub fn needs_refresh(expires_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    expires_at - now <= REFRESH_MARGIN
}

/// An organization, login or team slug as GitHub spells them: letters, digits and `-`
/// (slugs also `_` and `.`), not starting with a punctuation mark, at most 100 characters.
pub fn is_github_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 100
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What is wrong with a typed GitHub team slug, for the linking form.
pub fn slug_problem(slug: &str) -> Option<&'static str> {
    if slug.is_empty() {
        Some("Give the GitHub team's slug, as in github.com/orgs/<org>/teams/<slug>.")
    } else if !is_github_name(slug) {
        Some(
            "A GitHub team slug has letters, digits, '-', '_' and '.' only (as in github.com/orgs/<org>/teams/<slug>).",
        )
    } else {
        None
    }
}

/// A team's leads and the site administrators link it to a GitHub team.
pub fn require_linker(signed_in: bool, is_admin: bool, is_lead: bool) -> Result<(), AppError> {
    match (signed_in, is_admin || is_lead) {
        (_, true) => Ok(()),
        (true, false) => Err(AppError::Forbidden(
            "only the team's leads and site administrators link it to a GitHub team",
        )),
        (false, false) => Err(AppError::SignInRequired),
    }
}

/// A GitHub account as the API names it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct Account {
    pub id: i64,
    pub login: String,
}

/// A person the ledger says belongs on the GitHub team (a current member, any role).
#[derive(Clone, Debug)]
pub struct Wanted {
    pub user_id: i64,
    pub login: String,
    /// GitHub's numeric id, once known (sign-in, or resolved from the login).
    pub github_id: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Concord has the person, GitHub does not.
    Add,
    /// GitHub has the person, Concord does not.
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Remove => "remove",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "add" => Some(Action::Add),
            "remove" => Some(Action::Remove),
            _ => None,
        }
    }
}

/// What GitHub should do after a ledger change: an open row (any role, on leave
/// included) belongs on the GitHub team, as in [`plan`]; a closed one does not.
pub fn action_for(open_row: bool) -> Action {
    if open_row {
        Action::Add
    } else {
        Action::Remove
    }
}

/// One difference between a linked team's ledger and its GitHub team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub action: Action,
    /// The login to use on GitHub (GitHub's current one when known).
    pub login: String,
    pub github_id: Option<i64>,
    /// The ledger row that explains it, in words.
    pub why: String,
}

/// The ledger row that explains a person's place: the open row of a current member, or
/// the latest closed row of someone who left.
fn explain(row: &LedgerRow) -> String {
    match row.left_at {
        None => format!(
            "ledger row #{}: {} since {} ({})",
            row.id,
            row.role.as_str(),
            format_utc(row.joined_at),
            row.join_reason
        ),
        Some(left) => format!(
            "ledger row #{}: left on {}{}",
            row.id,
            format_utc(left),
            row.leave_reason
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
    }
}

/// The changes that make `github` (the team's members on GitHub) match the ledger
/// (`rows`, the team's whole ledger; `wanted`, its current members). A person is matched
/// by GitHub id when Concord knows it (so a rename on GitHub is no drift), else by login
/// without regard to case. Adds first, then removals, each in login order.
pub fn plan(rows: &[LedgerRow], wanted: &[Wanted], github: &[Account]) -> Vec<Change> {
    let on_github = |w: &Wanted| {
        github.iter().find(|a| match w.github_id {
            Some(id) => a.id == id,
            None => a.login.eq_ignore_ascii_case(&w.login),
        })
    };
    let latest_row = |user_id: i64| rows.iter().rev().find(|r| r.user_id == user_id);
    let mut changes: Vec<Change> = wanted
        .iter()
        .filter(|w| on_github(w).is_none())
        .map(|w| Change {
            action: Action::Add,
            login: w.login.clone(),
            github_id: w.github_id,
            why: latest_row(w.user_id).map(explain).unwrap_or_default(),
        })
        .collect();
    let mut removals: Vec<Change> = github
        .iter()
        .filter(|a| {
            !wanted.iter().any(|w| match w.github_id {
                Some(id) => a.id == id,
                None => a.login.eq_ignore_ascii_case(&w.login),
            })
        })
        .map(|a| {
            // The person's latest row in this team, found by login (who left keeps theirs).
            let row = rows
                .iter()
                .rev()
                .find(|r| r.login.eq_ignore_ascii_case(&a.login));
            Change {
                action: Action::Remove,
                login: a.login.clone(),
                github_id: Some(a.id),
                why: row
                    .map(explain)
                    .unwrap_or_else(|| "not in Concord's ledger of the team".into()),
            }
        })
        .collect();
    changes.sort_by_key(|c| c.login.to_lowercase());
    removals.sort_by_key(|c| c.login.to_lowercase());
    changes.extend(removals);
    changes
}

/// One sentence on a difference the daily check found (`direction`: `extra` on GitHub,
/// `missing` there).
pub fn drift_line(login: &str, direction: &str, seen: OffsetDateTime) -> String {
    match direction {
        "extra" => format!(
            "{login} is on GitHub but not in the ledger (found {}).",
            format_utc(seen)
        ),
        _ => format!(
            "{login} is in the ledger but not on GitHub (found {}).",
            format_utc(seen)
        ),
    }
}

/// One sentence on a change a decision asked of GitHub: applied, waiting (with the
/// last error, if an attempt failed) or failed with GitHub's message.
pub fn status_line(change: &crate::github::db::DecisionChange) -> String {
    let team = change
        .github_slug
        .as_deref()
        .unwrap_or("(no longer linked)");
    let what = match Action::parse(&change.action) {
        Some(Action::Remove) => format!("Remove {} from the GitHub team {team}", change.login),
        _ => format!("Add {} to the GitHub team {team}", change.login),
    };
    match (change.applied_at, change.failed_at, &change.last_error) {
        (Some(at), _, _) => format!("{what}: applied on {}.", format_utc(at)),
        (None, Some(at), why) => format!(
            "{what}: failed on {} after {} attempts: {}.",
            format_utc(at),
            change.attempts,
            why.as_deref().unwrap_or("no answer")
        ),
        (None, None, Some(why)) => format!(
            "{what}: waiting, tried {} time(s), next try {}; GitHub said: {why}.",
            change.attempts,
            format_utc(change.next_attempt_at)
        ),
        (None, None, None) => format!("{what}: waiting for the worker."),
    }
}

/// A pull request on github.com an RFC links to: `owner/name` and its number.
pub fn pull_request(url: &str) -> Option<(String, i64)> {
    let rest = url.trim().strip_prefix("https://github.com/")?;
    let mut parts = rest.trim_end_matches('/').split('/');
    let (owner, repo, kind, number) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let number: i64 = number.parse().ok().filter(|n| *n > 0)?;
    (kind == "pull" && is_github_name(owner) && is_github_name(repo))
        .then(|| (format!("{owner}/{repo}"), number))
}

/// What Concord's comment on an RFC's pull request should say at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrStage {
    /// The feedback window has opened: what it is, when it closes, where to give feedback.
    Window,
    /// The disposition of the feedback is published: a link to it.
    Disposition,
}

impl PrStage {
    pub fn as_str(self) -> &'static str {
        match self {
            PrStage::Window => "window",
            PrStage::Disposition => "disposition",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "window" => Some(PrStage::Window),
            "disposition" => Some(PrStage::Disposition),
            _ => None,
        }
    }

    /// The stage due at `now`: none before the window opens.
    pub fn due(
        opens_at: Option<OffsetDateTime>,
        disposition_published: bool,
        now: OffsetDateTime,
    ) -> Option<Self> {
        match (opens_at, disposition_published) {
            (_, true) => Some(PrStage::Disposition),
            (Some(opens), false) if opens <= now => Some(PrStage::Window),
            _ => None,
        }
    }
}

/// The comment's text at a stage (`rfc_url` absolute).
pub fn pr_comment(
    stage: PrStage,
    title: &str,
    team: &str,
    closes_at: Option<OffsetDateTime>,
    rfc_url: &str,
) -> String {
    match stage {
        PrStage::Window => format!(
            "**Open for feedback on Concord.** This pull request is the RFC \"{title}\" of {team}. Its feedback window closes on {}. Give feedback there, publicly or privately to the team: {rfc_url}\n\n<sub>Concord keeps this comment up to date.</sub>",
            closes_at.map(format_utc).unwrap_or_default()
        ),
        PrStage::Disposition => format!(
            "**Feedback closed: the disposition is published.** The RFC \"{title}\" of {team} received feedback on Concord, and the team has published how it disposed of it: {rfc_url}/disposition\n\n<sub>Concord keeps this comment up to date.</sub>"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teams::model::Role;
    use time::macros::datetime;

    fn row(id: i64, user_id: i64, login: &str, left: bool) -> LedgerRow {
        LedgerRow {
            id,
            team_id: 1,
            user_id,
            login: login.into(),
            name: None,
            role: Role::Member,
            joined_at: datetime!(2025-01-01 00:00 UTC),
            join_reason: "founding member".into(),
            added_by: None,
            left_at: left.then_some(datetime!(2026-01-01 00:00 UTC)),
            end_kind: None,
            leave_reason: left.then(|| "stepped down".into()),
            closed_by: None,
            decision_id: None,
            nomination_id: None,
        }
    }

    fn wanted(user_id: i64, login: &str, github_id: Option<i64>) -> Wanted {
        Wanted {
            user_id,
            login: login.into(),
            github_id,
        }
    }

    fn account(id: i64, login: &str) -> Account {
        Account {
            id,
            login: login.into(),
        }
    }

    #[test]
    fn a_plan_adds_the_missing_and_removes_the_extra_each_with_its_row() {
        let rows = [row(1, 10, "ada", false), row(2, 11, "bob", true)];
        let changes = plan(
            &rows,
            &[wanted(10, "ada", None)],
            &[account(500, "bob"), account(501, "eve")],
        );
        assert_eq!(changes.len(), 3);
        assert_eq!(
            (changes[0].action, changes[0].login.as_str()),
            (Action::Add, "ada")
        );
        assert!(changes[0].why.starts_with("ledger row #1: member since"));
        assert_eq!(
            (changes[1].action, changes[1].login.as_str()),
            (Action::Remove, "bob")
        );
        assert!(
            changes[1]
                .why
                .contains("ledger row #2: left on 2026-01-01 00:00 UTC (stepped down)")
        );
        assert_eq!(changes[2].why, "not in Concord's ledger of the team");
    }

    #[test]
    fn matching_is_by_github_id_when_known_so_a_rename_is_no_drift() {
        let rows = [row(1, 10, "old-name", false)];
        assert!(
            plan(
                &rows,
                &[wanted(10, "old-name", Some(7))],
                &[account(7, "new-name")]
            )
            .is_empty()
        );
        // Without an id, by login, whatever the case.
        assert!(
            plan(
                &rows,
                &[wanted(10, "Old-Name", None)],
                &[account(7, "old-name")]
            )
            .is_empty()
        );
        // An id that differs is someone else, even with the same login.
        let changes = plan(
            &rows,
            &[wanted(10, "old-name", Some(8))],
            &[account(7, "old-name")],
        );
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn a_token_is_refreshed_five_minutes_before_it_ends() {
        let now = datetime!(2026-03-02 09:00 UTC);
        assert!(!needs_refresh(now + time::Duration::minutes(6), now));
        assert!(needs_refresh(now + time::Duration::minutes(5), now));
        assert!(needs_refresh(now - time::Duration::minutes(1), now));
    }

    #[test]
    fn pull_request_links_and_stages() {
        assert_eq!(
            pull_request("https://github.com/acme/rfcs/pull/12"),
            Some(("acme/rfcs".into(), 12))
        );
        assert_eq!(
            pull_request("https://github.com/acme/rfcs/pull/12/"),
            Some(("acme/rfcs".into(), 12))
        );
        assert_eq!(pull_request("https://github.com/acme/rfcs/issues/12"), None);
        assert_eq!(pull_request("https://gitlab.com/acme/rfcs/pull/12"), None);
        assert_eq!(pull_request("https://github.com/acme/rfcs/pull/0"), None);
        let now = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(PrStage::due(None, false, now), None);
        assert_eq!(
            PrStage::due(Some(now + time::Duration::hours(1)), false, now),
            None
        );
        assert_eq!(PrStage::due(Some(now), false, now), Some(PrStage::Window));
        assert_eq!(
            PrStage::due(Some(now), true, now),
            Some(PrStage::Disposition)
        );
    }

    #[test]
    fn github_names() {
        assert!(is_github_name("core-team"));
        assert!(is_github_name("a.b_c"));
        assert!(!is_github_name(""));
        assert!(!is_github_name("-x"));
        assert!(!is_github_name("a b"));
        assert!(!is_github_name("a/b"));
        assert!(!is_github_name(&"a".repeat(101)));
        assert!(slug_problem("ok").is_none());
        assert!(slug_problem("no/slash").is_some());
    }

    #[test]
    fn leads_and_administrators_link() {
        assert!(require_linker(true, true, false).is_ok());
        assert!(require_linker(true, false, true).is_ok());
        assert!(matches!(
            require_linker(true, false, false),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require_linker(false, false, false),
            Err(AppError::SignInRequired)
        ));
    }
}
