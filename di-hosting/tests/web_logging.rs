//! The opaque `500` of a failed injection is logged server-side with the details. In its own
//! test binary: tracing caches per-callsite interest, so a test running concurrently without a
//! subscriber could hide the event from this one's scoped subscriber.
#![cfg(feature = "axum")]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::routing::get;
use di_hosting::web::{Inject, RequestScopeLayer, trace_layer};
use http::{Request, StatusCode};
use tower::ServiceExt;

struct Unregistered;

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Makes this thread's subscriber write here, at `level` and above, until the guard drops.
    fn install(&self, level: tracing::Level) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(level)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// Everything written so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("the log buffer").clone()).expect("utf-8")
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the log buffer")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn missing_service_logs_its_type_and_cause_at_error() {
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::ERROR);

    let provider = di_core::ServiceCollection::new()
        .build()
        .expect("the services build");
    let app = Router::new()
        .route(
            "/missing",
            get(|_: Inject<Unregistered>| async { "unreachable" }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()));
    let request = Request::get("/missing")
        .body(Body::empty())
        .expect("a valid request");
    let response = app.oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");

    let log = captured.text();
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(&body[..], br#"{"error":"internal server error"}"#);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("ERROR"), "{log}");
    assert!(
        log.contains("cannot inject `web_logging::Unregistered`"),
        "{log}"
    );
    assert!(
        log.contains("no service of type `web_logging::Unregistered` is registered"),
        "{log}"
    );
}

#[tokio::test]
async fn trace_layer_logs_the_request_at_debug_and_its_response_at_info_in_a_request_span() {
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::DEBUG);
    let app = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .layer(trace_layer());

    let request = Request::get("/hello")
        .body(Body::empty())
        .expect("a valid request");
    let response = app.oneshot(request).await.expect("infallible");
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");

    let log = captured.text();
    assert_eq!(&body[..], b"hello");
    let started: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("started processing"))
        .collect();
    let finished: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("finished processing"))
        .collect();
    assert_eq!(started.len(), 1, "{log}");
    assert!(started[0].contains("DEBUG"), "{log}");
    assert_eq!(finished.len(), 1, "{log}");
    assert!(finished[0].contains(" INFO "), "{log}");
    assert!(
        finished[0].contains("request{method=GET uri=/hello"),
        "{log}"
    );
}

struct Database;

#[tokio::test]
async fn failed_factory_logs_each_cause_after_a_colon() {
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::ERROR);
    let mut services = di_core::ServiceCollection::new();
    services.add_scoped(|| -> Result<Arc<Database>, di_core::BoxError> {
        Err("connection refused".into())
    });
    let provider = services.build().expect("the services build");
    let app = Router::new()
        .route("/db", get(|_: Inject<Database>| async { "unreachable" }))
        .layer(RequestScopeLayer::new(provider.scope_factory()));

    let request = Request::get("/db")
        .body(Body::empty())
        .expect("a valid request");
    let status = app.oneshot(request).await.expect("infallible").status();

    let log = captured.text();
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        log.contains("cause=the factory of `web_logging::Database` failed: connection refused"),
        "{log}"
    );
}
