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
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Extension(version): Extension<Version>,
) -> Result<InboxPage, AppError> {
    let now = state.clock.now();
    let rows = super::kept::rows(&state, user.id, &version, now).await?;
    Ok(InboxPage::new(layout, model::sections(&rows, now), now))
}
