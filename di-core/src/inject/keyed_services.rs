//! [`KeyedServices<T>`]: keyed registrations of `T` looked up by a key known only at run time.

use std::any::type_name;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::plan::Planner;
use crate::provider::{OwnerHandle, Resolver};

/// A dependency that resolves keyed registrations of `T` by a key decided at run time (a
/// tenant, a name from configuration), from the scope that created its holder.
///
/// The keys cannot be checked at build, but lifetimes can: a singleton holding a
/// `KeyedServices<T>` while some keyed registration of `T` is scoped is a captive dependency.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{KeyedServices, ServiceCollection, ServiceKey};
///
/// struct Db { name: String }
/// struct Reports { dbs: KeyedServices<Db> }
///
/// let mut services = ServiceCollection::new();
/// services.add_keyed_singleton(ServiceKey::any(), |key: ServiceKey| Arc::new(Db { name: key.to_string() }));
/// services.add_singleton(|dbs: KeyedServices<Db>| Arc::new(Reports { dbs }));
/// let provider = services.build()?;
/// let reports = provider.get::<Reports>()?;
/// let configured = String::from("eu-reports");
/// assert_eq!(reports.dbs.get(configured)?.name, "eu-reports");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct KeyedServices<T: ?Sized> {
    owner: OwnerHandle,
    service: PhantomData<fn() -> Arc<T>>,
}

impl<T: ?Sized + Send + Sync + 'static> KeyedServices<T> {
    /// Resolves the registration of `T` under `key` (or the catch-all's instance for it).
    ///
    /// # Errors
    ///
    /// As [`Scope::get_keyed`](crate::Scope::get_keyed); [`ResolveError::Disposed`] or
    /// [`ResolveError::ProviderDropped`] if the owner is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{KeyedServices, ServiceCollection};
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u8));
    /// services.add_singleton(|all: KeyedServices<u8>| Arc::new(all));
    /// let provider = services.build()?;
    /// let lookup = provider.get::<KeyedServices<u8>>()?;
    /// assert_eq!(*lookup.get("a")?, 1);
    /// assert!(lookup.get("b").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, key: impl Into<ServiceKey>) -> Result<Arc<T>, ResolveError> {
        let key = key.into();
        self.owner
            .with(type_name::<T>(), |resolver| resolver.get_keyed::<T>(&key))
    }

    /// Resolves every registration of `T` under `key`, then the catch-all's instance for it.
    ///
    /// # Errors
    ///
    /// As [`get`](KeyedServices::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{KeyedServices, ServiceCollection};
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u8));
    /// services.add_keyed_instance("a", Arc::new(2_u8));
    /// services.add_singleton(|all: KeyedServices<u8>| Arc::new(all));
    /// let provider = services.build()?;
    /// let lookup = provider.get::<KeyedServices<u8>>()?;
    /// assert_eq!(lookup.get_all("a")?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_all(&self, key: impl Into<ServiceKey>) -> Result<Vec<Arc<T>>, ResolveError> {
        let key = key.into();
        self.owner.with(type_name::<T>(), |resolver| {
            resolver.get_all_keyed::<T>(&key)
        })
    }
}

impl<T: ?Sized> Clone for KeyedServices<T> {
    fn clone(&self) -> Self {
        Self {
            owner: self.owner.clone(),
            service: PhantomData,
        }
    }
}

impl<T: ?Sized> fmt::Debug for KeyedServices<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedServices")
            .field("service", &type_name::<T>())
            .field("in_scope", &self.owner.is_scope())
            .finish()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for KeyedServices<T> {
    type State = ();

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.deferred_keyed::<T>();
    }

    fn resolve(_state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self {
            owner: resolver.owner_handle(),
            service: PhantomData,
        })
    }
}
