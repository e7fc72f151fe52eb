//! `Idempotency-Key` for the API's writes, on the forms' own mechanism
//! (`web::idempotency`): the key is claimed for the token's owner in the transaction of
//! the write, and what is recorded as "made" is the first answer itself (status and
//! body). A repeat with the same key, sequential or concurrent, gets that answer again
//! with `Idempotent-Replayed: true`; a refused write rolls its claim back, so it can be
//! sent again. Keys are kept as `api:` and a SHA-256 of the key, apart from the forms'.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use super::respond::{ApiError, refuse};
use crate::tokens::bearer::Caller;
use crate::web::idempotency;

pub const HEADER: &str = "idempotency-key";
const KEY_MAX: usize = 200;

/// The request's key, namespaced; `None` without the header.
fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key)
            if (1..=KEY_MAX).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            // Stored as a hash, so that every key fits the forms' table (16 to 64
            // characters) and none collides with a form's.
            let digest = Sha256::digest(key.as_bytes());
            let hex: String = digest.iter().take(28).map(|b| format!("{b:02x}")).collect();
            Ok(Some(format!("api:{hex}")))
        }
        _ => Err(refuse(
            headers,
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            format!(
                "An Idempotency-Key is 1 to {KEY_MAX} visible ASCII characters, such as a UUID."
            ),
        )),
    }
}

/// A write's transaction, begun with the request's key claimed. `Err` carries the
/// first answer when this is a repeat.
pub struct Write {
    pub tx: Transaction<'static, Postgres>,
    key: Option<String>,
    user_id: i64,
}

pub async fn begin(
    pool: &sqlx::PgPool,
    headers: &HeaderMap,
    caller: &Caller,
    now: OffsetDateTime,
) -> Result<Write, ApiError> {
    let key = key_of(headers)?;
    let mut tx = pool.begin().await?;
    if let Some(key) = &key
        && let Some(made) = idempotency::claim(&mut tx, caller.user.id, key, now).await?
    {
        return Err(replay(&made).into());
    }
    Ok(Write {
        tx,
        key,
        user_id: caller.user.id,
    })
}

impl Write {
    /// Records the answer under the key, commits, and answers.
    pub async fn finish(mut self, status: StatusCode, body: Value) -> Result<Response, ApiError> {
        if let Some(key) = &self.key {
            let stored = serde_json::json!({ "status": status.as_u16(), "body": body });
            idempotency::made(&mut self.tx, self.user_id, key, &stored.to_string()).await?;
        }
        self.tx.commit().await?;
        Ok(written(status, body))
    }
}

fn written(status: StatusCode, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    super::respond::cache_headers(response.headers_mut(), true);
    response
}

/// The first answer, again.
fn replay(made: &str) -> Response {
    let stored: Value = serde_json::from_str(made).unwrap_or(Value::Null);
    let status = stored["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = written(status, stored["body"].clone());
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
