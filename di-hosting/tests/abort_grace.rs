//! Workers stuck in blocking code at the shutdown deadline: all of them are aborted at the
//! deadline, before the host waits for any of them, so they share one grace period to unwind
//! (N stuck workers do not add N grace periods).
//!
//! On a current-thread runtime an aborted task always ends at once, so this needs a multi-thread
//! runtime and real time; the test asserts on order only. It installs a global tracing
//! subscriber, so it is the only test in this file.

mod support;

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, HostFailure};
use support::{Log, quiet_host};
use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

const STUCK: [&str; 3] = ["stuck-1", "stuck-2", "stuck-3"];

/// A gate that blocks OS threads until it is opened.
#[derive(Debug, Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn open(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.opened.notify_all();
    }

    /// Blocks the calling thread (not just the task) until the gate is open.
    fn wait(&self) {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        drop(
            self.opened
                .wait_while(open, |open| !*open)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }
}

/// Opens the gate when dropped, so that a failing test never leaves threads blocked.
struct OpenOnDrop(Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// A worker that ignores its cancelled token in blocking code, which `abort` cannot interrupt,
/// until the gate opens; then it yields once (where an abort takes effect) and logs that it
/// continued.
struct BlockingWorker {
    name: &'static str,
    gate: Arc<Gate>,
    log: Log,
}

#[async_trait]
impl BackgroundService for BlockingWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        stopping.cancelled().await;
        self.log.push(format!("{}.blocked", self.name));
        self.gate.wait();
        tokio::task::yield_now().await;
        self.log.push(format!("{}.continued", self.name));
        Ok(())
    }
}

/// Opens the gate when the host reports that it aborted the workers, and records that it did.
struct OpenOnAbortReport {
    gate: Arc<Gate>,
    log: Log,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for OpenOnAbortReport {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut message = Message::default();
        event.record(&mut message);
        if message.0.contains("aborted the background services") {
            self.log.push("abort reported");
            self.gate.open();
        }
    }
}

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

// Blocking code needs threads of its own: this test runs on a multi-thread runtime in real time.
// It asserts on order only, never on durations.
#[tokio::test(flavor = "multi_thread", worker_threads = 5)]
async fn every_stuck_worker_is_aborted_before_the_host_waits_for_any_of_them() {
    let log = Log::default();
    let gate = Arc::new(Gate::default());
    let _open_at_the_end = OpenOnDrop(Arc::clone(&gate));
    let layer = OpenOnAbortReport {
        gate: Arc::clone(&gate),
        log: log.clone(),
    };
    // Global, not thread-local: a scoped subscriber can miss events whose callsites other
    // threads register at the same time.
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber of this test binary");
    let (worker_gate, worker_log) = (Arc::clone(&gate), log.clone());
    let running = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_millis(200))
        .configure_services(move |services| {
            for name in STUCK {
                let (gate, log) = (Arc::clone(&worker_gate), worker_log.clone());
                services
                    .add_hosted_service_with(move || {
                        Arc::new(BlockingWorker {
                            name,
                            gate: Arc::clone(&gate),
                            log: log.clone(),
                        })
                    })
                    .name(name);
            }
        })
        .start()
        .await
        .expect("the host starts");

    let error = tokio::time::timeout(Duration::from_secs(60), running.stop())
        .await
        .expect("watchdog: the stop ends")
        .expect_err("the deadline is missed");

    // The gate opened only once the host reported the aborts: had it aborted one worker, waited
    // for it, then aborted the next, the others would have continued after the gate opened.
    assert_eq!(log.matching("abort reported"), ["abort reported"]);
    let continued: Vec<_> = log
        .events()
        .into_iter()
        .filter(|event| event.ends_with(".continued"))
        .collect();
    assert!(continued.is_empty(), "{:?}", log.events());
    assert!(
        matches!(
            error.failures(),
            [HostFailure::DeadlineExceeded { still_running, .. }]
                if still_running == &["stuck-3", "stuck-2", "stuck-1"]
        ),
        "{error:#?}"
    );
}
