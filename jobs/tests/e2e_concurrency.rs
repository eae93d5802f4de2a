//! End to end: no head-of-line blocking. A long job holds one slot, never the worker; with
//! every slot busy, `/stats` and the log say so.

mod common;

use common::Workspace;
use serde_json::json;

/// Longer than any test's watchdog: a test that needs it to finish fails instead.
const LONG: u64 = 3_600_000;

#[tokio::test]
async fn a_quick_job_completes_while_a_long_sleep_runs() {
    let mut workspace = Workspace::new();
    let app = workspace.start(&[("JOBS_CONCURRENCY", "4")]).await;
    let long = app
        .submit(json!({"kind": "sleep", "payload": {"ms": LONG}}))
        .await;
    app.wait_for_status(long, "running").await;

    let quick = app
        .submit(json!({"kind": "sha256", "payload": "abc"}))
        .await;
    let quick = app.wait_for_status(quick, "succeeded").await;
    let (_, long) = app.get(&format!("/jobs/{long}")).await;
    let (_, stats) = app.get("/stats").await;

    assert_eq!(quick["attempts"], 1);
    assert_eq!(long["status"], "running");
    assert_eq!(stats["worker"], json!({"slots": 4, "busy": 1, "free": 3}));
}

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
