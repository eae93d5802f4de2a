//! The HTTP API fuzzed through the application's real host, in memory (`TestServer`), on a
//! SQLite database in a temporary directory: random methods, paths, query strings, headers and
//! bodies (see `fuzz_inputs`). For every request: no `5xx` but the documented `503` with
//! `Retry-After`; every error body is `{"error": "<message>"}`; a request that is not accepted
//! stores nothing, and an accepted one stores exactly one job, with the submitted kind and
//! payload; nothing panics.
//!
//! The case count is fixed (`CASES`, about 10 s in a debug build) so CI is bounded in time;
//! `JOBS_FUZZ_CASES=100000` runs longer. Failures found are kept in
//! `tests/proptest-regressions/fuzz_api.txt` and replayed first; every bug found also has a named
//! test below.

mod fuzz_inputs;
mod in_memory;

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use fuzz_inputs::{FuzzRequest, request};
use in_memory::TestApp;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use serde_json::Value;

/// The cases of one run, unless `JOBS_FUZZ_CASES` says otherwise.
const CASES: u32 = 1500;

fn config() -> Config {
    let cases = std::env::var("JOBS_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/fuzz_api.txt",
        ))),
        ..Config::default()
    }
}

/// The request, or `None` when `http` cannot represent it (a URI over 64 KiB, say): such a
/// request is refused by hyper before any route runs.
fn build(case: &FuzzRequest) -> Option<Request<Body>> {
    let mut request = Request::builder()
        .method(Method::from_bytes(case.method.as_bytes()).ok()?)
        .uri(&case.uri);
    for (name, value) in &case.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        request = request.header(name, HeaderValue::from_bytes(value).ok()?);
    }
    request.body(Body::from(case.body.clone())).ok()
}

/// Whether `body` is exactly `{"error": "<a message>"}`.
fn is_error_body(body: &[u8]) -> bool {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    object.len() == 1
        && object["error"]
            .as_str()
            .is_some_and(|text| !text.is_empty())
}

/// Sends one case and checks every property; the status, or `None` when not sendable.
async fn check(app: &TestApp, case: &FuzzRequest) -> Result<Option<u16>, TestCaseError> {
    let Some(request) = build(case) else {
        return Ok(None);
    };
    let before = app.stored().await;
    let (status, headers, body) = app.send(request).await;
    let after = app.stored().await;
    let text = String::from_utf8_lossy(&body);

    prop_assert!(
        status < 500 || (status == 503 && headers.contains_key(RETRY_AFTER)),
        "status {status}: {text}"
    );
    if status >= 400 && case.method != "HEAD" {
        let content_type = headers.get("content-type").map(HeaderValue::as_bytes);
        prop_assert_eq!(content_type, Some(&b"application/json"[..]), "{}", text);
        prop_assert!(is_error_body(&body), "status {status}: {text}");
    }
    let accepted = status == 202;
    prop_assert!(
        !accepted || (case.method == "POST" && case.uri.split('?').next() == Some("/jobs")),
        "202 for {} {}",
        case.method,
        case.uri
    );
    prop_assert_eq!(
        after,
        before + i64::from(accepted),
        "status {}: {}",
        status,
        text
    );
    if accepted {
        let answer: Value = serde_json::from_slice(&body).unwrap_or_default();
        let Some(id) = answer["id"].as_i64() else {
            return Err(TestCaseError::fail(format!("no id: {text}")));
        };
        // What was accepted is what is stored.
        let submitted: Value = serde_json::from_slice(&case.body).unwrap_or_default();
        let (status, stored) = app.get(&format!("/jobs/{id}")).await;
        prop_assert_eq!(status, 200);
        prop_assert_eq!(&stored["kind"], &submitted["kind"]);
        prop_assert_eq!(&stored["payload"], &submitted["payload"]);
    }
    Ok(Some(status))
}

#[test]
fn fuzzed_requests_get_no_5xx_but_503_json_errors_and_store_only_accepted_jobs() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let app = runtime.block_on(TestApp::start(&[]));
    let statuses = Mutex::new(BTreeMap::<Option<u16>, u32>::new());
    let mut runner = TestRunner::new(config());

    let result = runner.run(&request(), |case| {
        let status = runtime.block_on(check(&app, &case))?;
        *statuses
            .lock()
            .expect("not poisoned")
            .entry(status)
            .or_default() += 1;
        Ok(())
    });
    runtime.block_on(app.stop());

    if let Err(failure) = result {
        panic!("{failure}");
    }
    let statuses = statuses.into_inner().expect("not poisoned");
    eprintln!("statuses (None: not representable): {statuses:?}");
    // The inputs reach every answer of the API, so the properties above are exercised.
    for expected in [200, 202, 400, 404, 405, 413, 415, 422] {
        assert!(
            statuses.contains_key(&Some(expected)),
            "no {expected} in {statuses:?}"
        );
    }
}
