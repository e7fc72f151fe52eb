//! One kind of idempotency key for the forms that create something: the form carries a
//! random `idempotency_key`; the handler claims it for the signed-in person in the
//! transaction that makes the thing (`idempotency_keys`, primary key `(user_id, key)`)
//! and records where what it made lives. A repeat of the same form, sequential or in
//! parallel, waits on that key for the first and is answered with the first's address.
//! A submission that is refused rolls its claim back, so the form can be sent again.

use rand::RngCore;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

/// The form field.
pub const FIELD: &str = "idempotency_key";

/// A fresh key for a form.
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The form's key if it looks like one we made; a new one (no protection) otherwise.
pub fn key_or_new(sent: &str) -> String {
    let sent = sent.trim();
    if (16..=64).contains(&sent.len()) && sent.bytes().all(|b| b.is_ascii_hexdigit()) {
        sent.to_string()
    } else {
        new_key()
    }
}

/// Claims `key` for `user_id`. `None`: this is the first submission, go on and call
/// [`made`] once the thing exists. `Some(address)`: a repeat of a submission that
/// committed; answer with its address. (A concurrent first holds the key's row: this
/// waits for it to commit or roll back.)
pub async fn claim(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    key: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Option<String>> {
    let claimed = sqlx::query_scalar!(
        "insert into idempotency_keys (user_id, key, created_at) values ($1, $2, $3)
         on conflict do nothing returning true",
        user_id,
        key,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let made = sqlx::query_scalar!(
        "select made from idempotency_keys where user_id = $1 and key = $2",
        user_id,
        key
    )
    .fetch_optional(&mut **tx)
    .await?
    .flatten();
    Ok(Some(made.unwrap_or_else(|| "/".into())))
}

/// Records the address of what the claimed key made, in the same transaction.
pub async fn made(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    key: &str,
    address: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update idempotency_keys set made = $3 where user_id = $1 and key = $2",
        user_id,
        key,
        address
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
