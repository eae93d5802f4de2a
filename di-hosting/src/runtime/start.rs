//! Starting: resolve the hosted services, then run the `starting`, `start` and `started` phases
//! in registration order (or concurrently), all within the optional startup timeout. A stop
//! requested meanwhile ends the startup early: nothing else starts, `started` never fires, and a
//! start call still running when the shutdown timeout has passed since is abandoned and named.

use std::panic::{AssertUnwindSafe, catch_unwind};

use di_core::BoxError;
use futures::future::join_all;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::error::{HostFailure, LifecycleHook};
use crate::registration::resolve_hosted;
use crate::runtime::bounded::{panic_message, until_deadline};
use crate::runtime::service::{ActiveService, Runtime};
use crate::runtime::shared::Shared;

const START_PHASES: [LifecycleHook; 3] = [
    LifecycleHook::Starting,
    LifecycleHook::Start,
    LifecycleHook::Started,
];

/// How one start call ended.
enum Outcome {
    Finished(Result<(), BoxError>),
    /// Still running at the startup timeout, or returned only when its token fired there;
    /// `returned_ok` when it did return `Ok` (so it may hold resources and must be stopped).
    StartupTimeout {
        returned_ok: bool,
    },
    /// Still running when the shutdown timeout passed after a stop request: abandoned.
    StopDeadline,
}

/// Runs one start call within the startup timeout and, once a stop is requested, within the
/// shutdown deadline (counted from the stop request): a start that ignores its cancelled token
/// cannot hold the stop forever.
async fn bounded_start(
    service: &ActiveService,
    hook: LifecycleHook,
    cancel: &CancellationToken,
    deadline: Option<Instant>,
    shared: &Shared,
) -> Outcome {
    // Once the startup deadline has passed, startup has failed: no later call runs, and a call
    // that returned when its token fired at the deadline (even with `Ok`) did not start in time.
    let timed_out = || deadline.is_some_and(|at| Instant::now() >= at);
    if timed_out() {
        return Outcome::StartupTimeout { returned_ok: false };
    }
    let call = until_deadline(service.call(hook, cancel.clone()), deadline, cancel);
    // `cancel` is a child of the stopping token: it fires on the stop request (or at the startup
    // timeout, and then `call` ends first).
    let stop_deadline = async {
        cancel.cancelled().await;
        match shared.stop_deadline() {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        biased;
        outcome = call => match outcome {
            Some(result) if !timed_out() => Outcome::Finished(result),
            Some(result) => Outcome::StartupTimeout { returned_ok: result.is_ok() },
            None => Outcome::StartupTimeout { returned_ok: false },
        },
        () = stop_deadline => Outcome::StopDeadline,
    }
}

impl Runtime {
    /// Runs the start phases; `false` (with the failures recorded) when startup failed.
    pub(super) async fn start_services(&mut self) -> bool {
        let began = Instant::now();
        info!("host starting");
        if !self.resolve_services() {
            return false;
        }
        // Cancelled on a stop request (it is a child of the stopping token) or at the timeout.
        let cancel = self.shared.lifetime.stopping_token();
        let deadline = self.options.startup_timeout.map(|timeout| began + timeout);
        for hook in START_PHASES {
            if self.stop_requested() {
                return true;
            }
            if !self.start_phase(hook, &cancel, deadline).await {
                return false;
            }
        }
        if self.stop_requested() {
            return true;
        }
        self.shared.lifetime.notify_started();
        info!(
            services = self.services.len(),
            elapsed = ?began.elapsed(),
            "host started"
        );
        true
    }

    /// Resolves every hosted service, in registration order; `false` (with the failure
    /// recorded) when a factory failed or panicked.
    fn resolve_services(&mut self) -> bool {
        // A panicking factory is a failed start like an erroring one: the provider still gets
        // disposed, and `run()` returns the failure instead of unwinding.
        let resolved = catch_unwind(AssertUnwindSafe(|| resolve_hosted(&self.provider)));
        let failure = match resolved {
            Ok(Ok(entries)) => {
                let policy = self.options.failure_policy.clone();
                self.services = entries
                    .into_iter()
                    .map(|(entry, kind)| ActiveService::new(&entry, kind, &policy))
                    .collect();
                return true;
            }
            Ok(Err(source)) => HostFailure::Resolve(source),
            Err(payload) => HostFailure::ResolvePanicked {
                message: panic_message(&*payload),
            },
        };
        error!(error = %super::supervisor::Chain(&failure), "hosted services could not be resolved");
        self.shared.record(failure);
        false
    }

    /// Whether a stop was requested during startup (by a service, a failing worker, a signal or
    /// the embedding future): the services not started yet are then left alone, and `started`
    /// never fires, so the lifetime events stay in order.
    fn stop_requested(&self) -> bool {
        let requested = self.shared.lifetime.is_stopping();
        if requested {
            info!("stop requested during startup; the remaining services are not started");
        }
        requested
    }

    /// Runs one start phase over every service, in order, until a stop is requested; `false`
    /// when a call failed.
    async fn start_phase(
        &mut self,
        hook: LifecycleHook,
        cancel: &CancellationToken,
        deadline: Option<Instant>,
    ) -> bool {
        if self.options.concurrent_start {
            return self.start_phase_concurrently(hook, cancel, deadline).await;
        }
        for index in 0..self.services.len() {
            if self.shared.lifetime.is_stopping() {
                break;
            }
            if self.services[index].is_background() {
                // A worker's `execute` runs on its own task: spawning never waits.
                if hook == LifecycleHook::Start {
                    self.services[index].spawn_worker(&self.shared);
                }
                continue;
            }
            let service = &self.services[index];
            let outcome = bounded_start(service, hook, cancel, deadline, &self.shared).await;
            if !self.after_start_call(index, hook, outcome) {
                return false;
            }
        }
        true
    }

    /// Runs one start phase over every service at once; `false` when a call failed.
    async fn start_phase_concurrently(
        &mut self,
        hook: LifecycleHook,
        cancel: &CancellationToken,
        deadline: Option<Instant>,
    ) -> bool {
        if hook == LifecycleHook::Start {
            for service in self.services.iter_mut().filter(|s| s.is_background()) {
                service.spawn_worker(&self.shared);
            }
        }
        let calls = self
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_background());
        let shared = &*self.shared;
        let calls = calls.map(|(index, service)| async move {
            let outcome = bounded_start(service, hook, cancel, deadline, shared).await;
            (index, outcome)
        });
        let outcomes = join_all(calls).await;
        let mut ok = true;
        for (index, outcome) in outcomes {
            ok &= self.after_start_call(index, hook, outcome);
        }
        ok
    }

    /// Records the outcome of one start call; `false` when it failed.
    fn after_start_call(&mut self, index: usize, hook: LifecycleHook, outcome: Outcome) -> bool {
        let service = &mut self.services[index];
        let name = service.name.to_string();
        let failure = match outcome {
            Outcome::Finished(Ok(())) => {
                service.started |= hook == LifecycleHook::Start;
                return true;
            }
            Outcome::Finished(Err(source)) => HostFailure::Start {
                service: name,
                hook,
                source,
            },
            Outcome::StartupTimeout { returned_ok } => {
                service.started |= returned_ok && hook == LifecycleHook::Start;
                HostFailure::StartTimeout {
                    service: name,
                    hook,
                    timeout: self.options.startup_timeout.unwrap_or_default(),
                }
            }
            Outcome::StopDeadline => HostFailure::DeadlineExceeded {
                timeout: self.options.shutdown_timeout,
                still_running: vec![name],
            },
        };
        error!(service = %service.name, error = %super::supervisor::Chain(&failure), "hosted service failed to start");
        self.shared.record(failure);
        false
    }
}
