//! Shared HTTP pieces every room uses: who is asking, CSRF, flash messages, the page
//! layout, form validation and Markdown rendering.

pub mod cache;
pub mod csrf;
pub mod dates;
pub mod extract;
pub mod flash;
pub mod form;
pub mod idempotency;
pub mod layout;
pub mod markdown;
pub mod page_cache;
pub mod rate_limit;
pub mod routes;
pub mod security;

/// What Concord stores of a secret it issues (a link's token, a feed's address, an API
/// token): its SHA-256, so a stolen table holds nothing usable.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// "1 member", "3 members": a count with its noun, for view fields.
pub fn count_of(n: impl Into<i64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}
