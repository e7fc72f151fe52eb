//! Concord's integration tests: one binary, so the test PostgreSQL starts once per run.

mod support;

mod access;
mod api;
mod api_v1;
mod api_v1_writes;
mod audit;
mod auth;
mod browser;
mod calendar;
mod cli;
mod decisions;
mod embedded;
mod export;
mod forms;
mod handover;
mod holds;
mod idempotency;
mod nominations;
mod notify;
mod odd_input;
mod openapi;
mod overrule;
mod page_cache;
mod posts;
mod previews;
mod proxies;
mod reliability;
mod rfc_concerns;
mod rfcs;
mod scale;
mod search;
mod security;
mod teams;
mod tokens;
mod tokens_admin;
