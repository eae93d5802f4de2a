//! The producer/consumer shape through the real `WebServer` on a real socket: a handler queues an
//! event for a worker registered before the server; a stop requested while the handler runs
//! loses no event, because the worker's token is cancelled only after the server drained.
#![cfg(feature = "axum")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use di_core::BoxError;
use di_hosting::web::WebServer;
use di_hosting::{BackgroundService, Host};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, Notify, mpsc};
use tokio_util::sync::CancellationToken;

const WATCHDOG: Duration = Duration::from_secs(20);

struct Consumer {
    events: Mutex<mpsc::UnboundedReceiver<()>>,
    processed: Arc<AtomicUsize>,
}

#[async_trait]
impl BackgroundService for Consumer {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let mut events = self.events.lock().await;
        loop {
            tokio::select! {
                biased;
                event = events.recv() => {
                    if event.is_none() { return Ok(()); }
                    self.processed.fetch_add(1, Ordering::SeqCst);
                }
                () = stopping.cancelled() => break,
            }
        }
        while events.try_recv().is_ok() {
            self.processed.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// What the handler shares with the test: it says it entered, waits to be released, then
/// queues its event.
struct Handler {
    events: mpsc::UnboundedSender<()>,
    entered: mpsc::UnboundedSender<()>,
    release: Notify,
}

async fn produce(State(handler): State<Arc<Handler>>) -> &'static str {
    let _ = handler.entered.send(());
    handler.release.notified().await;
    handler
        .events
        .send(())
        .expect("the consumer is still running");
    "queued"
}

async fn post_event(address: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let request =
        "POST /events HTTP/1.1\r\nhost: test\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("reads");
    response
}

async fn one_stop_with_a_request_in_flight() -> usize {
    let (events, receiver) = mpsc::unbounded_channel();
    let (entered, mut entered_rx) = mpsc::unbounded_channel();
    let processed = Arc::new(AtomicUsize::new(0));
    let consumer = Arc::new(Consumer {
        events: Mutex::new(receiver),
        processed: Arc::clone(&processed),
    });
    let handler = Arc::new(Handler {
        events,
        entered,
        release: Notify::new(),
    });
    let state = Arc::clone(&handler);
    let running = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(move |services| {
            services.add_hosted_service_with(move || Arc::clone(&consumer));
            services.add_web_server(move || {
                let router = Router::new()
                    .route("/events", post(produce))
                    .with_state(Arc::clone(&state));
                let address = "127.0.0.1:0".parse().expect("an address");
                Arc::new(WebServer::new(address, router))
            });
        })
        .start()
        .await
        .expect("the host starts");
    let address = running
        .provider()
        .get::<WebServer>()
        .expect("registered")
        .local_addr()
        .expect("listening");
    let request = tokio::spawn(post_event(address));
    entered_rx.recv().await.expect("the handler runs");

    let lifetime = Arc::clone(running.lifetime());
    let stop = tokio::spawn(running.stop());
    lifetime.stopping().await;
    // Let the host reach the server's drain before the handler finishes.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    handler.release.notify_one();

    let response = request.await.expect("the client task");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stop.await
        .expect("the stop task")
        .expect("the host stops cleanly");
    processed.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_queued_by_a_request_in_flight_at_stop_is_consumed() {
    let runs = async {
        for run in 0..50 {
            assert_eq!(one_stop_with_a_request_in_flight().await, 1, "run {run}");
        }
    };
    tokio::time::timeout(WATCHDOG, runs)
        .await
        .expect("watchdog: 50 stops ended");
}
