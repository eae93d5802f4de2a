//! Behaviour of `RequestScopeLayer`: one scope per request, disposed after the response body.
#![cfg(feature = "axum")]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::routing::get;
use di_core::{AsyncDispose, ServiceCollection, ServiceProvider};
use di_hosting::web::{
    Inject, InjectRejection, JsonError, RequestScope, RequestScopeLayer, WebServer,
};
use http::{Request, StatusCode};
use tokio::sync::mpsc;
use tower::ServiceExt;

/// A scoped service that numbers its instances and reports its disposal.
struct Unit {
    id: usize,
    disposed: mpsc::UnboundedSender<usize>,
}

#[async_trait]
impl AsyncDispose for Unit {
    async fn dispose(&self) {
        let _ = self.disposed.send(self.id);
    }
}

fn provider() -> (ServiceProvider, mpsc::UnboundedReceiver<usize>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let counter = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    services
        .add_scoped(move || {
            Arc::new(Unit {
                id: counter.fetch_add(1, Ordering::SeqCst) + 1,
                disposed: sender.clone(),
            })
        })
        .disposable();
    (services.build().expect("the services build"), receiver)
}

async fn unit_id(Inject(unit): Inject<Unit>) -> String {
    unit.id.to_string()
}

async fn same_instance(Inject(first): Inject<Unit>, Inject(second): Inject<Unit>) -> String {
    Arc::ptr_eq(&first, &second).to_string()
}

fn app(provider: &ServiceProvider) -> Router {
    Router::new()
        .route("/id", get(unit_id))
        .route("/same", get(same_instance))
        .fallback(unit_id)
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

async fn next_disposal(receiver: &mut mpsc::UnboundedReceiver<usize>) -> usize {
    tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await
        .expect("the scope is disposed within the watchdog")
        .expect("the channel is open")
}

#[tokio::test]
async fn two_requests_get_different_scoped_instances() {
    let (provider, _disposals) = provider();
    let app = app(&provider);

    let first = get_text(&app, "/id").await;
    let second = get_text(&app, "/id").await;

    assert_eq!(first, (StatusCode::OK, "1".to_owned()));
    assert_eq!(second, (StatusCode::OK, "2".to_owned()));
}

#[tokio::test]
async fn one_request_resolving_twice_gets_one_instance() {
    let (provider, _disposals) = provider();

    let answer = get_text(&app(&provider), "/same").await;

    assert_eq!(answer, (StatusCode::OK, "true".to_owned()));
}

#[tokio::test]
async fn fallback_route_gets_a_scope() {
    let (provider, _disposals) = provider();

    let answer = get_text(&app(&provider), "/no/such/route").await;

    assert_eq!(answer, (StatusCode::OK, "1".to_owned()));
}

#[tokio::test]
async fn scope_is_disposed_only_after_the_body_is_sent() {
    let (provider, mut disposals) = provider();
    let request = Request::get("/id")
        .body(Body::empty())
        .expect("a valid request");

    let response = app(&provider).oneshot(request).await.expect("infallible");
    tokio::task::yield_now().await;
    let disposed_before_body = disposals.try_recv().ok();
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");

    assert_eq!(disposed_before_body, None);
    assert_eq!(&body[..], b"1");
    assert_eq!(next_disposal(&mut disposals).await, 1);
}

#[tokio::test]
async fn scope_is_disposed_when_the_body_is_dropped_unread() {
    let (provider, mut disposals) = provider();
    let request = Request::get("/id")
        .body(Body::empty())
        .expect("a valid request");

    let response = app(&provider).oneshot(request).await.expect("infallible");
    drop(response);

    assert_eq!(next_disposal(&mut disposals).await, 1);
}

#[tokio::test]
async fn each_request_disposes_its_own_scope_once() {
    let (provider, mut disposals) = provider();
    let app = app(&provider);

    for _ in 0..3 {
        get_text(&app, "/id").await;
    }
    let mut disposed = Vec::new();
    for _ in 0..3 {
        disposed.push(next_disposal(&mut disposals).await);
    }
    disposed.sort_unstable();

    assert_eq!(disposed, vec![1, 2, 3]);
    assert!(disposals.try_recv().is_err());
}

#[tokio::test]
async fn disposed_provider_answers_an_opaque_json_500() {
    let (provider, _disposals) = provider();
    let app = app(&provider);
    provider.dispose().await;

    let (status, body) = get_text(&app, "/id").await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, r#"{"error":"internal server error"}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_each_get_and_dispose_their_own_scope() {
    const REQUESTS: usize = 200;
    let (provider, mut disposals) = provider();
    let app = app(&provider);

    let ids = tokio::time::timeout(Duration::from_secs(30), async {
        let tasks: Vec<_> = (0..REQUESTS)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { get_text(&app, "/id").await.1 })
            })
            .collect();
        let mut ids = HashSet::new();
        for task in tasks {
            ids.insert(task.await.expect("the request task"));
        }
        ids
    })
    .await
    .expect("the requests finish within the watchdog");
    let mut disposed = HashSet::new();
    for _ in 0..REQUESTS {
        disposed.insert(next_disposal(&mut disposals).await);
    }

    assert_eq!(ids.len(), REQUESTS);
    assert_eq!(disposed, (1..=REQUESTS).collect::<HashSet<_>>());
}

#[test]
fn web_types_are_send_sync_and_static() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<RequestScopeLayer>();
    assert_send_sync::<RequestScope<axum::routing::Route>>();
    assert_send_sync::<Inject<Unit>>();
    assert_send_sync::<InjectRejection>();
    assert_send_sync::<JsonError>();
    assert_send_sync::<WebServer>();
}
