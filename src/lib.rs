//! Concord: an open-source community runs its teams in the open here. One room per
//! domain: a URL prefix, a source folder and a template folder of the same name.

/// The read-only JSON API (`/api/v1/...`).
pub mod api;
/// Shared state: pool, configuration, GitHub client, clock.
pub mod app;
/// The audit log: one entry per change of state, public or team-only.
pub mod audit;
/// Sign-in with GitHub, development sign-in, sessions.
pub mod auth;
/// Calendar feeds (iCalendar) of public deadlines.
pub mod calendar;
/// The command line.
pub mod cli;
/// Configuration from flags and environment.
pub mod config;
/// The pool, the embedded PostgreSQL, migrations.
pub mod db;
/// Consensus decisions: positions, named concerns, the tally, typed effects.
pub mod decisions;
/// Fictional demo data for development.
pub mod demo;
/// The one error type and the error pages.
pub mod error;
/// Exports: ledgers as CSV and JSON, decision and RFC records, the public record archive.
pub mod export;
/// The GitHub App: linked teams, plan and apply, decisions taking effect on GitHub.
pub mod github;
/// The home page and health checks.
pub mod home;
/// The personal inbox: what awaits a signed-in person, a section per room.
pub mod inbox;
/// Recruitment: calls for nominations, consent, the private pipeline, eligibility lists.
pub mod nominations;
/// Notifications: the outbox, mail, reminders, digests and unsubscribe links.
pub mod notify;
/// A page per person: who they are, their teams and their public contributions.
pub mod people;
/// Team update posts: four-eyes publishing, likes, comments, incident reports, feeds.
pub mod posts;
/// Policy RFCs: revisions, feedback windows, feedback and its disposition.
pub mod rfcs;
/// All rooms' routes and the layers around them.
pub mod router;
/// Generated scale data for benchmarks (`concord seed-scale`).
pub mod scale;
/// Search across the public record (`/search`).
pub mod search;
/// A person's own settings: their address and what they are told.
pub mod settings;
/// What search engines are told: `robots.txt` and `sitemap.xml`.
pub mod sitemap;
/// Teams, charters, delegation and the membership ledger.
pub mod teams;
/// Personal API tokens (`/settings/tokens`) and the API's bearer authentication.
pub mod tokens;
/// Shared HTTP pieces: extractors, CSRF, flash, layout, forms, Markdown.
pub mod web;
