//! Migrations apply to an empty database and are idempotent: applying them again (a
//! restart, a second `concord migrate`, two instances starting at once) changes nothing.

use std::process::Command;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::support::database;

fn migration_files() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql"))
        })
        .count() as i64
}

/// The schema, as text: every column of every table, every constraint and every index.
async fn schema(pool: &PgPool) -> (i64, String) {
    let applied: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
        .fetch_one(pool)
        .await
        .expect("applied migrations");
    let shape: String = sqlx::query_scalar(
        "select concat_ws(E'\\n',
            (select string_agg(format('%s.%s.%s %s %s', table_schema, table_name, column_name,
                                      data_type, is_nullable), E'\\n'
                               order by table_schema, table_name, column_name)
             from information_schema.columns
             where table_schema not in ('pg_catalog', 'information_schema')),
            (select string_agg(format('%s %s', conname, pg_get_constraintdef(oid)), E'\\n'
                               order by conname, pg_get_constraintdef(oid))
             from pg_constraint where connamespace not in (11, 99)),
            (select string_agg(indexdef, E'\\n' order by indexdef) from pg_indexes
             where schemaname not in ('pg_catalog', 'information_schema')))",
    )
    .fetch_one(pool)
    .await
    .expect("schema");
    (applied, shape)
}

async fn pool_on(options: sqlx::postgres::PgConnectOptions) -> PgPool {
    PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("pool")
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_again_change_nothing() {
    let pool = pool_on(database::empty_database().await).await;
    concord::db::migrate(&pool).await.expect("first run");
    let first = schema(&pool).await;
    assert_eq!(first.0, migration_files(), "every migration applied");
    assert!(first.1.contains("post_comments"), "{}", first.1);
    concord::db::migrate(&pool).await.expect("second run");
    assert_eq!(schema(&pool).await, first, "a second run changes nothing");
    pool.close().await;
}

fn concord_migrate(url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("migrate")
        .env("DATABASE_URL", url)
        .env_remove("CONCORD_ENV")
        .output()
        .expect("run concord migrate")
}

#[tokio::test]
async fn concord_migrate_twice_at_once_then_again() {
    let options = database::empty_database().await;
    let url = database::url(&options);
    // Two instances starting at the same moment: the migrator's lock lets one apply, the
    // other finds the work done.
    let (first, second) = {
        let (a, b) = (url.clone(), url.clone());
        let a = tokio::task::spawn_blocking(move || concord_migrate(&a));
        let b = tokio::task::spawn_blocking(move || concord_migrate(&b));
        (a.await.expect("join"), b.await.expect("join"))
    };
    for out in [&first, &second] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Migrations applied."));
    }
    let pool = pool_on(options).await;
    let applied = schema(&pool).await;
    assert_eq!(applied.0, migration_files());
    let again = concord_migrate(&url);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(schema(&pool).await, applied);
    pool.close().await;
}
