//! PostgreSQL restarting under the application: each test has its own cluster (a restart
//! would disturb a shared one). While the server is down operations fail as transient
//! (`503` + `Retry-After` at the API, `/healthz` degraded); once it is back the pool
//! reconnects, the workers resume, and nothing acknowledged is lost.

mod common;
mod postgres;

use std::time::Duration;

use common::Workspace;
use jobs::{NewJob, StoreError};
use postgres::TempPostgres;
use serde_json::json;
use sqlx::PgPool;
use tokio::time::{Instant, sleep};

fn sha256(n: usize) -> NewJob {
    NewJob::from_json(&json!({"kind": "sha256", "payload": n.to_string()}), 3).expect("valid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_reports_the_database_unavailable_while_it_is_down_and_reconnects_after() {
    let cluster = tokio::task::spawn_blocking(TempPostgres::start)
        .await
        .expect("a cluster");
    let url = cluster.create_database("restart");
    let store = jobs::connect_store(&url, Duration::from_millis(500))
        .await
        .expect("the database opens");
    store.insert(&sha256(0)).await.expect("stored");

    cluster.stop();
    let while_down = store.insert(&sha256(1)).await;
    let ready_while_down = store.check_ready().await;
    cluster.start_again();
    let deadline = Instant::now() + common::WATCHDOG;
    let after = loop {
        match store.insert(&sha256(2)).await {
            Ok(id) => break id,
            Err(error) => assert!(Instant::now() < deadline, "never reconnected: {error:?}"),
        }
        sleep(Duration::from_millis(50)).await;
    };

    let while_down = while_down.expect_err("nothing is stored while the server is down");
    assert!(
        matches!(while_down, StoreError::Unavailable(_)),
        "{while_down:?}"
    );
    assert!(
        matches!(ready_while_down, Err(StoreError::Unavailable(_))),
        "{ready_while_down:?}"
    );
    assert!(after > 0);
    let stats = store.stats().await.expect("stats");
    assert_eq!(
        stats.all.by_status["pending"], 2,
        "the acknowledged jobs, and only those"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_ride_out_a_server_restart_mid_run_and_lose_nothing_acknowledged() {
    const BEFORE: usize = 200;
    const AFTER: usize = 50;
    let cluster = tokio::task::spawn_blocking(TempPostgres::start)
        .await
        .expect("a cluster");
    let url = cluster.create_database("restart");
    let mut workspace = Workspace::with_database(url.clone());
    let env = [("JOBS_CONCURRENCY", "4"), ("JOBS_DB_BUSY_MS", "500")];
    let first = workspace.start(&env).await;
    let second = workspace.start(&env).await;
    let mut acknowledged = 0_usize;
    for n in 0..BEFORE {
        let app = if n % 2 == 0 { &first } else { &second };
        app.submit(json!({"kind": "sleep", "payload": {"ms": 50}}))
            .await;
        acknowledged += 1;
    }
    let (_, stats) = first.get("/stats").await;

    cluster.stop();
    let (health, health_body) = first.get("/healthz").await;
    let (ready, _) = second.get("/readyz").await;
    let (submit, headers, _) = first
        .post_with(
            &[("content-type", "application/json")],
            r#"{"kind": "fail"}"#,
        )
        .await;
    cluster.start_again();
    let deadline = Instant::now() + common::WATCHDOG;
    while first.get("/healthz").await.0 != 200 {
        assert!(Instant::now() < deadline, "health never recovered");
        sleep(Duration::from_millis(50)).await;
    }
    for n in 0..AFTER {
        let app = if n % 2 == 0 { &first } else { &second };
        // The first submissions after the restart may still find the pool reconnecting.
        let deadline = Instant::now() + common::WATCHDOG;
        loop {
            let (status, body) = app
                .post(json!({"kind": "sha256", "payload": "x"}).to_string())
                .await;
            if status == 202 {
                break;
            }
            assert!(
                status == 503 && Instant::now() < deadline,
                "{status} {body}"
            );
            sleep(Duration::from_millis(50)).await;
        }
        acknowledged += 1;
    }

    let unfinished =
        stats["pending"].as_i64().unwrap_or(0) + stats["running"].as_i64().unwrap_or(0);
    assert!(unfinished > 0, "the restart comes mid-run: {stats}");
    assert_eq!(health, 503, "{health_body}");
    assert_eq!(health_body["status"], "degraded");
    assert_eq!(health_body["database"], "unavailable", "{health_body}");
    assert_eq!(ready, 503);
    assert_eq!(submit, 503);
    assert!(headers.contains_key("retry-after"));
    let pool = PgPool::connect(&url).await.expect("the database opens");
    let deadline = Instant::now() + common::WATCHDOG;
    loop {
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'")
            .fetch_one(&pool)
            .await
            .expect("count");
        if done == i64::try_from(acknowledged).expect("small") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {acknowledged} succeeded"
        );
        sleep(Duration::from_millis(50)).await;
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs")
        .fetch_one(&pool)
        .await
        .expect("count");
    let twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT job_id FROM executions WHERE outcome = 'succeeded'
             GROUP BY job_id HAVING COUNT(*) > 1) AS twice",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(
        total,
        i64::try_from(acknowledged).expect("small"),
        "only acknowledged jobs"
    );
    assert_eq!(twice, 0, "no job completed twice");
}
