//! End to end on PostgreSQL: several `jobs` processes (`DATABASE_URL=postgres://…`) share one
//! database; each takes jobs, a process killed with `kill -9` has its jobs taken over when their
//! lease expires, and every job completes exactly once with every execution in its history.

mod common;
mod postgres;

use std::collections::HashSet;

use common::{JobsProcess, Workspace};
use postgres::TempPostgres;
use serde_json::json;
use sqlx::PgPool;
use tokio::time::{Instant, sleep};

/// Short leases, renewed (and expired ones rescued) often: a takeover within ~2 s.
const FAST_LEASES: &[(&str, &str)] = &[
    ("JOBS_LEASE_MS", "1500"),
    ("JOBS_RENEW_MS", "300"),
    ("JOBS_CONCURRENCY", "4"),
];

async fn wait_for_succeeded(app: &JobsProcess, count: i64) {
    let deadline = Instant::now() + common::WATCHDOG;
    loop {
        let (_, stats) = app.get("/stats").await;
        if stats["succeeded"] == count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never {count} succeeded: {stats}"
        );
        sleep(std::time::Duration::from_millis(25)).await;
    }
}

async fn scalar(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("the query runs")
}

/// Jobs with other than exactly one succeeded execution (0 when every job completed once).
const NOT_ONCE: &str = "SELECT COUNT(*) FROM jobs j WHERE (SELECT COUNT(*) FROM executions e
     WHERE e.job_id = j.id AND e.outcome = 'succeeded') <> 1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_each_take_jobs_and_complete_each_once() {
    const JOBS: i64 = 40;
    let url = TempPostgres::shared().fresh_database();
    let mut workspace = Workspace::with_database(url.clone());
    let first = workspace.start(FAST_LEASES).await;
    let second = workspace.start(FAST_LEASES).await;

    for n in 0..JOBS {
        let app = if n % 2 == 0 { &first } else { &second };
        app.submit(json!({"kind": "sleep", "payload": {"ms": 100}}))
            .await;
    }
    wait_for_succeeded(&first, JOBS).await;
    let (ready, readiness) = second.get("/readyz").await;
    let (_, stats) = second.get("/stats").await;

    let pool = PgPool::connect(&url).await.expect("the database opens");
    assert_eq!(
        scalar(&pool, "SELECT COUNT(DISTINCT owner) FROM executions").await,
        2
    );
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM executions").await, JOBS);
    assert_eq!(scalar(&pool, NOT_ONCE).await, 0);
    assert_eq!(
        (ready, &readiness["backend"]),
        (200, &json!("postgres")),
        "{readiness}"
    );
    assert_eq!(stats["by_kind"]["sleep"]["succeeded"], JOBS, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_of_a_process_killed_with_kill_9_are_taken_over_when_their_lease_expires() {
    let url = TempPostgres::shared().fresh_database();
    let mut workspace = Workspace::with_database(url.clone());
    let mut doomed = workspace.start(FAST_LEASES).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            doomed
                .submit(json!({"kind": "sleep", "payload": {"ms": 1500}}))
                .await,
        );
    }
    for id in &ids {
        doomed.wait_for_status(*id, "running").await;
    }

    doomed.kill();
    let survivor = workspace.start(FAST_LEASES).await;

    let mut owners = HashSet::new();
    for id in ids {
        let job = survivor.wait_for_status(id, "succeeded").await;
        let outcomes: Vec<&str> = job["executions"]
            .as_array()
            .expect("executions")
            .iter()
            .map(|execution| {
                owners.insert(execution["owner"].as_str().unwrap_or_default().to_owned());
                execution["outcome"].as_str().unwrap_or_default()
            })
            .collect();
        assert_eq!(outcomes, ["lost_lease", "succeeded"], "job {id}: {job}");
        assert_eq!(job["attempts"], 2, "{job}");
    }
    assert_eq!(
        owners.len(),
        2,
        "the killed process and the survivor: {owners:?}"
    );
    assert!(
        survivor
            .log()
            .contains("took over jobs whose lease expired")
    );
}
