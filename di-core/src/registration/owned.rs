//! Owned transients: registrations whose every resolution is a new value `T`, handed over by
//! value ([`Owned<T>`](crate::Owned), [`ServiceProvider::get_owned`](crate::ServiceProvider::get_owned))
//! instead of behind an `Arc`.
//!
//! They are nodes of the build-time graph like every registration (validated with the lifetime
//! `Transient`), but the container never keeps or disposes their values: the consumer owns
//! them. An owned value that implements [`AsyncDispose`](crate::AsyncDispose) is disposed by
//! its owner, if at all.

use std::any::{TypeId, type_name};
use std::sync::Arc;

use crate::error::BoxError;
use crate::inject::{Dependency, Injectable, Owned};
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::Descriptor;
use crate::provider::OwnedService;
use crate::registration::collection::{ServiceCollection, ServiceRegistration};
use crate::registration::owned_erase::{
    Conversion, Fallible, Infallible, OwnedErasedFactory, ValueOf,
};
use crate::registration::owned_factory::OwnedFactory;

impl ServiceCollection {
    /// Registers an owned transient: a new `T` on every resolution, moved into its consumer —
    /// no reference count, mutable by its owner. `T` may be a `Box<dyn Trait>`.
    ///
    /// Consumers take it as [`Owned<T>`](crate::Owned); it is resolved with
    /// [`get_owned`](crate::ServiceProvider::get_owned). It is a separate registration from a
    /// shared `add_transient` of the same type: `get::<T>()` does not find it. The container
    /// never keeps or disposes the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::ServiceCollection;
    ///
    /// trait Greeter: Send { fn greet(&mut self) -> String; }
    /// struct Counting { greeted: u32 }
    /// impl Greeter for Counting {
    ///     fn greet(&mut self) -> String { self.greeted += 1; format!("hello #{}", self.greeted) }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_owned(|| -> Box<dyn Greeter> { Box::new(Counting { greeted: 0 }) });
    /// let provider = services.build()?;
    /// let mut greeter = provider.get_owned::<Box<dyn Greeter>>()?;
    /// assert_eq!(greeter.greet(), "hello #1");
    /// assert_eq!(greeter.greet(), "hello #2");
    /// assert_eq!(provider.get_owned::<Box<dyn Greeter>>()?.greet(), "hello #1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_owned<F, Args>(&mut self, factory: F) -> ServiceRegistration<'_, Owned<F::Output>>
    where
        F: OwnedFactory<Args>,
        F::Output: Send + 'static,
        Args: Dependency,
    {
        self.push_owned::<F, Args, Infallible>(None, factory)
    }

    /// Registers an owned transient whose factory can fail: it returns `Result<T, E>` and an
    /// error fails the resolution with [`ResolveError::Factory`](crate::ResolveError::Factory).
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{ResolveError, ServiceCollection};
    ///
    /// struct Port(u16);
    /// let mut services = ServiceCollection::new();
    /// services.add_owned_fallible(|| "80x".parse::<u16>().map(Port));
    /// let error = services.build()?.get_owned::<Port>().err();
    /// assert!(matches!(error, Some(ResolveError::Factory { .. })));
    /// # let _ = Port(0).0;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_owned_fallible<F, Args, T, E>(
        &mut self,
        factory: F,
    ) -> ServiceRegistration<'_, Owned<T>>
    where
        F: OwnedFactory<Args, Output = Result<T, E>>,
        T: Send + 'static,
        E: Into<BoxError> + 'static,
        Args: Dependency,
    {
        self.push_owned::<F, Args, Fallible>(None, factory)
    }

    /// Registers an owned transient under a key: resolved with
    /// [`get_owned_keyed`](crate::ServiceProvider::get_owned_keyed), injected as
    /// [`OwnedKeyed<T, K>`](crate::OwnedKeyed). The catch-all key
    /// [`ServiceKey::any`] is not supported for owned transients: such a registration is never
    /// found.
    ///
    /// # Examples
    ///
    /// ```
    /// struct Buffer(Vec<u8>);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_owned("small", || Buffer(Vec::with_capacity(16)));
    /// services.add_keyed_owned("large", || Buffer(Vec::with_capacity(4096)));
    /// let provider = services.build()?;
    /// assert!(provider.get_owned_keyed::<Buffer>("large")?.0.capacity() >= 4096);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_owned<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, Owned<F::Output>>
    where
        F: OwnedFactory<Args>,
        F::Output: Send + 'static,
        Args: Dependency,
    {
        self.push_owned::<F, Args, Infallible>(Some(key.into()), factory)
    }

    /// Registers a keyed owned transient whose factory returns `Result<T, E>`.
    ///
    /// # Examples
    ///
    /// ```
    /// struct Port(u16);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_owned_fallible("http", || "80".parse::<u16>().map(Port));
    /// assert_eq!(services.build()?.get_owned_keyed::<Port>("http")?.0, 80);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_owned_fallible<F, Args, T, E>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, Owned<T>>
    where
        F: OwnedFactory<Args, Output = Result<T, E>>,
        T: Send + 'static,
        E: Into<BoxError> + 'static,
        Args: Dependency,
    {
        self.push_owned::<F, Args, Fallible>(Some(key.into()), factory)
    }

    /// Registers `T` as an owned transient built by its [`Injectable`] constructor (for
    /// example `#[derive(Injectable)]`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{Injectable, ServiceCollection};
    ///
    /// struct Db;
    /// struct Query { db: Arc<Db>, sql: String }
    /// impl Injectable for Query {
    ///     type Dependencies = (Arc<Db>,);
    ///     fn inject((db,): (Arc<Db>,)) -> Self { Query { db, sql: String::new() } }
    /// }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_singleton(|| Arc::new(Db));
    /// services.add_owned_injectable::<Query>();
    /// let mut query: Query = services.build()?.get_owned()?;
    /// query.sql.push_str("select 1");
    /// # let _ = &query.db;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_owned_injectable<T: Injectable>(&mut self) -> ServiceRegistration<'_, Owned<T>> {
        self.add_owned(|dependencies: T::Dependencies| T::inject(dependencies))
    }

    fn push_owned<F, Args, C>(
        &mut self,
        key: Option<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, Owned<ValueOf<F, Args, C>>>
    where
        F: OwnedFactory<Args>,
        Args: Dependency,
        C: Conversion<F::Output>,
    {
        self.push_descriptor(Descriptor {
            type_id: TypeId::of::<OwnedService<ValueOf<F, Args, C>>>(),
            service: type_name::<ValueOf<F, Args, C>>(),
            key,
            lifetime: ServiceLifetime::Transient,
            is_async: false,
            is_instance: false,
            // The consumer owns the value: the container never disposes it.
            dispose: None,
            factory: Arc::new(OwnedErasedFactory::<F, Args, C>::new(factory)),
            implementation: TypeId::of::<F>(),
            implementation_name: type_name::<F>(),
        })
    }
}
