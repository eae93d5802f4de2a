//! Signals reach a host that is still starting. This file holds one test: the signal goes to
//! the whole test process, so no other test may listen for it at the same time.
#![cfg(unix)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::BoxError;
use di_hosting::{Host, HostedService};
use support::Log;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Generous: a host that ignores the signal fails here instead of hanging CI.
const WATCHDOG: Duration = Duration::from_secs(60);

/// A `start` that waits until startup is cancelled (say, for a database that is down).
struct WaitsForCancel {
    log: Log,
    waiting: Arc<Notify>,
}

#[async_trait]
impl HostedService for WaitsForCancel {
    async fn start(&self, cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("slow.start");
        self.waiting.notify_one();
        cancel.cancelled().await;
        self.log.push("slow.start cancelled");
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("slow.stop");
        Ok(())
    }
}

#[tokio::test]
async fn sigterm_during_a_hanging_start_stops_the_host_gracefully() {
    let log = Log::default();
    let waiting = Arc::new(Notify::new());
    let (service_log, service_waiting) = (log.clone(), Arc::clone(&waiting));
    let host = tokio::spawn(
        Host::builder()
            .configure_services(move |services| {
                services.add_hosted_service_with(move || {
                    Arc::new(WaitsForCancel {
                        log: service_log.clone(),
                        waiting: Arc::clone(&service_waiting),
                    })
                });
            })
            .run(),
    );
    // The signal handlers are installed before the first `start` is called.
    tokio::time::timeout(WATCHDOG, waiting.notified())
        .await
        .expect("the start is reached");

    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("`kill` runs");
    assert!(status.success());

    tokio::time::timeout(WATCHDOG, host)
        .await
        .expect("the host stops on SIGTERM during its startup")
        .expect("the host task does not panic")
        .expect("a signal is a clean stop");
    assert_eq!(
        log.events(),
        ["slow.start", "slow.start cancelled", "slow.stop"]
    );
}
