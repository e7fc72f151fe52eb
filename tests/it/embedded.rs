//! The embedded PostgreSQL: first start creates the cluster, a restart keeps its data.

use concord::db::embedded::{Cluster, Durability, find_bindir};
use sqlx::postgres::PgPoolOptions;

#[tokio::test]
async fn first_start_creates_the_cluster_and_a_restart_keeps_the_data() {
    assert!(
        find_bindir().is_some(),
        "the PostgreSQL server binaries are installed"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("pg");

    let cluster = Cluster::start(&data, Durability::Durable)
        .await
        .expect("first start");
    assert!(data.join("PG_VERSION").exists(), "the cluster was created");
    cluster.ensure_database("kept").await.expect("database");
    let pool = PgPoolOptions::new()
        .connect_with(cluster.connect_options("kept"))
        .await
        .expect("connect");
    sqlx::query("create table note (body text)")
        .execute(&pool)
        .await
        .expect("create");
    sqlx::query("insert into note values ('still here')")
        .execute(&pool)
        .await
        .expect("insert");
    pool.close().await;
    cluster.stop().await.expect("stop");
    assert!(
        !data.join("postmaster.pid").exists(),
        "the server stopped cleanly"
    );

    let cluster = Cluster::start(&data, Durability::Durable)
        .await
        .expect("restart");
    cluster
        .ensure_database("kept")
        .await
        .expect("database exists");
    let pool = PgPoolOptions::new()
        .connect_with(cluster.connect_options("kept"))
        .await
        .expect("connect");
    let body: String = sqlx::query_scalar("select body from note")
        .fetch_one(&pool)
        .await
        .expect("select");
    assert_eq!(body, "still here");
    pool.close().await;
    cluster.stop().await.expect("stop");
}

#[tokio::test]
async fn a_second_start_on_a_running_cluster_shares_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("pg");
    let first = Cluster::start(&data, Durability::Throwaway)
        .await
        .expect("start");
    // `concord admin` beside a running `concord serve`: it connects, and its stop leaves the
    // server running for the first.
    let second = Cluster::start(&data, Durability::Throwaway)
        .await
        .expect("share");
    second.stop().await.expect("stop the sharer");
    first
        .ensure_database("still_up")
        .await
        .expect("the first still serves");
    first.stop().await.expect("stop");
}
