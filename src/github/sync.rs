//! Plan and apply: read each linked team's ledger and its GitHub team, resolve people
//! Concord knows only by login to GitHub ids, and make GitHub match; and the worker pass
//! that applies the changes decisions queued.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::app::{GithubApp, GithubError};
use super::db::{self, Link};
use super::model::{self, Action, Change};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// One linked team's differences.
#[derive(Clone, Debug)]
pub struct TeamPlan {
    pub link: Link,
    /// The organization's team, `org/slug`.
    pub github_team: String,
    pub changes: Vec<Change>,
}

impl TeamPlan {
    pub fn has_drift(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// The plan of one linked team.
pub async fn plan_team(
    pool: &PgPool,
    app: &GithubApp,
    link: Link,
    now: OffsetDateTime,
) -> Result<TeamPlan, SyncError> {
    let rows = crate::teams::db::ledger(pool, link.team_id).await?;
    let mut wanted = db::wanted(pool, link.team_id).await?;
    for person in wanted.iter_mut().filter(|w| w.github_id.is_none()) {
        if let Some(account) = app.user_by_login(&person.login, now).await? {
            db::set_github_id(pool, person.user_id, account.id).await?;
            person.github_id = Some(account.id);
        }
    }
    let github = app.team_members(&link.github_slug, now).await?;
    let changes = model::plan(&rows, &wanted, &github);
    Ok(TeamPlan {
        github_team: format!("{}/{}", app.org, link.github_slug),
        link,
        changes,
    })
}

/// The plan of every linked team.
pub async fn plan_all(
    pool: &PgPool,
    app: &GithubApp,
    now: OffsetDateTime,
) -> Result<Vec<TeamPlan>, SyncError> {
    let mut plans = Vec::new();
    for link in db::links(pool).await? {
        plans.push(plan_team(pool, app, link, now).await?);
    }
    Ok(plans)
}

/// The login GitHub knows a person by now: looked up by id when Concord has it, so a
/// person renamed on GitHub is still found.
async fn current_login(
    app: &GithubApp,
    login: &str,
    github_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<String, GithubError> {
    match github_id {
        Some(id) => Ok(app
            .user_by_id(id, now)
            .await?
            .map(|a| a.login)
            .unwrap_or_else(|| login.to_string())),
        None => Ok(login.to_string()),
    }
}

/// Makes one change on GitHub.
pub async fn make(
    app: &GithubApp,
    github_slug: &str,
    action: Action,
    login: &str,
    github_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), GithubError> {
    let login = current_login(app, login, github_id, now).await?;
    match action {
        Action::Add => app.add_to_team(github_slug, &login, now).await,
        Action::Remove => app.remove_from_team(github_slug, &login, now).await,
    }
}

/// Makes GitHub match every plan, auditing each change once GitHub took it (each in a
/// transaction of its own, so what was done stays recorded if a later change fails).
/// Returns the changes made.
pub async fn apply(
    pool: &PgPool,
    app: &GithubApp,
    plans: &[TeamPlan],
    actor_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<usize, SyncError> {
    let mut made = 0;
    for plan in plans {
        if !plan.has_drift() {
            let mut tx = pool.begin().await?;
            db::clear_drift(&mut tx, plan.link.team_id).await?;
            tx.commit().await?;
        }
        for (n, change) in plan.changes.iter().enumerate() {
            make(
                app,
                &plan.link.github_slug,
                change.action,
                &change.login,
                change.github_id,
                now,
            )
            .await?;
            let mut tx = pool.begin().await?;
            db::audit_change(
                &mut tx,
                plan.link.team_id,
                &plan.link.team_name,
                &plan.github_team,
                change.action,
                &change.login,
                &change.why,
                actor_id,
                now,
            )
            .await?;
            if n + 1 == plan.changes.len() {
                // GitHub matches the ledger now: what the daily check found is gone.
                db::clear_drift(&mut tx, plan.link.team_id).await?;
            }
            tx.commit().await?;
            made += 1;
        }
    }
    Ok(made)
}

/// Changes claimed per transaction.
const BATCH: i64 = 20;

/// One pass of the worker over the queued changes: each due one is made on GitHub
/// inside its claiming transaction and marked applied, or its attempt and GitHub's
/// message are recorded and it is tried again later (the notification worker's backoff,
/// given up after a day). Returns (applied, failed attempts).
pub async fn changes_pass(
    pool: &PgPool,
    app: &GithubApp,
    now: OffsetDateTime,
) -> sqlx::Result<(usize, usize)> {
    let mut tx = pool.begin().await?;
    let due = db::claim_due(&mut tx, now, BATCH).await?;
    let (mut applied, mut failed) = (0, 0);
    for change in &due {
        let action = Action::parse(&change.action).unwrap_or(Action::Add);
        let answer = match &change.github_slug {
            None => Err("the team is no longer linked to a GitHub team".to_string()),
            Some(slug) => make(app, slug, action, &change.login, change.github_id, now)
                .await
                .map_err(|e| e.to_string()),
        };
        match answer {
            Ok(()) => {
                db::mark_applied(&mut tx, change.id, now).await?;
                let github_team = format!(
                    "{}/{}",
                    app.org,
                    change.github_slug.as_deref().unwrap_or_default()
                );
                db::audit_change(
                    &mut tx,
                    change.team_id,
                    &change.team_name,
                    &github_team,
                    action,
                    &change.login,
                    "queued by a decision",
                    None,
                    now,
                )
                .await?;
                applied += 1;
            }
            Err(why) => {
                let next = (!crate::notify::model::gives_up(change.created_at, now))
                    .then(|| now + crate::notify::model::backoff(change.attempts));
                tracing::warn!(change = change.id, error = %why, gave_up = next.is_none(), "a GitHub change was not made");
                db::mark_failed_attempt(&mut tx, change.id, &why, next, now).await?;
                failed += 1;
            }
        }
    }
    tx.commit().await?;
    Ok((applied, failed))
}

/// Runs the changes pass until the process ends (started by `concord serve` when the
/// App is configured).
pub async fn run(state: crate::app::AppState) {
    let Some(app) = state.github_app.clone() else {
        return;
    };
    let mut last_check: Option<OffsetDateTime> = None;
    loop {
        let now = state.clock.now();
        // The day's check, tried at most every ten minutes until it is done.
        if last_check.is_none_or(|at| now - at >= time::Duration::minutes(10)) {
            last_check = Some(now);
            if let Err(e) = super::drift::daily_check(&state.pool, &app, now).await {
                tracing::warn!(error = %e, "the GitHub drift check failed; it is tried again later");
            }
        }
        if let Err(e) = super::pulls::pass(&state.pool, &app, &state.config, now).await {
            tracing::warn!(error = %e, "the pull-request comment pass failed");
        }
        match changes_pass(&state.pool, &app, state.clock.now()).await {
            Ok((applied, failed)) if applied + failed > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the GitHub worker's pass failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}
