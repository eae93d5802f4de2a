//! End to end: with every slot busy, `/stats` and the log say so, and a stop (SIGTERM) releases
//! the running and the waiting job. (A quick job passing a long one: `api_jobs.rs`.)

mod common;

use common::Workspace;
use serde_json::json;

/// Longer than any test's watchdog: a test that needs it to finish fails instead.
const LONG: u64 = 3_600_000;

#[tokio::test]
async fn with_every_slot_busy_stats_and_the_log_say_so_and_stop_releases_both_jobs() {
    let mut workspace = Workspace::new();
    let mut app = workspace.start(&[("JOBS_CONCURRENCY", "1")]).await;
    let long = app
        .submit(json!({"kind": "sleep", "payload": {"ms": LONG}}))
        .await;
    app.wait_for_status(long, "running").await;

    let waiting = app
        .submit(json!({"kind": "sha256", "payload": "abc"}))
        .await;
    app.wait_for_log("all job slots are busy").await;
    let (_, stats) = app.get("/stats").await;
    let (_, job) = app.get(&format!("/jobs/{waiting}")).await;
    app.terminate();
    let exit = app.wait_exit().await;

    assert_eq!(stats["worker"], json!({"slots": 1, "busy": 1, "free": 0}));
    assert_eq!(
        (stats["running"].as_i64(), stats["pending"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(job["status"], "pending");
    assert_eq!(exit.code(), Some(0), "log:\n{}", app.log());
    let db = workspace.database().await;
    let pending = "SELECT COUNT(*) FROM jobs WHERE status = 'pending'";
    assert_eq!(common::count(&db, pending).await, 2, "nothing lost at stop");
}
