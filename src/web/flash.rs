//! One-shot messages shown on the next page after a redirect ("Feedback published."). A
//! message travels in a cookie of its own, not in the session: leaving one and showing it
//! would otherwise write the session to PostgreSQL twice per change a person makes. The
//! cookie is HttpOnly and SameSite=Lax, and over HTTPS `__Host-`-prefixed and Secure, so
//! no other site or subdomain can plant one; the text is escaped like any other.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Redirect, Response, ResponseParts};
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::error::AppError;

/// Longer cookie values than this are not ours, and are ignored.
const MAX_COOKIE_BYTES: usize = 2048;

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

impl Flash {
    pub fn css_class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Error => "flash flash-error",
        }
    }
}

/// A message for the next page, returned with the response that leads there.
pub fn success(message: impl Into<String>) -> Flash {
    Flash {
        kind: FlashKind::Success,
        message: message.into(),
    }
}

/// Commits, leaves a message for the next page, and goes there.
pub async fn done(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    message: impl Into<String>,
    to: &str,
) -> Result<Response, AppError> {
    tx.commit().await?;
    Ok((success(message), Redirect::to(to)).into_response())
}

/// The response carries the message; [`carry`] turns it into the cookie.
impl IntoResponseParts for Flash {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

/// The message a request brought, and whether a page showed it.
struct Incoming {
    flash: Flash,
    shown: AtomicBool,
}

/// The message the request brought, once: the page that shows it has the cookie removed.
pub fn take(parts: &Parts) -> Option<Flash> {
    let incoming = parts.extensions.get::<Arc<Incoming>>()?;
    incoming.shown.store(true, Ordering::Relaxed);
    Some(incoming.flash.clone())
}

/// Middleware around the pages: reads the message a request brings, and sets (or, once
/// shown, removes) the cookie on the way out.
pub async fn carry(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let https = state.config.is_https();
    let name = cookie_name(https);
    // Most requests bring no message, and then need nothing kept for the way out.
    let incoming = read(request.headers(), name).map(|flash| {
        Arc::new(Incoming {
            flash,
            shown: AtomicBool::new(false),
        })
    });
    if let Some(incoming) = &incoming {
        request.extensions_mut().insert(incoming.clone());
    }
    let mut response = next.run(request).await;
    let shown = incoming.is_some_and(|incoming| incoming.shown.load(Ordering::Relaxed));
    let cookie = match response.extensions_mut().remove::<Flash>() {
        Some(flash) => Some(cookie(name, https, serde_json::to_string(&flash).ok())),
        None if shown => Some(cookie(name, https, None)),
        None => None,
    };
    if let Some(value) = cookie.and_then(|c| HeaderValue::try_from(c.encoded().to_string()).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-concord-flash"
    } else {
        "concord_flash"
    }
}

/// The cookie that carries `value`, or, without one, the cookie that removes it.
fn cookie(name: &'static str, https: bool, value: Option<String>) -> Cookie<'static> {
    let removal = value.is_none();
    let mut cookie = Cookie::build((name, value.unwrap_or_default()))
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .build();
    if removal {
        cookie.make_removal();
    }
    cookie
}

fn read(headers: &axum::http::HeaderMap, name: &str) -> Option<Flash> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .filter(|cookie| cookie.value().len() <= MAX_COOKIE_BYTES)
        .and_then(|cookie| serde_json::from_str(cookie.value()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        headers
    }

    #[test]
    fn a_message_comes_back_as_it_was_left() {
        let flash = success("Thank you; \"feedback\" = 100% <published>, ü.");
        let sent = cookie(
            "concord_flash",
            false,
            Some(serde_json::to_string(&flash).unwrap()),
        );
        let header = format!(
            "other=1; {}; concord_session=abc",
            sent.encoded().stripped()
        );
        assert_eq!(read(&headers(&header), "concord_flash"), Some(flash));
    }

    #[test]
    fn anything_else_in_the_cookie_is_ignored() {
        let long = cookie(
            "concord_flash",
            false,
            serde_json::to_string(&success("a".repeat(MAX_COOKIE_BYTES))).ok(),
        );
        let long = long.encoded().stripped().to_string();
        for value in [
            "",
            "x",
            "%7B%22kind%22%3A1%7D",
            "%ZZ",
            &long["concord_flash=".len()..],
        ] {
            let header = format!("concord_flash={value}");
            assert_eq!(read(&headers(&header), "concord_flash"), None, "{value}");
        }
        assert_eq!(read(&headers("other=1"), "concord_flash"), None);
    }

    #[test]
    fn over_https_the_cookie_is_host_only_and_secure() {
        let sent = cookie(cookie_name(true), true, Some("{}".into()));
        let text = sent.to_string();
        assert!(text.starts_with("__Host-concord-flash="), "{text}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(text.contains(attribute), "{text}");
        }
        assert!(!text.contains("Domain"), "{text}");
        let removal = cookie(cookie_name(false), false, None).to_string();
        assert!(removal.contains("Max-Age=0"), "{removal}");
    }
}
