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
