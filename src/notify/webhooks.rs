//! A team's outgoing webhooks for its public events: what a delivery carries, how it is
//! signed, and which addresses it may go to.
//!
//! A delivery is a JSON [`Event`] posted to the webhook's URL, with
//! `X-Concord-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact body under the
//! webhook's secret (verify it before trusting the body), `X-Concord-Event` and
//! `X-Concord-Delivery` (the same for every retry of one delivery). Its `text` is
//! Markdown that Slack's and Zulip's incoming webhooks show as it is. Only public events
//! are sent: the payload is built from what a visitor may read.
//!
//! In production a webhook may not point at this machine or a private network (SSRF):
//! the URL's host is resolved and every address must be public, both when the webhook is
//! saved and at each delivery, which then connects to the address that was checked.

use std::net::{IpAddr, SocketAddr};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use url::Url;

/// One public event of a team, as it waits in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// A stable name for what happened: `post.published`, `window.opened`, ...
    pub event: String,
    /// The same for every delivery of this event, to every webhook.
    pub id: String,
    pub team: EventTeam,
    pub title: String,
    /// The local path of the page it is about.
    pub path: String,
    /// When it happened, RFC 3339 in UTC.
    pub at: String,
    /// What happened, in a sentence.
    pub summary: String,
}

impl Event {
    /// `event` names what happened; `id` is unique to this happening.
    pub fn new(
        event: &str,
        id: String,
        (slug, name): (&str, &str),
        title: &str,
        path: String,
        at: time::OffsetDateTime,
        summary: String,
    ) -> Self {
        Event {
            event: event.into(),
            id,
            team: EventTeam {
                slug: slug.into(),
                name: name.into(),
            },
            title: title.into(),
            path,
            at: crate::web::dates::rfc3339(at),
            summary,
        }
    }

    /// The JSON body a webhook receives (schema version 1): the event with the page's
    /// absolute `url` and a one-line Markdown `text` for chat.
    pub fn body(&self, config: &crate::config::Config) -> Vec<u8> {
        let url = config.absolute(&self.path);
        let text = format!(
            "**{}**: {} [{}]({url})",
            self.team.name, self.summary, self.title
        );
        serde_json::to_vec(&serde_json::json!({
            "schema": 1,
            "event": self.event,
            "id": self.id,
            "team": self.team,
            "title": self.title,
            "url": url,
            "at": self.at,
            "text": text,
        }))
        .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTeam {
    pub slug: String,
    pub name: String,
}

/// The signature header's value for `body`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Why a webhook URL cannot be saved, before any address is looked up.
pub fn url_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = Url::parse(url) else {
        return Some("The URL is not a web address like https://chat.example.org/hooks/abc.");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("Webhooks go to http or https URLs only.");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("The URL needs a host.");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("Put no user name or password in the URL; the secret signs each delivery.");
    }
    if url.chars().count() > 500 {
        return Some("The URL has at most 500 characters.");
    }
    None
}

/// Whether an address is on the public internet: not this machine, a private or shared
/// network, link-local, multicast or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// The addresses a URL's host resolves to, all of them public, or why not.
pub async fn public_addresses(url: &Url) -> Result<Vec<SocketAddr>, String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| format!("{host} could not be found"))?
        .collect();
    if addresses.is_empty() {
        return Err(format!("{host} could not be found"));
    }
    if let Some(private) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(format!(
            "{host} is at {}, which is not on the public internet; webhooks may not go to this machine or a private network",
            private.ip()
        ));
    }
    Ok(addresses)
}

/// The URL as a page shows it: the host and the start of the path, since chat webhook
/// URLs often carry a secret.
pub fn shown(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => {
            let path: String = u.path().chars().take(12).collect();
            let more = if u.path().chars().count() > 12 || u.query().is_some() {
                "…"
            } else {
                ""
            };
            format!(
                "{}://{}{path}{more}",
                u.scheme(),
                u.host_str().unwrap_or("")
            )
        }
        Err(_) => String::new(),
    }
}

/// Posts one delivery. `pinned`: in production, the checked addresses the connection
/// must go to. The answer is the HTTP status, or why there was none.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    delivery: i64,
    body: &[u8],
    production: bool,
) -> Result<u16, (Option<u16>, String)> {
    let parsed = Url::parse(url).map_err(|_| (None, "the URL cannot be read".to_string()))?;
    let event = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_default();
    let pinned;
    let client = if production {
        let addresses = public_addresses(&parsed).await.map_err(|e| (None, e))?;
        let host = parsed.host_str().unwrap_or_default().to_string();
        pinned = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .resolve_to_addrs(&host, &addresses)
            .build()
            .map_err(|e| (None, e.to_string()))?;
        &pinned
    } else {
        client
    };
    let response = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Concord-Event", event)
        .header("X-Concord-Delivery", delivery.to_string())
        .header("X-Concord-Signature", signature(secret, body))
        .body(body.to_vec())
        .send()
        .await
        .map_err(|e| (None, format!("no answer: {}", without_url(&e))))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("answered {status}")))
    }
}

/// A request error without its URL (which may carry the receiver's secret).
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(at) = e.find(" for url (") {
        e.truncate(at);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn urls_are_checked_and_shown_without_their_secret_part() {
        assert_eq!(url_problem("https://chat.example.org/hooks/abc"), None);
        assert!(url_problem("ftp://example.org/").is_some());
        assert!(url_problem("https://user:pw@example.org/").is_some());
        assert!(url_problem("not a url").is_some());
        assert_eq!(
            shown("https://hooks.example.com/services/T000/B000/XXXX"),
            "https://hooks.example.com/services/T0…"
        );
    }
}
