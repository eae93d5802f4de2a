//! Stopping: cancel every worker's token, then run the `stopping`, `stop` and `stopped` phases
//! in reverse order (or concurrently) within one shutdown deadline; abort and name what is left;
//! fire `stopped`; dispose the provider last, within the same deadline.

use std::any::type_name;
use std::time::Duration;

use di_core::ServiceProvider;

use futures::future::join_all;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tracing::{error, info, warn};

use crate::error::{HostFailure, LifecycleHook};
use crate::runtime::bounded::{catch_panic, panic_message, until_deadline};
use crate::runtime::service::{ActiveService, Runtime};
use crate::runtime::supervisor::Chain;

const STOP_PHASES: [LifecycleHook; 3] = [
    LifecycleHook::Stopping,
    LifecycleHook::Stop,
    LifecycleHook::Stopped,
];

/// How long an aborted worker task gets to unwind. Only a task stuck in blocking code (which
/// `abort` cannot interrupt) ever waits this long.
const ABORT_GRACE: Duration = Duration::from_secs(1);

/// How one stop call ended.
enum StopOutcome {
    Done,
    Failed(HostFailure),
    /// Still running at the deadline: abandoned (or aborted, for a worker task).
    Late,
}

/// The deadline shared by every stop call, and the token cancelled when it passes.
struct Deadline {
    at: Instant,
    passed: CancellationToken,
}

impl Runtime {
    /// Stops every started service within one deadline, then disposes the provider.
    pub(super) async fn shutdown(&mut self) {
        self.shared.lifetime.stop_application();
        let began = Instant::now();
        info!("host stopping");
        let deadline = Deadline {
            at: began + self.options.shutdown_timeout,
            passed: CancellationToken::new(),
        };
        let mut late: Vec<String> = Vec::new();
        for hook in STOP_PHASES {
            for name in self.stop_phase(hook, &deadline).await {
                if !late.contains(&name) {
                    late.push(name);
                }
            }
        }
        self.shared.lifetime.notify_stopped();
        info!(elapsed = ?began.elapsed(), "host stopped");
        if !self.dispose_provider(&deadline).await {
            late.push(type_name::<ServiceProvider>().to_owned());
        }
        if !late.is_empty() {
            let failure = HostFailure::DeadlineExceeded {
                timeout: self.options.shutdown_timeout,
                still_running: late,
            };
            error!(error = %failure, "host stop missed its deadline");
            self.shared.record(failure);
        }
    }

    /// Disposes the provider within the shutdown deadline; `false` when it was cut at the
    /// deadline. A panicking `dispose` is recorded as a failure instead of unwinding out of the
    /// host (the container runs every other disposal first).
    async fn dispose_provider(&self, deadline: &Deadline) -> bool {
        let dispose = catch_panic(self.provider.dispose());
        match until_deadline(dispose, Some(deadline.at), &deadline.passed).await {
            Some(Ok(())) => true,
            Some(Err(message)) => {
                let failure = HostFailure::DisposePanicked { message };
                error!(error = %failure, "service provider disposal failed");
                self.shared.record(failure);
                true
            }
            None => false,
        }
    }

    /// Runs one stop phase over the started services; returns the names of the late ones.
    async fn stop_phase(&mut self, hook: LifecycleHook, deadline: &Deadline) -> Vec<String> {
        let mut calls = Vec::new();
        for service in self.services.iter_mut().rev().filter(|s| s.started) {
            let task = if hook == LifecycleHook::Stop {
                service.task.take()
            } else {
                None
            };
            calls.push((&*service, task));
        }
        let outcomes: Vec<(String, StopOutcome)> = if self.options.concurrent_stop {
            let calls = calls.into_iter().map(|(service, task)| async move {
                (
                    service.name.to_string(),
                    stop_one(service, task, hook, deadline).await,
                )
            });
            join_all(calls).await
        } else {
            let mut outcomes = Vec::new();
            for (service, task) in calls {
                let outcome = stop_one(service, task, hook, deadline).await;
                outcomes.push((service.name.to_string(), outcome));
            }
            outcomes
        };
        let mut late = Vec::new();
        for (name, outcome) in outcomes {
            match outcome {
                StopOutcome::Done => {}
                StopOutcome::Failed(failure) => {
                    error!(service = %name, error = %Chain(&failure), "hosted service failed to stop");
                    self.shared.record(failure);
                }
                StopOutcome::Late => late.push(name),
            }
        }
        late
    }
}

/// Runs one stop call of one service against the deadline.
async fn stop_one(
    service: &ActiveService,
    task: Option<AbortOnDropHandle<()>>,
    hook: LifecycleHook,
    deadline: &Deadline,
) -> StopOutcome {
    if service.is_background() {
        return match task {
            Some(task) => join_worker(service, task, deadline).await,
            None => StopOutcome::Done,
        };
    }
    let call = service.call(hook, deadline.passed.clone());
    match until_deadline(call, Some(deadline.at), &deadline.passed).await {
        Some(Ok(())) => StopOutcome::Done,
        Some(Err(source)) => StopOutcome::Failed(HostFailure::Stop {
            service: service.name.to_string(),
            hook,
            source,
        }),
        None => StopOutcome::Late,
    }
}

/// Waits for a worker task until the deadline, then aborts it.
async fn join_worker(
    service: &ActiveService,
    mut task: AbortOnDropHandle<()>,
    deadline: &Deadline,
) -> StopOutcome {
    match until_deadline(&mut task, Some(deadline.at), &deadline.passed).await {
        Some(Ok(())) => StopOutcome::Done,
        Some(Err(join_error)) => match join_error.try_into_panic() {
            Ok(payload) => StopOutcome::Failed(HostFailure::WorkerPanicked {
                service: service.name.to_string(),
                message: panic_message(&*payload),
            }),
            Err(_cancelled) => StopOutcome::Done,
        },
        None => {
            task.abort();
            if tokio::time::timeout(ABORT_GRACE, task).await.is_err() {
                warn!(service = %service.name, "aborted background service did not end (blocking code?)");
            }
            StopOutcome::Late
        }
    }
}
