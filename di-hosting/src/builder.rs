//! [`HostBuilder`] and the [`PendingHost`] its `build()` returns.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;

use di_core::ServiceCollection;

use crate::error::{HostError, HostFailure};
use crate::host::Host;
use crate::lifetime::ApplicationLifetime;
use crate::options::HostOptions;
use crate::running::RunningHost;

/// Configures a [`Host`]: its services and its options.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use di_hosting::Host;
///
/// struct Config { name: &'static str }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_services(|services| {
///         services.add_instance(Arc::new(Config { name: "demo" }));
///     })
///     .configure_options(|options| options.shutdown_timeout = Duration::from_secs(5))
///     .build()
///     .await?;
/// assert_eq!(host.provider().get::<Config>()?.name, "demo");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct HostBuilder {
    services: ServiceCollection,
    options: HostOptions,
}

impl HostBuilder {
    /// An empty builder with default options.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = di_hosting::HostBuilder::new();
    /// # drop(builder);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds services (and hosted services, with [`HostedServiceExt`](crate::HostedServiceExt)).
    /// May be called several times.
    ///
    /// # Examples
    ///
    /// See [`HostBuilder`].
    #[must_use]
    pub fn configure_services(mut self, configure: impl FnOnce(&mut ServiceCollection)) -> Self {
        configure(&mut self.services);
        self
    }

    /// Changes the [`HostOptions`]. May be called several times.
    ///
    /// # Examples
    ///
    /// See [`HostBuilder`].
    #[must_use]
    pub fn configure_options(mut self, configure: impl FnOnce(&mut HostOptions)) -> Self {
        configure(&mut self.options);
        self
    }

    /// Finishes the configuration: `.await` it for the [`Host`], or call
    /// [`run`](PendingHost::run) on it directly.
    ///
    /// # Examples
    ///
    /// See [`HostBuilder`] and [`PendingHost`].
    pub fn build(self) -> PendingHost {
        PendingHost { builder: self }
    }

    /// Builds the container (async singletons are created here) with the host's own services:
    /// `Arc<ApplicationLifetime>` and `Arc<HostOptions>`.
    async fn into_host(self) -> Result<Host, HostError> {
        let Self {
            mut services,
            options,
        } = self;
        let lifetime = Arc::new(ApplicationLifetime::new());
        let options = Arc::new(options);
        services.add_instance(Arc::clone(&lifetime));
        services.add_instance(Arc::clone(&options));
        let provider = services
            .build_async()
            .await
            .map_err(|error| HostError::from(HostFailure::Build(error)))?;
        Ok(Host::new(provider, options, lifetime))
    }
}

/// A configured host not built yet: `.await` it to build the container (validation errors
/// surface here), or run it directly.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_hosting::{Host, HostFailure};
///
/// struct Missing;
/// struct NeedsMissing;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let error = Host::builder()
///     .configure_services(|services| {
///         services.add_singleton(|_m: Arc<Missing>| Arc::new(NeedsMissing));
///     })
///     .build()
///     .run()
///     .await
///     .unwrap_err();
/// assert!(matches!(error.failures()[0], HostFailure::Build(_)));
/// assert_eq!(error.exit_code(), 1);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a pending host does nothing until awaited or run"]
pub struct PendingHost {
    builder: HostBuilder,
}

impl PendingHost {
    /// Builds the host and [runs](Host::run) it.
    ///
    /// # Errors
    ///
    /// Build errors, then every failure of the run.
    ///
    /// # Examples
    ///
    /// See [`PendingHost`].
    pub async fn run(self) -> Result<(), HostError> {
        self.await?.run().await
    }

    /// Builds the host and [runs it until](Host::run_until) `until` completes.
    ///
    /// # Errors
    ///
    /// Build errors, then every failure of the run.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), di_hosting::HostError> {
    /// di_hosting::Host::builder()
    ///     .configure_options(|options| options.handle_signals = false)
    ///     .build()
    ///     .run_until(std::future::ready(()))
    ///     .await
    /// # }
    /// ```
    pub async fn run_until<F: Future>(self, until: F) -> Result<(), HostError> {
        self.await?.run_until(until).await
    }

    /// Builds the host and [starts](Host::start) it.
    ///
    /// # Errors
    ///
    /// Build errors, then start failures.
    ///
    /// # Examples
    ///
    /// See [`RunningHost::provider`].
    pub async fn start(self) -> Result<RunningHost, HostError> {
        self.await?.start().await
    }
}

impl IntoFuture for PendingHost {
    type Output = Result<Host, HostError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.builder.into_host())
    }
}
