//! Rate limits: sign-in attempts per address, and writes (every POST) per signed-in
//! person and per address. Counters live in this process's memory (governor's keyed
//! GCRA limiters): with several app instances each counts on its own, and a restart
//! forgets them. A refusal is a 429 page saying how long to wait, with `Retry-After`.
//!
//! The address is the TCP peer's, unless the peer is a trusted proxy
//! (`--trusted-proxies`): then it is the right-most `X-Forwarded-For` entry that is not
//! itself a trusted proxy, so a client cannot choose its own address by sending the
//! header (see [`client_address`]).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use crate::app::AppState;
use crate::config::Limits;
use crate::error::{ErrorInfo, RefusedForm};
use crate::web::extract::SignedIn;

/// One keyed limiter, or none when its limit is 0.
type Limiter<K> = Option<DefaultKeyedRateLimiter<K>>;

fn per_minute<K: std::hash::Hash + Eq + Clone>(n: u32) -> Limiter<K> {
    NonZeroU32::new(n).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

/// The limiters of one running application.
pub struct RateLimits {
    sign_ins_per_address: Limiter<IpAddr>,
    writes_per_person: Limiter<i64>,
    writes_per_address: Limiter<IpAddr>,
    /// API requests per token: this one also tells how much is left, for the
    /// `RateLimit-*` headers.
    api_per_token: Option<TokenLimiter>,
    api_per_token_limit: u32,
    trusted_proxies: Vec<IpNet>,
    clock: DefaultClock,
    checks: AtomicU64,
}

type TokenLimiter =
    RateLimiter<i64, DefaultKeyedStateStore<i64>, DefaultClock, StateInformationMiddleware>;

/// What a token's request may know of its allowance: for `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the allowance is whole
/// again), and whether it was refused (then also `Retry-After`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    pub reset_seconds: u64,
    pub retry_after: Option<u64>,
}

/// Every this many checks, keys whose allowance is full again are forgotten, so memory
/// stays bounded by the number of recently active people and addresses.
const FORGET_EVERY: u64 = 4096;

impl RateLimits {
    pub fn new(limits: &Limits) -> Arc<Self> {
        Arc::new(RateLimits {
            sign_ins_per_address: per_minute(limits.rate_sign_ins_per_address),
            writes_per_person: per_minute(limits.rate_writes_per_person),
            writes_per_address: per_minute(limits.rate_writes_per_address),
            api_per_token: NonZeroU32::new(limits.rate_api_per_token).map(|n| {
                RateLimiter::keyed(Quota::per_minute(n))
                    .with_middleware::<StateInformationMiddleware>()
            }),
            api_per_token_limit: limits.rate_api_per_token,
            trusted_proxies: limits.trusted_proxies.clone(),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        })
    }

    /// `Err(wait)` when `key` has used up its allowance.
    fn check<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: &Limiter<K>,
        key: &K,
    ) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.forget_idle_keys();
        }
        match limiter {
            Some(limiter) => limiter
                .check_key(key)
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
            None => Ok(()),
        }
    }

    fn forget_idle_keys(&self) {
        if let Some(l) = &self.sign_ins_per_address {
            l.retain_recent();
        }
        if let Some(l) = &self.writes_per_person {
            l.retain_recent();
        }
        if let Some(l) = &self.writes_per_address {
            l.retain_recent();
        }
        if let Some(l) = &self.api_per_token {
            l.retain_recent();
        }
    }

    /// Counts one API request of token `token_id`; `None` when tokens are not limited.
    pub fn check_token(&self, token_id: i64) -> Option<Allowance> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.forget_idle_keys();
        }
        let limiter = self.api_per_token.as_ref()?;
        let limit = self.api_per_token_limit;
        // One request's share of the minute comes back every 60 / limit seconds.
        let refill = |missing: u32| (u64::from(missing) * 60).div_ceil(u64::from(limit));
        Some(match limiter.check_key(&token_id) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Allowance {
                    limit,
                    remaining,
                    reset_seconds: refill(limit - remaining.min(limit)),
                    retry_after: None,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now()).as_secs() + 1;
                Allowance {
                    limit,
                    remaining: 0,
                    reset_seconds: refill(limit).max(wait),
                    retry_after: Some(wait),
                }
            }
        })
    }
}

/// Requests that start or finish a sign-in.
fn is_sign_in(method: &Method, path: &str) -> bool {
    matches!(
        (method, path),
        (&Method::POST, "/login/dev")
            | (&Method::GET, "/auth/github")
            | (&Method::GET, "/auth/github/callback")
    )
}

/// The client's address: the TCP peer, or behind trusted proxies the right-most
/// `X-Forwarded-For` entry that is not one of them. Entries left of that one were
/// written by the client and are ignored. An entry that does not parse stops the walk
/// at the last address known to be right.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut address = peer;
    for entry in entries.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => address = ip,
            Ok(ip) => return ip,
            Err(_) => return address,
        }
    }
    address
}

/// Refuses a request over its limits with a 429 page; lets everything else through.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.rate_limits;
    let method = request.method().clone();
    let path = request.uri().path();
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            client_address(peer.ip(), request.headers(), &limits.trusted_proxies)
        });
    let person = request
        .extensions()
        .get::<SignedIn>()
        .and_then(|SignedIn(user)| user.as_ref().map(|u| u.id));

    let verdict = if is_sign_in(&method, path) {
        address
            .map_or(Ok(()), |a| limits.check(&limits.sign_ins_per_address, &a))
            .map_err(|wait| (wait, "Too many sign-in attempts from your address."))
    } else if method == Method::POST {
        person
            .map_or(Ok(()), |p| limits.check(&limits.writes_per_person, &p))
            .map_err(|wait| (wait, "You have made too many changes in a short time."))
            .and_then(|()| {
                address
                    .map_or(Ok(()), |a| limits.check(&limits.writes_per_address, &a))
                    .map_err(|wait| {
                        (
                            wait,
                            "Too many changes have come from your address in a short time.",
                        )
                    })
            })
    } else {
        Ok(())
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err((wait, what)) => {
            let mut response = too_many(wait, what, address);
            // A form's text is given back on the page: typing it again is what a person
            // made to wait should not have to do. (The body is already size-limited.)
            if method == Method::POST {
                let action = request.uri().path().to_string();
                let body = axum::body::to_bytes(request.into_body(), usize::MAX).await;
                if let (Ok(body), Some(info)) =
                    (body, response.extensions_mut().get_mut::<ErrorInfo>())
                {
                    info.refused_form = RefusedForm::from_body(&action, &body);
                }
            }
            response
        }
    }
}

fn too_many(wait: Duration, what: &str, address: Option<IpAddr>) -> Response {
    let seconds = wait.as_secs() + 1;
    tracing::info!(?address, seconds, "rate limited: {what}");
    let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response.extensions_mut().insert(ErrorInfo {
        message: format!(
            "{what} Please wait {seconds} second{} and try again; nothing was lost by waiting.",
            if seconds == 1 { "" } else { "s" }
        ),
        ..ErrorInfo::default()
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn the_peer_is_the_address_without_trusted_proxies() {
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &h, &[]),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_entry_counts() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        // The client claims to be 1.1.1.1; the proxy appended the real peer.
        let h = headers(&["1.1.1.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        // Garbage stops the walk.
        let h = headers(&["203.0.113.9, nonsense"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
        // An untrusted peer's header is ignored.
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("192.0.2.1"), &h, &trusted),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn a_zero_limit_is_no_limit() {
        let limits = RateLimits::new(&Limits {
            rate_sign_ins_per_address: 0,
            rate_writes_per_person: 2,
            ..Limits::default()
        });
        for _ in 0..100 {
            assert!(
                limits
                    .check(&limits.sign_ins_per_address, &ip("192.0.2.1"))
                    .is_ok()
            );
        }
        assert!(limits.check(&limits.writes_per_person, &1).is_ok());
        assert!(limits.check(&limits.writes_per_person, &1).is_ok());
        let wait = limits
            .check(&limits.writes_per_person, &1)
            .expect_err("third write");
        assert!(wait <= Duration::from_secs(30), "{wait:?}");
        assert!(limits.check(&limits.writes_per_person, &2).is_ok());
    }
}
