//! [`Host`]: a built host, ready to start or run.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;

use di_core::ServiceProvider;
use futures::FutureExt as _;
use tracing::{info, warn};

use crate::builder::HostBuilder;
use crate::error::HostError;
use crate::lifetime::ApplicationLifetime;
use crate::options::HostOptions;
use crate::running::RunningHost;
use crate::runtime::{Runtime, Signals, exit_at_once, next_signal};

/// A built host: a validated container with its hosted services, not started yet.
///
/// Most applications never name it: [`HostBuilder::run`] builds and runs in one call, and
/// [`HostBuilder::start`] builds and starts. [`HostBuilder::build`] gives a `Host` to look into
/// its provider before starting it.
///
/// # Examples
///
/// ```
/// use di_hosting::prelude::*;
///
/// #[derive(Injectable)]
/// struct OneShot { lifetime: Arc<ApplicationLifetime> }
///
/// #[async_trait]
/// impl BackgroundService for OneShot {
///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
///         // The work is done: ask the host to stop.
///         self.lifetime.stop_application();
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), HostError> {
/// let host = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_services(|services| {
///         services.add_hosted_service::<OneShot>();
///     })
///     .build()
///     .await?;
/// assert!(host.provider().is_service::<ApplicationLifetime>());
/// host.run().await
/// # }
/// ```
#[derive(Debug)]
pub struct Host {
    runtime: Runtime,
}

impl Host {
    /// Starts configuring a host.
    ///
    /// # Examples
    ///
    /// See [`Host`].
    pub fn builder() -> HostBuilder {
        HostBuilder::new()
    }

    pub(crate) fn new(
        provider: ServiceProvider,
        options: Arc<HostOptions>,
        lifetime: Arc<ApplicationLifetime>,
    ) -> Self {
        Self {
            runtime: Runtime::new(provider, options, lifetime),
        }
    }

    /// The host's service provider.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let host = di_hosting::Host::builder()
    ///     .configure_services(|services| services.add_instance(std::sync::Arc::new(7_u32)))
    ///     .build()
    ///     .await?;
    /// assert_eq!(*host.provider().get::<u32>()?, 7);
    /// # Ok(())
    /// # }
    /// ```
    pub fn provider(&self) -> &ServiceProvider {
        self.runtime.provider()
    }

    /// The host's application lifetime (also injectable as `Arc<ApplicationLifetime>`).
    ///
    /// # Examples
    ///
    /// See [`ApplicationLifetime`].
    pub fn lifetime(&self) -> &Arc<ApplicationLifetime> {
        self.runtime.lifetime()
    }

    /// The host's options.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), di_hosting::HostError> {
    /// let host = di_hosting::Host::builder().build().await?;
    /// assert!(host.options().handle_signals);
    /// # Ok(())
    /// # }
    /// ```
    pub fn options(&self) -> &HostOptions {
        self.runtime.options()
    }

    /// Starts every hosted service, in registration order.
    ///
    /// # Errors
    ///
    /// When a service fails to start or the startup timeout passes; the services already
    /// started are then stopped in reverse order and the provider is disposed.
    ///
    /// # Examples
    ///
    /// See [`RunningHost`].
    pub async fn start(mut self) -> Result<RunningHost, HostError> {
        self.runtime.start().await?;
        Ok(RunningHost::new(self.runtime))
    }

    /// Starts the host and runs it until a stop is requested (a signal, when
    /// [`HostOptions::handle_signals`] is on, or [`ApplicationLifetime::stop_application`], or a
    /// worker failing under the stop-host policy), then stops it gracefully. Signals are
    /// already handled while the services start: a start that hangs can still be interrupted.
    ///
    /// # Errors
    ///
    /// Every failure of the run: start, worker errors and panics, stop errors, a missed deadline.
    ///
    /// # Examples
    ///
    /// See [`Host`].
    pub async fn run(self) -> Result<(), HostError> {
        self.run_until(std::future::pending::<()>()).await
    }

    /// Like [`run`](Self::run), but also stops when `until` completes (even during startup).
    ///
    /// # Errors
    ///
    /// As for [`run`](Self::run).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), di_hosting::HostError> {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let host = di_hosting::Host::builder()
    ///     .configure_options(|options| options.handle_signals = false)
    ///     .build()
    ///     .await?;
    /// stop.send(()).expect("the host is waiting");
    /// host.run_until(stopped).await
    /// # }
    /// ```
    pub async fn run_until<F: Future>(self, until: F) -> Result<(), HostError> {
        let mut signals = if self.options().handle_signals {
            Signals::new()
                .inspect_err(|error| warn!(%error, "signal handlers unavailable; Ctrl+C will not stop the host gracefully"))
                .ok()
        } else {
            None
        };
        let lifetime = Arc::clone(self.lifetime());
        let mut until = pin!(until.fuse());
        let mut start = pin!(self.start());
        // A start may take long (or hang): `until` and signals already stop the host meanwhile.
        let running = loop {
            tokio::select! {
                // The start first: a start that is ready without waiting always completes.
                biased;
                result = &mut start => break result?,
                _ = &mut until => {
                    info!("stop requested by the embedding application during startup");
                    lifetime.stop_application();
                }
                signal = next_signal(&mut signals) => {
                    if lifetime.is_stopping() {
                        exit_at_once(signal);
                    }
                    info!(%signal, "signal received during startup; stopping gracefully (send it again to exit at once)");
                    lifetime.stop_application();
                }
            }
        };
        if signals.is_some() && !lifetime.is_stopping() {
            info!("application started; press Ctrl+C to stop");
        }
        running.run_until(until, signals).await
    }
}
