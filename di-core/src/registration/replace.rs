//! Replacing registrations (test overrides) and de-duplicated additions to resolve-all lists and
//! keyed registrations.

use std::any::TypeId;
use std::sync::Arc;

use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::registration::collection::{ServiceCollection, ServiceOf, ServiceRegistration};
use crate::registration::factory::Factory;

impl ServiceCollection {
    /// Removes the last unkeyed registration of the factory's service type (if any) and adds
    /// this one with `lifetime`: the way a test overrides what the application registered.
    /// Earlier registrations of the type, and keyed ones, stay; the new registration is the one
    /// single resolution returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{ServiceCollection, ServiceLifetime};
    ///
    /// trait Clock: Send + Sync { fn now(&self) -> u64; }
    /// struct System;
    /// impl Clock for System { fn now(&self) -> u64 { 1_700_000_000 } }
    /// struct Frozen;
    /// impl Clock for Frozen { fn now(&self) -> u64 { 0 } }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_singleton(|| -> Arc<dyn Clock> { Arc::new(System) });
    /// services.replace(ServiceLifetime::Singleton, || -> Arc<dyn Clock> { Arc::new(Frozen) });
    /// assert_eq!(services.len(), 1);
    /// assert_eq!(services.build()?.get::<dyn Clock>()?.now(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace<F, Args>(
        &mut self,
        lifetime: ServiceLifetime,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.remove_last(TypeId::of::<ServiceOf<F, Args>>(), None);
        self.push_factory(lifetime, None, factory)
    }

    /// Removes the last registration of the factory's service type under `key` (if any) and
    /// adds this one under `key` with `lifetime`: [`replace`](Self::replace) for a keyed
    /// registration. Other keys, unkeyed registrations and earlier registrations under `key`
    /// stay.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{ServiceCollection, ServiceLifetime};
    ///
    /// struct Db(&'static str);
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_singleton("reports", || Arc::new(Db("postgres")));
    /// services.add_keyed_singleton("billing", || Arc::new(Db("postgres")));
    /// services.replace_keyed("reports", ServiceLifetime::Singleton, || Arc::new(Db("sqlite")));
    /// let provider = services.build()?;
    /// assert_eq!(provider.get_keyed::<Db>("reports")?.0, "sqlite");
    /// assert_eq!(provider.get_keyed::<Db>("billing")?.0, "postgres");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_keyed<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        lifetime: ServiceLifetime,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        let key = key.into();
        self.remove_last(TypeId::of::<ServiceOf<F, Args>>(), Some(&key));
        self.push_factory(lifetime, Some(key), factory)
    }

    /// Removes the last unkeyed registration of `S` (if any) and registers `instance` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Settings { url: &'static str }
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(Settings { url: "postgres://prod" }));
    /// services.replace_instance(Arc::new(Settings { url: "sqlite::memory:" }));
    /// assert_eq!(services.build()?.get::<Settings>()?.url, "sqlite::memory:");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_instance<S: ?Sized + Send + Sync + 'static>(&mut self, instance: Arc<S>) {
        self.remove_last(TypeId::of::<S>(), None);
        self.push_instance(None, instance);
    }

    /// Removes the last registration of `S` under `key` (if any) and registers `instance`
    /// under `key` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("port", Arc::new(8080_u16));
    /// services.replace_keyed_instance("port", Arc::new(0_u16));
    /// assert_eq!(services.len(), 1);
    /// assert_eq!(*services.build()?.get_keyed::<u16>("port")?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_keyed_instance<S: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: impl Into<ServiceKey>,
        instance: Arc<S>,
    ) {
        let key = key.into();
        self.remove_last(TypeId::of::<S>(), Some(&key));
        self.push_instance(Some(key), instance);
    }

    /// Adds an unkeyed registration to the resolve-all list of its service type unless one with
    /// the same implementation is there already (.NET's `TryAddEnumerable`); returns `None`
    /// when it was.
    ///
    /// The implementation is the factory's own type: a function such as `SmtpSender::new` is
    /// the same implementation wherever it is passed, and a closure is the same implementation
    /// each time its expression runs — so a library's `add_my_library(&mut services)` called
    /// twice adds its plugin once. Two different closures are two implementations.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{ServiceCollection, ServiceLifetime};
    ///
    /// trait Plugin: Send + Sync {}
    /// struct Audit;
    /// impl Plugin for Audit {}
    /// fn audit() -> Arc<dyn Plugin> { Arc::new(Audit) }
    ///
    /// fn add_audit(services: &mut ServiceCollection) -> bool {
    ///     services.try_add_all(ServiceLifetime::Singleton, audit).is_some()
    /// }
    /// let mut services = ServiceCollection::new();
    /// assert!(add_audit(&mut services));
    /// assert!(!add_audit(&mut services), "the same implementation is added once");
    /// assert_eq!(services.build()?.get_all::<dyn Plugin>()?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_add_all<F, Args>(
        &mut self,
        lifetime: ServiceLifetime,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        let (service, implementation) = (TypeId::of::<ServiceOf<F, Args>>(), TypeId::of::<F>());
        if self
            .last_match(service, None, Some(implementation))
            .is_some()
        {
            return None;
        }
        Some(self.push_factory(lifetime, None, factory))
    }

    /// Registers a keyed singleton only if the service type has no registration under `key`
    /// yet; returns `None` when it had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Db(&'static str);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_singleton("reports", || Arc::new(Db("app")));
    /// assert!(services.try_add_keyed_singleton("reports", || Arc::new(Db("default"))).is_none());
    /// assert!(services.try_add_keyed_singleton("billing", || Arc::new(Db("default"))).is_some());
    /// assert_eq!(services.build()?.get_keyed::<Db>("reports")?.0, "app");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_add_keyed_singleton<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_keyed(key.into(), ServiceLifetime::Singleton, factory)
    }

    /// Registers a keyed scoped service only if the service type has no registration under
    /// `key` yet; returns `None` when it had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Session;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_keyed_scoped("admin", || Arc::new(Session)).is_some());
    /// assert!(services.try_add_keyed_scoped("admin", || Arc::new(Session)).is_none());
    /// assert_eq!(services.len(), 1);
    /// ```
    pub fn try_add_keyed_scoped<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_keyed(key.into(), ServiceLifetime::Scoped, factory)
    }

    /// Registers a keyed transient service only if the service type has no registration under
    /// `key` yet; returns `None` when it had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Report;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_keyed_transient("pdf", || Arc::new(Report)).is_some());
    /// assert!(services.try_add_keyed_transient("pdf", || Arc::new(Report)).is_none());
    /// ```
    pub fn try_add_keyed_transient<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.try_push_keyed(key.into(), ServiceLifetime::Transient, factory)
    }

    /// Registers a keyed instance only if the service type has no registration under `key` yet;
    /// returns whether it was added.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// assert!(services.try_add_keyed_instance("port", Arc::new(8080_u16)));
    /// assert!(!services.try_add_keyed_instance("port", Arc::new(80_u16)));
    /// assert_eq!(*services.build()?.get_keyed::<u16>("port")?, 8080);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_add_keyed_instance<S: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: impl Into<ServiceKey>,
        instance: Arc<S>,
    ) -> bool {
        let key = key.into();
        if self
            .last_match(TypeId::of::<S>(), Some(&key), None)
            .is_some()
        {
            return false;
        }
        self.push_instance(Some(key), instance);
        true
    }

    fn try_push_keyed<F, Args>(
        &mut self,
        key: ServiceKey,
        lifetime: ServiceLifetime,
        factory: F,
    ) -> Option<ServiceRegistration<'_, ServiceOf<F, Args>>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        let service = TypeId::of::<ServiceOf<F, Args>>();
        if self.last_match(service, Some(&key), None).is_some() {
            return None;
        }
        Some(self.push_factory(lifetime, Some(key), factory))
    }

    /// The search every replace and try-add does: the last registration of `service` under
    /// `key` (`None`: unkeyed), of the given implementation if one is given.
    fn last_match(
        &self,
        service: TypeId,
        key: Option<&ServiceKey>,
        implementation: Option<TypeId>,
    ) -> Option<usize> {
        self.descriptors.iter().rposition(|d| {
            d.type_id == service
                && d.key.as_ref() == key
                && implementation.is_none_or(|i| d.implementation == i)
        })
    }

    /// Removes the last registration of `service` under `key` (`None`: unkeyed), if any.
    fn remove_last(&mut self, service: TypeId, key: Option<&ServiceKey>) {
        if let Some(last) = self.last_match(service, key, None) {
            self.descriptors.remove(last);
        }
    }
}
