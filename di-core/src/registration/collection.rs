//! [`ServiceCollection`]: the list of registrations a provider is built from.

use std::any::{TypeId, type_name};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::dispose::{AsyncDispose, dispose_erased};
use crate::inject::{Dependency, Injectable};
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::{Descriptor, ErasedFactory};
use crate::registration::erase::{AsyncSingletonFactory, InstanceFactory, SyncFactory};
use crate::registration::factory::{AsyncFactory, Factory, FactoryOutput};

pub(super) type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;
type AsyncServiceOf<F, Args> = <<F as AsyncFactory<Args>>::Output as FactoryOutput>::Service;

/// The registrations a [`ServiceProvider`](crate::ServiceProvider) is built from.
///
/// Factories are functions or closures whose arguments are their dependencies; see
/// [`Dependency`]. Registering a type more than once is allowed: single resolution returns the
/// last registration, [`get_all`](crate::ServiceProvider::get_all) returns all of them in
/// registration order.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::ServiceCollection;
///
/// trait Clock: Send + Sync { fn now(&self) -> u64; }
/// struct Fixed(u64);
/// impl Clock for Fixed { fn now(&self) -> u64 { self.0 } }
/// struct Config { start: u64 }
///
/// let mut services = ServiceCollection::new();
/// services.add_instance(Arc::new(Config { start: 42 }));
/// services.add_singleton(|cfg: Arc<Config>| -> Arc<dyn Clock> { Arc::new(Fixed(cfg.start)) });
/// let provider = services.build()?;
/// assert_eq!(provider.get::<dyn Clock>()?.now(), 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct ServiceCollection {
    pub(crate) descriptors: Vec<Descriptor>,
}

/// A handle to the registration just added, to configure it further.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{AsyncDispose, ServiceCollection};
///
/// struct Pool;
/// #[async_trait::async_trait]
/// impl AsyncDispose for Pool { async fn dispose(&self) {} }
///
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Pool)).disposable();
/// ```
pub struct ServiceRegistration<'a, S: ?Sized> {
    descriptor: &'a mut Descriptor,
    service: PhantomData<fn() -> Arc<S>>,
}

impl<S: ?Sized> ServiceRegistration<'_, S> {
    /// Names the service in error messages and in the [graph](crate::ServiceProvider::graph)
    /// instead of its type's name: for a library that registers a wrapper type on behalf of a
    /// type its user wrote, so that messages name the user's type.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Db;
    /// struct Job;
    /// struct Wrapped(Arc<Job>);
    /// let mut services = ServiceCollection::new();
    /// services
    ///     .add_singleton(|_db: Arc<Db>| Arc::new(Wrapped(Arc::new(Job))))
    ///     .display_name("app::Job");
    /// let error = services.build().unwrap_err().to_string();
    /// assert!(error.ends_with("but `app::Job` requires it"), "{error}");
    /// # let _ = |wrapped: Wrapped| wrapped.0;
    /// ```
    pub fn display_name(self, name: &'static str) -> Self {
        self.descriptor.service = name;
        self
    }
}

impl<S: ?Sized + AsyncDispose + 'static> ServiceRegistration<'_, S> {
    /// Has the container call [`AsyncDispose::dispose`] on every instance this registration
    /// creates, when the owning scope or provider is disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{AsyncDispose, ServiceCollection};
    ///
    /// struct Conn;
    /// #[async_trait::async_trait]
    /// impl AsyncDispose for Conn { async fn dispose(&self) {} }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Conn)).disposable();
    /// ```
    pub fn disposable(self) {
        self.descriptor.dispose = Some(dispose_erased::<S>);
    }
}

impl<S: ?Sized> fmt::Debug for ServiceRegistration<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceRegistration")
            .field("service", &self.descriptor.service)
            .field("lifetime", &self.descriptor.lifetime)
            .finish()
    }
}

impl ServiceCollection {
    /// An empty collection.
    ///
    /// # Examples
    ///
    /// ```
    /// let services = di_core::ServiceCollection::new();
    /// assert!(services.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of registrations.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u32));
    /// assert_eq!(services.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.descriptors.len()
    }

    /// Whether there are no registrations.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_core::ServiceCollection::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.descriptors.is_empty()
    }

    /// Whether `T` has at least one unkeyed registration.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton(|| Arc::new(5_u8));
    /// assert!(services.contains::<u8>());
    /// assert!(!services.contains::<u16>());
    /// ```
    pub fn contains<T: ?Sized + 'static>(&self) -> bool {
        self.position::<T>(None).is_some()
    }

    /// Registers a singleton: one instance per provider, created on first use.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Db;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton(|| Arc::new(Db));
    /// let provider = services.build()?;
    /// assert!(Arc::ptr_eq(&provider.get::<Db>()?, &provider.get::<Db>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_singleton<F, Args>(
        &mut self,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Singleton, None, factory)
    }

    /// Registers a scoped service: one instance per scope.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct UnitOfWork;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(UnitOfWork));
    /// let provider = services.build()?;
    /// let (a, b) = (provider.create_scope()?, provider.create_scope()?);
    /// assert!(!Arc::ptr_eq(&a.get::<UnitOfWork>()?, &b.get::<UnitOfWork>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_scoped<F, Args>(&mut self, factory: F) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Scoped, None, factory)
    }

    /// Registers a transient service: a new instance on every resolution.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Command;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_transient(|| Arc::new(Command));
    /// let provider = services.build()?;
    /// assert!(!Arc::ptr_eq(&provider.get::<Command>()?, &provider.get::<Command>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_transient<F, Args>(
        &mut self,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Transient, None, factory)
    }

    /// Registers a singleton with an `async` factory. It is created during
    /// [`build_async`](ServiceCollection::build_async), in dependency order, so resolving it
    /// stays synchronous.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Pool { size: u32 }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton_async(|| async { Ok::<_, std::io::Error>(Arc::new(Pool { size: 4 })) });
    /// let provider = services.build_async().await?;
    /// assert_eq!(provider.get::<Pool>()?.size, 4);
    /// # Ok(()) }
    /// ```
    pub fn add_singleton_async<F, Args>(
        &mut self,
        factory: F,
    ) -> ServiceRegistration<'_, AsyncServiceOf<F, Args>>
    where
        F: AsyncFactory<Args>,
        Args: Dependency,
    {
        let factory = Arc::new(AsyncSingletonFactory::new(factory));
        let registration =
            self.push::<AsyncServiceOf<F, Args>>(ServiceLifetime::Singleton, None, factory);
        registration.descriptor.is_async = true;
        registration.descriptor.implementation = TypeId::of::<F>();
        registration.descriptor.implementation_name = type_name::<F>();
        registration
    }

    /// Registers a ready-made instance as a singleton. The container never disposes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let config = Arc::new(String::from("settings"));
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(config.clone());
    /// assert!(Arc::ptr_eq(&services.build()?.get::<String>()?, &config));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_instance<S: ?Sized + Send + Sync + 'static>(&mut self, instance: Arc<S>) {
        self.push_instance(None, instance);
    }

    /// Registers `T` through its [`Injectable`] constructor with the given lifetime. If `T`
    /// implements [`AsyncDispose`] and derives `Injectable` (or returns a
    /// [`disposer`](Injectable::disposer)), the registration is disposable without
    /// [`disposable`](ServiceRegistration::disposable).
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{Injectable, ServiceLifetime};
    ///
    /// struct Worker;
    /// impl Injectable for Worker {
    ///     type Dependencies = ();
    ///     fn inject((): ()) -> Self { Worker }
    /// }
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_injectable::<Worker>(ServiceLifetime::Singleton);
    /// assert!(services.build()?.get::<Worker>().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_injectable<T: Injectable>(
        &mut self,
        lifetime: ServiceLifetime,
    ) -> ServiceRegistration<'_, T> {
        let registration = self.push_factory(lifetime, None, |deps: T::Dependencies| {
            Arc::new(T::inject(deps))
        });
        registration.descriptor.dispose = T::disposer().map(|disposer| disposer.dispose);
        registration
    }

    pub(super) fn position<T: ?Sized + 'static>(&self, key: Option<&ServiceKey>) -> Option<usize> {
        let type_id = TypeId::of::<T>();
        self.descriptors
            .iter()
            .position(|d| d.type_id == type_id && d.key.as_ref() == key)
    }

    pub(super) fn try_push_factory<F, Args>(
        &mut self,
        lifetime: ServiceLifetime,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        if self.contains::<ServiceOf<F, Args>>() {
            return None;
        }
        Some(self.push_factory(lifetime, None, factory))
    }

    pub(super) fn push_factory<F, Args>(
        &mut self,
        lifetime: ServiceLifetime,
        key: Option<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        let registration =
            self.push::<ServiceOf<F, Args>>(lifetime, key, Arc::new(SyncFactory::new(factory)));
        registration.descriptor.implementation = TypeId::of::<F>();
        registration.descriptor.implementation_name = type_name::<F>();
        registration
    }

    pub(super) fn push_instance<S: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: Option<ServiceKey>,
        instance: Arc<S>,
    ) {
        let registration = self.push::<S>(
            ServiceLifetime::Singleton,
            key,
            Arc::new(InstanceFactory(instance)),
        );
        registration.descriptor.is_instance = true;
    }

    /// Adds a descriptor built elsewhere (an owned transient's) and returns its handle.
    pub(super) fn push_descriptor<S: ?Sized>(
        &mut self,
        descriptor: Descriptor,
    ) -> ServiceRegistration<'_, S> {
        self.descriptors.push(descriptor);
        let index = self.descriptors.len() - 1;
        ServiceRegistration {
            descriptor: &mut self.descriptors[index],
            service: PhantomData,
        }
    }

    fn push<S: ?Sized + 'static>(
        &mut self,
        lifetime: ServiceLifetime,
        key: Option<ServiceKey>,
        factory: Arc<dyn ErasedFactory>,
    ) -> ServiceRegistration<'_, S> {
        self.descriptors.push(Descriptor {
            type_id: TypeId::of::<S>(),
            service: type_name::<S>(),
            key,
            lifetime,
            is_async: false,
            is_instance: false,
            dispose: None,
            factory,
            implementation: TypeId::of::<S>(),
            implementation_name: type_name::<S>(),
        });
        let index = self.descriptors.len() - 1;
        ServiceRegistration {
            descriptor: &mut self.descriptors[index],
            service: PhantomData,
        }
    }
}

impl fmt::Debug for ServiceCollection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.descriptors
                    .iter()
                    .map(|d| (d.lifetime, d.service, &d.key)),
            )
            .finish()
    }
}
