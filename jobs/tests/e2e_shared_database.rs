//! End to end: two processes share one database; 1,000 jobs each succeed exactly once.

mod common;

use std::collections::HashSet;

use common::Workspace;
use futures::StreamExt;
use serde_json::json;
use tokio::time::{Instant, sleep};

const JOBS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_complete_every_job_exactly_once() {
    let mut workspace = Workspace::new();
    let tuning = [("JOBS_BATCH_SIZE", "8"), ("RUST_LOG", "warn")];
    let mut first = workspace.start(&tuning).await;
    let mut second = workspace.start(&tuning).await;

    let submitted: Vec<i64> = futures::stream::iter(0..JOBS)
        .map(|n| {
            let app = if n % 2 == 0 { &first } else { &second };
            app.submit(json!({"kind": "sha256", "payload": format!("job {n}")}))
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let deadline = Instant::now() + common::WATCHDOG;
    loop {
        let (_, stats) = first.get("/stats").await;
        if stats["succeeded"] == JOBS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not every job succeeded: {stats}"
        );
        sleep(std::time::Duration::from_millis(100)).await;
    }

    let db = workspace.database().await;
    let unique: HashSet<i64> = submitted.iter().copied().collect();
    assert_eq!(unique.len(), JOBS);
    let succeeded = "SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'";
    assert_eq!(common::count(&db, succeeded).await, JOBS as i64);
    let completions = "SELECT COUNT(*) FROM executions WHERE outcome = 'succeeded'";
    assert_eq!(common::count(&db, completions).await, JOBS as i64);
    let completed_jobs =
        "SELECT COUNT(DISTINCT job_id) FROM executions WHERE outcome = 'succeeded'";
    assert_eq!(common::count(&db, completed_jobs).await, JOBS as i64);
    let owners = "SELECT COUNT(DISTINCT owner) FROM executions";
    assert_eq!(
        common::count(&db, owners).await,
        2,
        "both processes took jobs"
    );

    first.terminate();
    second.terminate();
    assert_eq!(
        first.wait_exit().await.code(),
        Some(0),
        "log:\n{}",
        first.log()
    );
    assert_eq!(
        second.wait_exit().await.code(),
        Some(0),
        "log:\n{}",
        second.log()
    );
}
