//! [`HostServices`]: what [`HostBuilder::configure_services`](crate::HostBuilder::configure_services)
//! hands its closure — the [`ServiceCollection`] (by `Deref`) plus the host's registrations
//! (hosted services, options, the web server) as inherent methods, so no extension trait has to
//! be imported.

use std::fmt;
use std::ops::{Deref, DerefMut};

use di_core::{Dependency, Factory, FactoryOutput, Injectable, ServiceCollection};
use serde::de::DeserializeOwned;

use crate::bind::{OptionsBindings, ValidationError};
use crate::registration::{HostedServiceExt, HostedServiceRegistration};
use crate::service::HostedService;

type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;

/// A host's services: every [`ServiceCollection`] method (through `Deref`), plus hosted
/// services, options and (with the `axum` feature) the web server.
///
/// # Examples
///
/// ```
/// use di_hosting::prelude::*;
///
/// #[derive(Deserialize)]
/// struct Settings { greeting: String }
///
/// #[derive(Injectable)]
/// struct Greeter { settings: Arc<Settings> }
///
/// #[async_trait]
/// impl BackgroundService for Greeter {
///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
///         assert_eq!(self.settings.greeting, "hello");
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), HostError> {
/// let running = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_configuration(|configuration| {
///         configuration.default_value("greeter.greeting", "hello");
///     })
///     .configure_services(|services| {
///         services.add_options::<Settings>("greeter");
///         services.add_hosted_service::<Greeter>();
///         services.add_instance(Arc::new(7_u32)); // a `ServiceCollection` method
///     })
///     .start()
///     .await?;
/// assert_eq!(*running.provider().get::<u32>().expect("registered"), 7);
/// running.stop().await
/// # }
/// ```
#[derive(Default)]
pub struct HostServices {
    collection: ServiceCollection,
    pub(crate) bindings: OptionsBindings,
}

impl HostServices {
    /// Registers the hosted service `S` — a [`BackgroundService`](crate::BackgroundService) or
    /// a [`HostedService`] — built from its injected dependencies (`#[derive(Injectable)]`), as
    /// `AddHostedService<S>()` does in .NET. Its dependencies are validated at build.
    ///
    /// A type that is neither is a compile error: ``"`Neither` is not a hosted service"``, with
    /// a note saying which trait to implement.
    ///
    /// # Examples
    ///
    /// See [`HostServices`]; and this does not compile:
    ///
    /// ```compile_fail
    /// use di_hosting::prelude::*;
    ///
    /// #[derive(Injectable)]
    /// struct Neither;
    ///
    /// let builder = Host::builder().configure_services(|services| {
    ///     services.add_hosted_service::<Neither>();
    /// });
    /// ```
    pub fn add_hosted_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService,
    {
        self.collection.add_hosted_service::<S>()
    }

    /// Registers a hosted service (either kind) built by a factory whose arguments are its
    /// dependencies. Each call registers a separate service, even for the same type.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::prelude::*;
    ///
    /// struct Tick(u32);
    ///
    /// #[async_trait]
    /// impl BackgroundService for Tick {
    ///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
    ///         println!("tick {}", self.0);
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let builder = Host::builder().configure_services(|services| {
    ///     services.add_hosted_service_with(|| Arc::new(Tick(1))).name("first");
    ///     services.add_hosted_service_with(|| Arc::new(Tick(2))).name("second");
    /// });
    /// # drop(builder);
    /// ```
    pub fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized,
    {
        self.collection.add_hosted_service_with(factory)
    }

    /// Binds the configuration section `section` (dotted, `""` for the root) to `T`, injectable
    /// as `Arc<T>`, `Arc<OptionsMonitor<T>>` and `Arc<OptionsSnapshot<T>>`; the same as
    /// [`HostBuilder::add_options`](crate::HostBuilder::add_options).
    ///
    /// # Examples
    ///
    /// See [`HostServices`].
    pub fn add_options<T: DeserializeOwned + Send + Sync + 'static>(
        &mut self,
        section: &str,
    ) -> &mut Self {
        self.bindings.add::<T>(section);
        self
    }

    /// Adds a validator to the options `T`; the same as
    /// [`HostBuilder::validate_options`](crate::HostBuilder::validate_options).
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::{Host, ValidationError};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Worker { batch_size: u32 }
    ///
    /// let builder = Host::builder().configure_services(|services| {
    ///     services
    ///         .add_options::<Worker>("worker")
    ///         .validate_options(|worker: &Worker| match worker.batch_size {
    ///             0 => Err(ValidationError::field("batch_size", "must be at least 1")),
    ///             _ => Ok(()),
    ///         });
    /// });
    /// # drop(builder);
    /// ```
    pub fn validate_options<T, F>(&mut self, validate: F) -> &mut Self
    where
        T: DeserializeOwned + Send + Sync + 'static,
        F: Fn(&T) -> Result<(), ValidationError> + Send + Sync + 'static,
    {
        self.bindings.validate(validate);
        self
    }

    /// Splits into the collection and the options bindings, for the build.
    pub(crate) fn into_parts(self) -> (ServiceCollection, OptionsBindings) {
        (self.collection, self.bindings)
    }
}

impl Deref for HostServices {
    type Target = ServiceCollection;

    fn deref(&self) -> &ServiceCollection {
        &self.collection
    }
}

impl DerefMut for HostServices {
    fn deref_mut(&mut self) -> &mut ServiceCollection {
        &mut self.collection
    }
}

impl fmt::Debug for HostServices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostServices")
            .field("collection", &self.collection)
            .field("bindings", &self.bindings)
            .finish()
    }
}
