//! [`RunningHost`]: a started host, to stop or to wait for.

use std::future::Future;
use std::sync::Arc;

use di_core::ServiceProvider;
use tracing::info;

use crate::error::HostError;
use crate::lifetime::ApplicationLifetime;
use crate::runtime::{Runtime, Signals, exit_at_once, next_signal};

/// A host whose services have all started (or whose startup ended early because a stop was
/// requested meanwhile: then it is already stopping, and `started` never fired).
///
/// Always end it with [`stop`](Self::stop) or [`wait`](Self::wait). Dropping it instead (or
/// dropping one of those futures midway) is not graceful: the workers' tokens are cancelled
/// (`stopping` fires), their tasks are aborted and `stopped` fires, so whoever awaits the
/// [`ApplicationLifetime`] is released; but no stop hook runs and the provider is not disposed.
///
/// # Examples
///
/// ```
/// use di_hosting::Host;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), di_hosting::HostError> {
/// let host = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .build()
///     .await?;
/// let running = host.start().await?;
/// assert!(running.lifetime().is_started());
/// running.stop().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a running host must be stopped or waited for"]
pub struct RunningHost {
    runtime: Runtime,
}

impl RunningHost {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Self { runtime }
    }

    /// The application lifetime of this host.
    ///
    /// # Examples
    ///
    /// See [`RunningHost`].
    pub fn lifetime(&self) -> &Arc<ApplicationLifetime> {
        self.runtime.lifetime()
    }

    /// The host's service provider.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_hosting::{ApplicationLifetime, Host};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let running = Host::builder()
    ///     .configure_options(|options| options.handle_signals = false)
    ///     .start()
    ///     .await?;
    /// let lifetime = running.provider().get::<ApplicationLifetime>()?;
    /// assert!(Arc::ptr_eq(&lifetime, running.lifetime()));
    /// running.stop().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn provider(&self) -> &ServiceProvider {
        self.runtime.provider()
    }

    /// Stops the host gracefully now and returns the result of the whole run.
    ///
    /// # Errors
    ///
    /// Every failure since the start: worker errors and panics, stop errors, a missed deadline.
    ///
    /// # Examples
    ///
    /// See [`RunningHost`].
    pub async fn stop(self) -> Result<(), HostError> {
        self.runtime.stop().await
    }

    /// Waits until a stop is requested ([`ApplicationLifetime::stop_application`] or a failing
    /// worker), then stops the host and returns the result of the whole run. Signals are not
    /// handled here; [`Host::run`](crate::Host::run) handles them.
    ///
    /// # Errors
    ///
    /// As for [`stop`](Self::stop).
    ///
    /// # Examples
    ///
    /// See [`ApplicationLifetime`].
    pub async fn wait(self) -> Result<(), HostError> {
        self.run_until(std::future::pending::<()>(), None).await
    }

    /// Runs until `until` completes, a stop is requested or a signal arrives, then stops.
    /// During the stop, a signal exits the process at once with the signal's exit code.
    pub(crate) async fn run_until<F: Future>(
        self,
        until: F,
        mut signals: Option<Signals>,
    ) -> Result<(), HostError> {
        let lifetime = Arc::clone(self.lifetime());
        tokio::select! {
            _ = until => info!("stop requested by the embedding application"),
            () = lifetime.stopping() => {}
            signal = next_signal(&mut signals) => {
                info!(%signal, "signal received; stopping gracefully (send it again to exit at once)");
            }
        }
        if signals.is_none() {
            return self.stop().await;
        }
        tokio::select! {
            result = self.stop() => result,
            signal = next_signal(&mut signals) => exit_at_once(signal),
        }
    }
}
