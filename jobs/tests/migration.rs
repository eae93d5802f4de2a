//! Opening a brand-new database from several processes at once: every one of them migrates it
//! or finds it migrated, none fails on the other's half-applied migration — on both backends.

mod postgres;

use futures::future::join_all;
use sqlx::{Connection, PgConnection, SqliteConnection};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opening_a_brand_new_sqlite_database_at_the_same_time_all_succeed() {
    for trial in 0..20 {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/jobs.db", dir.path().display());
        // Separate stores stand for separate processes: nothing is shared but the file.
        let opened =
            join_all((0..4).map(|_| jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY))).await;
        for (i, store) in opened.into_iter().enumerate() {
            let store = store.unwrap_or_else(|e| panic!("trial {trial}, store {i}: {e:?}"));
            store.dispose().await;
        }
        let mut check = SqliteConnection::connect(&url)
            .await
            .expect("the database opens");
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&mut check)
            .await
            .expect("the migrations table exists");
        assert_eq!(applied, 2, "each migration is recorded once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opening_a_brand_new_postgres_database_at_the_same_time_all_succeed() {
    let cluster = postgres::TempPostgres::shared();
    for trial in 0..5 {
        let url = cluster.fresh_database();
        let opened =
            join_all((0..4).map(|_| jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY))).await;
        for (i, store) in opened.into_iter().enumerate() {
            let store = store.unwrap_or_else(|e| panic!("trial {trial}, store {i}: {e:?}"));
            assert_eq!(store.backend(), "postgres");
            store.dispose().await;
        }
        let mut check = PgConnection::connect(&url)
            .await
            .expect("the database opens");
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&mut check)
            .await
            .expect("the migrations table exists");
        assert_eq!(applied, 1, "each migration is recorded once");
    }
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_naming_both_backends() {
    let error = jobs::connect_store("mysql://localhost/jobs", jobs::DEFAULT_DB_BUSY)
        .await
        .expect_err("refused");

    let message = error.to_string();
    assert!(matches!(
        error,
        jobs::DatabaseError::UnsupportedScheme { .. }
    ));
    assert!(
        message.contains("`sqlite:`") && message.contains("`postgres:`"),
        "{message}"
    );
}
