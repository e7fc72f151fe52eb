use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::db;
use super::model::{self, Kind, Params, Search};
use super::pages::{HitView, SearchPage};
use crate::app::AppState;
use crate::error::AppError;
use crate::teams;
use crate::web::layout::Layout;

/// How many teams the team filter offers.
const TEAM_OPTIONS: i64 = 500;

/// `/search`: the form, and with a query the page of hits. The same for everyone: only
/// the public record is searched.
pub async fn search(
    State(state): State<AppState>,
    layout: Layout,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    // A query string that is not even key=value pairs is treated as no query at all.
    let params = query.map(|Query(p)| p).unwrap_or_default();
    let teams: Vec<(String, String)> = teams::db::list_active_names(&state.pool, TEAM_OPTIONS)
        .await?
        .into_iter()
        .map(|(slug, name, _)| (slug, name))
        .collect();
    let page = SearchPage::new(layout, &params, &teams);
    let search = match Search::from_params(&params) {
        Ok(search) => search,
        Err(problems) => return Ok(refused(page, problems)),
    };
    if search.q.is_empty() {
        return Ok(page.into_response());
    }
    let team_id = match &search.team {
        None => None,
        Some(slug) => match teams::db::find_team(&state.pool, slug).await? {
            Some(team) => Some(team.id),
            None => return Ok(refused(page, vec![format!("There is no team “{slug}”.")])),
        },
    };
    let options = model::headline_options();
    let mut hits = db::search(
        &state.pool,
        &db::Query {
            q: &search.q,
            kind: search.kind.map(Kind::as_str),
            team_id,
            newest: search.order == model::Order::Newest,
            limit: model::PAGE_SIZE + 1,
            offset: search.offset(),
            now: state.clock.now(),
            headline_options: &options,
        },
    )
    .await?;
    let more = hits.len() as i64 > model::PAGE_SIZE;
    hits.truncate(model::PAGE_SIZE as usize);
    let people: Vec<i64> = hits
        .iter()
        .filter(|h| h.kind == Kind::Person.as_str())
        .map(|h| h.id)
        .collect();
    let mut teams_of: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    if !people.is_empty() {
        for (person, slug, name) in db::teams_of(&state.pool, &people).await? {
            teams_of.entry(person).or_default().push((slug, name));
        }
    }
    let views = hits
        .iter()
        .filter_map(|hit| {
            let teams = match hit.kind == Kind::Person.as_str() {
                true => teams_of.remove(&hit.id).unwrap_or_default(),
                false => Vec::new(),
            };
            HitView::of(hit, teams)
        })
        .collect();
    Ok(page.with_hits(&search, views, more).into_response())
}

fn refused(mut page: SearchPage, problems: Vec<String>) -> Response {
    page.problems = problems;
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}
