//! Reliability: the figures in docs/RELIABILITY.md, each measured by a test that fails when
//! the promise breaks. Concurrency (many people writing at once), database faults (the
//! PostgreSQL stopped and started under a stream of requests), graceful shutdown under load,
//! migrations from empty and again, and backups restored and compared.

mod backups;
mod concurrency;
mod crashes;
mod faults;
mod migrations;
mod shutdown;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A request that takes longer than this is a hang, and fails the test.
pub const HANG: Duration = Duration::from_secs(20);

/// Waits for `check` to hold, polling, at most `within`.
pub async fn until<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if check().await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The PostgreSQL client tools (`pg_dump`, `pg_restore`) beside the server binaries.
pub fn pg_tool(name: &str) -> PathBuf {
    concord::db::embedded::find_bindir()
        .expect("the PostgreSQL server binaries are installed")
        .join(name)
}

/// A unique form nonce (hex, as the forms send it): `tag` tells the tests apart.
pub fn nonce(tag: u32, i: usize, j: usize) -> String {
    format!("{tag:08x}{:08x}{i:08x}{j:08x}", std::process::id())
}

/// The path of the first published post of the demo data.
pub async fn first_demo_post(pool: &sqlx::PgPool) -> String {
    let (team, slug): (String, String) = sqlx::query_as(
        "select t.slug, p.slug from posts p join teams t on t.id = p.team_id
         where p.published_at is not null order by p.id limit 1",
    )
    .fetch_one(pool)
    .await
    .expect("a published demo post");
    format!("/posts/{team}/{slug}")
}

/// How many comments the audit log records from people whose login starts with `prefix`.
pub async fn comments_audited(pool: &sqlx::PgPool, prefix: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from audit_entries a join users u on u.id = a.actor_id
         where a.action = 'post.commented' and u.login like $1 || '%'",
    )
    .bind(prefix)
    .fetch_one(pool)
    .await
    .expect("audit")
}
