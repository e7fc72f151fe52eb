//! Committer eligibility by GitHub team: a call open to "members of the GitHub team
//! <org>/<slug>" asks GitHub, through the App, at nomination. The answer is kept for
//! [`KEPT`] (in memory, per instance), so a burst of nominations asks once; a failure is
//! not kept, so the next try asks again.

use time::OffsetDateTime;

use super::app::GithubApp;

/// How long GitHub's answer is kept.
pub const KEPT: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Whether `login` is an active member of the organization's team `slug`; the error is
/// said to the person (GitHub could not be asked, and why).
pub async fn is_member(
    app: &GithubApp,
    slug: &str,
    login: &str,
    now: OffsetDateTime,
) -> Result<bool, String> {
    let key = (slug.to_lowercase(), login.to_lowercase());
    if let Some(kept) = app.memberships.get(&key).await {
        return Ok(kept);
    }
    let answer = app
        .is_team_member(slug, login, now)
        .await
        .map_err(|e| e.to_string())?;
    app.memberships.insert(key, answer).await;
    Ok(answer)
}

/// What GitHub says of a nominee for a call: `Ok(false)` for calls not open to a GitHub
/// team (their own rule decides), else whether the nominee is in the team, or why GitHub
/// could not be asked.
pub async fn nominee_in_team(
    app: Option<&GithubApp>,
    eligibility: &crate::nominations::model::Eligibility,
    login: &str,
    now: OffsetDateTime,
) -> Result<bool, String> {
    let crate::nominations::model::Eligibility::GithubTeam(slug) = eligibility else {
        return Ok(false);
    };
    match app {
        None => Err("the GitHub App is no longer configured on this site".into()),
        Some(app) => is_member(app, slug, login, now).await,
    }
}

/// Why a call cannot be open to the GitHub team it names (`slug`, if it names one): the
/// App is off, the organization has no such team, or GitHub cannot be asked.
pub async fn call_team_problem(
    app: Option<&GithubApp>,
    slug: Option<&str>,
    now: OffsetDateTime,
) -> Option<String> {
    let slug = slug?;
    let Some(app) = app else {
        return Some(
            "The GitHub App is not configured on this site, so a call cannot be open to a GitHub team.".into(),
        );
    };
    match app.team(slug, now).await {
        Ok(Some(_)) => None,
        Ok(None) => Some(format!("The organization {} has no team {slug}.", app.org)),
        Err(e) => Some(format!("{e}; try again in a moment.")),
    }
}
