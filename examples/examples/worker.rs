//! The ASP.NET Core worker seed, in Rust: a background worker that creates a scope per unit of
//! work and resolves a singleton (`MyService`) and a scoped service (`Operation`) from it, until
//! Ctrl+C (or SIGTERM) stops the host gracefully.
//!
//! ```text
//! cargo run -p examples --example worker
//! ```
//!
//! `Host::default_builder("WORKER")` reads `appsettings.toml`, `appsettings.{Environment}.toml`
//! and `WORKER_*` variables (all optional):
//! - `WORKER_INTERVAL_MS`: the pause between iterations (default 1000).
//! - `WORKER_FAIL_AFTER`: fail after this many iterations (the host exits with code 1).
//! - `WORKER_DRAIN_MS`: how long the worker takes to finish once asked to stop (default 0).
//! - `WORKER_ENVIRONMENT=Development`: human-readable logs (JSON lines otherwise); `RUST_LOG`
//!   filters them (default `info`).
//!
//! A bad value (`WORKER_INTERVAL_MS=soon`) fails the build with a message naming the variable.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use di_hosting::prelude::*;
use tracing::info;

/// The worker's settings: the configuration's root, bound by `add_options`.
#[derive(Debug, Deserialize)]
struct WorkerOptions {
    interval_ms: u64,
    fail_after: Option<u64>,
    drain_ms: u64,
}

/// A singleton service with async work, like the seed's `MyService`.
#[derive(Debug, Default)]
struct MyService {
    calls: AtomicU64,
}

impl MyService {
    async fn do_something_task(&self, operation: &Operation) {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let call = self.calls.fetch_add(1, Relaxed) + 1;
        info!(call, operation = operation.0, "MyService did something");
    }
}

/// A scoped service: one per unit of work. It is why the worker needs a scope — a singleton
/// worker must not hold a scoped service (the container rejects that at build).
#[derive(Debug)]
struct Operation(u64);

/// The background worker, like the seed's `MyWorker`.
#[derive(Injectable)]
struct MyWorker {
    scopes: ScopeFactory,
    options: Arc<WorkerOptions>,
}

#[async_trait]
impl BackgroundService for MyWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let mut iteration = 0;
        while !stopping.is_cancelled() {
            iteration += 1;
            let scope = self.scopes.create_scope()?; // one scope per unit of work
            let service = scope.get::<MyService>()?; // singleton, from the root
            let operation = scope.get::<Operation>()?; // scoped, owned by this scope
            service.do_something_task(&operation).await;
            scope.dispose().await; // async disposal, reverse creation order
            if self.options.fail_after == Some(iteration) {
                return Err(format!("simulated failure after {iteration} iterations").into());
            }
            let pause = tokio::time::sleep(Duration::from_millis(self.options.interval_ms));
            tokio::select! {
                () = pause => {}
                () = stopping.cancelled() => {}
            }
        }
        info!(
            drain_ms = self.options.drain_ms,
            "MyWorker finishing its work"
        );
        tokio::time::sleep(Duration::from_millis(self.options.drain_ms)).await;
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), HostError> {
    let operations = AtomicU64::new(0);
    Host::default_builder("WORKER")
        .configure_configuration(|configuration| {
            configuration
                .default_value("interval_ms", 1000)
                .default_value("drain_ms", 0);
        })
        .configure_services(|services| {
            services.add_options::<WorkerOptions>("");
            services.add_singleton(|| Arc::new(MyService::default()));
            services.add_scoped(move || Arc::new(Operation(operations.fetch_add(1, Relaxed) + 1)));
            services.add_hosted_service::<MyWorker>();
        })
        .run() // until Ctrl+C / SIGTERM / a failing worker; exit code 0 or 1
        .await
}
