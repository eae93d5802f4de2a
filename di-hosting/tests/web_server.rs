//! Behaviour of the hosted `WebServer`: binding, serving, graceful stop and the hard cut at the
//! shutdown deadline. Real sockets on 127.0.0.1, port 0.
#![cfg(feature = "axum")]

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use di_core::ScopeFactory;
use di_hosting::web::{Inject, RequestScopeLayer, WebServer};
use di_hosting::{Host, HostFailure, RunningHost};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};

const WATCHDOG: Duration = Duration::from_secs(20);

struct Greeting(&'static str);

/// Tells the test that a handler is running, then waits for `release`.
struct Gate {
    entered: mpsc::UnboundedSender<()>,
    release: Notify,
}

fn router(scopes: ScopeFactory, gate: Arc<Gate>) -> Router {
    let stuck = Arc::clone(&gate);
    Router::new()
        .route(
            "/",
            get(|Inject(greeting): Inject<Greeting>| async move { greeting.0 }),
        )
        .route(
            "/gated",
            get(move || async move {
                let _ = gate.entered.send(());
                gate.release.notified().await;
                "released"
            }),
        )
        .route(
            "/body",
            axum::routing::any(|body: axum::body::Body| async move {
                use http_body::Body as _;
                format!("{:?} {}", body.size_hint().exact(), body.is_end_stream())
            }),
        )
        .route(
            "/stuck",
            get(move || async move {
                let _ = stuck.entered.send(());
                std::future::pending::<()>().await;
            }),
        )
        .layer(RequestScopeLayer::new(scopes))
}

async fn start(address: SocketAddr, gate: Arc<Gate>) -> Result<RunningHost, di_hosting::HostError> {
    Host::builder()
        .configure_options(|options| {
            options.handle_signals = false;
            options.shutdown_timeout = Duration::from_millis(300);
        })
        .configure_services(move |services| {
            services.add_scoped(|| Arc::new(Greeting("hello")));
            services.add_web_server(move |scopes: ScopeFactory| {
                Arc::new(WebServer::new(address, router(scopes, Arc::clone(&gate))))
            });
        })
        .start()
        .await
}

fn gate() -> (Arc<Gate>, mpsc::UnboundedReceiver<()>) {
    let (entered, receiver) = mpsc::unbounded_channel();
    let gate = Arc::new(Gate {
        entered,
        release: Notify::new(),
    });
    (gate, receiver)
}

fn local_addr(running: &RunningHost) -> SocketAddr {
    let server = running.provider().get::<WebServer>().expect("the server");
    server.local_addr().expect("a bound address")
}

/// Sends `GET path` and returns what the server answered before closing the connection.
async fn request(address: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address).await?;
    let head = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn server_on_port_zero_serves_requests_with_a_scope() {
    let (gate, _entered) = gate();
    let running = start("127.0.0.1:0".parse().expect("address"), gate)
        .await
        .expect("started");
    let address = local_addr(&running);

    let answer = tokio::time::timeout(WATCHDOG, request(address, "/"))
        .await
        .expect("watchdog");
    running.stop().await.expect("a clean stop");

    let answer = answer.expect("an answer");
    assert_ne!(address.port(), 0);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("hello"), "{answer}");
}

#[tokio::test]
async fn bind_failure_is_a_start_failure() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("its address");
    let (gate, _entered) = gate();

    let error = start(address, gate).await.expect_err("the port is taken");

    let failure = &error.failures()[0];
    assert!(matches!(failure, HostFailure::Start { .. }), "{failure:?}");
    let cause = failure
        .source()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert_eq!(cause, format!("cannot listen on `{address}`"));
}

#[tokio::test]
async fn in_flight_request_finishes_during_a_graceful_stop() {
    let (gate, mut entered) = gate();
    let running = start("127.0.0.1:0".parse().expect("address"), Arc::clone(&gate))
        .await
        .expect("started");
    let address = local_addr(&running);
    let client = tokio::spawn(request(address, "/gated"));
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog");

    let stop = tokio::spawn(running.stop());
    tokio::task::yield_now().await;
    gate.release.notify_one();
    let answer = tokio::time::timeout(WATCHDOG, client)
        .await
        .expect("watchdog");
    let stopped = tokio::time::timeout(WATCHDOG, stop)
        .await
        .expect("watchdog");

    let answer = answer.expect("the client task").expect("an answer");
    assert!(answer.ends_with("released"), "{answer}");
    assert!(stopped.expect("the stop task").is_ok());
}

#[tokio::test]
async fn stuck_client_is_cut_at_the_shutdown_deadline() {
    let (gate, mut entered) = gate();
    let running = start("127.0.0.1:0".parse().expect("address"), gate)
        .await
        .expect("started");
    let address = local_addr(&running);
    let client = tokio::spawn(request(address, "/stuck"));
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog");

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;
    let answer = tokio::time::timeout(WATCHDOG, client)
        .await
        .expect("watchdog");

    assert!(
        stopped.is_ok(),
        "the stop finished despite the stuck request"
    );
    let answer = answer.expect("the client task").unwrap_or_default();
    assert!(!answer.contains("200"), "{answer}");
}

/// A scoped service that reports its disposal.
struct Tracked(mpsc::UnboundedSender<()>);

#[async_trait::async_trait]
impl di_core::AsyncDispose for Tracked {
    async fn dispose(&self) {
        let _ = self.0.send(());
    }
}

#[tokio::test]
async fn server_with_request_scopes_serves_each_request_in_its_own_disposed_scope() {
    let (disposed, mut disposals) = mpsc::unbounded_channel();
    let running = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(move |services| {
            services
                .add_scoped(move || Arc::new(Tracked(disposed.clone())))
                .disposable();
            services.add_web_server(|scopes: ScopeFactory| {
                let router = Router::new().route(
                    "/",
                    get(|Inject(_tracked): Inject<Tracked>| async { "scoped" }),
                );
                let address = "127.0.0.1:0".parse().expect("address");
                Arc::new(WebServer::new(address, router).with_request_scopes(scopes))
            });
        })
        .start()
        .await
        .expect("started");
    let address = local_addr(&running);

    let first = tokio::time::timeout(WATCHDOG, request(address, "/"))
        .await
        .expect("watchdog");
    let second = tokio::time::timeout(WATCHDOG, request(address, "/"))
        .await
        .expect("watchdog");
    let disposed = tokio::time::timeout(WATCHDOG, async {
        disposals.recv().await;
        disposals.recv().await
    })
    .await
    .expect("both scopes are disposed within the watchdog");
    running.stop().await.expect("a clean stop");

    for answer in [first, second] {
        let answer = answer.expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("scoped"), "{answer}");
    }
    assert_eq!(disposed, Some(()));
    assert!(disposals.try_recv().is_err(), "one disposal per request");
}

#[tokio::test]
async fn handler_sees_the_request_bodys_length_and_whether_it_is_empty() {
    let (gate, _entered) = gate();
    let running = start("127.0.0.1:0".parse().expect("address"), gate)
        .await
        .expect("started");
    let address = local_addr(&running);

    let mut answers = Vec::new();
    for head in [
        "POST /body HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        "GET /body HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    ] {
        let answer = tokio::time::timeout(WATCHDOG, async {
            let mut stream = TcpStream::connect(address).await?;
            stream.write_all(head.as_bytes()).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            std::io::Result::Ok(String::from_utf8_lossy(&answer).into_owned())
        })
        .await
        .expect("watchdog")
        .expect("an answer");
        answers.push(answer);
    }
    running.stop().await.expect("a clean stop");

    assert!(
        answers[0].ends_with("\r\n\r\nSome(5) false"),
        "{}",
        answers[0]
    );
    assert!(
        answers[1].ends_with("\r\n\r\nSome(0) true"),
        "{}",
        answers[1]
    );
}

#[test]
fn web_server_debugs_as_its_addresses_and_limits() {
    let address = "127.0.0.1:8080".parse().expect("an address");

    let server = WebServer::new(address, Router::new()).max_connections(7);

    let shown = format!("{server:?}");
    assert!(shown.starts_with("WebServer {"), "{shown}");
    assert!(shown.contains("address: 127.0.0.1:8080"), "{shown}");
    assert!(shown.contains("local_addr: None"), "{shown}");
    assert!(shown.contains("max_connections: 7"), "{shown}");
}

#[tokio::test]
async fn server_whose_provider_is_disposed_answers_an_opaque_json_500_with_its_length() {
    let running = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(|services| {
            services.add_web_server(|scopes: ScopeFactory| {
                let router = Router::new().route("/", get(|| async { "unreachable" }));
                let address = "127.0.0.1:0".parse().expect("address");
                Arc::new(WebServer::new(address, router).with_request_scopes(scopes))
            });
        })
        .start()
        .await
        .expect("started");
    let address = local_addr(&running);
    running.provider().dispose().await;

    let answer = tokio::time::timeout(WATCHDOG, request(address, "/"))
        .await
        .expect("watchdog")
        .expect("an answer");
    let _ = running.stop().await;

    let body = r#"{"error":"internal server error"}"#;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(
        answer.contains(&format!("content-length: {}\r\n", body.len())),
        "{answer}"
    );
    assert!(answer.ends_with(&format!("\r\n\r\n{body}")), "{answer}");
}
