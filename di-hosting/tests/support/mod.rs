//! Shared test doubles: an ordered event log, recording hosted services and workers, drop
//! counters and a host builder with signal handling off.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different subset"
)]

pub mod blocking;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, Host, HostBuilder, HostedService};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// An ordered, shared record of what happened.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn push(&self, event: impl Into<String>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.into());
    }

    pub fn events(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The events that start with `prefix`, in order.
    pub fn matching(&self, prefix: &str) -> Vec<String> {
        self.events()
            .into_iter()
            .filter(|event| event.starts_with(prefix))
            .collect()
    }

    pub fn position(&self, event: &str) -> usize {
        let events = self.events();
        events
            .iter()
            .position(|e| e == event)
            .unwrap_or_else(|| panic!("`{event}` was not logged: {events:?}"))
    }
}

/// A host builder for tests: no signal handling.
pub fn quiet_host() -> HostBuilder {
    Host::builder().configure_options(|options| options.handle_signals = false)
}

/// Seconds elapsed since `origin`, as logged by the doubles (paused time makes them exact).
pub fn secs(origin: Instant) -> u64 {
    origin.elapsed().as_secs()
}

/// What a [`Recorder`] does in a given hook.
#[derive(Debug, Clone, Default)]
pub enum Behaviour {
    #[default]
    Succeed,
    Fail,
    /// Sleeps this long, then succeeds.
    Sleep(Duration),
    /// Never finishes on its own, and ignores cancellation.
    Hang,
}

/// A full hosted service that logs every hook as `"{name}.{hook}"`.
#[derive(Debug)]
pub struct Recorder {
    pub name: &'static str,
    pub log: Log,
    pub start: Behaviour,
    pub stop: Behaviour,
}

impl Recorder {
    pub fn new(name: &'static str, log: &Log) -> Self {
        Self {
            name,
            log: log.clone(),
            start: Behaviour::Succeed,
            stop: Behaviour::Succeed,
        }
    }

    async fn act(&self, hook: &str, behaviour: &Behaviour) -> Result<(), BoxError> {
        self.log.push(format!("{}.{hook}", self.name));
        match behaviour {
            Behaviour::Succeed => Ok(()),
            Behaviour::Fail => Err(format!("{} {hook} failed", self.name).into()),
            Behaviour::Sleep(duration) => {
                tokio::time::sleep(*duration).await;
                Ok(())
            }
            Behaviour::Hang => std::future::pending().await,
        }
    }
}

#[async_trait]
impl HostedService for Recorder {
    async fn starting(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("starting", &Behaviour::Succeed).await
    }
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("start", &self.start).await
    }
    async fn started(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("started", &Behaviour::Succeed).await
    }
    async fn stopping(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("stopping", &Behaviour::Succeed).await
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("stop", &self.stop).await
    }
    async fn stopped(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.act("stopped", &Behaviour::Succeed).await
    }
}

/// A background service that logs `"{name}.execute"` and `"{name}.cancelled"`, and then
/// behaves as told after its token is cancelled.
#[derive(Debug)]
pub struct Waiter {
    pub name: &'static str,
    pub log: Log,
    /// After cancellation: `Succeed` returns at once, `Sleep` takes that long, `Hang` never
    /// returns, `Fail` returns an error.
    pub on_stop: Behaviour,
}

impl Waiter {
    pub fn new(name: &'static str, log: &Log) -> Self {
        Self {
            name,
            log: log.clone(),
            on_stop: Behaviour::Succeed,
        }
    }
}

#[async_trait]
impl BackgroundService for Waiter {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        self.log.push(format!("{}.execute", self.name));
        stopping.cancelled().await;
        self.log.push(format!("{}.cancelled", self.name));
        match &self.on_stop {
            Behaviour::Succeed => Ok(()),
            Behaviour::Fail => Err(format!("{} failed while stopping", self.name).into()),
            Behaviour::Sleep(duration) => {
                tokio::time::sleep(*duration).await;
                self.log.push(format!("{}.finished", self.name));
                Ok(())
            }
            Behaviour::Hang => std::future::pending().await,
        }
    }
}

/// Counts live instances of whatever holds a [`Tracked`].
#[derive(Debug, Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn track(&self) -> Tracked {
        self.0.fetch_add(1, Ordering::SeqCst);
        Tracked(Arc::clone(&self.0))
    }

    pub fn alive(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// One live instance; dropping it decrements the counter.
#[derive(Debug)]
pub struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
