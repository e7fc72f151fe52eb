use axum::Extension;
use axum::extract::State;

use super::db::Version;
use super::model;
use super::pages::InboxPage;
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::CurrentUser;
use crate::web::layout::Layout;

pub async fn show_inbox(
    State(state): State<AppState>,
    mut layout: Layout,
    CurrentUser(user): CurrentUser,
    Extension(version): Extension<Version>,
) -> Result<InboxPage, AppError> {
    let now = state.clock.now();
    let rows = super::kept::rows(&state, user.id, &version, now).await?;
    let sections = model::sections(&rows, now);
    layout.inbox_count = model::total(&sections);
    Ok(InboxPage::new(layout, sections, now))
}
