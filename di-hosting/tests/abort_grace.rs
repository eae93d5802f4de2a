//! Workers stuck in blocking code at the shutdown deadline: all of them are aborted at the
//! deadline, before the host waits for any of them, so they share one grace period to unwind
//! (N stuck workers do not add N grace periods).
//!
//! On a current-thread runtime an aborted task always ends at once, so this needs a multi-thread
//! runtime and real time; the test asserts on order only. It installs a global tracing
//! subscriber, so it is the only test in this file.

mod support;

use std::time::Duration;

use di_hosting::HostFailure;
use support::blocking::Stuck;

const STUCK: [&str; 3] = ["stuck-1", "stuck-2", "stuck-3"];

// Blocking code needs threads of its own: this test runs on a multi-thread runtime in real time.
// It asserts on order only, never on durations.
#[tokio::test(flavor = "multi_thread", worker_threads = 5)]
async fn every_stuck_worker_is_aborted_before_the_host_waits_for_any_of_them() {
    let stuck = Stuck::install(true);
    let log = stuck.log.clone();
    let running = stuck
        .host(&STUCK, Duration::from_millis(200))
        .start()
        .await
        .expect("the host starts");
    stuck.all_blocked(&STUCK).await;

    let error = tokio::time::timeout(Duration::from_secs(60), running.stop())
        .await
        .expect("watchdog: the stop ends")
        .expect_err("the deadline is missed");

    // The gate opened only once the host reported the aborts: had it aborted one worker, waited
    // for it, then aborted the next, the others would have continued after the gate opened.
    assert_eq!(log.matching("abort reported"), ["abort reported"]);
    let continued: Vec<_> = log
        .events()
        .into_iter()
        .filter(|event| event.ends_with(".continued"))
        .collect();
    assert!(continued.is_empty(), "{:?}", log.events());
    assert!(
        matches!(
            error.failures(),
            [HostFailure::DeadlineExceeded { still_running, .. }]
                if still_running == &["stuck-3", "stuck-2", "stuck-1"]
        ),
        "{error:#?}"
    );
}
