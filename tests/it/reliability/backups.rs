//! Backups: `pg_dump --format=custom` of a populated database and `pg_restore` into an
//! empty one give the same rows in every table (count and checksum), the same sequence
//! positions, and an app that serves and takes new writes from the restored copy.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::{nonce, pg_tool};
use crate::support::{Options, TestApp, database};

/// Per table (schema.table): the row count and an md5 of all rows in a fixed order.
async fn contents(pool: &PgPool) -> BTreeMap<String, (i64, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select format('%I.%I', schemaname, tablename) from pg_tables
         where schemaname not in ('pg_catalog', 'information_schema') order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut contents = BTreeMap::new();
    for table in tables {
        let row: (i64, String) = sqlx::query_as(&format!(
            "select count(*), md5(coalesce(string_agg(t::text, E'\\n' order by t::text), ''))
             from {table} t"
        ))
        .fetch_one(pool)
        .await
        .expect("checksum");
        contents.insert(table, row);
    }
    contents
}

async fn sequences(pool: &PgPool) -> Vec<(String, Option<i64>)> {
    sqlx::query_as(
        "select format('%I.%I', schemaname, sequencename), last_value from pg_sequences
         order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("sequences")
}

fn run(command: &mut Command) {
    let out = command.output().expect("run a PostgreSQL tool");
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_dump_of_a_populated_database_restores_to_the_same_contents() {
    let app = TestApp::spawn().await;
    concord::demo::seed_if_empty(&app.pool, app.clock.now())
        .await
        .expect("demo data");
    let post = super::first_demo_post(&app.pool).await;
    // Writes on top of the demo data, sessions included.
    let reader = app.signed_in("backup-reader").await;
    for i in 0..3 {
        reader
            .post(
                &format!("{post}/comments"),
                &[
                    (
                        "body",
                        format!("Kept in the backup, {i} — ünïcode ✓").as_str(),
                    ),
                    ("idempotency_key", nonce(5, i, 0).as_str()),
                ],
            )
            .await
            .assert_status(303);
    }
    reader
        .post(&format!("{post}/like"), &[("like", "on")])
        .await
        .assert_status(303);
    let original = contents(&app.pool).await;
    assert!(original.len() > 20, "{:?}", original.keys());
    assert!(original["public.post_comments"].0 >= 3);

    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("concord.dump");
    let started = Instant::now();
    run(Command::new(pg_tool("pg_dump"))
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg("--dbname")
        .arg(database::url(&app.db_options)));
    let dumped = started.elapsed();
    let restored_options = database::empty_database().await;
    let started = Instant::now();
    run(Command::new(pg_tool("pg_restore"))
        .args([
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
        ])
        .arg(database::url(&restored_options))
        .arg(&dump));
    let restoring = started.elapsed();

    let restored_pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(restored_options.clone())
        .await
        .expect("pool on the restored database");
    let restored = contents(&restored_pool).await;
    assert_eq!(restored, original, "every table, row for row");
    assert_eq!(sequences(&restored_pool).await, sequences(&app.pool).await);
    let size = std::fs::metadata(&dump).expect("dump").len();
    let rows: i64 = original.values().map(|(n, _)| n).sum();
    eprintln!(
        "backups: {} tables, {rows} rows; pg_dump {dumped:?} ({size} bytes), \
         pg_restore {restoring:?}; contents and sequences identical",
        original.len()
    );

    // The app serves from the restored copy: the comments are there,
    // and new writes get fresh ids (the sequences came along).
    let restored_app = TestApp::spawn_with(Options {
        database: Some((restored_pool.clone(), restored_options)),
        ..Options::default()
    })
    .await;
    let again = restored_app.signed_in("backup-reader").await;
    again
        .get(&post)
        .await
        .assert_status(200)
        .assert_contains("Kept in the backup, 2 — ünïcode ✓");
    again
        .post(
            &format!("{post}/comments"),
            &[
                ("body", "Written after the restore"),
                ("idempotency_key", nonce(5, 9, 0).as_str()),
            ],
        )
        .await
        .assert_status(303);
    restored_pool.close().await;
}
