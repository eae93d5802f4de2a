//! Keyed registrations: several registrations of one type told apart by a [`ServiceKey`].

use std::sync::Arc;

use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::registration::collection::{ServiceCollection, ServiceOf, ServiceRegistration};
use crate::registration::factory::Factory;

impl ServiceCollection {
    /// Registers a keyed singleton. See [`ServiceProvider::get_keyed`](crate::ServiceProvider::get_keyed).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Db(&'static str);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_singleton("eu", || Arc::new(Db("eu")));
    /// let provider = services.build()?;
    /// assert_eq!(provider.get_keyed::<Db>("eu")?.0, "eu");
    /// assert!(provider.get::<Db>().is_err(), "keyed never falls back to unkeyed, or back");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_singleton<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Singleton, Some(key.into()), factory)
    }

    /// Registers a keyed scoped service.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Session;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_scoped("admin", || Arc::new(Session));
    /// let scope = services.build()?.create_scope()?;
    /// assert!(Arc::ptr_eq(&scope.get_keyed::<Session>("admin")?, &scope.get_keyed::<Session>("admin")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_scoped<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Scoped, Some(key.into()), factory)
    }

    /// Registers a keyed transient service.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Report(&'static str);
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_transient("pdf", || Arc::new(Report("pdf")));
    /// assert_eq!(services.build()?.get_keyed::<Report>("pdf")?.0, "pdf");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_transient<F, Args>(
        &mut self,
        key: impl Into<ServiceKey>,
        factory: F,
    ) -> ServiceRegistration<'_, ServiceOf<F, Args>>
    where
        F: Factory<Args>,
        Args: Dependency,
    {
        self.push_factory(ServiceLifetime::Transient, Some(key.into()), factory)
    }

    /// Registers a ready-made instance under a key. The container never disposes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("greeting", Arc::new(String::from("hi")));
    /// assert_eq!(*services.build()?.get_keyed::<String>("greeting")?, "hi");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_keyed_instance<S: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: impl Into<ServiceKey>,
        instance: Arc<S>,
    ) {
        self.push_instance(Some(key.into()), instance);
    }
}
