//! The daily drift check: every linked team's plan, compared with what was last found.
//! New differences (someone added on GitHub by hand, or missing there) go to the team's
//! members as a notice (`Kind::GithubDrift`, in the digest unless they chose otherwise)
//! and stay in their inbox until GitHub matches again. One instance a day does it: the
//! day's row of `github_checks` is claimed in the check's transaction, so a second
//! instance waits for it and then finds the day taken; a check that fails rolls its
//! claim back and is tried again later.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::app::GithubApp;
use super::db;
use super::model::Action;
use super::sync::{self, SyncError, TeamPlan};
use crate::notify::model::{Kind, Notice};

/// What a check found that was not known before, per team.
fn direction(action: Action) -> &'static str {
    match action {
        Action::Add => "missing",
        Action::Remove => "extra",
    }
}

fn notice(plan: &TeamPlan) -> Notice {
    let lines: Vec<String> = plan
        .changes
        .iter()
        .map(|c| match c.action {
            Action::Add => format!(
                "- {} is in the ledger but not on GitHub ({})",
                c.login, c.why
            ),
            Action::Remove => format!(
                "- {} is on GitHub but not in the ledger ({})",
                c.login, c.why
            ),
        })
        .collect();
    Notice {
        subject: format!(
            "{}: the GitHub team {} differs from the ledger",
            plan.link.team_name, plan.github_team
        ),
        text: format!(
            "The daily check found that the GitHub team {} no longer matches the ledger of {}. The plan:\n{}\nAn administrator applies it on /admin/github (or with `concord github apply`).",
            plan.github_team,
            plan.link.team_name,
            lines.join("\n")
        ),
        path: format!("/teams/{}/github", plan.link.team_slug),
    }
}

/// Runs today's check unless another instance has; the number of new differences, or
/// `None` when the day was already checked.
pub async fn daily_check(
    pool: &PgPool,
    app: &GithubApp,
    now: OffsetDateTime,
) -> Result<Option<usize>, SyncError> {
    let mut tx = pool.begin().await?;
    if !db::claim_check(&mut tx, now).await? {
        return Ok(None);
    }
    let plans = sync::plan_all(pool, app, now).await?;
    let mut total = 0;
    for plan in &plans {
        let found: Vec<(String, &'static str)> = plan
            .changes
            .iter()
            .map(|c| (c.login.clone(), direction(c.action)))
            .collect();
        let new = db::record_drift(&mut tx, plan.link.team_id, &found, now).await?;
        if new.is_empty() {
            continue;
        }
        total += new.len();
        db::audit_drift(
            &mut tx,
            plan.link.team_id,
            &plan.link.team_name,
            &plan.github_team,
            &new,
            now,
        )
        .await?;
        let members: Vec<i64> = db::wanted(&mut *tx, plan.link.team_id)
            .await?
            .iter()
            .map(|w| w.user_id)
            .collect();
        let event = format!("github-drift:{}:{}", plan.link.team_id, now.date());
        crate::notify::db::enqueue(
            &mut tx,
            Kind::GithubDrift,
            &event,
            &notice(plan),
            &members,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(total))
}
