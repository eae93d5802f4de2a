//! [`HostedServiceExt`]: the `add_hosted_service` family on [`ServiceCollection`], each
//! registering a `Hosted<S>` singleton and the [`HostedEntry`] the host finds it by.

use std::any::{TypeId, type_name};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use di_core::{
    BoxError, Dependency, Factory, FactoryOutput, Injectable, ResolveError, ServiceCollection,
    ServiceProvider,
};

use super::entry::{HostedEntry, HostedKind, ResolveAll};
use super::settings::{EntrySettings, HostedServiceRegistration};
use crate::service::{BackgroundService, HostedService};

type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;

/// Adds hosted services to a [`ServiceCollection`].
///
/// A hosted service is registered under a host-private type, so `Arc<Worker>` is not injectable
/// by itself. To share one instance with other services, register it as a singleton and hand it
/// over: `services.add_hosted_service_with(|worker: Arc<Worker>| worker)`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use async_trait::async_trait;
/// use di_core::{BoxError, Injectable, ScopeFactory, ServiceCollection};
/// use di_hosting::{BackgroundService, FailurePolicy, HostedServiceExt};
/// use tokio_util::sync::CancellationToken;
///
/// struct Worker { scopes: ScopeFactory }
///
/// impl Injectable for Worker {
///     type Dependencies = ScopeFactory;
///     fn inject(scopes: ScopeFactory) -> Self { Worker { scopes } }
/// }
///
/// #[async_trait]
/// impl BackgroundService for Worker {
///     async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
///         let _scope = self.scopes.create_scope()?;
///         stopping.cancelled().await;
///         Ok(())
///     }
/// }
///
/// let mut services = ServiceCollection::new();
/// services.add_hosted_service::<Worker>();
/// services
///     .add_hosted_service_with(|scopes: ScopeFactory| Arc::new(Worker { scopes }))
///     .name("second worker")
///     .failure_policy(FailurePolicy::Ignore);
/// assert!(services.build().is_ok());
/// ```
pub trait HostedServiceExt {
    /// Registers the background service `W`, built from its injected dependencies.
    ///
    /// `W` is built once, as a singleton, so `build()` validates its dependencies.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, Injectable, ServiceCollection};
    /// use di_hosting::{BackgroundService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Config { period_ms: u64 }
    /// struct Poller { config: Arc<Config> }
    ///
    /// impl Injectable for Poller {
    ///     type Dependencies = Arc<Config>;
    ///     fn inject(config: Arc<Config>) -> Self { Poller { config } }
    /// }
    ///
    /// #[async_trait]
    /// impl BackgroundService for Poller {
    ///     async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
    ///         let _period = self.config.period_ms;
    ///         stopping.cancelled().await;
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_hosted_service::<Poller>();
    /// // The worker's dependency is validated at build.
    /// assert!(services.build().is_err());
    /// services.add_instance(Arc::new(Config { period_ms: 100 }));
    /// assert!(services.build().is_ok());
    /// ```
    fn add_hosted_service<W>(&mut self) -> HostedServiceRegistration
    where
        W: Injectable + BackgroundService;

    /// Registers a background service built by a factory whose arguments are its dependencies.
    ///
    /// Each call registers a separate service, even for the same type.
    ///
    /// # Examples
    ///
    /// See [`HostedServiceExt`].
    fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: BackgroundService + Sized;

    /// Registers the full-lifecycle hosted service `S`, built from its injected dependencies.
    ///
    /// # Examples
    ///
    /// ```
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, Injectable, ServiceCollection};
    /// use di_hosting::{HostedService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Migrations;
    ///
    /// impl Injectable for Migrations {
    ///     type Dependencies = ();
    ///     fn inject((): ()) -> Self { Migrations }
    /// }
    ///
    /// #[async_trait]
    /// impl HostedService for Migrations {
    ///     async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    ///     async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_lifecycle_service::<Migrations>().name("migrations");
    /// assert!(services.build().is_ok());
    /// ```
    fn add_lifecycle_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService;

    /// Registers a full-lifecycle hosted service built by a factory.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, ServiceCollection};
    /// use di_hosting::{HostedService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Listener { port: u16 }
    ///
    /// #[async_trait]
    /// impl HostedService for Listener {
    ///     async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
    ///         println!("listening on {}", self.port);
    ///         Ok(())
    ///     }
    ///     async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_instance(Arc::new(8080_u16));
    /// services.add_lifecycle_service_with(|port: Arc<u16>| Arc::new(Listener { port: *port }));
    /// assert!(services.build().is_ok());
    /// ```
    fn add_lifecycle_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized;
}

impl HostedServiceExt for ServiceCollection {
    fn add_hosted_service<W>(&mut self) -> HostedServiceRegistration
    where
        W: Injectable + BackgroundService,
    {
        self.add_hosted_service_with(|dependencies: W::Dependencies| {
            Arc::new(W::inject(dependencies))
        })
    }

    fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: BackgroundService + Sized,
    {
        register(self, factory, background::<ServiceOf<F, Args>>)
    }

    fn add_lifecycle_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService,
    {
        self.add_lifecycle_service_with(|dependencies: S::Dependencies| {
            Arc::new(S::inject(dependencies))
        })
    }

    fn add_lifecycle_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized,
    {
        register(self, factory, lifecycle::<ServiceOf<F, Args>>)
    }
}

/// A registered hosted service of type `S`: its own singleton type, so that two registrations
/// of one type stay two services. Registered under the display name of `S`, so that messages
/// about its factory's arguments name `S`.
struct Hosted<S>(Arc<S>);

/// Registers `Hosted<S>` built by `factory`, and the entry the host finds it by.
fn register<F, Args>(
    services: &mut ServiceCollection,
    factory: F,
    resolve_all: ResolveAll,
) -> HostedServiceRegistration
where
    F: Factory<Args>,
    Args: Dependency,
    ServiceOf<F, Args>: Sized,
{
    // Messages and the graph name the user's type, not the wrapper.
    services
        .add_singleton(
            move |args: Args| -> Result<Arc<Hosted<ServiceOf<F, Args>>>, BoxError> {
                Ok(Arc::new(Hosted(factory.call(args).into_service()?)))
            },
        )
        .display_name(type_name::<ServiceOf<F, Args>>());
    let settings = Arc::new(Mutex::new(EntrySettings {
        name: Cow::Borrowed(type_name::<ServiceOf<F, Args>>()),
        policy: None,
    }));
    services.add_instance(Arc::new(HostedEntry {
        service: TypeId::of::<Hosted<ServiceOf<F, Args>>>(),
        resolve_all,
        settings: Arc::clone(&settings),
    }));
    HostedServiceRegistration::new(settings)
}

fn background<S: BackgroundService>(
    provider: &ServiceProvider,
) -> Result<Vec<HostedKind>, ResolveError> {
    let all = provider.get_all::<Hosted<S>>()?;
    Ok(all
        .iter()
        .map(|hosted| HostedKind::Background(Arc::clone(&hosted.0) as _))
        .collect())
}

fn lifecycle<S: HostedService>(
    provider: &ServiceProvider,
) -> Result<Vec<HostedKind>, ResolveError> {
    let all = provider.get_all::<Hosted<S>>()?;
    Ok(all
        .iter()
        .map(|hosted| HostedKind::Lifecycle(Arc::clone(&hosted.0) as _))
        .collect())
}
