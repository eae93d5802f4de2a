//! The two traits a hosted component implements: [`HostedService`] (the full lifecycle) and
//! [`BackgroundService`] (one long-running `execute`). As in .NET, where `BackgroundService`
//! implements `IHostedService`, every [`BackgroundService`] is a [`HostedService`] (a blanket
//! impl), so one registration, `add_hosted_service`, takes both.

use std::sync::Arc;

use async_trait::async_trait;
use di_core::BoxError;
use tokio_util::sync::CancellationToken;

/// Seals [`HostedService::into_hosted_kind`]: code outside this crate cannot name [`Sealed`],
/// so it can neither call nor override that method.
mod sealed {
    /// The unnameable argument of the sealed method.
    #[derive(Debug)]
    pub struct Sealed;
}

/// What a hosted service is to the host: a background worker or a full lifecycle.
pub(crate) type HostedShape = Result<Arc<dyn BackgroundService>, Arc<dyn HostedService>>;

/// A component whose start and stop the host drives, with optional hooks around both.
///
/// Every [`BackgroundService`] is also a `HostedService` (as in .NET), through a blanket impl:
/// the host runs its `execute` on its own task and cancels its token at its stop turn, so the
/// hooks of that impl do nothing. A type implements one of the two traits, not both.
///
/// The host calls, across all hosted services: every `starting` (registration order), every
/// `start`, every `started`; later every `stopping` (reverse order), every `stop`, every
/// `stopped`. The token passed to the start hooks is cancelled when startup is aborted (startup
/// timeout or a stop request; a start still running a shutdown timeout after the stop request is
/// abandoned and named in the result); the token passed to the stop hooks is cancelled when the
/// single shutdown deadline passes, after which an unfinished call is abandoned and named in the
/// result.
///
/// # Ordering
///
/// Stop order is the reverse of registration order, and a [`BackgroundService`] is cancelled in
/// the `stop` phase at its own turn. So register what *consumes* before what *produces*: a queue
/// worker registered before the web server keeps running while the server's `stop` drains its
/// in-flight requests, and is cancelled only then, with every event they queued still to drain.
/// With [`HostOptions::concurrent_stop`](crate::HostOptions::concurrent_stop) every `stop` (and
/// every worker's cancellation) of a phase happens at once, and that ordering is given up.
///
/// # Examples
///
/// ```
/// use async_trait::async_trait;
/// use di_core::BoxError;
/// use di_hosting::HostedService;
/// use tokio_util::sync::CancellationToken;
///
/// struct Cache;
///
/// #[async_trait]
/// impl HostedService for Cache {
///     async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
///         Ok(()) // warm up
///     }
///     async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
///         Ok(()) // flush
///     }
/// }
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// Cache.start(CancellationToken::new()).await?;
/// Cache.stop(CancellationToken::new()).await?;
/// # Ok::<(), BoxError>(()) })?;
/// # Ok::<(), BoxError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hosted service",
    label = "implements neither `BackgroundService` nor `HostedService`",
    note = "implement `BackgroundService` (one long-running `execute`) or `HostedService` (`start` and `stop`) for `{Self}`"
)]
#[async_trait]
pub trait HostedService: Send + Sync + 'static {
    /// Runs before any service's `start`; does nothing by default.
    ///
    /// # Errors
    ///
    /// An error aborts startup: the services already started are stopped in reverse order.
    async fn starting(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    /// Starts the service; it should return once the service is running.
    ///
    /// # Errors
    ///
    /// An error aborts startup: the services already started are stopped in reverse order.
    async fn start(&self, cancel: CancellationToken) -> Result<(), BoxError>;

    /// Runs after every service's `start`; does nothing by default.
    ///
    /// # Errors
    ///
    /// An error aborts startup: every service is stopped in reverse order.
    async fn started(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    /// Runs before any service's `stop`; does nothing by default.
    ///
    /// # Errors
    ///
    /// The error is reported in the host's result; stopping continues.
    async fn stopping(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    /// Stops the service; `cancel` fires when the shutdown deadline passes.
    ///
    /// # Errors
    ///
    /// The error is reported in the host's result; stopping continues.
    async fn stop(&self, cancel: CancellationToken) -> Result<(), BoxError>;

    /// Runs after every service's `stop`; does nothing by default.
    ///
    /// # Errors
    ///
    /// The error is reported in the host's result; stopping continues.
    async fn stopped(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    /// How the host runs this service: a background service's `execute` on its own task, or
    /// these hooks. Sealed: only the blanket impl for [`BackgroundService`] changes it.
    #[doc(hidden)]
    fn into_hosted_kind(self: Arc<Self>, _sealed: sealed::Sealed) -> HostedShape
    where
        Self: Sized,
    {
        Err(self)
    }
}

/// A background service is a hosted service whose lifecycle is its `execute`: the host runs it
/// on its own task from its start turn and cancels its token at its stop turn, so these hooks do
/// nothing.
#[async_trait]
impl<W: BackgroundService> HostedService for W {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    fn into_hosted_kind(self: Arc<Self>, _sealed: sealed::Sealed) -> HostedShape {
        Ok(self)
    }
}

/// The shape of the hosted service `S`, for the registration.
pub(crate) fn hosted_shape<S: HostedService>(service: Arc<S>) -> HostedShape {
    service.into_hosted_kind(sealed::Sealed)
}

/// A long-running worker: the host runs `execute` on its own task from start until the host
/// stops.
///
/// `stopping` is this worker's own token. It is **not** cancelled when the host begins to stop
/// (that is the [`ApplicationLifetime`](crate::ApplicationLifetime)'s `stopping` event, which
/// fires first), but when the stop reaches this worker: services stop in reverse registration
/// order, so every service registered after this one has stopped by then. `execute` should then
/// finish what is queued and return `Ok(())` promptly, within the host's one shutdown deadline
/// (a worker still running at the deadline is aborted and named in the host's result).
///
/// Choose the order by registering: a worker that consumes what a web server produces is
/// registered *before* the server, so it keeps consuming while the server drains its in-flight
/// requests, and is cancelled after. (As in .NET, where `BackgroundService.StopAsync` cancels
/// the token of its `ExecuteAsync` at that service's turn.)
///
/// Register it with `add_hosted_service::<W>()` (or `add_hosted_service_with(factory)`), the
/// same registration as a [`HostedService`]: a background service is one, through a blanket impl.
///
/// An error or a panic is a failure, handled by the worker's
/// [`FailurePolicy`](crate::FailurePolicy); returning `Ok(())` early just ends the worker.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use async_trait::async_trait;
/// use di_core::BoxError;
/// use di_hosting::BackgroundService;
/// use tokio_util::sync::CancellationToken;
///
/// struct Ticker;
///
/// #[async_trait]
/// impl BackgroundService for Ticker {
///     async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
///         while !stopping.is_cancelled() {
///             tokio::select! {
///                 _ = stopping.cancelled() => {}
///                 _ = tokio::time::sleep(Duration::from_secs(1)) => { /* tick */ }
///             }
///         }
///         Ok(())
///     }
/// }
/// # tokio::runtime::Builder::new_current_thread().enable_time().build()?.block_on(async {
/// let stopping = CancellationToken::new();
/// stopping.cancel();
/// Ticker.execute(stopping).await?;
/// # Ok::<(), BoxError>(()) })?;
/// # Ok::<(), BoxError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hosted service",
    label = "implements neither `BackgroundService` nor `HostedService`",
    note = "implement `BackgroundService` (one long-running `execute`) or `HostedService` (`start` and `stop`) for `{Self}`"
)]
#[async_trait]
pub trait BackgroundService: Send + Sync + 'static {
    /// Does the work until `stopping` is cancelled.
    ///
    /// # Errors
    ///
    /// Any error is a worker failure, handled by the worker's failure policy.
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError>;
}
