use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::model::{self, DecisionRecord};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::extract::MaybeUser;
use crate::{decisions, rfcs, teams};

/// The teams `user` belongs to now.
async fn user_teams(state: &AppState, user_id: Option<i64>) -> Result<Vec<i64>, AppError> {
    Ok(match user_id {
        Some(id) => teams::db::current_team_ids(&state.pool, id).await?,
        None => Vec::new(),
    })
}

/// An id in a path; anything else is not found.
fn id_in(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

fn download(content_type: &'static str, filename: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn json(filename: String, value: &Value) -> Response {
    let body = serde_json::to_string_pretty(value).unwrap_or_default();
    download("application/json", filename, body)
}

/// A team and its whole ledger, oldest row first.
async fn ledger(
    state: &AppState,
    slug: &str,
) -> Result<(teams::model::Team, Vec<teams::model::LedgerRow>), AppError> {
    let team = teams::db::find_team(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = teams::db::ledger(&state.pool, team.id).await?;
    Ok((team, rows))
}

/// `/teams/{slug}/ledger.json`: the whole ledger, public as on the team page.
pub async fn ledger_json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (team, rows) = ledger(&state, &slug).await?;
    let absolute = |path: &str| state.config.absolute(path);
    let value = model::ledger_json(&team, &rows, &absolute);
    Ok(json(format!("{}-ledger.json", team.slug), &value))
}

/// `/teams/{slug}/ledger.csv`: the same rows as CSV, one per ledger row.
pub async fn ledger_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (team, rows) = ledger(&state, &slug).await?;
    let absolute = |path: &str| state.config.absolute(path);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(model::LEDGER_COLUMNS)
        .map_err(AppError::internal)?;
    for row in &rows {
        writer
            .write_record(model::ledger_record(row, &absolute))
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    let body = String::from_utf8(bytes).map_err(AppError::internal)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("{}-ledger.csv", team.slug),
        body,
    ))
}

/// `/decisions/{id}/record.json`: everything the decision page shows, for those who may
/// see the decision (`decisions::model::require_viewer`).
pub async fn decision_json(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_in(&id)?;
    let decision = decisions::db::find_decision(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = decisions::model::Standing {
        signed_in: user.is_some(),
        is_member: user_teams(&state, user.as_ref().map(|u| u.id))
            .await?
            .contains(&decision.team_id),
        ..decisions::model::Standing::default()
    };
    decisions::model::require_viewer(decision.is_public, &standing)?;
    let deciders = decisions::db::deciders(&state.pool, id).await?;
    let positions = decisions::db::positions(&state.pool, id).await?;
    let concerns = decisions::db::concerns(&state.pool, id).await?;
    let recorded = decisions::db::recorded_outcome(&state.pool, id).await?;
    let tally = decisions::model::tally_of(&deciders, &positions, &concerns);
    let outcome = decision.outcome(&tally, state.clock.now());
    let absolute = |path: &str| state.config.absolute(path);
    let value = model::decision_json(
        &DecisionRecord {
            decision: &decision,
            outcome,
            deciders: &deciders,
            positions: &positions,
            concerns: &concerns,
            recorded: recorded.as_ref(),
        },
        &absolute,
    );
    Ok(json(format!("decision-{id}.json"), &value))
}

/// `/rfcs/{id}/record.json`: an RFC with its revisions, public feedback and published
/// dispositions, for those who may read the RFC (`rfcs::model::require_reader`).
pub async fn rfc_json(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_in(&id)?;
    let now = state.clock.now();
    let rfc = rfcs::db::find_rfc(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let user_id = user.as_ref().map(|u| u.id);
    let standing =
        rfcs::model::Standing::of(user_id, rfc.team_id, &user_teams(&state, user_id).await?);
    rfcs::model::require_reader(&rfc, &standing, now)?;
    let revisions = rfcs::db::revisions(&state.pool, id).await?;
    // Public feedback only, whoever asks: the export is the public record.
    let feedback = rfcs::db::feedback(&state.pool, id, None, false).await?;
    let absolute = |path: &str| state.config.absolute(path);
    let value = model::rfc_json(&rfc, &revisions, &feedback, now, &absolute);
    Ok(json(format!("rfc-{id}.json"), &value))
}
