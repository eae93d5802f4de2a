//! In memory, through the application's real host: every job kind, listing and statistics, and
//! no head-of-line blocking (a long job holds one slot, never the worker).

mod in_memory;

use in_memory::TestApp;
use serde_json::json;

/// Longer than any test's watchdog: a test that needs it to finish fails instead.
const LONG: u64 = 3_600_000;

#[tokio::test]
async fn every_job_kind_succeeds_or_fails_as_specified() {
    let app = TestApp::start(&[("JOBS_BACKOFF_MS", "10")]).await;

    let words = app
        .submit(json!({"kind": "word_count", "payload": "one two\nthree"}))
        .await;
    let digest = app
        .submit(json!({"kind": "sha256", "payload": "abc"}))
        .await;
    let nap = app
        .submit(json!({"kind": "sleep", "payload": {"ms": 50}}))
        .await;
    let fail = app.submit(json!({"kind": "fail", "max_attempts": 3})).await;

    let words = app.wait_for_status(words, "succeeded").await;
    let digest = app.wait_for_status(digest, "succeeded").await;
    let nap = app.wait_for_status(nap, "succeeded").await;
    let fail = app.wait_for_status(fail, "failed").await;

    assert_eq!(
        words["result"],
        json!({"words": 3, "lines": 2, "chars": 13})
    );
    assert_eq!(
        digest["result"]["sha256"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(nap["result"], json!({"slept_ms": 50}));
    assert_eq!(
        (fail["attempts"].as_u64(), fail["max_attempts"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(fail["last_error"], "the job failed on purpose");
    assert_eq!(words["attempts"], 1);
}

#[tokio::test]
async fn failed_attempts_are_recorded_once_each_with_backoff_between() {
    let app = TestApp::start(&[("JOBS_BACKOFF_MS", "10")]).await;

    let id = app.submit(json!({"kind": "fail", "max_attempts": 4})).await;
    app.wait_for_status(id, "failed").await;

    let db = app.database().await;
    let attempts: Vec<(i64, String)> =
        sqlx::query_as("SELECT attempt, outcome FROM executions WHERE job_id = ?1 ORDER BY id")
            .bind(id)
            .fetch_all(&db)
            .await
            .expect("the attempts");
    let expected: Vec<(i64, String)> = (1..=4).map(|n| (n, "failed".to_owned())).collect();
    assert_eq!(attempts, expected);
}

#[tokio::test]
async fn listing_and_stats_reflect_the_queue() {
    let app = TestApp::start(&[("JOBS_BACKOFF_MS", "10")]).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            app.submit(json!({"kind": "sha256", "payload": n.to_string()}))
                .await,
        );
    }
    let failed = app.submit(json!({"kind": "fail", "max_attempts": 1})).await;
    for id in &ids {
        app.wait_for_status(*id, "succeeded").await;
    }
    app.wait_for_status(failed, "failed").await;

    let (status, stats) = app.get("/stats").await;
    let (_, page) = app.get("/jobs?status=succeeded&limit=2").await;
    let (_, rest) = app
        .get(&format!(
            "/jobs?status=succeeded&before={}",
            page["next_before"]
        ))
        .await;
    let (_, failures) = app.get("/jobs?status=failed").await;

    assert_eq!(status, 200);
    assert_eq!(
        stats,
        json!({"pending": 0, "running": 0, "succeeded": 3, "failed": 1,
               "oldest_pending_age_ms": null,
               "by_kind": {
                   "fail": {"pending": 0, "running": 0, "succeeded": 0, "failed": 1,
                            "oldest_pending_age_ms": null},
                   "sha256": {"pending": 0, "running": 0, "succeeded": 3, "failed": 0,
                              "oldest_pending_age_ms": null}},
               "worker": {"slots": 32, "busy": 0, "free": 32}})
    );
    let listed: Vec<i64> = page["jobs"]
        .as_array()
        .into_iter()
        .chain(rest["jobs"].as_array())
        .flatten()
        .map(|job| job["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(listed, ids.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(failures["jobs"][0]["id"], failed);
}

#[tokio::test]
async fn health_is_running_and_the_database_file_is_created_on_first_start() {
    let app = TestApp::start(&[]).await;

    let (status, body) = app.get("/healthz").await;

    assert_eq!(
        (status, body),
        (200, json!({"status": "running", "database": "ok"}))
    );
    assert!(app.path().join("jobs.db").exists());
    app.stop().await;
}

#[tokio::test]
async fn a_quick_job_completes_while_a_long_sleep_runs() {
    let app = TestApp::start(&[("JOBS_CONCURRENCY", "4")]).await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_payload_is_stored_exactly_as_submitted_floats_included() {
    // Found by `fuzz_api.rs`: parsed without `float_roundtrip`, this number came back with its
    // last digit changed (…341e214).
    let number = -3.746291877070342e214_f64;
    let app = TestApp::start(&[]).await;

    let id = app
        .submit(json!({"kind": "fail", "max_attempts": 1, "payload": [number, 0.1, 1e-300]}))
        .await;
    let (status, stored) = app.get(&format!("/jobs/{id}")).await;

    assert_eq!(status, 200);
    assert_eq!(stored["payload"], json!([number, 0.1, 1e-300]), "{stored}");
    assert_eq!(stored["payload"][0].as_f64(), Some(number));
}
