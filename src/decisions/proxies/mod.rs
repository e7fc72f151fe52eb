//! Proxies: a decider names another member of the team to take positions on their behalf,
//! for one decision (on its page) or for every decision opened while they are on leave
//! (`/teams/{slug}/decisions/proxy`). The rules are `decisions::model::proxies`; this
//! holds their SQL (`db`) and HTTP handlers.

pub mod db;
pub(super) mod handlers;
