//! When `RequestScopeLayer` disposes a request's scope: in place as the body ends when nothing
//! asynchronous is pending, on a task otherwise, exactly once, and on cancellation too.
#![cfg(feature = "axum")]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::{Body, to_bytes};
use axum::routing::get;
use axum::{Extension, Router};
use di_core::{AsyncDispose, Scope, ServiceCollection, ServiceProvider};
use di_hosting::web::{Inject, RequestScopeLayer};
use http::{Request, StatusCode};
use tokio::sync::mpsc;
use tower::ServiceExt;

/// How a [`Unit`] disposes: at once, after a (paused-clock) sleep, or by panicking.
#[derive(Clone, Copy)]
enum Disposal {
    Immediate,
    Sleeps,
    Panics,
}

/// A scoped service that reports its disposal.
struct Unit {
    disposal: Disposal,
    disposed: mpsc::UnboundedSender<&'static str>,
}

#[async_trait]
impl AsyncDispose for Unit {
    async fn dispose(&self) {
        match self.disposal {
            Disposal::Immediate => {}
            Disposal::Sleeps => tokio::time::sleep(Duration::from_secs(1)).await,
            Disposal::Panics => panic!("the unit's dispose panics"),
        }
        let _ = self.disposed.send("unit");
    }
}

fn provider(disposal: Disposal) -> (ServiceProvider, mpsc::UnboundedReceiver<&'static str>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let mut services = ServiceCollection::new();
    services
        .add_scoped(move || {
            Arc::new(Unit {
                disposal,
                disposed: sender.clone(),
            })
        })
        .disposable();
    (services.build().expect("the services build"), receiver)
}

fn app(provider: &ServiceProvider) -> Router {
    Router::new()
        .route("/unit", get(|_: Inject<Unit>| async { "ok" }))
        .route(
            "/forever",
            get(|_: Inject<Unit>| std::future::pending::<&'static str>()),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()))
}

async fn get_text(app: &Router, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri)
        .body(Body::empty())
        .expect("a valid request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");
    (status, String::from_utf8(body.to_vec()).expect("utf-8"))
}

async fn next_disposal(receiver: &mut mpsc::UnboundedReceiver<&'static str>) -> &'static str {
    tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await
        .expect("the scope is disposed within the watchdog")
        .expect("the channel is open")
}

#[tokio::test(flavor = "current_thread")]
async fn scope_with_nothing_pending_is_disposed_by_the_time_the_body_is_read() {
    let (provider, mut disposals) = provider(Disposal::Immediate);

    let answer = get_text(&app(&provider), "/unit").await;
    // No yield since the body ended: a disposal task could not have run yet.
    let disposed = disposals.try_recv().ok();

    assert_eq!(answer, (StatusCode::OK, "ok".to_owned()));
    assert_eq!(disposed, Some("unit"));
    assert!(disposals.try_recv().is_err(), "disposed exactly once");
}

#[tokio::test(flavor = "current_thread")]
async fn scope_without_disposables_is_disposed_by_the_time_the_body_is_read() {
    let provider = ServiceCollection::new()
        .build()
        .expect("the services build");
    let seen: Arc<Mutex<Option<Scope>>> = Arc::default();
    let keep = Arc::clone(&seen);
    let app = Router::new()
        .route(
            "/",
            get(move |Extension(scope): Extension<Scope>| async move {
                *keep.lock().unwrap_or_else(PoisonError::into_inner) = Some(scope);
                "ok"
            }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()));

    let answer = get_text(&app, "/").await;
    let scope = seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .expect("the handler saw the request's scope");

    assert_eq!(answer, (StatusCode::OK, "ok".to_owned()));
    assert!(scope.is_disposed());
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn pending_async_disposal_finishes_on_a_task_after_the_body() {
    let (provider, mut disposals) = provider(Disposal::Sleeps);

    let answer = get_text(&app(&provider), "/unit").await;
    let disposed_with_the_body = disposals.try_recv().ok();

    assert_eq!(answer, (StatusCode::OK, "ok".to_owned()));
    assert_eq!(disposed_with_the_body, None);
    assert_eq!(next_disposal(&mut disposals).await, "unit");
    tokio::task::yield_now().await;
    assert!(disposals.try_recv().is_err(), "disposed exactly once");
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn cancelled_request_disposes_its_scope() {
    let (provider, mut disposals) = provider(Disposal::Immediate);
    let request = Request::get("/forever")
        .body(Body::empty())
        .expect("a valid request");

    let cancelled =
        tokio::time::timeout(Duration::from_secs(1), app(&provider).oneshot(request)).await;

    assert!(cancelled.is_err(), "the handler never answers");
    assert_eq!(next_disposal(&mut disposals).await, "unit");
}

#[tokio::test(flavor = "current_thread")]
async fn panicking_disposal_fails_neither_the_response_nor_the_next_request() {
    let (provider, _disposals) = provider(Disposal::Panics);
    let app = app(&provider);

    let first = get_text(&app, "/unit").await;
    let second = get_text(&app, "/unit").await;

    assert_eq!(first, (StatusCode::OK, "ok".to_owned()));
    assert_eq!(second, (StatusCode::OK, "ok".to_owned()));
}
