//! Workers still stuck in blocking code when the grace period after their abort runs out are
//! each named in a warning ("did not end"), so an operator knows which one holds a thread.
//!
//! A multi-thread runtime in real time, as in `abort_grace.rs`; the gate stays shut until the
//! stop has returned, so the outcome does not depend on timing. It installs a global tracing
//! subscriber, so it is the only test in this file.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::blocking::{AbortReports, BlockingWorker, Gate, OpenOnDrop};
use support::{Log, quiet_host};
use tracing_subscriber::layer::SubscriberExt as _;

const STUCK: [&str; 2] = ["stuck-1", "stuck-2"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_worker_still_stuck_after_the_abort_grace_is_named_in_a_warning() {
    let log = Log::default();
    let gate = Arc::new(Gate::default());
    let _open_at_the_end = OpenOnDrop(Arc::clone(&gate));
    let layer = AbortReports {
        gate: Arc::clone(&gate),
        log: log.clone(),
        open_on_abort: false,
    };
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber of this test binary");
    let (worker_gate, worker_log) = (Arc::clone(&gate), log.clone());
    let running = quiet_host()
        .configure_options(|options| options.shutdown_timeout = Duration::from_millis(100))
        .configure_services(move |services| {
            for name in STUCK {
                let (gate, log) = (Arc::clone(&worker_gate), worker_log.clone());
                services
                    .add_hosted_service_with(move || {
                        Arc::new(BlockingWorker {
                            name,
                            gate: Arc::clone(&gate),
                            log: log.clone(),
                        })
                    })
                    .name(name);
            }
        })
        .start()
        .await
        .expect("the host starts");

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
