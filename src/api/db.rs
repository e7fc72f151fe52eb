//! The API's one query of its own: the version its cached documents are built under.

use sqlx::PgExecutor;

use super::cache::Version;

/// The latest audit entry, and the latest change and newest id of a person: each an
/// index lookup (`audit_entries` primary key, `users_updated_at_idx`, `users` primary key).
pub async fn version(db: impl PgExecutor<'_>) -> sqlx::Result<Version> {
    let row = sqlx::query!(
        "select (select coalesce(max(id), 0) from audit_entries) as \"audit!\",
                (select max(updated_at) from users) as updated,
                (select coalesce(max(id), 0) from users) as \"users!\""
    )
    .fetch_one(db)
    .await?;
    Ok((row.audit, row.updated, row.users))
}
