//! [`Runtime`]: a host's provider, options and resolved services while it runs.

use std::sync::Arc;

use di_core::{BoxError, ServiceProvider};
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tracing::{Instrument as _, Span, info_span};

use crate::error::{HostError, LifecycleHook};
use crate::lifetime::ApplicationLifetime;
use crate::options::{FailurePolicy, HostOptions};
use crate::registration::{HostedEntry, HostedKind};
use crate::runtime::bounded::catch_panic;
use crate::runtime::shared::Shared;
use crate::runtime::supervisor::Supervisor;

/// One resolved hosted service and its run-time state.
pub(super) struct ActiveService {
    pub(super) name: Arc<str>,
    pub(super) kind: HostedKind,
    pub(super) policy: FailurePolicy,
    pub(super) span: Span,
    /// Whether `start` succeeded (so the service must be stopped).
    pub(super) started: bool,
    /// The worker task of a background service, until it is stopped. Aborted when dropped, so
    /// a host (or a stop) abandoned midway never leaves a detached task behind.
    pub(super) task: Option<AbortOnDropHandle<()>>,
    /// The `stopping` token of a background service: cancelled when the service's own turn to
    /// stop comes (not when the host begins to stop), so a worker registered before a producer
    /// keeps consuming until the producer has stopped.
    pub(super) stopping: CancellationToken,
}

impl ActiveService {
    pub(super) fn new(
        entry: &HostedEntry,
        kind: HostedKind,
        default_policy: &FailurePolicy,
    ) -> Self {
        let (name, policy) = entry.settings();
        let name: Arc<str> = Arc::from(name);
        Self {
            span: info_span!("hosted_service", service = %name),
            name,
            kind,
            policy: policy.unwrap_or_else(|| default_policy.clone()),
            started: false,
            task: None,
            stopping: CancellationToken::new(),
        }
    }

    /// Calls a lifecycle hook of a full hosted service (a panic becomes an error); background
    /// services have no hooks and succeed at once.
    pub(super) async fn call(
        &self,
        hook: LifecycleHook,
        cancel: CancellationToken,
    ) -> Result<(), BoxError> {
        let HostedKind::Lifecycle(service) = &self.kind else {
            return Ok(());
        };
        let call = async {
            match hook {
                LifecycleHook::Starting => service.starting(cancel).await,
                LifecycleHook::Start => service.start(cancel).await,
                LifecycleHook::Started => service.started(cancel).await,
                LifecycleHook::Stopping => service.stopping(cancel).await,
                LifecycleHook::Stop => service.stop(cancel).await,
                LifecycleHook::Stopped => service.stopped(cancel).await,
            }
        };
        catch_panic(call.instrument(self.span.clone()))
            .await
            .unwrap_or_else(|message| Err(format!("panicked: {message}").into()))
    }

    /// Spawns the worker task of a background service.
    pub(super) fn spawn_worker(&mut self, shared: &Arc<Shared>) {
        let HostedKind::Background(worker) = &self.kind else {
            return;
        };
        let supervisor = Supervisor {
            name: Arc::clone(&self.name),
            worker: Arc::clone(worker),
            policy: self.policy.clone(),
            stopping: self.stopping.clone(),
            shared: Arc::clone(shared),
        };
        let task = tokio::spawn(supervisor.run().instrument(self.span.clone()));
        self.task = Some(AbortOnDropHandle::new(task));
        self.started = true;
    }

    pub(super) fn is_background(&self) -> bool {
        matches!(self.kind, HostedKind::Background(_))
    }
}

/// A built host's state from start to the end of its stop.
pub(crate) struct Runtime {
    pub(super) provider: ServiceProvider,
    pub(super) options: Arc<HostOptions>,
    pub(super) shared: Arc<Shared>,
    pub(super) services: Vec<ActiveService>,
}

impl Runtime {
    pub(crate) fn new(
        provider: ServiceProvider,
        options: Arc<HostOptions>,
        lifetime: Arc<ApplicationLifetime>,
    ) -> Self {
        let shared = Shared::new(lifetime, options.shutdown_timeout);
        Self {
            provider,
            options,
            shared: Arc::new(shared),
            services: Vec::new(),
        }
    }

    pub(crate) fn provider(&self) -> &ServiceProvider {
        &self.provider
    }

    pub(crate) fn lifetime(&self) -> &Arc<ApplicationLifetime> {
        &self.shared.lifetime
    }

    pub(crate) fn options(&self) -> &HostOptions {
        &self.options
    }

    /// Starts every hosted service; on failure, stops the started ones and disposes.
    ///
    /// # Errors
    ///
    /// Every failure of the start and of the clean-up stop.
    pub(crate) async fn start(&mut self) -> Result<(), HostError> {
        self.shared.run_begins();
        if self.start_services().await {
            return Ok(());
        }
        self.shutdown().await;
        Err(HostError::new(self.shared.take()))
    }

    /// Stops the host (see [`stop`](super::stop)), then returns every failure of the run.
    ///
    /// # Errors
    ///
    /// Every failure recorded since the start.
    pub(crate) async fn stop(mut self) -> Result<(), HostError> {
        self.shutdown().await;
        let failures = self.shared.take();
        drop(self);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(HostError::new(failures))
        }
    }
}

impl Drop for Runtime {
    /// A runtime dropped before its stop ended (a dropped [`Host`](crate::Host) or
    /// [`RunningHost`](crate::RunningHost), or a `run()` or `stop()` future dropped midway)
    /// fires `stopping`, cancels its workers' tokens, aborts their tasks by dropping their
    /// [`AbortOnDropHandle`]s, then fires `stopped`: whoever awaits the lifetime is released,
    /// as the host will never stop otherwise.
    fn drop(&mut self) {
        let lifetime = &self.shared.lifetime;
        if lifetime.is_stopped() {
            return;
        }
        lifetime.stop_application();
        for service in &mut self.services {
            service.stopping.cancel();
            drop(service.task.take());
        }
        lifetime.notify_stopped();
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("options", &self.options)
            .field(
                "services",
                &self.services.iter().map(|s| &*s.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
