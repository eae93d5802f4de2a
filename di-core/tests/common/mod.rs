//! Test doubles shared by the behaviour suite: a recording log, services that record their
//! creation, disposal and drop into it, and a watchdog for stress tests.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of these helpers"
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use di_core::AsyncDispose;

/// An ordered, shared record of events such as `"dispose A"`.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub(crate) fn push(&self, event: impl Into<String>) {
        self.0
            .lock()
            .expect("log mutex poisoned")
            .push(event.into());
    }

    pub(crate) fn events(&self) -> Vec<String> {
        self.0.lock().expect("log mutex poisoned").clone()
    }

    /// The events that start with `prefix`, with the prefix removed.
    pub(crate) fn with_prefix(&self, prefix: &str) -> Vec<String> {
        self.events()
            .iter()
            .filter_map(|e| e.strip_prefix(prefix).map(str::to_owned))
            .collect()
    }
}

/// A service named `N` that records its async disposal and its drop in a [`Log`], and counts
/// its disposals.
pub(crate) struct Tracked<const N: char> {
    log: Log,
    disposals: AtomicUsize,
}

impl<const N: char> Tracked<N> {
    pub(crate) fn new(log: &Log) -> Arc<Self> {
        log.push(format!("create {N}"));
        Arc::new(Self {
            log: log.clone(),
            disposals: AtomicUsize::new(0),
        })
    }

    pub(crate) fn disposals(&self) -> usize {
        self.disposals.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl<const N: char> AsyncDispose for Tracked<N> {
    async fn dispose(&self) {
        self.disposals.fetch_add(1, Ordering::SeqCst);
        self.log.push(format!("dispose {N}"));
    }
}

impl<const N: char> Drop for Tracked<N> {
    fn drop(&mut self) {
        self.log.push(format!("drop {N}"));
    }
}

/// Runs `work` on its own thread and fails (instead of hanging) if it does not finish within
/// `limit`: a deadlock in the container must fail the test.
pub(crate) fn with_watchdog<R: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let result = work();
        let _ = done.send(());
        result
    });
    match finished.recv_timeout(limit) {
        Ok(()) => worker.join().expect("the stress work panicked"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("watchdog: the work did not finish within {limit:?}; likely a deadlock")
        }
    }
}
