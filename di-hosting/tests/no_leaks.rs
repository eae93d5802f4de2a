//! Nothing stays alive after `run()` returns: workers (including one holding the scope factory),
//! singletons, scoped services, aborted workers and services of a failed start.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{BoxError, Injectable, ScopeFactory};
use di_hosting::{BackgroundService, HostedServiceExt};
use support::{Behaviour, DropCounter, Log, Recorder, Tracked, Waiter, quiet_host};
use tokio_util::sync::CancellationToken;

struct Singleton(#[expect(dead_code, reason = "held for its drop")] Tracked);
struct PerScope(#[expect(dead_code, reason = "held for its drop")] Tracked);

/// Creates a scope per iteration and resolves a singleton and a scoped service from it.
struct ScopedWorker {
    scopes: ScopeFactory,
    _tracked: Tracked,
}

impl Injectable for ScopedWorker {
    type Dependencies = (ScopeFactory, Arc<DropCounter>);
    fn inject((scopes, counter): Self::Dependencies) -> Self {
        ScopedWorker {
            scopes,
            _tracked: counter.track(),
        }
    }
}

#[async_trait]
impl BackgroundService for ScopedWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        while !stopping.is_cancelled() {
            let scope = self.scopes.create_scope()?;
            let _singleton = scope.get::<Singleton>()?;
            let _scoped = scope.get::<PerScope>()?;
            scope.dispose().await;
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = stopping.cancelled() => {}
            }
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn nothing_stays_alive_after_run_returns() {
    let counter = Arc::new(DropCounter::default());
    let shared = Arc::clone(&counter);
    quiet_host()
        .configure_services(|services| {
            services.add_instance(shared);
            services.add_singleton(|c: Arc<DropCounter>| Arc::new(Singleton(c.track())));
            services.add_scoped(|c: Arc<DropCounter>| Arc::new(PerScope(c.track())));
            services.add_hosted_service::<ScopedWorker>();
        })
        .build()
        .run_until(async {
            tokio::time::sleep(Duration::from_millis(10_500)).await;
            // Worker, singleton and the current iteration's scoped service.
            assert!(counter.alive() >= 2, "alive: {}", counter.alive());
        })
        .await
        .expect("the host stops cleanly");

    assert_eq!(counter.alive(), 0);
    assert_eq!(Arc::strong_count(&counter), 1);
}

#[tokio::test(start_paused = true)]
async fn an_aborted_worker_is_dropped_before_run_returns() {
    let counter = DropCounter::default();
    let log = Log::default();
    let tracked = counter.clone();
    let error = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_secs(1))
        .configure_services(|services| {
            services.add_hosted_service_with(move || {
                let worker = Waiter {
                    on_stop: Behaviour::Hang,
                    ..Waiter::new("stuck", &log)
                };
                Arc::new(TrackedWaiter(worker, tracked.track()))
            });
        })
        .build()
        .run_until(std::future::ready(()))
        .await
        .expect_err("the worker is aborted");

    assert!(error.deadline_exceeded());
    assert_eq!(counter.alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_services_of_a_failed_start_are_dropped() {
    let counter = DropCounter::default();
    let log = Log::default();
    let (ok, failing) = (log.clone(), log.clone());
    let (worker_tracked, singleton_tracked) = (counter.clone(), counter.clone());
    let result = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || {
                Arc::new(TrackedWaiter(Waiter::new("w", &ok), worker_tracked.track()))
            });
            services.add_singleton(move || Arc::new(Singleton(singleton_tracked.track())));
            services.add_lifecycle_service_with(move |_singleton: Arc<Singleton>| {
                Arc::new(Recorder {
                    start: Behaviour::Fail,
                    ..Recorder::new("failing", &failing)
                })
            });
        })
        .build()
        .run()
        .await;

    assert!(result.is_err());
    assert_eq!(log.matching("w."), ["w.execute", "w.cancelled"]);
    assert_eq!(counter.alive(), 0);
}

/// A [`Waiter`] that also holds a [`Tracked`].
struct TrackedWaiter(Waiter, Tracked);

#[async_trait]
impl BackgroundService for TrackedWaiter {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let _held = &self.1;
        self.0.execute(stopping).await
    }
}
