//! In memory, through the application's real host: a database locked by another connection
//! (as another process would) is a `503` with `Retry-After` after a
//! bounded wait, and a degraded `/healthz` — never a `500`, and nothing stored twice or lost.

mod in_memory;

use in_memory::TestApp;
use serde_json::json;
use sqlx::{Connection, SqliteConnection};

#[tokio::test]
async fn while_another_process_holds_the_write_lock_submissions_answer_503_and_health_is_degraded()
{
    let app = TestApp::start(&[("JOBS_DB_BUSY_MS", "300")]).await;
    let body = json!({"kind": "sha256", "payload": "abc"}).to_string();
    let json_type = [("content-type", "application/json")];
    let mut other = SqliteConnection::connect(&app.database_url())
        .await
        .expect("another connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the write lock");

    let (status, headers, error) = app.post_with(&json_type, body.clone()).await;
    let health = app.get("/healthz").await;
    let (list_status, _) = app.get("/jobs").await;
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("released");
    let (after, _, _) = app.post_with(&json_type, body).await;
    let healthy = app.get("/healthz").await;

    assert_eq!(status, 503, "{error}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(
        error,
        json!({"error": "the database is busy; nothing was stored, retry later"})
    );
    assert_eq!(health.0, 503);
    assert_eq!(
        (&health.1["status"], &health.1["database"]),
        (&json!("degraded"), &json!("busy"))
    );
    assert_eq!(list_status, 200, "reads go on while another process writes");
    assert_eq!(after, 202);
    assert_eq!(healthy.0, 200);
    assert_eq!(app.stored().await, 1);
    app.stop().await;
}
