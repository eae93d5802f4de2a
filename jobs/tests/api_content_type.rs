//! In memory, through the application's real host: `POST /jobs` takes JSON only — `application/json` (any parameters), unencoded.
//! Anything else is `415` and stores nothing, so no web page can submit jobs cross-origin
//! without a CORS preflight.

mod in_memory;

use in_memory::TestApp;
use serde_json::json;

#[tokio::test]
async fn non_json_submissions_answer_415_and_store_nothing() {
    let app = TestApp::start(&[]).await;
    let body = json!({"kind": "sha256", "payload": "abc"}).to_string();
    let cases: [&[(&str, &str)]; 7] = [
        &[("content-type", "text/plain")],
        &[("content-type", "text/plain;charset=UTF-8")],
        &[("content-type", "application/x-www-form-urlencoded")],
        &[("content-type", "multipart/form-data; boundary=x")],
        &[("content-type", "application/xml")],
        &[],
        &[
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
    ];

    for headers in cases {
        let (status, _, error) = app.post_with(headers, body.clone()).await;

        assert_eq!(status, 415, "{headers:?}: {error}");
        assert!(error["error"].as_str().is_some_and(|text| !text.is_empty()));
        assert_eq!(error.as_object().map(|object| object.len()), Some(1));
    }
    assert_eq!(app.stored().await, 0);
    app.stop().await;
}

#[tokio::test]
async fn json_with_a_charset_or_identity_encoding_is_accepted() {
    let app = TestApp::start(&[]).await;
    let body = json!({"kind": "sha256", "payload": "abc"}).to_string();

    let (charset, _, _) = app
        .post_with(
            &[("content-type", "application/json; charset=utf-8")],
            body.clone(),
        )
        .await;
    let (identity, _, _) = app
        .post_with(
            &[
                ("content-type", "application/json"),
                ("content-encoding", "identity"),
            ],
            body,
        )
        .await;

    assert_eq!((charset, identity), (202, 202));
}
