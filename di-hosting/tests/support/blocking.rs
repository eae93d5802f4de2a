//! Workers stuck in blocking code that `abort` cannot interrupt, released by a gate, and a
//! tracing layer recording what the host reports about them.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, HostBuilder};
use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

use super::Log;

/// A gate that blocks OS threads until it is opened.
#[derive(Debug, Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    pub fn open(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.opened.notify_all();
    }

    /// Blocks the calling thread (not just the task) until the gate is open.
    pub fn wait(&self) {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        drop(
            self.opened
                .wait_while(open, |open| !*open)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }
}

/// Opens the gate when dropped, so that a failing test never leaves threads blocked.
pub struct OpenOnDrop(pub Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// A worker stuck in blocking code from its start, which neither its cancelled token nor
/// `abort` can interrupt, until the gate opens; then it yields once (where an abort takes
/// effect) and logs that it continued. Blocking from the start (rather than once cancelled)
/// lets a test wait until every worker is stuck before it stops the host, so a loaded machine
/// cannot let the abort reach a worker that was not yet polled.
pub struct BlockingWorker {
    pub name: &'static str,
    pub gate: Arc<Gate>,
    pub log: Log,
}

#[async_trait]
impl BackgroundService for BlockingWorker {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        self.log.push(format!("{}.blocked", self.name));
        self.gate.wait();
        tokio::task::yield_now().await;
        self.log.push(format!("{}.continued", self.name));
        Ok(())
    }
}

/// Records the host's abort reports ("abort reported", "did not end <service>"), and opens the
/// gate when the host reports that it aborted the workers if `open_on_abort`.
pub struct AbortReports {
    pub gate: Arc<Gate>,
    pub log: Log,
    pub open_on_abort: bool,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AbortReports {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut message = Message::default();
        event.record(&mut message);
        if message.text.contains("aborted the background services") {
            self.log.push("abort reported");
            if self.open_on_abort {
                self.gate.open();
            }
        }
        if message.text.contains("did not end") {
            self.log.push(format!("did not end {}", message.service));
        }
    }
}

#[derive(Default)]
struct Message {
    text: String,
    service: String,
}

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.text = format!("{value:?}"),
            "service" => self.service = format!("{value:?}"),
            _ => {}
        }
    }
}

/// A stuck-worker scenario: the gate (opened when the scenario is dropped, so a failing test
/// never leaves threads blocked), the log, and the global subscriber recording abort reports.
pub struct Stuck {
    pub gate: Arc<Gate>,
    pub log: Log,
    _open_at_the_end: OpenOnDrop,
}

impl Stuck {
    /// Installs the global subscriber: once per test binary. Global, not thread-local: a scoped
    /// subscriber can miss events whose callsites other threads register at the same time.
    pub fn install(open_on_abort: bool) -> Self {
        let log = Log::default();
        let gate = Arc::new(Gate::default());
        let layer = AbortReports {
            gate: Arc::clone(&gate),
            log: log.clone(),
            open_on_abort,
        };
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("the only subscriber of this test binary");
        Self {
            _open_at_the_end: OpenOnDrop(Arc::clone(&gate)),
            gate,
            log,
        }
    }

    /// Waits (up to a minute: a watchdog, not a timing assumption) until every worker in `names`
    /// is stuck in its blocking code.
    pub async fn all_blocked(&self, names: &[&str]) {
        let blocked = || {
            let events = self.log.events();
            names
                .iter()
                .all(|name| events.contains(&format!("{name}.blocked")))
        };
        tokio::time::timeout(Duration::from_secs(60), async {
            while !blocked() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("watchdog: workers not stuck: {:?}", self.log.events()));
    }

    /// A quiet host running one [`BlockingWorker`] per name, with `shutdown_timeout`.
    pub fn host(&self, names: &'static [&'static str], shutdown_timeout: Duration) -> HostBuilder {
        let (gate, log) = (Arc::clone(&self.gate), self.log.clone());
        super::quiet_host()
            .configure_options(move |options| options.shutdown_timeout = shutdown_timeout)
            .configure_services(move |services| {
                for &name in names {
                    let (gate, log) = (Arc::clone(&gate), log.clone());
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
    }
}
