//! Nothing stays alive after `run()` returns: workers (including one holding the scope factory),
//! singletons, scoped services, aborted workers and services of a failed start.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{BoxError, Injectable, ScopeFactory};
use di_hosting::BackgroundService;
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
            services.add_hosted_service_with(move |_singleton: Arc<Singleton>| {
                Arc::new(Recorder {
                    start: Behaviour::Fail,
                    ..Recorder::new("failing", &failing)
                })
            });
        })
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

/// Lets the runtime run every task that is ready, and any timer due within a second.
async fn settle() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// A host builder with one worker that only ends when its token is cancelled.
fn host_with_a_waiting_worker(counter: &DropCounter, log: &Log) -> di_hosting::HostBuilder {
    let (tracked, log) = (counter.clone(), log.clone());
    quiet_host().configure_services(move |services| {
        services.add_hosted_service_with(move || {
            Arc::new(TrackedWaiter(Waiter::new("w", &log), tracked.track()))
        });
    })
}

#[tokio::test(start_paused = true)]
async fn dropping_a_running_host_ends_its_workers() {
    let (counter, log) = (DropCounter::default(), Log::default());
    let running = host_with_a_waiting_worker(&counter, &log)
        .start()
        .await
        .expect("the host starts");
    let lifetime = Arc::clone(running.lifetime());
    settle().await;
    assert_eq!(counter.alive(), 1);

    drop(running);
    settle().await;

    assert!(lifetime.is_stopping(), "the workers' tokens are cancelled");
    assert_eq!(counter.alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_run_future_dropped_midway_leaves_no_worker_running() {
    let (counter, log) = (DropCounter::default(), Log::default());
    let run = host_with_a_waiting_worker(&counter, &log).run();

    // An embedding application that gives up on the host, as `select!` does with its losers.
    tokio::select! {
        result = run => panic!("the host stopped by itself: {result:?}"),
        () = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
    assert_eq!(log.matching("w."), ["w.execute"]);
    settle().await;

    assert_eq!(counter.alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_stop_future_dropped_midway_leaves_no_worker_running() {
    let (counter, log) = (DropCounter::default(), Log::default());
    let (tracked, worker_log) = (counter.clone(), log.clone());
    let running = quiet_host()
        .configure_services(move |services| {
            services.add_hosted_service_with(move || {
                let worker = Waiter {
                    on_stop: Behaviour::Hang,
                    ..Waiter::new("stuck", &worker_log)
                };
                Arc::new(TrackedWaiter(worker, tracked.track()))
            });
        })
        .start()
        .await
        .expect("the host starts");

    // The stop waits for the stuck worker (30 s deadline); the caller gives up after 5 s.
    tokio::select! {
        result = running.stop() => panic!("the stop ended early: {result:?}"),
        () = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
    assert_eq!(log.matching("stuck."), ["stuck.execute", "stuck.cancelled"]);
    settle().await;

    assert_eq!(counter.alive(), 0);
}
