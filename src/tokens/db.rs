//! The `personal_tokens` table.

use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{self, Scope};

/// A token as its owner's list shows it (never its secret: that is not stored).
pub struct Token {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// The person's tokens that are not revoked, newest first.
pub async fn live_tokens(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<Token>> {
    sqlx::query_as!(
        Token,
        "select id, name, scopes, created_at, expires_at, last_used_at, last_used_from, revoked_at
         from personal_tokens where user_id = $1 and revoked_at is null
         order by created_at desc, id desc",
        user_id
    )
    .fetch_all(db)
    .await
}

/// One of the person's tokens, revoked or not, locked for the transaction.
pub async fn own_token(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    id: i64,
) -> sqlx::Result<Option<Token>> {
    sqlx::query_as!(
        Token,
        "select id, name, scopes, created_at, expires_at, last_used_at, last_used_from, revoked_at
         from personal_tokens where user_id = $1 and id = $2 for update",
        user_id,
        id
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn create(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    name: &str,
    scopes: &[Scope],
    secret: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> sqlx::Result<i64> {
    let scopes: Vec<String> = scopes.iter().map(|s| s.as_str().to_string()).collect();
    sqlx::query_scalar!(
        "insert into personal_tokens (user_id, name, scopes, token_hash, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6) returning id",
        user_id,
        name,
        &scopes,
        crate::web::secret_hash(secret),
        now,
        expires_at
    )
    .fetch_one(&mut **tx)
    .await
}

/// Revokes a live token; false when it was revoked already.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    id: i64,
    why: &str,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update personal_tokens set revoked_at = $2, revoked_why = $3
         where id = $1 and revoked_at is null",
        id,
        now,
        why
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A presented token's row and its owner's standing.
pub struct Presented {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_why: Option<String>,
    pub login: String,
    pub person_name: Option<String>,
    pub is_admin: bool,
    pub removed: bool,
}

pub async fn find_by_secret(
    db: impl PgExecutor<'_>,
    secret: &str,
) -> sqlx::Result<Option<Presented>> {
    sqlx::query_as!(
        Presented,
        r#"select t.id, t.user_id, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at,
                  t.revoked_at, t.revoked_why, u.login, u.name as person_name, u.is_admin,
                  u.removed_at is not null as "removed!"
           from personal_tokens t join users u on u.id = t.user_id
           where t.token_hash = $1"#,
        crate::web::secret_hash(secret)
    )
    .fetch_optional(db)
    .await
}

/// Records a use, at most once a minute per token.
pub async fn touch(
    db: impl PgExecutor<'_>,
    id: i64,
    from: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update personal_tokens set last_used_at = $2, last_used_from = $3
         where id = $1 and (last_used_at is null or last_used_at <= $4)",
        id,
        now,
        from,
        now - model::TOUCH_AFTER
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes every live token unused for [`model::UNUSED_LIMIT`]; returns how many.
pub async fn revoke_unused(db: impl PgExecutor<'_>, now: OffsetDateTime) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update personal_tokens set revoked_at = $1, revoked_why = 'unused'
         where revoked_at is null and expires_at > $1
           and coalesce(last_used_at, created_at) <= $2",
        now,
        now - model::UNUSED_LIMIT
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// A live token that expires, or would be revoked for disuse, within
/// [`model::NOTICE_BEFORE`].
pub struct Ending {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// When it ends: its expiry or the day it would be revoked for disuse.
    pub ends_at: OffsetDateTime,
    pub unused: bool,
}

pub async fn ending_soon(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Ending>> {
    let unused_limit = sqlx::postgres::types::PgInterval::try_from(model::UNUSED_LIMIT)
        .map_err(sqlx::Error::Encode)?;
    sqlx::query_as!(
        Ending,
        r#"select id, user_id, name,
                  least(expires_at, coalesce(last_used_at, created_at) + $3) as "ends_at!",
                  coalesce(last_used_at, created_at) + $3 < expires_at as "unused!"
           from personal_tokens
           where revoked_at is null and expires_at > $1
             and least(expires_at, coalesce(last_used_at, created_at) + $3) <= $2"#,
        now,
        now + model::NOTICE_BEFORE,
        unused_limit
    )
    .fetch_all(db)
    .await
}

/// The person's current teams, for `/api/v1/me`.
pub struct TeamRole {
    pub slug: String,
    pub name: String,
    pub role: String,
}

pub async fn current_teams(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<TeamRole>> {
    sqlx::query_as!(
        TeamRole,
        "select t.slug, t.name, m.role from memberships m join teams t on t.id = m.team_id
         where m.user_id = $1 and m.left_at is null order by t.name",
        user_id
    )
    .fetch_all(db)
    .await
}

/// Records a change of a token in the audit log, in the change's transaction: private
/// (shown on no page; who has which token is the person's own affair), never the secret.
#[allow(clippy::too_many_arguments)]
pub async fn audit(
    tx: &mut Transaction<'_, Postgres>,
    action: &'static str,
    actor_id: i64,
    owner_id: i64,
    owner_login: &str,
    token_id: i64,
    name: &str,
    scopes: &[String],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let entry = crate::audit::Entry {
        at: now,
        actor_id: Some(actor_id),
        action,
        subject: crate::audit::Subject {
            kind: "person",
            id: Some(owner_id),
            label: owner_login.to_string(),
        },
        team_id: None,
        visibility: crate::audit::Visibility::Private,
        details: serde_json::json!({ "token_id": token_id, "token_name": name, "scopes": scopes }),
    };
    crate::audit::record(tx, &entry).await?;
    Ok(())
}

/// A token as the administrators' list shows it: its owner and its metadata.
pub struct Listed {
    pub id: i64,
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_why: Option<String>,
}

/// How many tokens the administrators' list shows, newest first.
pub const ADMIN_LIST: i64 = 500;

pub async fn all_tokens(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        "select t.id, t.user_id, u.login, t.name, t.scopes, t.created_at, t.expires_at,
                t.last_used_at, t.last_used_from, t.revoked_at, t.revoked_why
         from personal_tokens t join users u on u.id = t.user_id
         order by t.created_at desc, t.id desc
         limit $1",
        ADMIN_LIST
    )
    .fetch_all(db)
    .await
}

/// Anyone's token with its owner, locked for the transaction.
pub async fn any_token(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> sqlx::Result<Option<Listed>> {
    sqlx::query_as!(
        Listed,
        "select t.id, t.user_id, u.login, t.name, t.scopes, t.created_at, t.expires_at,
                t.last_used_at, t.last_used_from, t.revoked_at, t.revoked_why
         from personal_tokens t join users u on u.id = t.user_id
         where t.id = $1
         for update of t",
        id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Revokes every live token of a person; the ids, names and scopes of those it revoked.
pub async fn revoke_all(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    why: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(i64, String, Vec<String>)>> {
    Ok(sqlx::query!(
        "update personal_tokens set revoked_at = $2, revoked_why = $3
         where user_id = $1 and revoked_at is null
         returning id, name, scopes",
        user_id,
        now,
        why
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name, r.scopes))
    .collect())
}
