//! Behaviour of the in-memory `TestServer`: the application's real host, test overrides applied
//! after its registrations, requests through the router and its request scopes, no port bound.
#![cfg(feature = "axum")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use axum::body::{Body, to_bytes};
use di_core::{AsyncDispose, BoxError, ScopeFactory};
use di_hosting::web::{Inject, ScopedRouter, TestServer, WebServer};
use di_hosting::{BackgroundService, Host, HostBuilder, HostFailure};
use tokio_util::sync::CancellationToken;

/// A service the application registers and a test replaces.
struct Clock(&'static str);

/// A scoped service that counts its disposals.
struct PerRequest {
    disposed: Arc<AtomicUsize>,
}

#[async_trait]
impl AsyncDispose for PerRequest {
    async fn dispose(&self) {
        self.disposed.fetch_add(1, Ordering::SeqCst);
    }
}

/// A background service of the application, which records that it ran and was cancelled.
struct Ticker {
    events: Arc<std::sync::Mutex<Vec<&'static str>>>,
}

#[async_trait]
impl BackgroundService for Ticker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        self.events.lock().expect("not poisoned").push("executing");
        stopping.cancelled().await;
        self.events.lock().expect("not poisoned").push("cancelled");
        Ok(())
    }
}

async fn now(Inject(clock): Inject<Clock>, Inject(_request): Inject<PerRequest>) -> &'static str {
    clock.0
}

/// The application's host, as its `main` would build it, with a real clock.
fn app(
    disposed: &Arc<AtomicUsize>,
    events: &Arc<std::sync::Mutex<Vec<&'static str>>>,
) -> HostBuilder {
    let (disposed, events) = (Arc::clone(disposed), Arc::clone(events));
    Host::builder().configure_services(move |services| {
        services.add_singleton(|| Arc::new(Clock("real time")));
        services
            .add_scoped(move || {
                Arc::new(PerRequest {
                    disposed: Arc::clone(&disposed),
                })
            })
            .disposable();
        services.add_hosted_service_with(move || {
            Arc::new(Ticker {
                events: Arc::clone(&events),
            })
        });
        services.add_web_server(|scopes: ScopeFactory| {
            let routes = ScopedRouter::new().get("/now", now);
            let address = "127.0.0.1:0".parse().expect("an address");
            Arc::new(WebServer::new(address, routes).with_request_scopes(scopes))
        });
    })
}

async fn text(response: http::Response<Body>) -> String {
    let body = to_bytes(response.into_body(), 1024).await.expect("a body");
    String::from_utf8(body.to_vec()).expect("UTF-8")
}

#[tokio::test(start_paused = true)]
async fn the_test_server_serves_the_applications_routes_without_binding_a_port() {
    let (disposed, events) = Default::default();

    let server = TestServer::start(app(&disposed, &events))
        .await
        .expect("the host starts");
    let response = server.get("/now").await;

    assert_eq!(response.status(), 200);
    assert_eq!(text(response).await, "real time");
    let web = server.provider().get::<WebServer>().expect("registered");
    assert_eq!(web.local_addr(), None, "no port was bound");
    server.stop().await.expect("a clean stop");
}

#[tokio::test(start_paused = true)]
async fn test_overrides_registered_after_the_application_win() {
    let (disposed, events) = Default::default();
    let builder = app(&disposed, &events).configure_services(|services| {
        services.add_singleton(|| Arc::new(Clock("frozen time")));
    });

    let server = TestServer::start(builder).await.expect("the host starts");

    assert_eq!(text(server.get("/now").await).await, "frozen time");
    assert_eq!(
        server.provider().get::<Clock>().expect("registered").0,
        "frozen time"
    );
    server.stop().await.expect("a clean stop");
}

#[tokio::test(start_paused = true)]
async fn each_request_gets_its_own_scope_disposed_after_its_response() {
    let (disposed, events): (Arc<AtomicUsize>, _) = Default::default();
    let server = TestServer::start(app(&disposed, &events))
        .await
        .expect("the host starts");

    for _ in 0..3 {
        let response = server.get("/now").await;
        text(response).await;
    }
    // The scope is disposed on its own task once the body is done; let it run.
    for _ in 0..100 {
        if disposed.load(Ordering::SeqCst) == 3 {
            break;
        }
        tokio::task::yield_now().await;
    }

    assert_eq!(disposed.load(Ordering::SeqCst), 3);
    server.stop().await.expect("a clean stop");
}

#[tokio::test(start_paused = true)]
async fn the_applications_hosted_services_run_and_are_stopped_with_the_test_server() {
    let (disposed, events): (_, Arc<std::sync::Mutex<Vec<&'static str>>>) = Default::default();
    let server = TestServer::start(app(&disposed, &events))
        .await
        .expect("the host starts");
    tokio::task::yield_now().await;
    assert!(server.host().lifetime().is_started());

    server.stop().await.expect("a clean stop");

    assert_eq!(
        *events.lock().expect("not poisoned"),
        ["executing", "cancelled"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_host_without_a_web_server_is_an_error() {
    let error = TestServer::start(Host::builder())
        .await
        .expect_err("there is no web server");

    assert!(
        matches!(error.failures(), [HostFailure::Resolve(_)]),
        "{error}"
    );
    assert!(error.to_string().contains("WebServer"), "{error}");
}
