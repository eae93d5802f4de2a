//! [`HostedServiceExt`]: `add_hosted_service` and `add_hosted_service_with` on a plain
//! [`ServiceCollection`] (a host's [`HostServices`](crate::HostServices) has them as inherent
//! methods), each registering a `Hosted<S>` singleton and the [`HostedEntry`] the host finds
//! it by.

use std::any::{TypeId, type_name};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use di_core::{
    BoxError, Dependency, Factory, FactoryOutput, Injectable, ResolveError, ServiceCollection,
    ServiceProvider,
};

use super::entry::{HostedEntry, HostedKind, ResolveAll};
use super::settings::{EntrySettings, HostedServiceRegistration};
use crate::service::{HostedService, hosted_shape};

type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;

/// Adds hosted services — [`BackgroundService`](crate::BackgroundService)s and
/// [`HostedService`]s alike — to a plain [`ServiceCollection`]. In a host's
/// [`configure_services`](crate::HostBuilder::configure_services) the same methods are inherent
/// methods of [`HostServices`](crate::HostServices): no import needed.
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
    /// Registers the hosted service `S` — a [`BackgroundService`](crate::BackgroundService) or
    /// a [`HostedService`] — built from its injected dependencies.
    ///
    /// `S` is built once, as a singleton, so `build()` validates its dependencies.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, Injectable, ServiceCollection};
    /// use di_hosting::{BackgroundService, HostedService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Config { period_ms: u64 }
    ///
    /// #[derive(Injectable)]
    /// struct Poller { config: Arc<Config> }
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
    /// #[derive(Injectable)]
    /// struct Migrations;
    ///
    /// #[async_trait]
    /// impl HostedService for Migrations {
    ///     async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    ///     async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_hosted_service::<Migrations>().name("migrations");
    /// services.add_hosted_service::<Poller>();
    /// // The worker's dependency is validated at build.
    /// assert!(services.build().is_err());
    /// services.add_instance(Arc::new(Config { period_ms: 100 }));
    /// assert!(services.build().is_ok());
    /// ```
    fn add_hosted_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService;

    /// Registers a hosted service (either kind) built by a factory whose arguments are its
    /// dependencies.
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
        ServiceOf<F, Args>: HostedService + Sized;

    /// Registers the hosted service `S`: [`add_hosted_service`](Self::add_hosted_service) takes
    /// both kinds.
    ///
    /// # Examples
    ///
    /// See [`HostedServiceExt`].
    #[deprecated(note = "use `add_hosted_service`, which takes both kinds of hosted service")]
    fn add_lifecycle_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService,
    {
        self.add_hosted_service::<S>()
    }

    /// Registers a hosted service built by a factory:
    /// [`add_hosted_service_with`](Self::add_hosted_service_with) takes both kinds.
    ///
    /// # Examples
    ///
    /// See [`HostedServiceExt`].
    #[deprecated(note = "use `add_hosted_service_with`, which takes both kinds of hosted service")]
    fn add_lifecycle_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized,
    {
        self.add_hosted_service_with(factory)
    }
}

impl HostedServiceExt for ServiceCollection {
    fn add_hosted_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService,
    {
        self.add_hosted_service_with(|dependencies: S::Dependencies| {
            Arc::new(S::inject(dependencies))
        })
    }

    fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized,
    {
        register(self, factory, resolve_all::<ServiceOf<F, Args>>)
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

/// Resolves every registration of `Hosted<S>`, each as the kind of hosted service it is.
fn resolve_all<S: HostedService>(
    provider: &ServiceProvider,
) -> Result<Vec<HostedKind>, ResolveError> {
    let all = provider.get_all::<Hosted<S>>()?;
    Ok(all
        .iter()
        .map(|hosted| match hosted_shape(Arc::clone(&hosted.0)) {
            Ok(worker) => HostedKind::Background(worker),
            Err(service) => HostedKind::Lifecycle(service),
        })
        .collect())
}
