//! Demo data for development: fictional people (and, as rooms arrive, their teams and
//! work), loaded once into an empty database so the first page is not empty.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::auth;

/// Fictional people. `amber-finch` is a site administrator.
pub const PEOPLE: &[(&str, &str)] = &[
    ("amber-finch", "Amber Finch"),
    ("basil-moss", "Basil Moss"),
    ("cedar-lark", "Cedar Lark"),
    ("dahlia-reed", "Dahlia Reed"),
    ("elm-sparrow", "Elm Sparrow"),
    ("fern-wilde", "Fern Wilde"),
    ("gale-thistle", "Gale Thistle"),
    ("hazel-brook", "Hazel Brook"),
];

/// Loads the demo data if there is nobody in the database yet. Returns whether it did.
pub async fn seed_if_empty(pool: &PgPool, now: OffsetDateTime) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    // One seeder at a time; the second finds the data there.
    sqlx::query!("select pg_advisory_xact_lock(7251)")
        .execute(&mut *tx)
        .await?;
    let empty = sqlx::query_scalar!("select not exists(select 1 from users) as \"empty!\"")
        .fetch_one(&mut *tx)
        .await?;
    if !empty {
        return Ok(false);
    }
    for (login, name) in PEOPLE {
        auth::db::ensure_by_login(&mut *tx, login, Some(name), now).await?;
    }
    sqlx::query!("update users set is_admin = true where login = 'amber-finch'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
