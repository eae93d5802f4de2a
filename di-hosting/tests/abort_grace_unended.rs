//! Workers still stuck in blocking code when the grace period after their abort runs out are
//! each named in a warning ("did not end"), so an operator knows which one holds a thread.
//!
//! A multi-thread runtime in real time, as in `abort_grace.rs`; the stop begins once every
//! worker is stuck and the gate stays shut until the stop has returned, so the outcome does not
//! depend on timing (it did when the workers blocked only once cancelled: on a loaded machine
//! one was aborted before it was first polled). It installs a global tracing
//! subscriber, so it is the only test in this file.

mod support;

use std::time::Duration;

use support::blocking::Stuck;

const STUCK: [&str; 2] = ["stuck-1", "stuck-2"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_worker_still_stuck_after_the_abort_grace_is_named_in_a_warning() {
    let stuck = Stuck::install(false);
    let log = stuck.log.clone();
    let running = stuck
        .host(&STUCK, Duration::from_millis(100))
        .start()
        .await
        .expect("the host starts");
    stuck.all_blocked(&STUCK).await;

    let stopped = tokio::time::timeout(Duration::from_secs(60), running.stop())
        .await
        .expect("watchdog: the stop ends although the workers never do");

    assert!(stopped.is_err(), "the deadline is missed");
    let mut unended = log.matching("did not end");
    unended.sort();
    assert_eq!(
        unended,
        ["did not end stuck-1", "did not end stuck-2"],
        "{:?}",
        log.events()
    );
}
