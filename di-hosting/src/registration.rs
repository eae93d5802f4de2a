//! Registering hosted services in a [`ServiceCollection`]: the [`HostedServiceExt`] extension
//! trait, the [`HostedServiceRegistration`] it returns, and the crate-private entry the host
//! resolves.
//!
//! Each registration adds a singleton `Hosted<S>` built by the service's factory (so its
//! arguments are planned and validated by `build()` like any other service's, under a name that
//! shows `S`) and a [`HostedEntry`] instance. At start the host resolves every entry in
//! registration order, and each entry takes the next registration of its `Hosted<S>`: two
//! registrations of one type are two services.

use std::any::{TypeId, type_name};
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex, PoisonError};

use di_core::{
    BoxError, Dependency, Factory, FactoryOutput, Injectable, ResolveError, ServiceCollection,
    ServiceProvider,
};

use crate::options::FailurePolicy;
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

/// A registered hosted service of type `S`: its own singleton type, so that its factory's
/// arguments are planned and validated under a name that shows `S`, and so that two
/// registrations of one type stay two services.
pub(crate) struct Hosted<S>(Arc<S>);

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
    services.add_singleton(
        move |args: Args| -> Result<Arc<Hosted<ServiceOf<F, Args>>>, BoxError> {
            Ok(Arc::new(Hosted(factory.call(args).into_service()?)))
        },
    );
    let settings = Arc::new(Mutex::new(EntrySettings {
        name: Cow::Borrowed(type_name::<ServiceOf<F, Args>>()),
        policy: None,
    }));
    services.add_instance(Arc::new(HostedEntry {
        service: TypeId::of::<Hosted<ServiceOf<F, Args>>>(),
        resolve_all,
        settings: Arc::clone(&settings),
    }));
    HostedServiceRegistration { settings }
}

/// Resolves every registration of one `Hosted<S>`, in registration order.
type ResolveAll = fn(&ServiceProvider) -> Result<Vec<HostedKind>, ResolveError>;

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

/// The settings a [`HostedServiceRegistration`] can still change after registration.
#[derive(Debug)]
struct EntrySettings {
    name: Cow<'static, str>,
    policy: Option<FailurePolicy>,
}

/// A hosted service just registered; adjusts its name or failure policy.
///
/// The registration is already in effect; these calls only change how the host runs it.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use async_trait::async_trait;
/// use di_core::{BoxError, ServiceCollection};
/// use di_hosting::{BackgroundService, FailurePolicy, HostedServiceExt, RestartPolicy};
/// use tokio_util::sync::CancellationToken;
///
/// struct Flaky;
/// #[async_trait]
/// impl BackgroundService for Flaky {
///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
///         Err("flaky".into())
///     }
/// }
///
/// let mut services = ServiceCollection::new();
/// services
///     .add_hosted_service_with(|| Arc::new(Flaky))
///     .failure_policy(FailurePolicy::Restart(RestartPolicy::new(Duration::from_millis(10), 3)));
/// ```
#[derive(Debug, Clone)]
pub struct HostedServiceRegistration {
    settings: Arc<Mutex<EntrySettings>>,
}

impl HostedServiceRegistration {
    /// Overrides the host-wide [`FailurePolicy`] for this worker.
    ///
    /// # Examples
    ///
    /// See [`HostedServiceRegistration`].
    pub fn failure_policy(self, policy: FailurePolicy) -> Self {
        self.lock().policy = Some(policy);
        self
    }

    /// Sets the name used in logs and errors (default: the service's type name).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, ServiceCollection};
    /// use di_hosting::{BackgroundService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Mailer;
    /// #[async_trait]
    /// impl BackgroundService for Mailer {
    ///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    /// }
    /// let mut services = ServiceCollection::new();
    /// services.add_hosted_service_with(|| Arc::new(Mailer)).name("mailer");
    /// ```
    pub fn name(self, name: impl Into<Cow<'static, str>>) -> Self {
        self.lock().name = name.into();
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, EntrySettings> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One hosted-service registration, registered as an instance; the host resolves them all, in
/// registration order.
pub(crate) struct HostedEntry {
    /// The `TypeId` of the `Hosted<S>` singleton.
    service: TypeId,
    resolve_all: ResolveAll,
    settings: Arc<Mutex<EntrySettings>>,
}

impl HostedEntry {
    /// The name and failure-policy override set at registration.
    pub(crate) fn settings(&self) -> (Cow<'static, str>, Option<FailurePolicy>) {
        let settings = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        (settings.name.clone(), settings.policy.clone())
    }
}

/// Resolves every hosted service, in registration order.
///
/// # Errors
///
/// When a hosted service's factory fails.
pub(crate) fn resolve_hosted(
    provider: &ServiceProvider,
) -> Result<Vec<(Arc<HostedEntry>, HostedKind)>, ResolveError> {
    let entries = provider.get_all::<HostedEntry>()?;
    // Per service type: its resolved registrations, and how many entries took one so far.
    let mut resolved: HashMap<TypeId, (Vec<HostedKind>, usize)> = HashMap::new();
    let mut hosted = Vec::with_capacity(entries.len());
    for entry in entries {
        let slot = match resolved.entry(entry.service) {
            Entry::Occupied(slot) => slot.into_mut(),
            Entry::Vacant(slot) => slot.insert(((entry.resolve_all)(provider)?, 0)),
        };
        let kind = slot.0[slot.1].clone();
        slot.1 += 1;
        hosted.push((entry, kind));
    }
    Ok(hosted)
}

/// The two shapes of hosted service, erased.
#[derive(Clone)]
pub(crate) enum HostedKind {
    Lifecycle(Arc<dyn HostedService>),
    Background(Arc<dyn BackgroundService>),
}
