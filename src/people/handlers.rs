use axum::extract::{Path, State};

use super::db;
use super::pages::PersonPage;
use crate::app::AppState;
use crate::error::AppError;
use crate::web::layout::Layout;

pub async fn show_person(
    State(state): State<AppState>,
    layout: Layout,
    Path(login): Path<String>,
) -> Result<PersonPage, AppError> {
    let now = state.clock.now();
    let person = db::find_person(&state.pool, &login)
        .await?
        .ok_or(AppError::NotFound)?;
    let ledger = crate::teams::db::person_ledger(&state.pool, person.id).await?;
    let contributions = db::contributions(&state.pool, person.id, now).await?;
    Ok(PersonPage::new(layout, &person, &ledger, &contributions))
}
