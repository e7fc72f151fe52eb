//! Pull-request RFCs: when a public RFC's current revision links a pull request on
//! github.com, Concord writes one comment on it when the feedback window opens (what it
//! is, the closing time in UTC, where to give feedback publicly or privately) and edits
//! that same comment when the disposition is published. A pass of the GitHub worker does
//! it (one instance at a time, by an advisory lock), records the comment's id in
//! `github_pr_comments`, and retries a failed write with the notification worker's
//! backoff for a day (a repository the App is not installed on answers 404).

use sqlx::PgPool;
use time::OffsetDateTime;

use super::app::GithubApp;
use super::db;
use super::model::{self, PrStage};

/// Comments written or edited, and failed attempts.
pub async fn pass(
    pool: &PgPool,
    app: &GithubApp,
    config: &crate::config::Config,
    now: OffsetDateTime,
) -> sqlx::Result<(usize, usize)> {
    let mut tx = pool.begin().await?;
    if !db::try_pr_lock(&mut tx).await? {
        return Ok((0, 0));
    }
    let (mut written, mut failed) = (0, 0);
    for c in db::pr_candidates(&mut *tx, now).await? {
        let Some((repo, number)) = model::pull_request(&c.pull_request_url) else {
            continue;
        };
        let Some(due) = PrStage::due(c.opens_at, c.published, now) else {
            continue;
        };
        // The same pull request as before: edit the comment; another one: a new comment.
        let same =
            c.repo.as_deref() == Some(repo.as_str()) && c.number.map(i64::from) == Some(number);
        let recorded = c.stage.as_deref().and_then(PrStage::parse).filter(|_| same);
        if recorded.is_some_and(|r| r >= due) {
            continue;
        }
        if same && c.next_attempt_at.is_some_and(|at| at > now) {
            continue;
        }
        if same
            && c.first_failed_at
                .is_some_and(|first| crate::notify::model::gives_up(first, now))
        {
            continue;
        }
        let body = model::pr_comment(
            due,
            &c.title,
            &c.team_name,
            c.closes_at,
            &config.absolute(&format!("/rfcs/{}", c.rfc_id)),
        );
        let existing = c.comment_id.filter(|_| same);
        match app.comment(&repo, number, existing, &body, now).await {
            Ok(id) => {
                db::record_pr_comment(&mut tx, c.rfc_id, &repo, number, id, due.as_str(), now)
                    .await?;
                written += 1;
            }
            Err(e) => {
                let attempts = c.attempts.filter(|_| same).unwrap_or(0);
                let next = now + crate::notify::model::backoff(attempts);
                tracing::warn!(rfc = c.rfc_id, error = %e, "a pull-request comment was not written");
                db::record_pr_failure(&mut tx, c.rfc_id, &repo, number, &e.to_string(), next, now)
                    .await?;
                failed += 1;
            }
        }
    }
    tx.commit().await?;
    Ok((written, failed))
}
