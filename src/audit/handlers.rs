use axum::extract::{Query, State};
use serde::Deserialize;

use super::db;
use super::model::PAGE_SIZE;
use super::pages::AuditPage;
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;
use crate::web::layout::Layout;

#[derive(Deserialize)]
pub struct AuditQuery {
    /// Show entries older than this id (the "older entries" link).
    before: Option<String>,
}

/// The public log for everyone; members also see their teams' team-only entries.
pub async fn list_entries(
    State(state): State<AppState>,
    layout: Layout,
    Query(query): Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    let before = query
        .before
        .as_deref()
        .and_then(|b| b.trim().parse::<i64>().ok());
    let viewer_teams = match &layout.user {
        Some(user) => teams::db::current_team_ids(&state.pool, user.id).await?,
        None => Vec::new(),
    };
    let mut rows = db::list_visible(&state.pool, &viewer_teams, before, PAGE_SIZE + 1).await?;
    let older = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok(AuditPage::new(layout, &rows, before.is_some(), older))
}
