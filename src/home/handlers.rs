use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::pages::{CallItem, HomePage, TeamItem};
use crate::app::AppState;
use crate::rfcs::{self, RfcItem};
use crate::web::layout::Layout;
use crate::{nominations, posts, teams};

/// How many teams the home page lists.
const HOME_TEAMS: i64 = 8;
/// How many open calls for nominations the home page lists.
const HOME_CALLS: i64 = 10;
/// How many team updates the home page lists.
const HOME_UPDATES: i64 = 5;

/// How many open feedback windows the home page lists.
const HOME_WINDOWS: i64 = 6;

/// The home page stays up when the database is not: the lists are then left out.
pub async fn show_home(State(state): State<AppState>, layout: Layout) -> HomePage {
    let now = state.clock.now();
    let windows = match rfcs::db::open_for_feedback(&state.pool, now, HOME_WINDOWS).await {
        Ok(open) => open.iter().map(|rfc| RfcItem::of(rfc, now)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "the home page could not list the open feedback windows");
            Vec::new()
        }
    };
    let listed = teams::db::list_active_names(&state.pool, HOME_TEAMS + 1).await;
    let (teams, teams_unavailable) = match listed {
        Ok(teams) => (teams, false),
        Err(e) => {
            tracing::warn!(error = %e, "the home page could not list the teams");
            (Vec::new(), true)
        }
    };
    let more_teams = teams.len() as i64 > HOME_TEAMS;
    let teams = teams
        .into_iter()
        .take(HOME_TEAMS as usize)
        .map(|(slug, name, purpose)| TeamItem {
            slug,
            name,
            purpose: first_line(&purpose),
        })
        .collect();
    let now = state.clock.now();
    let calls = match nominations::db::open_calls(&state.pool, now, HOME_CALLS).await {
        Ok(calls) => calls,
        Err(_) if teams_unavailable => Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, "the home page could not list the open calls");
            Vec::new()
        }
    };
    let calls = calls
        .into_iter()
        .map(|c| CallItem {
            id: c.id,
            title: c.title,
            team_name: c.team_name,
            closes: format!("closes {}", crate::web::dates::format_utc(c.closes_at)),
        })
        .collect();
    let updates = if teams_unavailable {
        Vec::new()
    } else {
        match posts::db::list_published(&state.pool, None, false, HOME_UPDATES, 0).await {
            Ok(listed) => listed.iter().map(posts::pages::PostItem::of).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "the home page could not list the updates");
                Vec::new()
            }
        }
    };
    HomePage {
        layout,
        windows,
        teams,
        calls,
        more_teams,
        teams_unavailable,
        updates,
    }
}

/// The first line of a purpose, without Markdown emphasis, for a one-line summary.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let plain: String = line
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#'))
        .collect();
    match plain.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &plain[..i]),
        None => plain,
    }
}

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers within a second.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let check = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(1), check).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/style.css"),
    )
}

pub async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}
