//! State shared by the host and its worker tasks.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::HostFailure;
use crate::lifetime::ApplicationLifetime;

/// The lifetime, the shutdown deadline's inputs and the failures recorded so far.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) lifetime: Arc<ApplicationLifetime>,
    shutdown_timeout: Duration,
    /// When the run began (set once, by the start).
    run_began: OnceLock<Instant>,
    failures: Mutex<Vec<HostFailure>>,
}

impl Shared {
    pub(crate) fn new(lifetime: Arc<ApplicationLifetime>, shutdown_timeout: Duration) -> Self {
        Self {
            lifetime,
            shutdown_timeout,
            run_began: OnceLock::new(),
            failures: Mutex::new(Vec::new()),
        }
    }

    /// Marks the beginning of the run.
    pub(crate) fn run_begins(&self) {
        self.run_began.get_or_init(Instant::now);
    }

    /// The one shutdown deadline: the shutdown timeout after the stop request (a stop requested
    /// before the run began counts from the beginning of the run); `None` before a request.
    pub(crate) fn stop_deadline(&self) -> Option<Instant> {
        self.lifetime
            .stop_requested_at()
            .map(|requested| self.deadline_after(requested))
    }

    /// Requests a stop (idempotent) and returns the one shutdown deadline.
    pub(crate) fn request_stop(&self) -> Instant {
        self.deadline_after(self.lifetime.request_stop())
    }

    fn deadline_after(&self, requested: Instant) -> Instant {
        let from = self
            .run_began
            .get()
            .map_or(requested, |&began| requested.max(began));
        from + self.shutdown_timeout
    }

    /// Records a failure for the host's result.
    pub(crate) fn record(&self, failure: HostFailure) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(failure);
    }

    /// Takes every failure recorded so far.
    pub(crate) fn take(&self) -> Vec<HostFailure> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
