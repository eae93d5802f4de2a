//! The hosted `WebServer` under real clients: partial request heads, idle keep-alive
//! connections, running handlers and slow bodies at stop; the header-read and idle timeouts;
//! the connection limit. Real sockets on 127.0.0.1, port 0, so real time: the configured
//! timeouts are small, the host's shutdown deadline is huge (300 s) and the watchdogs (20 s)
//! far below it, so a stop that waited for the deadline fails the test. No test asserts a
//! duration.
//!
//! Every test installs its own log capture (tracing caches per-callsite interest, so a test
//! without a subscriber could hide events from another's).
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::{get, post};
use di_hosting::web::WebServer;
use di_hosting::{Host, RunningHost};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};

const WATCHDOG: Duration = Duration::from_secs(20);
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(300);
const SHORT: Duration = Duration::from_millis(200);
/// More than the loopback socket buffers hold: the server is still sending when the stop begins.
const BIG: usize = 32 << 20;

/// Collects what the subscriber writes, for the current test's thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_env_filter("di_hosting=debug")
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn warnings(&self) -> Vec<String> {
        let text = self.text();
        text.lines()
            .filter(|line| line.contains(" WARN "))
            .map(str::to_owned)
            .collect()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tells the test that a handler is running, then waits for `release`.
#[derive(Default)]
struct Gate {
    entered: Mutex<Option<mpsc::UnboundedSender<()>>>,
    release: Notify,
}

impl Gate {
    fn new() -> (Arc<Self>, mpsc::UnboundedReceiver<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let gate = Self {
            entered: Mutex::new(Some(sender)),
            release: Notify::new(),
        };
        (Arc::new(gate), receiver)
    }

    fn enter(&self) {
        if let Some(sender) = &*self.entered.lock().unwrap_or_else(PoisonError::into_inner) {
            let _ = sender.send(());
        }
    }
}

fn router(gate: Arc<Gate>) -> Router {
    let upload = Arc::clone(&gate);
    let big = Arc::clone(&gate);
    let paused = Arc::clone(&gate);
    let reader = Arc::clone(&gate);
    Router::new()
        .route(
            "/read-then-wait",
            post(move |mut body: Body| {
                let gate = Arc::clone(&reader);
                async move {
                    // Reads up to the body's end, without asking for the frame after it.
                    let mut read = 0;
                    while !http_body::Body::is_end_stream(&body) {
                        let frame = std::future::poll_fn(|cx| {
                            http_body::Body::poll_frame(std::pin::Pin::new(&mut body), cx)
                        })
                        .await;
                        match frame {
                            Some(Ok(frame)) => {
                                read += frame.data_ref().map_or(0, |data| data.len())
                            }
                            _ => break,
                        }
                    }
                    gate.enter();
                    gate.release.notified().await;
                    format!("{read} bytes read")
                }
            }),
        )
        .route(
            "/paused-stream",
            get(move || {
                let gate = Arc::clone(&paused);
                async move {
                    let first = futures::stream::once(async { Ok::<_, std::io::Error>("first ") });
                    let second = futures::stream::once(async move {
                        gate.enter();
                        gate.release.notified().await;
                        Ok("second")
                    });
                    Body::from_stream(futures::StreamExt::chain(first, second))
                }
            }),
        )
        .route("/", get(|| async { "hello" }))
        .route("/big", get(|| async { vec![b'x'; BIG] }))
        .route(
            "/gated-big",
            get(move || async move {
                big.enter();
                big.release.notified().await;
                vec![b'x'; BIG]
            }),
        )
        .route(
            "/gated",
            get(move || async move {
                gate.enter();
                gate.release.notified().await;
                "released after the stop began"
            }),
        )
        .route(
            "/upload",
            post(move |body: Body| async move {
                upload.enter();
                let bytes = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                format!("{} bytes", bytes.len())
            }),
        )
}

async fn start(
    gate: Arc<Gate>,
    configure: fn(WebServer) -> WebServer,
) -> (RunningHost, SocketAddr) {
    let running = Host::builder()
        .configure_options(|options| {
            options.handle_signals = false;
            options.shutdown_timeout = SHUTDOWN_DEADLINE;
        })
        .configure_services(move |services| {
            services.add_web_server(move || {
                let address = "127.0.0.1:0".parse().expect("an address");
                Arc::new(configure(WebServer::new(
                    address,
                    router(Arc::clone(&gate)),
                )))
            });
        })
        .start()
        .await
        .expect("the host starts");
    let server = running.provider().get::<WebServer>().expect("the server");
    let address = server.local_addr().expect("a bound address");
    (running, address)
}

/// A complete `GET /` on a fresh connection: also a barrier, since the server (on this test's
/// single thread) has polled every connection accepted before this one once it answers.
async fn get_hello(address: SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let head = "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("writes");
    read_all(&mut stream).await
}

/// Everything the server sends until it closes the connection ("" if it reset it).
async fn read_all(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WATCHDOG, stream.read_to_end(&mut answer))
        .await
        .expect("watchdog: the server closed the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

/// Waits until the listener refuses connections: the stop has begun.
async fn until_refused(address: SocketAddr) {
    tokio::time::timeout(WATCHDOG, async {
        while TcpStream::connect(address).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("watchdog: the server stops accepting");
}

#[tokio::test]
async fn client_that_sent_one_byte_of_a_head_does_not_hold_the_stop() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| server).await;
    let mut partial = TcpStream::connect(address).await.expect("connects");
    partial.write_all(b"G").await.expect("writes");
    let client = partial.local_addr().expect("the client's address");
    assert!(get_hello(address).await.ends_with("hello"));

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;

    assert!(
        matches!(stopped, Ok(Ok(()))),
        "stopped before the deadline, Ok: {stopped:?}"
    );
    assert_eq!(read_all(&mut partial).await, "");
    let warnings = log.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("cut=1"), "{warnings:#?}");
    assert!(
        warnings[0].contains(&format!("{client} (request head)")),
        "{warnings:#?}"
    );
}

#[tokio::test]
async fn client_that_sent_nothing_yet_is_closed_at_stop_without_a_warning() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| server).await;
    let mut silent = TcpStream::connect(address).await.expect("connects");
    assert!(get_hello(address).await.ends_with("hello"));

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;

    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    assert_eq!(read_all(&mut silent).await, "");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed_at_once_at_stop_without_a_warning() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| server).await;
    let mut idle = TcpStream::connect(address).await.expect("connects");
    idle.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("writes");
    let mut response = [0; 1024];
    let read = tokio::time::timeout(WATCHDOG, idle.read(&mut response))
        .await
        .expect("watchdog")
        .expect("a response");
    assert!(String::from_utf8_lossy(&response[..read]).ends_with("hello"));

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;

    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    assert_eq!(read_all(&mut idle).await, "");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

/// What a stop did while a handler waited: whether it was still waiting past the drain limit,
/// the client's whole answer, and the stop's outcome.
struct StopPastDrainLimit {
    waited: bool,
    answer: String,
    stopped: Result<(), di_hosting::HostError>,
}

/// Sends `request` to a server whose handler waits on a gate, begins a stop once the handler
/// runs, waits twice the (short) drain limit, then releases the handler.
async fn stop_past_the_drain_limit_while_a_handler_waits(
    request: &'static str,
) -> StopPastDrainLimit {
    let (gate, mut entered) = Gate::new();
    let (running, address) =
        start(Arc::clone(&gate), |server| server.body_drain_limit(SHORT)).await;
    let client = tokio::spawn(async move {
        let mut stream = TcpStream::connect(address).await.expect("connects");
        stream.write_all(request.as_bytes()).await.expect("writes");
        read_all(&mut stream).await
    });
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the handler runs");

    let stop = tokio::spawn(running.stop());
    until_refused(address).await;
    // Longer than the drain limit: a running handler is not under it.
    tokio::time::sleep(SHORT * 2).await;
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
    StopPastDrainLimit {
        waited,
        answer,
        stopped,
    }
}

#[tokio::test]
async fn running_handler_is_awaited_at_stop_and_its_response_delivered_completely() {
    let log = Captured::default();
    let _log = log.install();
    let StopPastDrainLimit {
        waited,
        answer,
        stopped,
    } = stop_past_the_drain_limit_while_a_handler_waits(
        "GET /gated HTTP/1.1\r\nHost: test\r\n\r\n",
    )
    .await;

    assert!(waited, "the stop waited for the handler");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(
        answer.ends_with("\r\n\r\nreleased after the stop began"),
        "{answer}"
    );
    assert!(stopped.is_ok(), "{stopped:?}");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

#[tokio::test]
async fn handler_that_read_its_whole_body_is_awaited_at_stop_past_the_drain_limit() {
    let log = Captured::default();
    let _log = log.install();
    // The body is complete, so the handler is not under the drain limit either.
    let StopPastDrainLimit {
        waited,
        answer,
        stopped,
    } = stop_past_the_drain_limit_while_a_handler_waits(
        "POST /read-then-wait HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;

    assert!(waited, "the stop waited for the handler");
    assert!(answer.ends_with("\r\n\r\n5 bytes read"), "{answer}");
    assert!(stopped.is_ok(), "{stopped:?}");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

#[tokio::test]
async fn large_response_still_being_sent_at_stop_is_delivered_completely() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| {
        server.body_drain_limit(Duration::from_secs(60))
    })
    .await;
    let mut reader = TcpStream::connect(address).await.expect("connects");
    let head = "GET /big HTTP/1.1\r\nHost: test\r\n\r\n";
    reader.write_all(head.as_bytes()).await.expect("writes");
    let mut start_of_answer = [0; 16];
    tokio::time::timeout(WATCHDOG, reader.read_exact(&mut start_of_answer))
        .await
        .expect("watchdog")
        .expect("the answer begins");

    let stop = tokio::spawn(running.stop());
    until_refused(address).await;
    let rest = read_all(&mut reader).await;
    let stopped = tokio::time::timeout(WATCHDOG, stop)
        .await
        .expect("watchdog")
        .expect("the stop task");

    let body = rest.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    assert_eq!(body.len(), BIG);
    assert!(body.bytes().all(|byte| byte == b'x'));
    assert!(stopped.is_ok(), "{stopped:?}");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

#[tokio::test]
async fn response_left_unread_after_its_handler_returned_at_stop_is_cut_at_the_drain_limit() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, mut entered) = Gate::new();
    let (running, address) =
        start(Arc::clone(&gate), |server| server.body_drain_limit(SHORT)).await;
    let mut stalled = TcpStream::connect(address).await.expect("connects");
    let head = "GET /gated-big HTTP/1.1\r\nHost: test\r\n\r\n";
    stalled.write_all(head.as_bytes()).await.expect("writes");
    let client = stalled.local_addr().expect("the client's address");
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the handler runs");

    let stop = tokio::spawn(running.stop());
    until_refused(address).await;
    // The handler returns during the stop; its response fills the socket buffers, unread.
    gate.release.notify_one();
    let stopped = tokio::time::timeout(WATCHDOG, stop).await;

    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
    let warnings = log.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains(&format!("{client} (body past the drain limit)")),
        "{warnings:#?}"
    );
    drop(stalled);
}

#[tokio::test]
async fn body_still_arriving_past_the_drain_limit_is_cut_and_the_stop_succeeds() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, mut entered) = Gate::new();
    let (running, address) = start(gate, |server| server.body_drain_limit(SHORT)).await;
    let mut slow = TcpStream::connect(address).await.expect("connects");
    let head = "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n";
    slow.write_all(head.as_bytes()).await.expect("writes");
    slow.write_all(&[b'x'; 10]).await.expect("writes");
    let client = slow.local_addr().expect("the client's address");
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the handler reads the body");

    let stopped = tokio::time::timeout(WATCHDOG, running.stop()).await;

    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    let answer = read_all(&mut slow).await;
    assert!(!answer.contains("bytes"), "{answer}");
    let warnings = log.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains(&format!("{client} (body past the drain limit)")),
        "{warnings:#?}"
    );
}

#[tokio::test]
async fn body_that_completes_within_the_drain_limit_is_answered() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, mut entered) = Gate::new();
    let (running, address) = start(gate, |server| {
        server.body_drain_limit(Duration::from_secs(60))
    })
    .await;
    let mut slow = TcpStream::connect(address).await.expect("connects");
    let head = "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 20\r\n\r\n";
    slow.write_all(head.as_bytes()).await.expect("writes");
    slow.write_all(&[b'x'; 10]).await.expect("writes");
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the handler reads the body");

    let stop = tokio::spawn(running.stop());
    until_refused(address).await;
    slow.write_all(&[b'x'; 10]).await.expect("writes the rest");
    let answer = read_all(&mut slow).await;
    let stopped = tokio::time::timeout(WATCHDOG, stop)
        .await
        .expect("watchdog")
        .expect("the stop task");

    assert!(answer.ends_with("20 bytes"), "{answer}");
    assert!(stopped.is_ok(), "{stopped:?}");
    assert_eq!(log.warnings(), Vec::<String>::new());
}

#[tokio::test]
async fn silent_connection_is_closed_by_the_header_read_timeout() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| {
        server
            .header_read_timeout(SHORT)
            .idle_timeout(Duration::MAX)
    })
    .await;
    let mut silent = TcpStream::connect(address).await.expect("connects");
    let mut partial = TcpStream::connect(address).await.expect("connects");
    partial.write_all(b"GET / HT").await.expect("writes");

    let silent_answer = read_all(&mut silent).await;
    let partial_answer = read_all(&mut partial).await;
    running.stop().await.expect("a clean stop");

    assert_eq!(silent_answer, "");
    assert_eq!(partial_answer, "");
    let closed = log.text().matches("within the header read timeout").count();
    assert_eq!(closed, 2, "{}", log.text());
}

#[tokio::test]
async fn streamed_response_paused_longer_than_the_idle_timeout_is_delivered_completely() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, mut entered) = Gate::new();
    let (running, address) = start(Arc::clone(&gate), |server| server.idle_timeout(SHORT)).await;
    let mut reader = TcpStream::connect(address).await.expect("connects");
    let head = "GET /paused-stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    reader.write_all(head.as_bytes()).await.expect("writes");
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog: the first chunk is sent");

    // A response still being sent is not idle, however long its body pauses.
    tokio::time::sleep(SHORT * 3).await;
    gate.release.notify_one();
    let answer = read_all(&mut reader).await;
    running.stop().await.expect("a clean stop");

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("first "), "{answer}");
    assert!(answer.contains("second"), "{answer}");
}

#[tokio::test]
async fn keep_alive_connection_that_began_a_second_head_is_closed_by_the_header_read_timeout() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| {
        server
            .header_read_timeout(SHORT)
            .idle_timeout(Duration::MAX)
    })
    .await;
    let mut client = TcpStream::connect(address).await.expect("connects");
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("writes");
    let mut response = [0; 1024];
    let read = tokio::time::timeout(WATCHDOG, client.read(&mut response))
        .await
        .expect("watchdog")
        .expect("a response");
    assert!(String::from_utf8_lossy(&response[..read]).ends_with("hello"));

    client.write_all(b"GET / HT").await.expect("writes");
    let rest = read_all(&mut client).await;
    running.stop().await.expect("a clean stop");

    assert_eq!(rest, "");
    let closed = log.text().matches("within the header read timeout").count();
    assert_eq!(closed, 1, "{}", log.text());
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed_by_the_idle_timeout() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| {
        server
            .idle_timeout(SHORT)
            .header_read_timeout(Duration::MAX)
    })
    .await;
    let mut idle = TcpStream::connect(address).await.expect("connects");
    idle.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("writes");

    let answer = read_all(&mut idle).await;
    running.stop().await.expect("a clean stop");

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("hello"), "{answer}");
    assert!(
        !answer.contains("connection: close"),
        "kept alive: {answer}"
    );
    let closed = log.text().matches("idle for the idle timeout").count();
    assert_eq!(closed, 1, "{}", log.text());
}

#[tokio::test]
async fn client_past_the_connection_limit_is_served_once_a_connection_closes() {
    let log = Captured::default();
    let _log = log.install();
    let (gate, _entered) = Gate::new();
    let (running, address) = start(gate, |server| server.max_connections(2)).await;
    let first = TcpStream::connect(address).await.expect("connects");
    let _second = TcpStream::connect(address).await.expect("connects");
    let third = tokio::spawn(get_hello(address));
    // The third client is queued, not refused or answered.
    tokio::time::sleep(SHORT).await;
    let served_early = third.is_finished();

    drop(first);
    let answer = tokio::time::timeout(WATCHDOG, third)
        .await
        .expect("watchdog: served once a connection closed")
        .expect("the client task");
    running.stop().await.expect("a clean stop");

    assert!(!served_early, "the limit held the third client back");
    assert!(answer.ends_with("hello"), "{answer}");
    let text = log.text();
    // Two times at the limit (before and after the third client): one warning, then `debug`.
    assert_eq!(text.matches("at its connection limit").count(), 2, "{text}");
    let warnings = log.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("at its connection limit"),
        "{warnings:#?}"
    );
    assert_eq!(text.matches("failed to accept").count(), 0, "{text}");
}
