//! Registering hosted services in a [`ServiceCollection`]: the [`HostedServiceExt`] extension
//! trait, the [`HostedServiceRegistration`] it returns, and the crate-private entry the host
//! resolves.
//!
//! Each registration adds two singletons: the service itself (so its dependencies are planned
//! and validated by `build()` like any other service's) and a [`HostedEntry`] whose factory takes
//! the service as its argument. At start the host resolves every entry, in registration order.

use std::any::type_name;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use di_core::{Dependency, Factory, FactoryOutput, Injectable, ServiceCollection, ServiceLifetime};

use crate::options::FailurePolicy;
use crate::service::{BackgroundService, HostedService};

type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;

/// Adds hosted services to a [`ServiceCollection`].
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
    /// `W` is registered as a singleton, so `build()` validates its dependencies.
    fn add_hosted_service<W>(&mut self) -> HostedServiceRegistration
    where
        W: Injectable + BackgroundService;

    /// Registers a background service built by a factory whose arguments are its dependencies.
    fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: BackgroundService + Sized;

    /// Registers the full-lifecycle hosted service `S`, built from its injected dependencies.
    fn add_lifecycle_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService;

    /// Registers a full-lifecycle hosted service built by a factory.
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
        self.add_injectable::<W>(ServiceLifetime::Singleton);
        register_entry(self, |worker: Arc<W>| HostedKind::Background(worker))
    }

    fn add_hosted_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: BackgroundService + Sized,
    {
        self.add_singleton(factory);
        register_entry(self, |worker: Arc<ServiceOf<F, Args>>| {
            HostedKind::Background(worker)
        })
    }

    fn add_lifecycle_service<S>(&mut self) -> HostedServiceRegistration
    where
        S: Injectable + HostedService,
    {
        self.add_injectable::<S>(ServiceLifetime::Singleton);
        register_entry(self, |service: Arc<S>| HostedKind::Lifecycle(service))
    }

    fn add_lifecycle_service_with<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args>,
        Args: Dependency,
        ServiceOf<F, Args>: HostedService + Sized,
    {
        self.add_singleton(factory);
        register_entry(self, |service: Arc<ServiceOf<F, Args>>| {
            HostedKind::Lifecycle(service)
        })
    }
}

/// Adds the entry singleton for `S`; `kind` erases the resolved service exactly once.
fn register_entry<S: Send + Sync + 'static>(
    services: &mut ServiceCollection,
    kind: fn(Arc<S>) -> HostedKind,
) -> HostedServiceRegistration {
    let settings = Arc::new(Mutex::new(EntrySettings {
        name: Cow::Borrowed(type_name::<S>()),
        policy: None,
    }));
    let shared = Arc::clone(&settings);
    services.add_singleton(move |service: Arc<S>| {
        let settings = shared.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::new(HostedEntry {
            name: settings.name.clone(),
            policy: settings.policy.clone(),
            kind: kind(service),
        })
    });
    HostedServiceRegistration { settings }
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

/// A resolved hosted service, as the host sees it.
pub(crate) struct HostedEntry {
    pub(crate) name: Cow<'static, str>,
    pub(crate) policy: Option<FailurePolicy>,
    pub(crate) kind: HostedKind,
}

/// The two shapes of hosted service, erased.
#[derive(Clone)]
pub(crate) enum HostedKind {
    Lifecycle(Arc<dyn HostedService>),
    Background(Arc<dyn BackgroundService>),
}
