//! Disposing the provider at the end of a stop: a panicking `dispose` is a failure of the run,
//! not a panic of `run()`, and a hanging one is cut at the shutdown deadline.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{AsyncDispose, ServiceProvider};
use di_hosting::{HostError, HostFailure};
use support::{Log, Recorder, quiet_host, secs};
use tokio::time::Instant;

/// Long enough for any test below; paused time makes a hang fail here instead of hanging CI.
const WATCHDOG: Duration = Duration::from_secs(3600);

/// A singleton whose `dispose` panics or never returns.
enum BadDispose {
    Panics,
    Hangs,
}

#[async_trait]
impl AsyncDispose for BadDispose {
    async fn dispose(&self) {
        match self {
            Self::Panics => panic!("disposal went wrong"),
            Self::Hangs => std::future::pending().await,
        }
    }
}

/// Runs a host with a `BadDispose` singleton (created at start by a hosted service) and a
/// shutdown timeout of 5 s; returns the result of the stop.
async fn stop_with(bad: fn() -> BadDispose, log: &Log) -> Result<(), HostError> {
    let recorder_log = log.clone();
    let running = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_secs(5))
        .configure_services(|services| {
            services.add_singleton(move || Arc::new(bad())).disposable();
            services.add_hosted_service_with(move |_bad: Arc<BadDispose>| {
                Arc::new(Recorder::new("a", &recorder_log))
            });
        })
        .start()
        .await
        .expect("the host starts");
    tokio::time::timeout(WATCHDOG, running.stop())
        .await
        .expect("the stop ends")
}

#[tokio::test(start_paused = true)]
async fn a_panicking_dispose_is_a_failure_of_the_run_with_its_message() {
    let log = Log::default();

    let error = stop_with(|| BadDispose::Panics, &log)
        .await
        .expect_err("the disposal panicked");

    assert_eq!(log.matching("a.stopped"), ["a.stopped"]);
    assert!(
        matches!(
            error.failures(),
            [HostFailure::DisposePanicked { message }] if message == "disposal went wrong"
        ),
        "{error:#?}"
    );
    assert_eq!(error.exit_code(), HostError::EXIT_FAILURE);
}

#[tokio::test(start_paused = true)]
async fn a_hanging_dispose_is_cut_at_the_shutdown_deadline_and_named() {
    let log = Log::default();
    let origin = Instant::now();

    let error = stop_with(|| BadDispose::Hangs, &log)
        .await
        .expect_err("the disposal missed the deadline");

    assert_eq!(secs(origin), 5);
    let [HostFailure::DeadlineExceeded { still_running, .. }] = error.failures() else {
        panic!("one deadline failure expected: {error:#?}");
    };
    assert_eq!(still_running, &[std::any::type_name::<ServiceProvider>()]);
    assert_eq!(error.exit_code(), HostError::EXIT_DEADLINE);
}
