//! Concord's integration tests: one binary, so the test PostgreSQL starts once per run.

mod support;

mod access;
mod api;
mod audit;
mod auth;
mod browser;
mod cli;
mod decisions;
mod embedded;
mod forms;
mod idempotency;
mod nominations;
mod odd_input;
mod page_cache;
mod posts;
mod reliability;
mod rfcs;
mod scale;
mod security;
mod teams;
