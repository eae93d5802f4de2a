//! Turning a host's result into an exit code: 0 clean, 1 failures, 2 missed deadline; the error
//! lists every failure.

mod support;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use di_hosting::{HostError, HostFailure, IntoExitCode};
use support::{Behaviour, Log, Recorder, Waiter, quiet_host};

#[tokio::test(start_paused = true)]
async fn a_clean_stop_exits_with_zero() {
    let result = quiet_host()
        .run_until(tokio::time::sleep(Duration::from_secs(1)))
        .await;

    assert_eq!(result.into_exit_code(), ExitCode::SUCCESS);
}

#[tokio::test(start_paused = true)]
async fn a_failed_worker_never_exits_with_zero() {
    let log = Log::default();
    let result = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || {
                Arc::new(Waiter {
                    on_stop: Behaviour::Fail,
                    ..Waiter::new("w", &log)
                })
            });
        })
        .run_until(tokio::time::sleep(Duration::from_secs(1)))
        .await;

    let error = result.expect_err("the worker failed");
    assert_eq!(error.exit_code(), 1);
    assert_eq!(ExitCode::from(error), ExitCode::from(1));
}

#[tokio::test(start_paused = true)]
async fn a_missed_deadline_exits_with_two_even_with_other_failures() {
    let log = Log::default();
    let (stuck, failing) = (log.clone(), log.clone());
    let error = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_secs(5))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(Waiter {
                        on_stop: Behaviour::Hang,
                        ..Waiter::new("stuck", &stuck)
                    })
                })
                .name("stuck");
            services
                .add_hosted_service_with(move || {
                    Arc::new(Recorder {
                        stop: Behaviour::Fail,
                        ..Recorder::new("failing", &failing)
                    })
                })
                .name("failing");
        })
        .run_until(std::future::ready(()))
        .await
        .expect_err("the stop failed and missed its deadline");

    assert!(matches!(
        error.failures(),
        [HostFailure::Stop { service: failing, .. }, HostFailure::DeadlineExceeded { still_running, .. }]
            if failing == "failing" && still_running == &["stuck"]
    ));
    assert_eq!(error.exit_code(), HostError::EXIT_DEADLINE);
    assert_eq!(error.into_exit_code(), ExitCode::from(2));
}

#[tokio::test(start_paused = true)]
async fn the_error_message_lists_every_failure_with_its_cause() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let error = quiet_host()
        .configure_services(|services| {
            for (name, log) in [("a", a), ("b", b)] {
                services
                    .add_hosted_service_with(move || {
                        Arc::new(Recorder {
                            stop: Behaviour::Fail,
                            ..Recorder::new(name, &log)
                        })
                    })
                    .name(name);
            }
        })
        .run_until(std::future::ready(()))
        .await
        .expect_err("both fail to stop");

    assert_eq!(
        error.to_string(),
        "the host failed (2 failures)\n  \
         1. hosted service `b` failed in `stop`: b stop failed\n  \
         2. hosted service `a` failed in `stop`: a stop failed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_build_error_exits_with_one() {
    struct Missing;
    struct NeedsMissing;
    let error = quiet_host()
        .configure_services(|services| {
            services.add_singleton(|_missing: Arc<Missing>| Arc::new(NeedsMissing));
        })
        .run()
        .await
        .expect_err("the collection is invalid");

    assert!(matches!(error.failures(), [HostFailure::Build(_)]));
    assert_eq!(error.into_exit_code(), ExitCode::from(1));
}

#[test]
fn debug_output_is_the_readable_message_so_main_can_return_the_result() {
    let error = HostError::new(vec![HostFailure::WorkerPanicked {
        service: "w".into(),
        message: "boom".into(),
    }]);

    assert_eq!(format!("{error:?}"), error.to_string());
    assert!(format!("{error:#?}").starts_with("HostError {"));
}

#[test]
fn a_failed_run_returned_from_main_as_it_is_exits_with_the_errors_code() {
    let failed = || {
        HostError::new(vec![HostFailure::WorkerPanicked {
            service: "w".into(),
            message: "boom".into(),
        }])
    };

    assert_eq!(Err::<(), _>(failed()).into_exit_code(), ExitCode::from(1));
    assert_eq!(Ok::<(), HostError>(()).into_exit_code(), ExitCode::SUCCESS);
}

#[test]
fn a_missed_deadline_names_every_service_still_running_and_the_failures_can_be_taken() {
    let error = HostError::new(vec![HostFailure::DeadlineExceeded {
        timeout: Duration::from_secs(5),
        still_running: vec!["a".into(), "b".into()],
    }]);

    assert!(
        error
            .to_string()
            .ends_with("the shutdown deadline of 5s passed; still running: `a`, `b`"),
        "{error}"
    );
    assert!(matches!(
        error.into_failures().as_slice(),
        [HostFailure::DeadlineExceeded { still_running, .. }] if still_running.len() == 2
    ));
}

#[test]
fn only_a_numbered_line_of_a_failure_becomes_a_bullet() {
    let error = HostError::new(vec![HostFailure::WorkerPanicked {
        service: "w".into(),
        message: "boom\n  2. numbered\n  Note. not a number\n  . no number".into(),
    }]);

    assert_eq!(
        error.to_string(),
        "the host failed (1 failure)\n  \
         1. background service `w` panicked: boom\n     \
         - numbered\n     \
         \x20 Note. not a number\n     \
         \x20 . no number"
    );
}
