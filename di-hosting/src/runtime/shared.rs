//! State shared by the host and its worker tasks.

use std::sync::{Arc, Mutex, PoisonError};

use crate::error::HostFailure;
use crate::lifetime::ApplicationLifetime;

/// The lifetime and the failures recorded so far.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) lifetime: Arc<ApplicationLifetime>,
    failures: Mutex<Vec<HostFailure>>,
}

impl Shared {
    pub(crate) fn new(lifetime: Arc<ApplicationLifetime>) -> Self {
        Self {
            lifetime,
            failures: Mutex::new(Vec::new()),
        }
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
