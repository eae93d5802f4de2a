//! End to end: at-least-once execution, exactly-once completion. A process paused past its
//! lease loses the job to another process; when it resumes, its late outcome is fenced out and
//! the job's history shows both executions.

mod common;

use common::Workspace;
use serde_json::json;

#[tokio::test]
async fn a_paused_process_loses_its_job_and_its_late_completion_is_fenced_out() {
    let mut workspace = Workspace::new();
    let short_lease = [("JOBS_LEASE_MS", "1000")];
    let first = workspace.start(&short_lease).await;
    let id = first
        .submit(json!({"kind": "sleep", "payload": {"ms": 1500}}))
        .await;
    first.wait_for_status(id, "running").await;

    first.signal("STOP");
    let second = workspace.start(&short_lease).await;
    second.wait_for_status(id, "succeeded").await;
    first.signal("CONT");
    first
        .wait_for_log("the execution lost its lease before it finished")
        .await;
    let (status, job) = second.get(&format!("/jobs/{id}")).await;

    assert_eq!(status, 200);
    assert_eq!(job["status"], "succeeded");
    assert_eq!(job["result"], json!({"slept_ms": 1500}));
    let executions = job["executions"].as_array().expect("the history");
    let summary: Vec<(String, String, i64)> = executions
        .iter()
        .map(|e| {
            let owner = e["owner"].as_str().unwrap_or_default();
            let process = owner.split('-').nth(1).unwrap_or_default().to_owned();
            let outcome = e["outcome"].as_str().unwrap_or_default().to_owned();
            (process, outcome, e["attempt"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (first.pid().to_string(), "lost_lease".to_owned(), 1),
            (second.pid().to_string(), "succeeded".to_owned(), 2),
        ]
    );
    assert_ne!(executions[0]["token"], executions[1]["token"]);
    let db = workspace.database().await;
    let completions = "SELECT COUNT(*) FROM executions WHERE outcome = 'succeeded'";
    assert_eq!(common::count(&db, completions).await, 1, "recorded once");
}
