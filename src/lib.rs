//! Concord: an open-source community runs its teams in the open here. One room per
//! domain: a URL prefix, a source folder and a template folder of the same name.

/// Shared state: pool, configuration, GitHub client, clock.
pub mod app;
/// Sign-in with GitHub, development sign-in, sessions.
pub mod auth;
/// The command line.
pub mod cli;
/// Configuration from flags and environment.
pub mod config;
/// The pool, the embedded PostgreSQL, migrations.
pub mod db;
/// Fictional demo data for development.
pub mod demo;
/// The one error type and the error pages.
pub mod error;
/// The home page and health checks.
pub mod home;
/// All rooms' routes and the layers around them.
pub mod router;
/// Shared HTTP pieces: extractors, CSRF, flash, layout, forms, Markdown.
pub mod web;
