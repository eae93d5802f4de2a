//! End to end: graceful stop on SIGTERM and crash recovery after `kill -9`; no job is lost.

mod common;

use common::Workspace;
use serde_json::json;

#[tokio::test]
async fn sigterm_during_a_sleep_job_exits_0_and_releases_the_job() {
    let mut workspace = Workspace::new();
    let mut first = workspace.start(&[]).await;
    let id = first
        .submit(json!({"kind": "sleep", "payload": {"ms": 5000}}))
        .await;
    first.wait_for_status(id, "running").await;

    first.terminate();
    let exit = first.wait_exit().await;

    assert_eq!(exit.code(), Some(0), "log:\n{}", first.log());
    let db = workspace.database().await;
    let (status, attempts): (String, i64) =
        sqlx::query_as("SELECT status, attempts FROM jobs WHERE id = ?1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("the job is stored");
    assert_eq!((status.as_str(), attempts), ("pending", 0));
    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM executions WHERE job_id = ?1")
            .bind(id)
            .fetch_all(&db)
            .await
            .expect("the attempts");
    assert_eq!(outcomes, vec!["released".to_owned()]);

    let second = workspace.start(&[]).await;
    let job = second.wait_for_status(id, "succeeded").await;
    assert_eq!(job["result"], json!({"slept_ms": 5000}));
    assert_eq!(job["attempts"], 1);
}

#[tokio::test]
async fn restart_after_kill_9_completes_the_job_whose_lease_expired() {
    let mut workspace = Workspace::new();
    let short_lease = [("JOBS_LEASE_MS", "1000")];
    let mut first = workspace.start(&short_lease).await;
    let id = first
        .submit(json!({"kind": "sleep", "payload": {"ms": 2000}}))
        .await;
    first.wait_for_status(id, "running").await;

    first.kill();
    let second = workspace.start(&short_lease).await;
    let job = second.wait_for_status(id, "succeeded").await;

    assert_eq!(job["result"], json!({"slept_ms": 2000}));
    assert_eq!(job["attempts"], 2);
    let db = workspace.database().await;
    let finished: Vec<(i64, String)> =
        sqlx::query_as("SELECT attempt, outcome FROM executions WHERE job_id = ?1 ORDER BY id")
            .bind(id)
            .fetch_all(&db)
            .await
            .expect("the attempts");
    assert_eq!(
        finished,
        vec![(1, "lost_lease".to_owned()), (2, "succeeded".to_owned())]
    );
}

#[tokio::test]
async fn sigterm_with_an_idle_queue_exits_0() {
    let mut workspace = Workspace::new();
    let mut app = workspace.start(&[]).await;

    app.terminate();

    assert_eq!(app.wait_exit().await.code(), Some(0), "log:\n{}", app.log());
}

#[tokio::test]
async fn sigterm_while_a_client_sent_part_of_a_request_head_exits_0_without_waiting_for_it() {
    use tokio::io::AsyncWriteExt as _;

    let mut workspace = Workspace::new();
    // A deadline far beyond every watchdog: waiting for the client would fail the test.
    let mut process = workspace.start(&[("JOBS_SHUTDOWN_MS", "600000")]).await;
    let address = process.url("").trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connects");
    slow.write_all(b"GE").await.expect("sends two bytes");
    // Give the server time to read the two bytes (a request on another connection going
    // through shows it is serving); the assertion below needs the head to have been started.
    let (status, _) = process.get("/healthz").await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    process.terminate();
    let exit = process.wait_exit().await;

    assert_eq!(exit.code(), Some(0), "log:\n{}", process.log());
    let log = process.log();
    assert!(log.contains("(request head)"), "log:\n{log}");
    drop(slow);
}
