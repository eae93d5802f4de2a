//! [`HostBuilder`]: configures a host, then builds, starts or runs it.

use std::future::Future;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::bind::ValidationError;
use crate::configuration::{Configuration, ConfigurationBuilder, ConfigurationError};
use crate::configuration_stage::{ConfigurationStage, build_provider};
use crate::error::HostError;
use crate::host::Host;
use crate::host_services::HostServices;
use crate::lifetime::ApplicationLifetime;
use crate::options::HostOptions;
use crate::running::RunningHost;

/// Configures a [`Host`]: its services, its options, its configuration sources and the options
/// types bound to configuration sections.
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
    services: HostServices,
    options: HostOptions,
    configuration: ConfigurationStage,
}

impl Host {
    /// A builder with the usual sources and logging: `appsettings.toml` and
    /// `appsettings.{Environment}.toml` from the working directory (reloaded on change),
    /// environment variables prefixed with `app_prefix` (`JOBS` reads `JOBS_*`), and the
    /// [default logging](HostBuilder::with_default_logging). Add command-line values with
    /// [`configure_configuration`](HostBuilder::configure_configuration).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), di_hosting::HostError> {
    /// di_hosting::Host::default_builder("JOBS").run().await
    /// # }
    /// ```
    pub fn default_builder(app_prefix: &str) -> HostBuilder {
        let directory = std::env::current_dir().unwrap_or_default();
        Self::builder()
            .configure_configuration(|configuration| {
                configuration.content_root(directory).env_prefix(app_prefix);
            })
            .with_default_logging()
    }
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

    /// Adds services: the closure gets the [`HostServices`], a
    /// [`ServiceCollection`](di_core::ServiceCollection) with the host's registrations (hosted
    /// services, options, the web server) as inherent methods. May be called several times.
    ///
    /// # Examples
    ///
    /// See [`HostBuilder`].
    #[must_use]
    pub fn configure_services(mut self, configure: impl FnOnce(&mut HostServices)) -> Self {
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

    /// Chooses the configuration's sources (see [`ConfigurationBuilder`]). May be called
    /// several times. `Host::builder()` reads no source by default.
    ///
    /// # Examples
    ///
    /// See [`Configuration`].
    #[must_use]
    pub fn configure_configuration(
        mut self,
        configure: impl FnOnce(&mut ConfigurationBuilder),
    ) -> Self {
        configure(&mut self.configuration.sources);
        self
    }

    /// Binds the configuration section `section` (dotted, `""` for the root) to `T`.
    ///
    /// `T` is then injectable as `Arc<T>` (its value at build), `Arc<OptionsMonitor<T>>` (the
    /// current value, following edits of the files) and `Arc<OptionsSnapshot<T>>` (scoped: one
    /// value per scope). A section that cannot be converted to `T` is a build error naming
    /// each bad key, its value and where it came from, reported with every other problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_hosting::Host;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Worker { batch_size: u32, #[serde(default)] verbose: bool }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let host = Host::builder()
    ///     .configure_configuration(|configuration| {
    ///         configuration
    ///             .env_prefix("JOBS")
    ///             .environment_variables([("JOBS_WORKER__BATCH_SIZE", "8")]);
    ///     })
    ///     .add_options::<Worker>("worker")
    ///     .configure_services(|services| {
    ///         services.add_singleton(|worker: Arc<Worker>| Arc::new(worker.batch_size * 2));
    ///     })
    ///     .build()
    ///     .await?;
    /// assert_eq!(*host.provider().get::<u32>()?, 16);
    /// assert!(!host.provider().get::<Worker>()?.verbose);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn add_options<T: DeserializeOwned + Send + Sync + 'static>(
        mut self,
        section: &str,
    ) -> Self {
        self.services.add_options::<T>(section);
        self
    }

    /// Adds a validator to the options `T` (bound with [`add_options`](Self::add_options)
    /// first). Every validator runs at build and on every reload; a rejection at build is a
    /// build error, one at reload keeps the last good value.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::{Host, HostFailure, ValidationError};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Worker { batch_size: u32 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let error = Host::builder()
    ///     .configure_configuration(|configuration| {
    ///         configuration.command_line_overrides(["worker.batch_size=0"]);
    ///     })
    ///     .add_options::<Worker>("worker")
    ///     .validate_options(|worker: &Worker| match worker.batch_size {
    ///         1..=1000 => Ok(()),
    ///         _ => Err(ValidationError::field("batch_size", "must be between 1 and 1000")),
    ///     })
    ///     .build()
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(error.failures()[0], HostFailure::Configuration(_)));
    /// assert!(error.to_string().contains(
    ///     "`worker.batch_size` = \"0\" from command-line override `worker.batch_size=0`"
    /// ));
    /// # }
    /// ```
    #[must_use]
    pub fn validate_options<T, F>(mut self, validate: F) -> Self
    where
        T: DeserializeOwned + Send + Sync + 'static,
        F: Fn(&T) -> Result<(), ValidationError> + Send + Sync + 'static,
    {
        self.services.validate_options(validate);
        self
    }

    /// Sets [`HostOptions`] from the configuration once it is loaded (e.g. the shutdown
    /// timeout); an error is a build error, reported with every other problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let host = di_hosting::Host::builder()
    ///     .configure_configuration(|configuration| {
    ///         configuration.default_value("shutdown_timeout_ms", 5_000);
    ///     })
    ///     .configure_options_from_configuration(|options, configuration| {
    ///         options.shutdown_timeout =
    ///             Duration::from_millis(configuration.get("shutdown_timeout_ms")?);
    ///         Ok(())
    ///     })
    ///     .build()
    ///     .await?;
    /// assert_eq!(host.options().shutdown_timeout, Duration::from_secs(5));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn configure_options_from_configuration(
        mut self,
        configure: impl FnOnce(&mut HostOptions, &Configuration) -> Result<(), ConfigurationError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.configuration.hooks.push(Box::new(configure));
        self
    }

    /// Installs a `tracing` subscriber at build, unless the application already installed a
    /// global one: the filter is `RUST_LOG` (else the key `logging.filter`, else `info`); the
    /// format is the key `logging.format` (`text` or `json`), else text in `Development` and
    /// JSON lines elsewhere. [`Host::default_builder`] turns it on.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = di_hosting::Host::builder().with_default_logging();
    /// # drop(builder);
    /// ```
    #[must_use]
    pub fn with_default_logging(mut self) -> Self {
        self.configuration.default_logging = true;
        self
    }

    /// Installs no subscriber: the application configures `tracing` itself.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = di_hosting::Host::default_builder("APP").without_default_logging();
    /// # drop(builder);
    /// ```
    #[must_use]
    pub fn without_default_logging(mut self) -> Self {
        self.configuration.default_logging = false;
        self
    }

    /// Builds the host: loads the configuration and binds the options, then builds the
    /// container (async singletons are created here) with the host's own services:
    /// `Arc<ApplicationLifetime>`, `Arc<HostOptions>`, `Arc<Configuration>` and
    /// `Arc<HostEnvironment>`. Nothing starts yet: inspect the [`Host`]'s provider, then
    /// [`run`](Host::run) or [`start`](Host::start) it. [`run`](Self::run) and
    /// [`start`](Self::start) do both steps.
    ///
    /// # Errors
    ///
    /// Every problem of the configuration and of the container, at once.
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
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(error.failures()[0], HostFailure::Build(_)));
    /// assert_eq!(error.exit_code(), 1);
    /// # }
    /// ```
    pub async fn build(self) -> Result<Host, HostError> {
        let Self {
            services,
            mut options,
            configuration,
        } = self;
        let (mut services, bindings) = services.into_parts();
        let problems = configuration.apply(&mut services, bindings, &mut options);
        let lifetime = Arc::new(ApplicationLifetime::new());
        let options = Arc::new(options);
        services.add_instance(Arc::clone(&lifetime));
        services.add_instance(Arc::clone(&options));
        let provider = build_provider(services, problems)
            .await
            .map_err(HostError::new)?;
        Ok(Host::new(provider, options, lifetime))
    }

    /// Builds the host and [runs](Host::run) it: until Ctrl+C, SIGTERM,
    /// [`stop_application`](ApplicationLifetime::stop_application) or a failing worker, then
    /// a graceful stop. `main` can return its result: `HostError`'s `Debug` is the human
    /// report, and the exit code is 1 on failure (see [`HostError::exit_code`] for the
    /// distinct code 2 of a missed shutdown deadline).
    ///
    /// # Errors
    ///
    /// Build errors, then every failure of the run.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use di_hosting::prelude::*;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), HostError> {
    ///     Host::default_builder("APP")
    ///         .configure_services(|services| {
    ///             services.add_instance(Arc::new("a service"));
    ///         })
    ///         .run()
    ///         .await
    /// }
    /// ```
    pub async fn run(self) -> Result<(), HostError> {
        self.build().await?.run().await
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
    ///     .run_until(std::future::ready(()))
    ///     .await
    /// # }
    /// ```
    pub async fn run_until<F: Future>(self, until: F) -> Result<(), HostError> {
        self.build().await?.run_until(until).await
    }

    /// Builds the host and [starts](Host::start) it, for tests and embedding.
    ///
    /// # Errors
    ///
    /// Build errors, then start failures.
    ///
    /// # Examples
    ///
    /// See [`RunningHost::provider`].
    pub async fn start(self) -> Result<RunningHost, HostError> {
        self.build().await?.start().await
    }
}
