//! The task that runs one background service: `execute`, then the failure policy.

use std::sync::Arc;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::error::HostFailure;
use crate::options::FailurePolicy;
use crate::runtime::bounded::catch_panic;
use crate::runtime::restart::RestartHistory;
use crate::runtime::shared::Shared;
use crate::service::BackgroundService;

/// Everything the worker task owns.
pub(crate) struct Supervisor {
    pub(crate) name: Arc<str>,
    pub(crate) worker: Arc<dyn BackgroundService>,
    pub(crate) policy: FailurePolicy,
    pub(crate) stopping: CancellationToken,
    pub(crate) shared: Arc<Shared>,
}

impl Supervisor {
    /// Runs `execute` until it ends, applying the failure policy to each failure.
    pub(crate) async fn run(self) {
        let mut history = RestartHistory::default();
        loop {
            let failure = match self.execute_once().await {
                None => return,
                Some(failure) => failure,
            };
            if self.stopping.is_cancelled() {
                error!(service = %self.name, error = %Chain(&failure), "background service failed while stopping");
                self.shared.record(failure);
                return;
            }
            if self.policy == FailurePolicy::Ignore {
                // The host keeps running, but a failure is never hidden: the host's result
                // reports it when the host stops, so the exit code is not 0.
                error!(service = %self.name, error = %Chain(&failure), "background service failed; the host keeps running (failure policy `Ignore`) and reports it when it stops");
                self.shared.record(failure);
                return;
            }
            let restart = match &self.policy {
                FailurePolicy::Restart(policy) => history.next_backoff(policy, Instant::now()),
                FailurePolicy::StopHost | FailurePolicy::Ignore => None,
            };
            let Some(backoff) = restart else {
                return self.escalate(failure);
            };
            error!(service = %self.name, error = %Chain(&failure), ?backoff, "background service failed; restarting");
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = self.stopping.cancelled() => {
                    // The stop came before the restart: nothing recovered this failure, so the
                    // host's result reports it.
                    error!(service = %self.name, error = %Chain(&failure), "background service failed and the host stopped before its restart");
                    self.shared.record(failure);
                    return;
                }
            }
        }
    }

    /// One call of `execute`; `None` when it returned `Ok`.
    async fn execute_once(&self) -> Option<HostFailure> {
        let service = self.name.to_string();
        // `execute` is called inside the caught future: an implementation may panic before it
        // returns its future, and that panic must meet the failure policy too.
        let execute = async { self.worker.execute(self.stopping.clone()).await };
        match catch_panic(execute).await {
            Ok(Ok(())) => {
                info!(service = %self.name, "background service ended");
                None
            }
            Ok(Err(source)) => Some(HostFailure::WorkerFailed { service, source }),
            Err(message) => Some(HostFailure::WorkerPanicked { service, message }),
        }
    }

    /// Records the failure and stops the host.
    fn escalate(self, failure: HostFailure) {
        let restarted = matches!(self.policy, FailurePolicy::Restart(_));
        error!(
            service = %self.name,
            error = %Chain(&failure),
            restart_limit_reached = restarted,
            "background service failed; stopping the host"
        );
        self.shared.record(failure);
        self.shared.lifetime.stop_application();
    }
}

/// Displays an error with its causes, for log lines.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Chain;

    #[derive(Debug, thiserror::Error)]
    #[error("{message}")]
    struct Layer {
        message: &'static str,
        #[source]
        source: Option<Box<Layer>>,
    }

    #[test]
    fn a_logged_failure_shows_each_cause_after_a_colon() {
        let inner = Layer {
            message: "connection refused",
            source: None,
        };
        let middle = Layer {
            message: "cannot reach the database",
            source: Some(Box::new(inner)),
        };
        let outer = Layer {
            message: "worker `mailer` failed",
            source: Some(Box::new(middle)),
        };

        let line = Chain(&outer).to_string();

        assert_eq!(
            line,
            "worker `mailer` failed: cannot reach the database: connection refused"
        );
    }
}
