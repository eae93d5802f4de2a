//! Worker failures: stop the host (default), ignore, restart with exponential backoff and
//! escalation, per-worker overrides, panics with their message, workers that end early.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, FailurePolicy, HostFailure, RestartPolicy};
use support::{Log, Recorder, quiet_host, secs};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What one call of a [`Scripted`] worker does.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Works this many seconds, then fails.
    FailAfter(u64),
    /// Works this many seconds, then panics.
    PanicAfter(u64),
    /// Works until stopped.
    RunUntilStopped,
    /// Returns `Ok` at once.
    EndAtOnce,
}

/// A worker whose n-th `execute` follows the n-th step (the last step repeats), logging
/// `"run {n} at {secs}"` for each call.
struct Scripted {
    steps: Vec<Step>,
    calls: AtomicU32,
    origin: Instant,
    log: Log,
}

impl Scripted {
    fn new(log: &Log, steps: Vec<Step>) -> Arc<Self> {
        Arc::new(Self {
            steps,
            calls: AtomicU32::new(0),
            origin: Instant::now(),
            log: log.clone(),
        })
    }
}

#[async_trait]
impl BackgroundService for Scripted {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        self.log
            .push(format!("run {call} at {}", secs(self.origin)));
        let index = usize::try_from(call)
            .expect("small")
            .min(self.steps.len() - 1);
        let work = |seconds| {
            let stopping = stopping.clone();
            async move {
                tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(seconds)) => false,
                    () = stopping.cancelled() => true,
                }
            }
        };
        match self.steps[index] {
            Step::FailAfter(seconds) => {
                if work(seconds).await {
                    return Ok(());
                }
                Err(format!("run {call} failed").into())
            }
            Step::PanicAfter(seconds) => {
                if work(seconds).await {
                    return Ok(());
                }
                panic!("run {call} panicked")
            }
            Step::RunUntilStopped => {
                stopping.cancelled().await;
                Ok(())
            }
            Step::EndAtOnce => Ok(()),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_worker_stops_the_host_by_default() {
    let log = Log::default();
    let (w, a) = (log.clone(), log.clone());
    let began = Instant::now();
    let error = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            let worker = Scripted::new(&w, vec![Step::FailAfter(3)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("w");
        })
        .run()
        .await
        .expect_err("the worker fails");

    assert_eq!(secs(began), 3);
    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerFailed { service, source }]
            if service == "w" && source.to_string() == "run 0 failed"
    ));
    assert_eq!(
        log.matching("a.stop"),
        ["a.stopping", "a.stop", "a.stopped"]
    );
    assert_eq!(error.exit_code(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_worker_is_a_failure_that_keeps_its_message() {
    let log = Log::default();
    let error = quiet_host()
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::PanicAfter(1)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("w");
        })
        .run()
        .await
        .expect_err("the worker panics");

    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerPanicked { service, message }]
            if service == "w" && message == "run 0 panicked"
    ));
    assert!(error.to_string().contains("`w` panicked: run 0 panicked"));
}

#[tokio::test(start_paused = true)]
async fn an_ignored_failure_keeps_the_host_running_and_is_reported_when_it_stops() {
    let log = Log::default();
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.failure_policy = FailurePolicy::Ignore)
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::FailAfter(1)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("w");
        })
        .run_until(tokio::time::sleep(Duration::from_secs(60)))
        .await
        .expect_err("an ignored failure is still reported when the host stops");

    // The failure at 1 s did not stop the host: it ran until the embedding future ended.
    assert_eq!(secs(began), 60);
    assert_eq!(log.events(), ["run 0 at 0"]);
    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerFailed { service, source }]
            if service == "w" && source.to_string() == "run 0 failed"
    ));
    assert_eq!(error.exit_code(), 1);
}

fn restart(initial_secs: u64, max_restarts: u32, window_secs: u64) -> FailurePolicy {
    FailurePolicy::Restart(
        RestartPolicy::new(Duration::from_secs(initial_secs), max_restarts)
            .with_max_backoff(Duration::from_secs(3600))
            .with_window(Duration::from_secs(window_secs)),
    )
}

#[tokio::test(start_paused = true)]
async fn restarts_back_off_exponentially_then_escalate_to_stopping_the_host() {
    let log = Log::default();
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.failure_policy = restart(1, 3, 60))
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::FailAfter(0)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("w");
        })
        .run()
        .await
        .expect_err("the restart limit is reached");

    // Backoffs of 1 s, 2 s and 4 s; the fourth failure escalates.
    assert_eq!(
        log.events(),
        ["run 0 at 0", "run 1 at 1", "run 2 at 3", "run 3 at 7"]
    );
    assert_eq!(secs(began), 7);
    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerFailed { service, source }]
            if service == "w" && source.to_string() == "run 3 failed"
    ));
}

#[tokio::test(start_paused = true)]
async fn only_restarts_within_the_window_count_towards_the_limit() {
    let log = Log::default();
    let result = quiet_host()
        .configure_options(|options| options.failure_policy = restart(1, 1, 60))
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::FailAfter(100)]);
            services.add_hosted_service_with(move || Arc::clone(&worker));
        })
        .run_until(tokio::time::sleep(Duration::from_secs(350)))
        .await;

    result.expect("each failure is more than a window after the previous restart");
    assert_eq!(
        log.events(),
        ["run 0 at 0", "run 1 at 101", "run 2 at 202", "run 3 at 303"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_restarted_like_an_error_and_a_recovered_worker_keeps_running() {
    let log = Log::default();
    let result = quiet_host()
        .configure_options(|options| options.failure_policy = restart(2, 5, 60))
        .configure_services(|services| {
            let steps = vec![Step::PanicAfter(1), Step::RunUntilStopped];
            let worker = Scripted::new(&log, steps);
            services.add_hosted_service_with(move || Arc::clone(&worker));
        })
        .run_until(tokio::time::sleep(Duration::from_secs(30)))
        .await;

    result.expect("the worker recovered");
    assert_eq!(log.events(), ["run 0 at 0", "run 1 at 3"]);
}

#[tokio::test(start_paused = true)]
async fn a_stop_during_the_backoff_reports_the_failure_no_restart_recovered() {
    let log = Log::default();
    let began = Instant::now();
    let result = quiet_host()
        .configure_options(|options| options.failure_policy = restart(60, 5, 600))
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::FailAfter(1)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("flaky");
        })
        .run_until(tokio::time::sleep(Duration::from_secs(10)))
        .await;

    let error = result.expect_err("the failure was never recovered");
    assert_eq!(secs(began), 10, "the stop did not wait for the backoff");
    assert_eq!(log.events(), ["run 0 at 0"], "no restart ran");
    assert!(
        matches!(error.failures(), [HostFailure::WorkerFailed { service, .. }] if service == "flaky"),
        "{error:?}"
    );
    assert_eq!(error.exit_code(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_per_worker_policy_overrides_the_host_policy() {
    let log = Log::default();
    let (ignored, stopping) = (log.clone(), log.clone());
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.failure_policy = FailurePolicy::Ignore)
        .configure_services(|services| {
            let worker = Scripted::new(&ignored, vec![Step::FailAfter(1)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("ignored");
            let worker = Scripted::new(&stopping, vec![Step::FailAfter(5)]);
            services
                .add_hosted_service_with(move || Arc::clone(&worker))
                .name("strict")
                .failure_policy(FailurePolicy::StopHost);
        })
        .run()
        .await
        .expect_err("the strict worker stops the host");

    assert_eq!(secs(began), 5);
    let failed: Vec<_> = error
        .failures()
        .iter()
        .map(|failure| match failure {
            HostFailure::WorkerFailed { service, .. } => service.as_str(),
            other => panic!("unexpected failure: {other}"),
        })
        .collect();
    // The ignored failure did not stop the host, but it is reported too, in order.
    assert_eq!(failed, ["ignored", "strict"]);
}

#[tokio::test(start_paused = true)]
async fn a_worker_that_returns_ok_early_just_ends() {
    let log = Log::default();
    let began = Instant::now();
    let result = quiet_host()
        .configure_services(|services| {
            let worker = Scripted::new(&log, vec![Step::EndAtOnce]);
            services.add_hosted_service_with(move || Arc::clone(&worker));
        })
        .run_until(tokio::time::sleep(Duration::from_secs(20)))
        .await;

    result.expect("ending early is not a failure");
    assert_eq!(secs(began), 20);
    assert_eq!(log.events(), ["run 0 at 0"]);
}

#[tokio::test(start_paused = true)]
async fn a_worker_failing_after_the_stop_began_is_reported_without_a_restart() {
    let log = Log::default();
    let w = log.clone();
    let running = quiet_host()
        .configure_options(|options| options.failure_policy = restart(1, 5, 60))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(support::Waiter {
                        on_stop: support::Behaviour::Fail,
                        ..support::Waiter::new("w", &w)
                    })
                })
                .name("w");
        })
        .start()
        .await
        .expect("the host starts");

    let error = running
        .stop()
        .await
        .expect_err("the worker fails while stopping");

    assert_eq!(log.events(), ["w.execute", "w.cancelled"]);
    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerFailed { service, .. }] if service == "w"
    ));
}

#[tokio::test(start_paused = true)]
async fn an_ignored_failure_while_stopping_is_reported_too() {
    let log = Log::default();
    let w = log.clone();
    let result = quiet_host()
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(support::Waiter {
                        on_stop: support::Behaviour::Fail,
                        ..support::Waiter::new("w", &w)
                    })
                })
                .name("w")
                .failure_policy(FailurePolicy::Ignore);
        })
        .run_until(std::future::ready(()))
        .await;

    let error = result.expect_err("an ignored failure is still reported");
    assert_eq!(log.events(), ["w.execute", "w.cancelled"]);
    assert!(matches!(
        error.failures(),
        [HostFailure::WorkerFailed { service, .. }] if service == "w"
    ));
    assert_eq!(error.exit_code(), 1);
}

/// A worker implemented without `#[async_trait]` that panics before it returns its future.
struct PanicsBeforeItsFuture;

impl BackgroundService for PanicsBeforeItsFuture {
    fn execute<'life0, 'async_trait>(
        &'life0 self,
        _stopping: CancellationToken,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), BoxError>> + Send + 'async_trait>,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        panic!("no future for you")
    }
}

#[tokio::test(start_paused = true)]
async fn a_worker_panicking_before_its_future_exists_is_a_failure_under_the_policy() {
    let error = tokio::time::timeout(
        Duration::from_secs(3600),
        quiet_host()
            .configure_services(|services| {
                services
                    .add_hosted_service_with(|| Arc::new(PanicsBeforeItsFuture))
                    .name("w");
            })
            .run(),
    )
    .await
    .expect("the failure stops the host")
    .expect_err("the worker panicked");

    assert!(
        matches!(
            error.failures(),
            [HostFailure::WorkerPanicked { service, message }]
                if service == "w" && message == "no future for you"
        ),
        "{error:#?}"
    );
}
