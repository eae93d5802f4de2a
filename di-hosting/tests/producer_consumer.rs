//! The producer/consumer shape: a worker registered first consumes a channel that a server
//! registered after it feeds from its in-flight requests. Stop order is cancellation order, so
//! the worker is still consuming while the server drains, and no event is lost.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, HostedService};
use support::quiet_host;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Counts what it consumed; on cancellation it drains what is already queued, then returns.
struct Consumer {
    events: Mutex<mpsc::UnboundedReceiver<u64>>,
    processed: Arc<AtomicUsize>,
}

#[async_trait]
impl BackgroundService for Consumer {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let mut events = self.events.lock().await;
        loop {
            tokio::select! {
                biased;
                event = events.recv() => match event {
                    Some(_) => {
                        self.processed.fetch_add(1, Ordering::SeqCst);
                    }
                    None => return Ok(()),
                },
                () = stopping.cancelled() => break,
            }
        }
        while events.try_recv().is_ok() {
            self.processed.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// Stands for a web server: `requests` requests arrive during the run, each takes a few
/// (virtual) milliseconds in its handler and then queues one event; `stop` stops accepting and
/// awaits the requests in flight, as a graceful HTTP server does.
struct Server {
    events: mpsc::UnboundedSender<u64>,
    requests: u64,
    in_flight: Mutex<JoinSet<()>>,
    accepting: CancellationToken,
    sent: Arc<AtomicUsize>,
}

#[async_trait]
impl HostedService for Server {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        let mut in_flight = self.in_flight.lock().await;
        for request in 0..self.requests {
            let (events, accepting) = (self.events.clone(), self.accepting.clone());
            let sent = Arc::clone(&self.sent);
            in_flight.spawn(async move {
                // Arrives at `request` ms; refused once the server stopped accepting.
                tokio::time::sleep(Duration::from_millis(request)).await;
                if accepting.is_cancelled() {
                    return;
                }
                // The handler runs for 1 to 7 ms, then produces its event.
                tokio::time::sleep(Duration::from_millis(1 + request % 7)).await;
                if events.send(request).is_ok() {
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        Ok(())
    }

    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.accepting.cancel();
        let mut in_flight = self.in_flight.lock().await;
        while in_flight.join_next().await.is_some() {}
        Ok(())
    }
}

/// Runs the app once, stopping it `stop_after` ms after the start; returns (sent, processed).
async fn run_once(stop_after: u64, concurrent_stop: bool) -> (usize, usize) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let processed = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicUsize::new(0));
    let consumer = Arc::new(Consumer {
        events: Mutex::new(receiver),
        processed: Arc::clone(&processed),
    });
    let server = Arc::new(Server {
        events: sender,
        requests: 20,
        in_flight: Mutex::new(JoinSet::new()),
        accepting: CancellationToken::new(),
        sent: Arc::clone(&sent),
    });
    let running = quiet_host()
        .configure_options(|options| options.concurrent_stop = concurrent_stop)
        .configure_services(move |services| {
            services.add_hosted_service_with(move || Arc::clone(&consumer));
            services.add_hosted_service_with(move || Arc::clone(&server));
        })
        .start()
        .await
        .expect("the host starts");
    tokio::time::sleep(Duration::from_millis(stop_after)).await;
    running.stop().await.expect("the host stops cleanly");
    (
        sent.load(Ordering::SeqCst),
        processed.load(Ordering::SeqCst),
    )
}

#[tokio::test(start_paused = true)]
async fn a_worker_registered_before_the_server_consumes_every_event_of_1000_stops_with_requests_in_flight()
 {
    let mut in_flight_at_stop = 0;
    for run in 0..1_000_u64 {
        // Stop anywhere within the 20 ms of arrivals, so that requests are in their handlers.
        let (sent, processed) = run_once(run % 23, false).await;
        assert_eq!(processed, sent, "run {run}: events lost");
        in_flight_at_stop += usize::from(sent > 0 && sent < 20);
    }
    // The runs did stop with requests in flight, not only before or after all of them.
    assert!(in_flight_at_stop > 500, "{in_flight_at_stop}");
}

#[tokio::test(start_paused = true)]
async fn under_concurrent_stop_the_worker_is_cancelled_with_the_server_and_may_miss_events() {
    // The documented trade-off of `concurrent_stop`: no order between services, so the consumer
    // can return before the server's last requests produced their events.
    let mut lost = 0;
    for run in 0..100_u64 {
        let (sent, processed) = run_once(run % 23, true).await;
        assert!(processed <= sent);
        lost += sent - processed;
    }
    assert!(
        lost > 0,
        "concurrent stop cancelled the consumer late every time"
    );
}
