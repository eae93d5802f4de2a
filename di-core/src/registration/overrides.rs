//! Conditional registration and removal, so libraries can provide defaults and tests can
//! override them.

use std::any::TypeId;
use std::sync::Arc;

use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::registration::collection::{ServiceCollection, ServiceOf, ServiceRegistration};
use crate::registration::factory::Factory;

impl ServiceCollection {
    /// Registers a singleton only if the service type has no unkeyed registration yet; returns
    /// `None` when it already had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Clock(&'static str);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton(|| Arc::new(Clock("test")));
    /// assert!(services.try_add_singleton(|| Arc::new(Clock("system"))).is_none());
    /// assert_eq!(services.build()?.get::<Clock>()?.0, "test");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_add_singleton<F, Args>(
        &mut self,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_factory(ServiceLifetime::Singleton, factory)
    }

    /// Registers a scoped service only if the service type has no unkeyed registration yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Session;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_scoped(|| Arc::new(Session)).is_some());
    /// assert!(services.try_add_scoped(|| Arc::new(Session)).is_none());
    /// assert_eq!(services.len(), 1);
    /// ```
    pub fn try_add_scoped<F, Args>(
        &mut self,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_factory(ServiceLifetime::Scoped, factory)
    }

    /// Registers a transient service only if the service type has no unkeyed registration yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Id;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_transient(|| Arc::new(Id)).is_some());
    /// assert!(services.try_add_transient(|| Arc::new(Id)).is_none());
    /// ```
    pub fn try_add_transient<F, Args>(
        &mut self,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_factory(ServiceLifetime::Transient, factory)
    }

    /// Registers an instance only if the service type has no unkeyed registration yet; returns
    /// whether it was added.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_instance(Arc::new(1_u32)));
    /// assert!(!services.try_add_instance(Arc::new(2_u32)));
    /// ```
    pub fn try_add_instance<S: ?Sized + Send + Sync + 'static>(
        &mut self,
        instance: Arc<S>,
    ) -> bool {
        if self.contains::<S>() {
            return false;
        }
        self.push_instance(None, instance);
        true
    }

    /// Removes every unkeyed registration of `T` and returns how many there were.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u32));
    /// services.add_instance(Arc::new(2_u32));
    /// assert_eq!(services.remove_all::<u32>(), 2);
    /// assert!(services.is_empty());
    /// ```
    pub fn remove_all<T: ?Sized + 'static>(&mut self) -> usize {
        self.remove_where(TypeId::of::<T>(), None)
    }

    /// Removes every registration of `T` under `key` and returns how many there were.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u32));
    /// services.add_keyed_instance("b", Arc::new(2_u32));
    /// assert_eq!(services.remove_all_keyed::<u32>("a"), 1);
    /// assert_eq!(services.len(), 1);
    /// ```
    pub fn remove_all_keyed<T: ?Sized + 'static>(&mut self, key: impl Into<ServiceKey>) -> usize {
        self.remove_where(TypeId::of::<T>(), Some(key.into()))
    }

    fn remove_where(&mut self, type_id: TypeId, key: Option<ServiceKey>) -> usize {
        let before = self.descriptors.len();
        self.descriptors
            .retain(|d| !(d.type_id == type_id && d.key == key));
        before - self.descriptors.len()
    }
}
