//! Workers stuck in blocking code that `abort` cannot interrupt, released by a gate, and a
//! tracing layer recording what the host reports about them.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::BackgroundService;
use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context;

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

/// A worker that ignores its cancelled token in blocking code, which `abort` cannot interrupt,
/// until the gate opens; then it yields once (where an abort takes effect) and logs that it
/// continued.
pub struct BlockingWorker {
    pub name: &'static str,
    pub gate: Arc<Gate>,
    pub log: Log,
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
