//! The hosted `WebServer` stopping with HTTP/2 clients (prior knowledge, no TLS): an idle
//! connection closes gracefully (`GOAWAY`), a stream whose handler runs is answered. Real
//! sockets on 127.0.0.1, port 0; the host's shutdown deadline (300 s) and the body drain limit
//! (60 s) are far beyond the watchdogs (20 s), so a stop that waited for either fails the test.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use di_hosting::web::WebServer;
use di_hosting::{Host, RunningHost};
use http::{Request, StatusCode};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

const WATCHDOG: Duration = Duration::from_secs(20);

/// Tells the test that a handler is running, then waits for `release`.
struct Gate {
    entered: mpsc::UnboundedSender<()>,
    release: Notify,
}

async fn start(gate: Arc<Gate>) -> (RunningHost, SocketAddr) {
    let running = Host::builder()
        .configure_options(|options| {
            options.handle_signals = false;
            options.shutdown_timeout = Duration::from_secs(300);
        })
        .configure_services(move |services| {
            services.add_web_server(move || {
                let gate = Arc::clone(&gate);
                let router = Router::new().route("/", get(|| async { "hello" })).route(
                    "/gated",
                    get(move || async move {
                        let _ = gate.entered.send(());
                        gate.release.notified().await;
                        "released"
                    }),
                );
                let address = "127.0.0.1:0".parse().expect("an address");
                let server =
                    WebServer::new(address, router).body_drain_limit(Duration::from_secs(60));
                Arc::new(server)
            });
        })
        .start()
        .await
        .expect("the host starts");
    let server = running.provider().get::<WebServer>().expect("the server");
    let address = server.local_addr().expect("a bound address");
    (running, address)
}

fn gate() -> (Arc<Gate>, mpsc::UnboundedReceiver<()>) {
    let (entered, receiver) = mpsc::unbounded_channel();
    let gate = Gate {
        entered,
        release: Notify::new(),
    };
    (Arc::new(gate), receiver)
}

/// An HTTP/2 connection: the request sender and the task driving the connection.
async fn connect(address: SocketAddr) -> (SendRequest<Body>, JoinHandle<hyper::Result<()>>) {
    let stream = TcpStream::connect(address).await.expect("connects");
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("the HTTP/2 handshake");
    (sender, tokio::spawn(connection))
}

async fn get_text(mut sender: SendRequest<Body>, path: &str) -> (StatusCode, String) {
    let request = Request::get(format!("http://test{path}"))
        .body(Body::empty())
        .expect("a request");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status();
    let body = axum::body::to_bytes(Body::new(response.into_body()), 1024)
        .await
        .expect("the body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn idle_http2_connection_closes_gracefully_at_stop() {
    let (gate, _entered) = gate();
    let (running, address) = start(gate).await;
    let (sender, connection) = connect(address).await;
    let answer = tokio::time::timeout(WATCHDOG, get_text(sender.clone(), "/"))
        .await
        .expect("watchdog");

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;
    let closed = tokio::time::timeout(WATCHDOG, connection)
        .await
        .expect("watchdog: the client's connection ends");

    assert_eq!(answer, (StatusCode::OK, "hello".to_owned()));
    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    assert!(matches!(closed, Ok(Ok(()))), "a graceful close: {closed:?}");
    drop(sender);
}

#[tokio::test]
async fn http2_stream_whose_handler_runs_is_answered_during_the_stop() {
    let (gate, mut entered) = gate();
    let (running, address) = start(Arc::clone(&gate)).await;
    let (sender, _connection) = connect(address).await;
    let client = tokio::spawn(get_text(sender, "/gated"));
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the handler runs");

    let stop = tokio::spawn(running.stop());
    tokio::time::timeout(WATCHDOG, async {
        while TcpStream::connect(address).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("watchdog: the server stops accepting");
    let waited = !stop.is_finished();
    gate.release.notify_one();
    let answer = tokio::time::timeout(WATCHDOG, client)
        .await
        .expect("watchdog")
        .expect("the client task");
    let stopped = tokio::time::timeout(WATCHDOG, stop)
        .await
        .expect("watchdog")
        .expect("the stop task");

    assert!(waited, "the stop waited for the handler");
    assert_eq!(answer, (StatusCode::OK, "released".to_owned()));
    assert!(stopped.is_ok(), "{stopped:?}");
}
