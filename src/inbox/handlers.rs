use axum::extract::State;

use super::model::{SECTION_LIMIT, Section};
use super::pages::InboxPage;
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::CurrentUser;
use crate::web::layout::Layout;
use crate::{decisions, nominations, posts, rfcs};

pub async fn show_inbox(
    State(state): State<AppState>,
    layout: Layout,
    CurrentUser(user): CurrentUser,
) -> Result<InboxPage, AppError> {
    let now = state.clock.now();
    let sections = vec![
        Section {
            heading: "Decisions waiting for your position",
            empty: "No decision is waiting for your position.",
            items: decisions::db::awaiting_position(&state.pool, user.id, now, SECTION_LIMIT)
                .await?,
        },
        Section {
            heading: "Posts waiting for your review",
            empty: "No post is waiting for your review.",
            items: posts::db::awaiting_review(&state.pool, user.id, SECTION_LIMIT)
                .await?
                .iter()
                .map(posts::pages::inbox_item)
                .collect(),
        },
        Section {
            heading: "Nominations of you to answer",
            empty: "No nomination is waiting for your answer.",
            items: nominations::db::to_answer(&state.pool, user.id, SECTION_LIMIT).await?,
        },
        Section {
            heading: "Calls of your teams with stale nominations",
            empty: "No call of your teams has a stale nomination.",
            items: nominations::db::stale_calls(&state.pool, user.id, now, SECTION_LIMIT).await?,
        },
        Section {
            heading: "Feedback windows closing soon with feedback to dispose of",
            empty: "No feedback window of your teams closes within two days with feedback to dispose of.",
            items: rfcs::db::awaiting_disposition(&state.pool, user.id, now, SECTION_LIMIT).await?,
        },
    ];
    Ok(InboxPage::new(layout, sections, now))
}
