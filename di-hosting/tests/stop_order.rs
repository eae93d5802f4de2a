//! Stopping: reverse order phase by phase, each worker's token cancelled at its own turn, one deadline across
//! every service, abort and naming of what is left, concurrent stop, stop errors.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{BackgroundService, HostFailure, LifecycleHook};
use support::{Behaviour, Log, Recorder, Waiter, quiet_host, secs};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

fn stopping_with(log: &Log, name: &'static str, stop: Behaviour) -> Recorder {
    Recorder {
        stop,
        ..Recorder::new(name, log)
    }
}

#[tokio::test(start_paused = true)]
async fn services_stop_in_reverse_order_phase_by_phase() {
    let log = Log::default();
    let (a, b, c) = (log.clone(), log.clone(), log.clone());
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services.add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)));
            services.add_hosted_service_with(move || Arc::new(Recorder::new("c", &c)));
        })
        .start()
        .await
        .expect("the host starts");
    let started = log.events().len();

    running.stop().await.expect("the host stops cleanly");

    assert_eq!(
        log.events()[started..],
        [
            "c.stopping",
            "b.stopping",
            "a.stopping",
            "c.stop",
            "b.stop",
            "a.stop",
            "c.stopped",
            "b.stopped",
            "a.stopped"
        ]
    );
}

/// Keeps the token it was given.
#[derive(Default)]
struct TokenKeeper(Mutex<Option<CancellationToken>>);

#[async_trait]
impl BackgroundService for TokenKeeper {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        *self.0.lock().expect("not poisoned") = Some(stopping.clone());
        stopping.cancelled().await;
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_stop_request_fires_stopping_at_once_but_cancels_no_worker_token_by_itself() {
    let keeper = Arc::new(TokenKeeper::default());
    let registered = Arc::clone(&keeper);
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::clone(&registered));
        })
        .start()
        .await
        .expect("the host starts");
    tokio::task::yield_now().await;
    let token = keeper
        .0
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("execute ran");

    running.lifetime().stop_application();

    // Synchronously: the event fired, the worker's turn has not come yet.
    assert!(running.lifetime().is_stopping());
    assert!(!token.is_cancelled());
    running.wait().await.expect("the host stops cleanly");
    assert!(token.is_cancelled());
}

#[tokio::test(start_paused = true)]
async fn each_workers_token_is_cancelled_at_its_own_turn_in_reverse_registration_order() {
    let log = Log::default();
    let (first, middle, last) = (log.clone(), log.clone(), log.clone());
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("first", &first)));
            services.add_hosted_service_with(move || {
                Arc::new(stopping_with(
                    &middle,
                    "middle",
                    Behaviour::Sleep(Duration::from_secs(5)),
                ))
            });
            services.add_hosted_service_with(move || Arc::new(Waiter::new("last", &last)));
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();
    // Stamps each new event with the (paused, exact) second it was first seen at.
    let timed = Log::default();
    let stamp = {
        let (log, timed) = (log.clone(), timed.clone());
        move || {
            let (events, seen) = (log.events(), timed.events().len());
            for event in &events[seen..] {
                timed.push(format!("{event} at {}", secs(began)));
            }
        }
    };
    let watcher = {
        let stamp = stamp.clone();
        tokio::spawn(async move {
            for _ in 0..1_000 {
                stamp();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    tokio::task::yield_now().await;

    running.stop().await.expect("the host stops cleanly");
    stamp();
    watcher.abort();

    let stop_events: Vec<String> = timed
        .events()
        .into_iter()
        .filter(|event| !event.contains("execute") && !event.contains(".start"))
        .collect();
    assert_eq!(
        stop_events,
        [
            "middle.stopping at 0",
            "last.cancelled at 0",
            "middle.stop at 0",
            "first.cancelled at 5",
            "middle.stopped at 5",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_stop_cancels_every_worker_in_the_same_phase() {
    let log = Log::default();
    let (first, middle) = (log.clone(), log.clone());
    let running = quiet_host()
        .configure_options(|options| options.concurrent_stop = true)
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("first", &first)));
            services.add_hosted_service_with(move || {
                Arc::new(stopping_with(
                    &middle,
                    "middle",
                    Behaviour::Sleep(Duration::from_secs(5)),
                ))
            });
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();
    tokio::task::yield_now().await;

    running.stop().await.expect("the host stops cleanly");

    assert_eq!(secs(began), 5);
    let middle_stop = log.position("middle.stop");
    let cancelled = log.position("first.cancelled");
    assert!(
        log.position("middle.stopping") < cancelled,
        "{:?}",
        log.events()
    );
    // Both in the `stop` phase, neither waiting for the other.
    assert!(
        cancelled < log.position("middle.stopped"),
        "{:?}",
        log.events()
    );
    assert!(middle_stop < log.position("middle.stopped"));
}

#[tokio::test(start_paused = true)]
async fn one_deadline_covers_every_service_and_names_what_is_still_running() {
    let log = Log::default();
    let (stuck, a, b) = (log.clone(), log.clone(), log.clone());
    let running = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_secs(10))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(Waiter {
                        on_stop: Behaviour::Hang,
                        ..Waiter::new("stuck", &stuck)
                    })
                })
                .name("stuck");
            // Each needs 6 s: within 10 s on its own, but not both within one deadline.
            for (name, log) in [("a", a), ("b", b)] {
                services
                    .add_hosted_service_with(move || {
                        Arc::new(stopping_with(
                            &log,
                            name,
                            Behaviour::Sleep(Duration::from_secs(6)),
                        ))
                    })
                    .name(name);
            }
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();

    let error = running.stop().await.expect_err("the deadline is missed");

    assert_eq!(secs(began), 10);
    let [
        HostFailure::DeadlineExceeded {
            timeout,
            still_running,
        },
    ] = error.failures()
    else {
        panic!("expected only the missed deadline: {error}");
    };
    assert_eq!(*timeout, Duration::from_secs(10));
    assert_eq!(still_running, &["a", "stuck"]);
    assert_eq!(error.exit_code(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_worker_that_finishes_its_cleanup_in_time_is_waited_for() {
    let log = Log::default();
    let w = log.clone();
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || {
                Arc::new(Waiter {
                    on_stop: Behaviour::Sleep(Duration::from_secs(3)),
                    ..Waiter::new("w", &w)
                })
            });
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();

    running.stop().await.expect("the host stops cleanly");

    assert_eq!(secs(began), 3);
    assert_eq!(log.events(), ["w.execute", "w.cancelled", "w.finished"]);
}

#[tokio::test(start_paused = true)]
async fn concurrent_stop_runs_the_calls_of_each_phase_at_once() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let running = quiet_host()
        .configure_options(|options| {
            options.concurrent_stop = true;
            options.shutdown_timeout = Duration::from_secs(10);
        })
        .configure_services(|services| {
            for (name, log) in [("a", a), ("b", b)] {
                services.add_hosted_service_with(move || {
                    Arc::new(stopping_with(
                        &log,
                        name,
                        Behaviour::Sleep(Duration::from_secs(6)),
                    ))
                });
            }
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();

    running.stop().await.expect("both stop within the deadline");

    assert_eq!(secs(began), 6);
}

#[tokio::test(start_paused = true)]
async fn a_stop_error_is_reported_and_the_other_services_still_stop() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services
                .add_hosted_service_with(move || Arc::new(stopping_with(&b, "b", Behaviour::Fail)))
                .name("b");
        })
        .start()
        .await
        .expect("the host starts");

    let error = running.stop().await.expect_err("b fails to stop");

    assert_eq!(
        log.matching("a.stop"),
        ["a.stopping", "a.stop", "a.stopped"]
    );
    assert!(matches!(
        error.failures(),
        [HostFailure::Stop { service, hook: LifecycleHook::Stop, source }]
            if service == "b" && source.to_string() == "b stop failed"
    ));
    assert_eq!(error.exit_code(), 1);
}

#[tokio::test(start_paused = true)]
async fn several_stuck_workers_add_at_most_one_grace_period_after_the_deadline() {
    let log = Log::default();
    let timeout = Duration::from_secs(10);
    let worker_log = log.clone();
    let running = quiet_host()
        .configure_options(|options| options.shutdown_timeout = timeout)
        .configure_services(move |services| {
            for name in ["stuck-1", "stuck-2", "stuck-3"] {
                let log = worker_log.clone();
                services
                    .add_hosted_service_with(move || {
                        Arc::new(Waiter {
                            on_stop: Behaviour::Hang,
                            ..Waiter::new(name, &log)
                        })
                    })
                    .name(name);
            }
        })
        .start()
        .await
        .expect("the host starts");
    let began = Instant::now();

    let error = tokio::time::timeout(Duration::from_secs(3600), running.stop())
        .await
        .expect("the stop ends")
        .expect_err("the deadline is missed");

    // An aborted async task ends at once, so the stop ends at the deadline itself; in any case
    // no later than one grace period (1 s) after it, however many workers were stuck.
    let elapsed = began.elapsed();
    assert!(
        elapsed >= timeout && elapsed <= timeout + Duration::from_secs(1),
        "{elapsed:?}"
    );
    assert!(
        matches!(
            error.failures(),
            [HostFailure::DeadlineExceeded { still_running, .. }]
                if still_running == &["stuck-3", "stuck-2", "stuck-1"]
        ),
        "{error:#?}"
    );
    // The last registered worker's turn came first; the others' turns came after the deadline,
    // when they were aborted without being asked.
    assert_eq!(
        log.matching("stuck-3."),
        ["stuck-3.execute", "stuck-3.cancelled"]
    );
    assert_eq!(log.matching("stuck-1."), ["stuck-1.execute"]);
}
