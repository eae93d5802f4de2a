//! A stop requested while the host is still starting (by a service, by the embedding future):
//! no further service starts, `started` never fires, and the started ones stop in reverse.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{BoxError, Injectable};
use di_hosting::{ApplicationLifetime, HostedService};
use support::{Log, Recorder, quiet_host, secs};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Long enough for any test below; paused time makes a hang fail here instead of hanging CI.
const WATCHDOG: Duration = Duration::from_secs(3600);

/// Requests a stop of the application from inside its `start`.
struct StopsWhileStarting {
    lifetime: Arc<ApplicationLifetime>,
    log: Arc<Log>,
}

impl Injectable for StopsWhileStarting {
    type Dependencies = (Arc<ApplicationLifetime>, Arc<Log>);
    fn inject((lifetime, log): Self::Dependencies) -> Self {
        Self { lifetime, log }
    }
}

#[async_trait]
impl HostedService for StopsWhileStarting {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("quitter.start");
        self.lifetime.stop_application();
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("quitter.stop");
        Ok(())
    }
}

/// Runs a host of `a`, the quitter, then `b`; returns the log and whether `started` fired.
async fn run_with_a_stop_during_start(concurrent_start: bool) -> (Vec<String>, bool) {
    let log = Arc::new(Log::default());
    let (shared, a, b) = (Arc::clone(&log), Log::clone(&log), Log::clone(&log));
    let host = quiet_host()
        .configure_options(|options| options.concurrent_start = concurrent_start)
        .configure_services(|services| {
            services.add_instance(shared);
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services.add_hosted_service::<StopsWhileStarting>();
            services.add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)));
        })
        .build()
        .await
        .expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());

    tokio::time::timeout(WATCHDOG, host.run())
        .await
        .expect("the host stops")
        .expect("a stop request is a clean stop");

    (log.events(), lifetime.is_started())
}

#[tokio::test(start_paused = true)]
async fn a_stop_requested_during_startup_starts_no_further_service() {
    let (events, started) = run_with_a_stop_during_start(false).await;

    assert_eq!(
        events,
        [
            "a.starting",
            "b.starting",
            "a.start",
            "quitter.start",
            "a.stopping",
            "quitter.stop",
            "a.stop",
            "a.stopped"
        ]
    );
    assert!(!started, "`started` must not fire after `stopping`");
}

#[tokio::test(start_paused = true)]
async fn a_stop_requested_during_a_concurrent_start_skips_the_started_phase() {
    let (events, started) = run_with_a_stop_during_start(true).await;

    assert!(
        !events.iter().any(|event| event.ends_with(".started")),
        "{events:?}"
    );
    // Every `start` had begun at once, so all three stop, in reverse order.
    let stops: Vec<_> = events.iter().filter(|e| e.ends_with(".stop")).collect();
    assert_eq!(stops, ["b.stop", "quitter.stop", "a.stop"]);
    assert!(!started, "`started` must not fire after `stopping`");
}
/// A service whose `start` waits until startup is cancelled (say, for a database that is down).
struct WaitsForCancel(Arc<Log>);

#[async_trait]
impl HostedService for WaitsForCancel {
    async fn start(&self, cancel: CancellationToken) -> Result<(), BoxError> {
        self.0.push("slow.start");
        cancel.cancelled().await;
        self.0.push("slow.start cancelled");
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.0.push("slow.stop");
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn the_embedding_future_stops_a_host_that_is_still_starting() {
    let log = Arc::new(Log::default());
    let shared = Arc::clone(&log);
    let origin = Instant::now();

    let result = tokio::time::timeout(
        WATCHDOG,
        quiet_host()
            .configure_services(|services| {
                services
                    .add_hosted_service_with(move || Arc::new(WaitsForCancel(Arc::clone(&shared))));
            })
            .run_until(tokio::time::sleep(Duration::from_secs(5))),
    )
    .await
    .expect("the host stops when the embedding future completes");

    result.expect("a stop request is a clean stop");
    assert_eq!(secs(origin), 5);
    assert_eq!(
        log.events(),
        ["slow.start", "slow.start cancelled", "slow.stop"]
    );
}

/// A worker that fails as soon as it runs.
struct FailsAtOnce;

#[async_trait]
impl di_hosting::BackgroundService for FailsAtOnce {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        Err("broken".into())
    }
}

#[tokio::test(start_paused = true)]
async fn a_worker_failing_during_startup_stops_the_host_before_started() {
    let log = Log::default();
    let slow = log.clone();
    let host = quiet_host()
        .configure_services(|services| {
            services
                .add_hosted_service_with(|| Arc::new(FailsAtOnce))
                .name("w");
            services.add_hosted_service_with(move || {
                Arc::new(Recorder {
                    start: support::Behaviour::Sleep(Duration::from_secs(5)),
                    ..Recorder::new("slow", &slow)
                })
            });
        })
        .build()
        .await
        .expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());

    let error = tokio::time::timeout(WATCHDOG, host.run())
        .await
        .expect("the host stops")
        .expect_err("the worker failed");

    assert!(
        matches!(
            error.failures(),
            [di_hosting::HostFailure::WorkerFailed { service, .. }] if service == "w"
        ),
        "{error:#?}"
    );
    assert_eq!(
        log.events(),
        [
            "slow.starting",
            "slow.start",
            "slow.stopping",
            "slow.stop",
            "slow.stopped"
        ]
    );
    assert!(!lifetime.is_started());
    assert_eq!(error.exit_code(), 1);
}

/// A worker that requests a stop of the application after three seconds.
struct StopsAfterThreeSeconds(Arc<ApplicationLifetime>);

#[async_trait]
impl di_hosting::BackgroundService for StopsAfterThreeSeconds {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_secs(3)).await;
        self.0.stop_application();
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_start_ignoring_a_stop_request_is_abandoned_at_the_shutdown_deadline() {
    let log = Log::default();
    let stuck = log.clone();
    let origin = Instant::now();

    let error = tokio::time::timeout(
        WATCHDOG,
        quiet_host()
            .configure_options(|options| options.shutdown_timeout = Duration::from_secs(10))
            .configure_services(|services| {
                services.add_hosted_service_with(|lifetime: Arc<ApplicationLifetime>| {
                    Arc::new(StopsAfterThreeSeconds(lifetime))
                });
                services
                    .add_hosted_service_with(move || {
                        Arc::new(Recorder {
                            start: support::Behaviour::Hang,
                            ..Recorder::new("stuck", &stuck)
                        })
                    })
                    .name("stuck");
            })
            .run(),
    )
    .await
    .expect("the stop request bounds the startup")
    .expect_err("the start missed the deadline");

    assert_eq!(secs(origin), 13);
    assert!(
        matches!(
            error.failures(),
            [di_hosting::HostFailure::DeadlineExceeded { still_running, .. }]
                if still_running == &["stuck"]
        ),
        "{error:#?}"
    );
    assert_eq!(log.events(), ["stuck.starting", "stuck.start"]);
    assert_eq!(error.exit_code(), di_hosting::HostError::EXIT_DEADLINE);
}

#[tokio::test(start_paused = true)]
async fn the_shutdown_deadline_counts_from_a_stop_requested_during_startup() {
    let log = Log::default();
    let (stuck_worker, stuck_start) = (log.clone(), log.clone());
    let timeout = Duration::from_secs(10);
    let origin = Instant::now();

    let error = tokio::time::timeout(
        WATCHDOG,
        quiet_host()
            .configure_options(|options| options.shutdown_timeout = timeout)
            .configure_services(|services| {
                services
                    .add_hosted_service_with(move || {
                        Arc::new(support::Waiter {
                            on_stop: support::Behaviour::Hang,
                            ..support::Waiter::new("worker", &stuck_worker)
                        })
                    })
                    .name("worker");
                services.add_hosted_service_with(|lifetime: Arc<ApplicationLifetime>| {
                    Arc::new(StopsAfterThreeSeconds(lifetime))
                });
                services
                    .add_hosted_service_with(move || {
                        Arc::new(Recorder {
                            start: support::Behaviour::Hang,
                            ..Recorder::new("start", &stuck_start)
                        })
                    })
                    .name("start");
            })
            .run(),
    )
    .await
    .expect("the stop request bounds the startup and the stop")
    .expect_err("the deadline is missed");

    // The stop was requested at 3 s: one deadline at 13 s bounds both the hanging start and the
    // stuck worker (an aborted async task ends at once), not 13 s plus another timeout.
    assert_eq!(secs(origin), 13);
    let late: Vec<&str> = error
        .failures()
        .iter()
        .flat_map(|failure| match failure {
            di_hosting::HostFailure::DeadlineExceeded { still_running, .. } => {
                still_running.iter().map(String::as_str)
            }
            other => panic!("unexpected failure: {other}"),
        })
        .collect();
    assert_eq!(late, ["start", "worker"]);
    assert_eq!(log.matching("start."), ["start.starting", "start.start"]);
    // The worker's turn to stop comes after the hanging start's, which used the whole deadline:
    // it is aborted there without having been asked.
    assert_eq!(log.matching("worker."), ["worker.execute"]);
}

/// A singleton whose disposal takes five seconds.
struct SlowToDispose;

#[async_trait]
impl di_core::AsyncDispose for SlowToDispose {
    async fn dispose(&self) {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_stop_requested_before_the_run_counts_its_deadline_from_the_run() {
    let log = Log::default();
    let a = log.clone();
    let host = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_secs(10))
        .configure_services(|services| {
            services
                .add_singleton(|| Arc::new(SlowToDispose))
                .disposable();
            services.add_hosted_service_with(move |_slow: Arc<SlowToDispose>| {
                Arc::new(Recorder::new("a", &a))
            });
        })
        .build()
        .await
        .expect("the host builds");
    host.lifetime().stop_application();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let origin = Instant::now();

    tokio::time::timeout(WATCHDOG, host.run())
        .await
        .expect("the host stops")
        .expect("the disposal fits in a deadline counted from the run, not from the request");

    assert_eq!(secs(origin), 5);
    assert!(log.events().is_empty(), "{:?}", log.events());
}
