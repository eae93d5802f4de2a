//! A database held by another writer: every wait is bounded, the operation fails
//! `StoreError::Busy` (nothing written), and succeeds once the lock is released — on SQLite
//! (the file's write lock) and PostgreSQL (a row lock, bounded by `lock_timeout`).

mod postgres;

use std::time::Duration;

use jobs::{Completion, Finish, NewJob, StoreError};
use serde_json::json;
use sqlx::{Connection, PgConnection, SqliteConnection};

const WAIT: Duration = Duration::from_millis(200);
const WATCHDOG: Duration = Duration::from_secs(30);

fn job() -> NewJob {
    NewJob::from_json(&json!({"kind": "sha256", "payload": "x"}), 3).expect("valid")
}

#[tokio::test]
async fn sqlite_writes_fail_busy_after_the_configured_wait_while_another_connection_holds_the_lock()
{
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let store = jobs::connect_store(&url, WAIT)
        .await
        .expect("the database opens");
    let mut other = SqliteConnection::connect(&url)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the write lock");

    let while_locked = tokio::time::timeout(WATCHDOG, store.insert(&job()))
        .await
        .expect("the wait is bounded");
    let probe = store.check_ready().await;
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("released");
    let after = store.insert(&job()).await;

    assert!(
        matches!(while_locked, Err(StoreError::Busy)),
        "{while_locked:?}"
    );
    assert!(matches!(probe, Err(StoreError::Busy)), "{probe:?}");
    assert!(after.is_ok(), "{after:?}");
    assert_eq!(
        store.stats().await.expect("query").all.by_status["pending"],
        1
    );
}

#[tokio::test]
async fn postgres_completions_fail_busy_after_the_configured_wait_while_another_transaction_locks_the_job()
 {
    let url = postgres::TempPostgres::shared().fresh_database();
    let store = jobs::connect_store(&url, WAIT)
        .await
        .expect("the database opens");
    let id = store.insert(&job()).await.expect("stored");
    let claimed = store
        .claim("a", Duration::from_secs(60), 1)
        .await
        .expect("claim");
    let done = [Completion::new(&claimed[0], Finish::Succeeded(json!(1)))];
    let mut other = PgConnection::connect(&url)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN")
        .execute(&mut other)
        .await
        .expect("begin");
    sqlx::query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(&mut other)
        .await
        .expect("the row lock");

    let while_locked = tokio::time::timeout(WATCHDOG, store.finish(&done))
        .await
        .expect("the wait is bounded");
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("released");
    let after = store.finish(&done).await;

    assert!(
        matches!(while_locked, Err(StoreError::Busy)),
        "{while_locked:?}"
    );
    assert_eq!(after.expect("recorded"), vec![true]);
    let stats = store.stats().await.expect("query");
    assert_eq!(stats.all.by_status["succeeded"], 1);
}

#[tokio::test]
async fn postgres_renewal_skips_a_locked_job_instead_of_waiting() {
    let url = postgres::TempPostgres::shared().fresh_database();
    let store = jobs::connect_store(&url, WAIT)
        .await
        .expect("the database opens");
    for _ in 0..2 {
        store.insert(&job()).await.expect("stored");
    }
    let claimed = store
        .claim("a", Duration::from_secs(60), 2)
        .await
        .expect("claim");
    let mut other = PgConnection::connect(&url)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN")
        .execute(&mut other)
        .await
        .expect("begin");
    sqlx::query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE")
        .bind(claimed[0].id)
        .execute(&mut other)
        .await
        .expect("the row lock");

    let renewed = tokio::time::timeout(WATCHDOG, store.renew("a", Duration::from_secs(60)))
        .await
        .expect("the renewal is bounded");

    assert_eq!(
        renewed.expect("renewed"),
        1,
        "the locked job is skipped, the other renewed"
    );
}
