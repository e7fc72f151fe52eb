//! Search across the public record at `/search` (and the box in every page's header).
//!
//! Rules:
//! - Only what everyone may read is searched, whoever asks: teams (name, purpose,
//!   mandate), public RFCs (title, summary and current text), public feedback on them,
//!   public decisions (question, body, recorded outcome), calls for nominations,
//!   published posts and their comments, and people (login, name). Private feedback,
//!   team-only decisions, nominations and drafts are not in the statement at all
//!   (`db::search`), so no page can show them.
//! - PostgreSQL's full-text search does the work: a generated `tsvector` column per table
//!   with a GIN index (migration `20261204020100_search.sql`), `websearch_to_tsquery` (so
//!   `"quoted phrases"`, `or` and `-word` work as on a web search engine), `ts_rank` for
//!   the best-first order, `ts_headline` for the snippet.
//! - A page of 20 hits costs the same number of statements whatever it holds: the search,
//!   the teams for the filter, and for pages with people on them their teams.
//! - Bad parameters (an unknown kind or team, a page out of range, a query over 200
//!   characters) are answered 422 with the form as typed and a sentence per problem.

pub mod db;
mod handlers;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new().route("/search", get(handlers::search))
}
