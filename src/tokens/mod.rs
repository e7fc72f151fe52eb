//! Personal API tokens for bots and scripts, made to be the example of the token-leak
//! lessons.
//!
//! - A signed-in person makes tokens at `/settings/tokens`: a name, a lifetime (required,
//!   30 days unless changed, at most 365) and scopes (`read`, the only one ticked at
//!   first; `feedback:write`, `comments:write`, `drafts:write`, `positions:write`).
//! - The secret is `concord_pat_`, 30 random base62 characters and a 6-character base62
//!   CRC32 of them ([`model::new_secret`]): a secret scanner recognises one, and a
//!   malformed one is refused without a database lookup. It is shown once, on the page
//!   that made it (`Cache-Control: no-store`); only its SHA-256 is stored, and it never
//!   goes into a URL or a log line.
//! - The list shows name, scopes, created, expires and last used (time and address,
//!   written at most once a minute). Revoking is one click; regenerating revokes the old
//!   secret and makes a new one with the same name, scopes and lifetime.
//! - A token unused for 90 days is refused, and revoked by the reminders scan, which also
//!   tells the owner 7 days before a token expires or would be revoked for disuse
//!   (`notify::reminders`, kind `token_ending`).
//! - [`bearer::ApiCaller`] reads `Authorization: Bearer ...` on `/api/v1/` only; pages
//!   never look at that header (cookies only there). A removed person's tokens are
//!   refused.
//! - Ordinary signing out ends sessions and keeps tokens; "sign out everywhere"
//!   (`/settings/sign-out-everywhere`) ends both. Administrators see every token's
//!   metadata at `/admin/tokens` and revoke any ([`admin`]). Making, revoking and
//!   regenerating are audited privately (`db::audit`, visibility `private`).
//! - Anyone may report leaked tokens at `POST /api/v1/token-leaks` ([`leaks`]): each live
//!   one is revoked and its owner told; the answer is the same either way.

mod admin;
pub mod bearer;
pub mod db;
mod handlers;
pub mod leaks;
pub mod model;
mod pages;

use crate::web::routes::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/settings/tokens",
            get(handlers::show_tokens).post(handlers::create_token),
        )
        .route("/settings/tokens/{id}/revoke", post(handlers::revoke_token))
        .route(
            "/settings/tokens/{id}/regenerate",
            post(handlers::regenerate_token),
        )
        .route(
            "/settings/sign-out-everywhere",
            post(admin::sign_out_everywhere),
        )
        .route("/admin/tokens", get(admin::show))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke))
}
