//! Every SQL statement about people and sign-in.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

use super::model::{GithubIdentity, User};

/// What deciding whether a session still counts needs to know about its person.
#[derive(Clone, Debug)]
pub struct SessionStanding {
    pub user: User,
    pub valid_after: Option<OffsetDateTime>,
    pub epoch: i64,
    pub removed: bool,
}

pub async fn find_by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<SessionStanding>> {
    let row = sqlx::query_as!(
        StandingRow,
        "select id, login, name, is_admin, sessions_valid_after, session_epoch, removed_at
         from users where id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(SessionStanding::from))
}

/// [`find_by_id`] for a page, with the version of the person's inbox that the page's
/// header counts from (`crate::inbox::kept`), in one statement.
pub async fn find_for_page(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<(SessionStanding, crate::inbox::db::Version)>> {
    let row = sqlx::query!(
        "select u.id, u.login, u.name, u.is_admin, u.sessions_valid_after, u.session_epoch,
                u.removed_at, v.teams as \"inbox_teams!\", v.audit as \"inbox_audit!\"
         from users u cross join inbox_version(u.id) v
         where u.id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let standing = SessionStanding::from(StandingRow {
            id: r.id,
            login: r.login,
            name: r.name,
            is_admin: r.is_admin,
            sessions_valid_after: r.sessions_valid_after,
            session_epoch: r.session_epoch,
            removed_at: r.removed_at,
        });
        let version = crate::inbox::db::Version {
            teams: r.inbox_teams,
            audit: r.inbox_audit,
        };
        (standing, version)
    }))
}

struct StandingRow {
    id: i64,
    login: String,
    name: Option<String>,
    is_admin: bool,
    sessions_valid_after: Option<OffsetDateTime>,
    session_epoch: i64,
    removed_at: Option<OffsetDateTime>,
}

impl From<StandingRow> for SessionStanding {
    fn from(r: StandingRow) -> Self {
        SessionStanding {
            user: User {
                id: r.id,
                login: r.login,
                name: r.name,
                is_admin: r.is_admin,
            },
            valid_after: r.sessions_valid_after,
            epoch: r.session_epoch,
            removed: r.removed_at.is_some(),
        }
    }
}

/// Ends every session the person has: they no longer match the person's epoch.
pub async fn end_sessions(
    db: impl PgExecutor<'_>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set session_epoch = session_epoch + 1, updated_at = $2 where id = $1",
        user_id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a person (ending all their sessions) or restores them. Returns false when
/// they were already in that state.
pub async fn set_removed(
    db: impl PgExecutor<'_>,
    user_id: i64,
    removed: bool,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let changed = sqlx::query!(
        "update users
         set removed_at = case when $2::boolean then $3::timestamptz else null end,
             session_epoch = session_epoch + 1,
             updated_at = $3
         where id = $1 and (removed_at is not null) <> $2",
        user_id,
        removed,
        now
    )
    .execute(db)
    .await?;
    Ok(changed.rows_affected() == 1)
}

pub async fn find_by_login(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<Option<User>> {
    if crate::web::extract::names_nothing(login) {
        return Ok(None);
    }
    sqlx::query_as!(
        User,
        "select id, login, name, is_admin from users where lower(login) = lower($1)",
        login
    )
    .fetch_optional(db)
    .await
}

/// Records a GitHub identity at sign-in, keyed by GitHub's numeric id. A placeholder
/// with the same login and no GitHub id is claimed; another account that still holds the
/// login (renamed on GitHub since) gives it up until it signs in again.
pub async fn upsert_github_user(
    pool: &PgPool,
    identity: &GithubIdentity,
    now: OffsetDateTime,
) -> sqlx::Result<User> {
    let mut tx = pool.begin().await?;
    // Serialise sign-ins of the same login so that the steps below see a stable picture.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext(lower($1)))",
        identity.login
    )
    .execute(&mut *tx)
    .await?;
    let known = sqlx::query_scalar!("select id from users where github_id = $1", identity.id)
        .fetch_optional(&mut *tx)
        .await?;
    let placeholder = match known {
        Some(_) => None,
        None => {
            sqlx::query_scalar!(
                "select id from users where lower(login) = lower($1) and github_id is null",
                identity.login
            )
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let keep = known.or(placeholder);
    sqlx::query!(
        "update users set login = login || '~' || id, updated_at = $3
         where lower(login) = lower($1) and id is distinct from $2",
        identity.login,
        keep,
        now
    )
    .execute(&mut *tx)
    .await?;
    let name = identity.name.as_deref().map(|n| truncate(n, 255));
    let avatar = identity.avatar_url.as_deref().filter(|a| a.len() <= 500);
    let github_email = identity.email.as_deref().filter(|e| e.len() <= 254);
    let user = match keep {
        Some(id) => {
            sqlx::query_as!(
                User,
                "update users set github_id = $2, login = $3, name = $4, avatar_url = $5, updated_at = $6,
                        github_email = $7
                 where id = $1
                 returning id, login, name, is_admin",
                id,
                identity.id,
                identity.login,
                name,
                avatar,
                now,
                github_email
            )
            .fetch_one(&mut *tx)
            .await?
        }
        None => {
            sqlx::query_as!(
                User,
                "insert into users (github_id, login, name, avatar_url, created_at, updated_at, github_email)
                 values ($1, $2, $3, $4, $5, $5, $6)
                 returning id, login, name, is_admin",
                identity.id,
                identity.login,
                name,
                avatar,
                now,
                github_email
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(user)
}

/// Finds or creates a person by login alone (development sign-in, demo data, and
/// administrators naming someone before their first sign-in).
pub async fn ensure_by_login(
    db: impl PgExecutor<'_>,
    login: &str,
    name: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<User> {
    sqlx::query_as!(
        User,
        "insert into users (login, name, created_at, updated_at) values ($1, $2, $3, $3)
         on conflict ((lower(login))) do update set login = users.login
         returning id, login, name, is_admin",
        login,
        name,
        now
    )
    .fetch_one(db)
    .await
}

pub async fn set_admin(
    db: impl PgExecutor<'_>,
    user_id: i64,
    is_admin: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set is_admin = $2, updated_at = $3 where id = $1",
        user_id,
        is_admin,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// People to offer on the development sign-in page.
pub async fn list_recent(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<User>> {
    sqlx::query_as!(
        User,
        "select id, login, name, is_admin from users
         where login not like '%~%'
         order by is_admin desc, login limit $1",
        limit
    )
    .fetch_all(db)
    .await
}

fn truncate(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// People an administrator removed, with when, by login.
pub async fn list_removed(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, OffsetDateTime)>> {
    let rows = sqlx::query!(
        "select login, removed_at as \"removed_at!\" from users
         where removed_at is not null order by lower(login) limit 500"
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.login, r.removed_at)).collect())
}
