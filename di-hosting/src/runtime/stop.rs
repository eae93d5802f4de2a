//! Stopping: fire the lifetime's `stopping` event, then run the `stopping`, `stop` and `stopped`
//! phases in reverse registration order (or concurrently) within one shutdown deadline. A
//! background service's token is cancelled in the `stop` phase, at its own turn: a worker
//! registered before a producer (a web server) keeps running until the producer has stopped.
//! What is left at the deadline is aborted and named (every worker still running then is
//! aborted at once, and all of them share one grace period to unwind); then `stopped` fires and
//! the provider is disposed last, within the same deadline.

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

/// How long after the deadline the aborted worker tasks get to unwind, all together. Only a task
/// stuck in blocking code (which `abort` cannot interrupt) makes the stop wait this long.
const ABORT_GRACE: Duration = Duration::from_secs(1);

/// How one stop call ended.
enum StopOutcome {
    Done,
    Failed(HostFailure),
    /// Still running at the deadline: abandoned.
    Late,
    /// A worker task still running at the deadline: aborted, and waited for (with the other
    /// aborted tasks) until the grace period ends.
    Aborted(AbortOnDropHandle<()>),
}

/// The deadline shared by every stop call, and the token cancelled when it passes.
struct Deadline {
    at: Instant,
    passed: CancellationToken,
}

impl Runtime {
    /// Stops every started service within one deadline, then disposes the provider.
    pub(super) async fn shutdown(&mut self) {
        // From the first stop request, which may have come long before (during a slow startup).
        let at = self.shared.request_stop();
        let began = Instant::now();
        info!("host stopping");
        let deadline = Deadline {
            at,
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
        let mut aborted = Vec::new();
        for (name, outcome) in outcomes {
            match outcome {
                StopOutcome::Done => {}
                StopOutcome::Failed(failure) => {
                    error!(service = %name, error = %Chain(&failure), "hosted service failed to stop");
                    self.shared.record(failure);
                }
                StopOutcome::Late => late.push(name),
                StopOutcome::Aborted(task) => {
                    late.push(name.clone());
                    aborted.push((name, task));
                }
            }
        }
        await_aborted(aborted, deadline).await;
        late
    }
}

/// Waits for the worker tasks aborted at the deadline, all together, until one grace period
/// after the deadline: N stuck workers cost one grace period, not N.
async fn await_aborted(mut aborted: Vec<(String, AbortOnDropHandle<()>)>, deadline: &Deadline) {
    if aborted.is_empty() {
        return;
    }
    let names: Vec<&str> = aborted.iter().map(|(name, _)| name.as_str()).collect();
    warn!(services = ?names, "shutdown deadline passed; aborted the background services still running");
    let all = join_all(aborted.iter_mut().map(|(_, task)| task));
    // Their results do not matter any more: they are named as late either way.
    let _ended = tokio::time::timeout_at(deadline.at + ABORT_GRACE, all).await;
    for (name, task) in &aborted {
        if !task.is_finished() {
            warn!(service = %name, "aborted background service did not end (blocking code?)");
        }
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
        if hook == LifecycleHook::Stop {
            // Its turn has come: only now is its token cancelled.
            service.stopping.cancel();
        }
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

/// Waits for a worker task until the deadline, then aborts it (without waiting: the caller
/// waits for every aborted task at once).
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
            StopOutcome::Aborted(task)
        }
    }
}
