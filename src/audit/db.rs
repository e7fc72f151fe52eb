//! Every SQL statement of the audit log.

use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{Entry, Visibility};

/// Writes one audit entry inside the caller's transaction: the entry exists exactly when
/// the change it describes does.
pub async fn record(tx: &mut Transaction<'_, Postgres>, entry: &Entry) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into audit_entries
             (at, actor_id, action, subject_kind, subject_id, subject_label, team_id, visibility, details)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning id",
        entry.at,
        entry.actor_id,
        entry.action,
        entry.subject.kind,
        entry.subject.id,
        entry.subject.label,
        entry.team_id,
        entry.visibility.as_str(),
        entry.details,
    )
    .fetch_one(&mut **tx)
    .await
}

/// An entry as the log page shows it.
#[derive(Clone, Debug)]
pub struct EntryRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor_login: Option<String>,
    pub action: String,
    pub subject_kind: String,
    pub subject_label: String,
    pub team_slug: Option<String>,
    pub team_name: Option<String>,
    pub visibility: Visibility,
    pub details: serde_json::Value,
}

/// Entries the viewer may read (public ones, and team-only ones of `viewer_teams`),
/// newest first, older than `before` if given; at most `limit`.
pub async fn list_visible(
    db: impl PgExecutor<'_>,
    viewer_teams: &[i64],
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    let rows = sqlx::query!(
        "select a.id, a.at, u.login as \"actor_login?\", a.action, a.subject_kind, a.subject_label,
                t.slug as \"team_slug?\", t.name as \"team_name?\", a.visibility, a.details
         from audit_entries a
         left join users u on u.id = a.actor_id
         left join teams t on t.id = a.team_id
         where (a.visibility = 'public' or a.team_id = any($1::bigint[]))
           and ($2::bigint is null or a.id < $2)
         order by a.id desc
         limit $3",
        viewer_teams,
        before,
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let visibility = Visibility::parse(&r.visibility).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown visibility {}", r.visibility).into())
            })?;
            Ok(EntryRow {
                id: r.id,
                at: r.at,
                actor_login: r.actor_login,
                action: r.action,
                subject_kind: r.subject_kind,
                subject_label: r.subject_label,
                team_slug: r.team_slug,
                team_name: r.team_name,
                visibility,
                details: r.details,
            })
        })
        .collect()
}

/// A version of everything Concord shows: every change of state writes an audit entry,
/// and a person's sign-up or change of name or login moves `users`. Kept responses
/// ([`crate::web::cache`]) are built under one and served until it moves.
pub type Version = (i64, Option<OffsetDateTime>, i64);

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
