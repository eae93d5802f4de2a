//! In memory, through the application's real host: every bad input answers the right status with `{"error": "..."}` and stores
//! nothing.

mod in_memory;

use in_memory::TestApp;
use serde_json::{Value, json};

fn assert_error(answer: (u16, Value), expected: u16) {
    let (status, body) = answer;
    assert_eq!(status, expected, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|text| !text.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().map(|object| object.len()),
        Some(1),
        "{body}"
    );
}

#[tokio::test]
async fn bad_submissions_are_rejected_and_store_nothing() {
    let app = TestApp::start(&[]).await;
    let over_limit = format!(
        r#"{{"kind":"word_count","payload":"{}"}}"#,
        "a".repeat(64 * 1024)
    );

    assert_error(app.post(r#"{"kind": "sha256", "payload": "#).await, 400);
    assert_error(app.post("not json at all").await, 400);
    assert_error(app.post("").await, 400);
    assert_error(app.post("[1, 2]").await, 422);
    assert_error(app.post(r#"{"payload": "no kind"}"#).await, 422);
    assert_error(
        app.post(r#"{"kind": "mine_bitcoin", "payload": "x"}"#)
            .await,
        422,
    );
    assert_error(
        app.post(r#"{"kind": "word_count", "payload": 42}"#).await,
        422,
    );
    assert_error(app.post(r#"{"kind": "sha256"}"#).await, 422);
    assert_error(
        app.post(r#"{"kind": "sleep", "payload": {"ms": "soon"}}"#)
            .await,
        422,
    );
    assert_error(
        app.post(r#"{"kind": "sleep", "payload": {"ms": -5}}"#)
            .await,
        422,
    );
    assert_error(
        app.post(r#"{"kind": "fail", "max_attempts": 0}"#).await,
        422,
    );
    assert_error(
        app.post(r#"{"kind": "fail", "max_attempts": "3"}"#).await,
        422,
    );
    assert_error(app.post(over_limit).await, 413);

    let (_, stats) = app.get("/stats").await;
    let (_, jobs) = app.get("/jobs").await;
    assert_eq!(
        stats,
        json!({"pending": 0, "running": 0, "succeeded": 0, "failed": 0,
               "oldest_pending_age_ms": null, "by_kind": {},
               "worker": {"slots": 32, "busy": 0, "free": 32}})
    );
    assert_eq!(jobs["jobs"], json!([]));
    assert_eq!(app.stored().await, 0);
    app.stop().await;
}

#[tokio::test]
async fn body_of_exactly_64_kib_is_accepted() {
    let app = TestApp::start(&[]).await;
    let frame = r#"{"kind":"word_count","payload":""}"#.len();
    let body = format!(
        r#"{{"kind":"word_count","payload":"{}"}}"#,
        "a".repeat(64 * 1024 - frame)
    );
    assert_eq!(body.len(), 64 * 1024);

    let (status, answer) = app.post(body).await;

    assert_eq!(status, 202, "{answer}");
}

#[tokio::test]
async fn bad_lookups_answer_404_or_422() {
    let app = TestApp::start(&[]).await;

    assert_error(app.get("/jobs/424242").await, 404);
    assert_error(app.get("/jobs/not-a-number").await, 404);
    assert_error(app.get("/no/such/route").await, 404);
    assert_error(app.get("/jobs?status=sleeping").await, 422);
    assert_error(app.get("/jobs?limit=0").await, 422);
    assert_error(app.get("/jobs?limit=lots").await, 422);
    assert_error(app.get("/jobs?before=yesterday").await, 422);
}
