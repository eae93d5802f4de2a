//! `RequestScopeLayer` around a whole router (`layer.layer(router)`, no `Router::layer`): the
//! same per-request scope, with a `ScopedBody` response that is not boxed into axum's `Body`.
#![cfg(feature = "axum")]

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request as AxumRequest;
use axum::response::IntoResponse;
use axum::routing::get;
use di_core::{AsyncDispose, ServiceCollection, ServiceProvider};
use di_hosting::web::{Inject, RequestScope, RequestScopeLayer, ScopedBody};
use http::{Request, Response, StatusCode, header};
use http_body::Body as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tower::{Layer, ServiceExt};

const WATCHDOG: Duration = Duration::from_secs(10);

/// A scoped service that numbers its instances and reports its disposal, after a (paused
/// clock) sleep when `sleeps`.
struct Unit {
    id: usize,
    sleeps: bool,
    disposed: mpsc::UnboundedSender<usize>,
}

#[async_trait]
impl AsyncDispose for Unit {
    async fn dispose(&self) {
        if self.sleeps {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let _ = self.disposed.send(self.id);
    }
}

fn provider(sleeps: bool) -> (ServiceProvider, mpsc::UnboundedReceiver<usize>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let counter = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    services
        .add_scoped(move || {
            Arc::new(Unit {
                id: counter.fetch_add(1, Ordering::SeqCst) + 1,
                sleeps,
                disposed: sender.clone(),
            })
        })
        .disposable();
    (services.build().expect("the services build"), receiver)
}

async fn unit_id(Inject(unit): Inject<Unit>) -> String {
    unit.id.to_string()
}

fn app(provider: &ServiceProvider) -> RequestScope<Router> {
    let router = Router::new()
        .route("/id", get(unit_id))
        .route(
            "/forever",
            get(|_: Inject<Unit>| std::future::pending::<&'static str>()),
        )
        .fallback(unit_id);
    RequestScopeLayer::new(provider.scope_factory()).layer(router)
}

async fn call(app: &RequestScope<Router>, uri: &str) -> Response<ScopedBody<Body>> {
    let request = Request::get(uri)
        .body(Body::empty())
        .expect("a valid request");
    app.clone().oneshot(request).await.expect("infallible")
}

async fn text(response: Response<ScopedBody<Body>>) -> (StatusCode, String) {
    let status = response.status();
    let body = to_bytes(Body::new(response.into_body()), 1024)
        .await
        .expect("the body");
    (status, String::from_utf8(body.to_vec()).expect("utf-8"))
}

async fn next_disposal(receiver: &mut mpsc::UnboundedReceiver<usize>) -> usize {
    tokio::time::timeout(WATCHDOG, receiver.recv())
        .await
        .expect("the scope is disposed within the watchdog")
        .expect("the channel is open")
}

#[tokio::test(flavor = "current_thread")]
async fn each_request_gets_its_own_scope_around_the_whole_router() {
    let (provider, _disposals) = provider(false);
    let app = app(&provider);

    let first = text(call(&app, "/id").await).await;
    let second = text(call(&app, "/id").await).await;
    let fallback = text(call(&app, "/no/such/route").await).await;

    assert_eq!(first, (StatusCode::OK, "1".to_owned()));
    assert_eq!(second, (StatusCode::OK, "2".to_owned()));
    assert_eq!(fallback, (StatusCode::OK, "3".to_owned()));
}

#[tokio::test(flavor = "current_thread")]
async fn scope_is_disposed_as_the_body_ends_not_before() {
    let (provider, mut disposals) = provider(false);

    let mut body = call(&app(&provider), "/id").await.into_body();
    tokio::task::yield_now().await;
    let disposed_before_body = disposals.try_recv().ok();
    let mut text = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        text.extend_from_slice(&frame.expect("a frame").into_data().expect("data"));
    }
    // The body is still alive and there was no yield since it ended: nothing was pending, so
    // the end of the stream disposed the scope in place.
    let disposed_at_end = disposals.try_recv().ok();
    drop(body);

    assert_eq!(disposed_before_body, None);
    assert_eq!(text, b"1");
    assert_eq!(disposed_at_end, Some(1));
    assert!(disposals.try_recv().is_err(), "disposed exactly once");
}

#[tokio::test(flavor = "current_thread")]
async fn scope_is_disposed_when_the_body_is_dropped_unread() {
    let (provider, mut disposals) = provider(false);

    let response = call(&app(&provider), "/id").await;
    drop(response);

    assert_eq!(next_disposal(&mut disposals).await, 1);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn pending_async_disposal_finishes_on_a_task_after_the_body() {
    let (provider, mut disposals) = provider(true);

    let answer = text(call(&app(&provider), "/id").await).await;
    let disposed_with_body = disposals.try_recv().ok();

    assert_eq!(answer, (StatusCode::OK, "1".to_owned()));
    assert_eq!(disposed_with_body, None);
    assert_eq!(next_disposal(&mut disposals).await, 1);
    tokio::task::yield_now().await;
    assert!(disposals.try_recv().is_err(), "disposed exactly once");
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn cancelled_request_disposes_its_scope() {
    let (provider, mut disposals) = provider(false);
    let app = app(&provider);

    let cancelled = tokio::time::timeout(Duration::from_secs(1), call(&app, "/forever")).await;

    assert!(cancelled.is_err(), "the handler never answers");
    assert_eq!(next_disposal(&mut disposals).await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn disposed_provider_answers_an_opaque_json_500_with_its_length() {
    let (provider, _disposals) = provider(false);
    let app = app(&provider);
    provider.dispose().await;

    let response = call(&app, "/id").await;
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let length = response.body().size_hint().exact();
    let (status, body) = text(response).await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        content_type,
        Some("application/json".parse().expect("a value"))
    );
    assert_eq!(body, r#"{"error":"internal server error"}"#);
    assert_eq!(length, Some(body.len() as u64));
}

#[tokio::test(flavor = "current_thread")]
async fn error_body_ends_after_its_one_frame() {
    let (provider, _disposals) = provider(false);
    let app = app(&provider);
    provider.dispose().await;

    let mut body = call(&app, "/id").await.into_body();
    let before = body.is_end_stream();
    let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
    let after = body.is_end_stream();

    assert!(!before);
    assert!(frame.is_some_and(|frame| frame.is_ok_and(|frame| frame.is_data())));
    assert!(after);
}

#[tokio::test]
async fn layered_router_is_served_by_axum_serve_after_mapping_the_response() {
    let (provider, mut disposals) = provider(false);
    // `RequestScope<Router>` serves any request body: name axum's for the two adapters.
    let service =
        ServiceExt::<AxumRequest>::map_response(app(&provider), IntoResponse::into_response);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("its address");
    let make_service = axum::ServiceExt::<AxumRequest>::into_make_service(service);
    let server = tokio::spawn(axum::serve(listener, make_service).into_future());

    let answer = tokio::time::timeout(WATCHDOG, async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let head = "GET /id HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        std::io::Result::Ok(String::from_utf8_lossy(&answer).into_owned())
    })
    .await
    .expect("watchdog")
    .expect("an answer");
    server.abort();

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n1"), "{answer}");
    assert_eq!(next_disposal(&mut disposals).await, 1);
}

/// A service inside the scope layer that reports an overload from `poll_ready`.
#[derive(Clone)]
struct Overloaded;

impl tower::Service<Request<Body>> for Overloaded {
    type Response = Response<Body>;
    type Error = &'static str;
    type Future = std::future::Ready<Result<Response<Body>, &'static str>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), &'static str>> {
        Poll::Ready(Err("overloaded"))
    }

    fn call(&mut self, _request: Request<Body>) -> Self::Future {
        std::future::ready(Ok(Response::new(Body::empty())))
    }
}

#[tokio::test(flavor = "current_thread")]
async fn request_scope_is_ready_only_when_the_service_inside_is() {
    let (provider, _disposals) = provider(false);
    let mut scoped = RequestScopeLayer::new(provider.scope_factory()).layer(Overloaded);

    let ready = std::future::poll_fn(|cx| tower::Service::poll_ready(&mut scoped, cx)).await;

    assert_eq!(ready, Err("overloaded"));
}

#[tokio::test(flavor = "current_thread")]
async fn scope_layer_types_debug_as_their_names() {
    let (provider, _disposals) = provider(false);
    let layer = RequestScopeLayer::new(provider.scope_factory());
    let app = layer.layer(Router::new());
    let body = call(&app, "/id").await.into_body();

    let shown = [
        format!("{layer:?}"),
        format!("{app:?}"),
        format!(
            "{:?}",
            tower::Service::call(&mut app.clone(), Request::new(Body::empty()))
        ),
        format!("{body:?}"),
    ];

    assert_eq!(
        shown,
        [
            "RequestScopeLayer { .. }",
            "RequestScope { .. }",
            "RequestScopeFuture { .. }",
            "ScopedBody { .. }",
        ]
    );
}
