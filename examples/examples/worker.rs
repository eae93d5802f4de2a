//! The ASP.NET Core worker seed, in Rust: a background worker that creates a scope per unit of
//! work and resolves a singleton and a scoped service from it, until Ctrl+C (or SIGTERM) stops
//! the host gracefully.
//!
//! ```text
//! cargo run -p examples --example worker
//! ```
//!
//! Environment (all optional):
//! - `RUST_LOG`: the log filter (default `info`).
//! - `WORKER_INTERVAL_MS`: the pause between iterations (default 1000).
//! - `WORKER_FAIL_AFTER`: fail after this many iterations (the host exits with code 1).
//! - `WORKER_DRAIN_MS`: how long the worker takes to finish once asked to stop (default 0).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use di_core::{BoxError, Injectable, ScopeFactory};
use di_hosting::{BackgroundService, Host, HostedServiceExt, IntoExitCode};
use tokio_util::sync::CancellationToken;
use tracing::info;
use tracing_subscriber::EnvFilter;

/// The worker's settings, read from the environment once.
#[derive(Debug)]
struct WorkerSettings {
    interval: Duration,
    fail_after: Option<u64>,
    drain: Duration,
}

impl WorkerSettings {
    fn from_env() -> Result<Self, String> {
        let number = |name: &str| -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Ok(text) => text
                    .parse()
                    .map(Some)
                    .map_err(|error| format!("`{name}` must be a number: {error}")),
                Err(_) => Ok(None),
            }
        };
        Ok(Self {
            interval: Duration::from_millis(number("WORKER_INTERVAL_MS")?.unwrap_or(1000)),
            fail_after: number("WORKER_FAIL_AFTER")?,
            drain: Duration::from_millis(number("WORKER_DRAIN_MS")?.unwrap_or(0)),
        })
    }
}

/// A singleton service with async work, like the seed's `MyService`.
#[derive(Debug, Default)]
struct MyService {
    calls: AtomicU64,
}

impl MyService {
    fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    async fn do_something_task(&self, operation: &Operation) -> u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let call = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        info!(call, operation = operation.id, "MyService did something");
        call
    }
}

/// A scoped service: one per unit of work. It is why the worker needs a scope — a singleton
/// worker must not hold a scoped service (the container rejects that at build).
#[derive(Debug)]
struct Operation {
    id: u64,
}

/// The background worker, like the seed's `MyWorker`.
struct MyWorker {
    scopes: ScopeFactory,
    settings: Arc<WorkerSettings>,
}

impl Injectable for MyWorker {
    type Dependencies = (ScopeFactory, Arc<WorkerSettings>);
    fn inject((scopes, settings): Self::Dependencies) -> Self {
        MyWorker { scopes, settings }
    }
}

#[async_trait]
impl BackgroundService for MyWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let mut iteration = 0;
        while !stopping.is_cancelled() {
            iteration += 1;
            let scope = self.scopes.create_scope()?;
            let service = scope.get::<MyService>()?;
            let operation = scope.get::<Operation>()?;
            service.do_something_task(&operation).await;
            scope.dispose().await;
            if self.settings.fail_after == Some(iteration) {
                return Err(format!("simulated failure after {iteration} iterations").into());
            }
            tokio::select! {
                () = tokio::time::sleep(self.settings.interval) => {}
                () = stopping.cancelled() => {}
            }
        }
        info!(drain = ?self.settings.drain, "MyWorker finishing its work");
        tokio::time::sleep(self.settings.drain).await;
        Ok(())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let settings = match WorkerSettings::from_env() {
        Ok(settings) => Arc::new(settings),
        Err(message) => {
            eprintln!("Error: {message}");
            return ExitCode::from(2);
        }
    };
    let operations = Arc::new(AtomicU64::new(0));
    Host::builder()
        .configure_services(|services| {
            services.add_instance(settings);
            services.add_singleton(MyService::new);
            services.add_scoped(move || {
                let id = operations.fetch_add(1, Ordering::Relaxed) + 1;
                Arc::new(Operation { id })
            });
            services.add_hosted_service::<MyWorker>();
        })
        .build()
        .run()
        .await
        .into_exit_code()
}
