//! [`ServiceDescriptor`]: a read-only view of one registration, for diagnostics.

use std::any::TypeId;
use std::fmt;

use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::Descriptor;
use crate::registration::collection::ServiceCollection;

/// A read-only view of one registration of a [`ServiceCollection`]: what a diagnostics page or a
/// test prints about it.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{ServiceCollection, ServiceLifetime};
///
/// struct Db;
/// let mut services = ServiceCollection::new();
/// services.add_keyed_scoped("reports", || Arc::new(Db));
/// let only = services.descriptors().next().expect("one registration");
/// assert!(only.service_name().ends_with("::Db"));
/// assert_eq!(only.key().and_then(|k| k.as_str()), Some("reports"));
/// assert_eq!(only.lifetime(), ServiceLifetime::Scoped);
/// ```
#[derive(Clone, Copy)]
pub struct ServiceDescriptor<'a> {
    descriptor: &'a Descriptor,
}

impl<'a> ServiceDescriptor<'a> {
    /// The service type's name (or the name given with
    /// [`display_name`](crate::ServiceRegistration::display_name)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// assert_eq!(services.descriptors().next().map(|d| d.service_name()), Some("u8"));
    /// ```
    pub fn service_name(&self) -> &'static str {
        self.descriptor.service
    }

    /// The service type's id.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{any::TypeId, sync::Arc};
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// assert_eq!(services.descriptors().next().map(|d| d.service_type_id()), Some(TypeId::of::<u8>()));
    /// ```
    pub fn service_type_id(&self) -> TypeId {
        self.descriptor.type_id
    }

    /// The registration's key, for keyed registrations.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// assert!(services.descriptors().all(|d| d.key().is_none()));
    /// ```
    pub fn key(&self) -> Option<&'a ServiceKey> {
        self.descriptor.key.as_ref()
    }

    /// The registration's lifetime (instances are singletons).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_transient(|| Arc::new(1_u8));
    /// assert_eq!(services.descriptors().next().map(|d| d.lifetime()), Some(di_core::ServiceLifetime::Transient));
    /// ```
    pub fn lifetime(&self) -> ServiceLifetime {
        self.descriptor.lifetime
    }

    /// Whether it is a ready-made instance.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// assert!(services.descriptors().all(|d| d.is_instance()));
    /// ```
    pub fn is_instance(&self) -> bool {
        self.descriptor.is_instance
    }

    /// Whether the container disposes what this registration creates.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton(|| Arc::new(1_u8));
    /// assert!(services.descriptors().all(|d| !d.is_disposable()));
    /// ```
    pub fn is_disposable(&self) -> bool {
        self.descriptor.dispose.is_some()
    }

    /// The name of the implementation's type: the factory function's or closure's type, or the
    /// instance's type.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// fn make() -> Arc<u8> { Arc::new(1) }
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_singleton(make);
    /// assert!(services.descriptors().all(|d| d.implementation_name().ends_with("::make")));
    /// ```
    pub fn implementation_name(&self) -> &'static str {
        self.descriptor.implementation_name
    }
}

impl fmt::Debug for ServiceDescriptor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceDescriptor")
            .field("service", &self.service_name())
            .field("key", &self.key())
            .field("lifetime", &self.lifetime())
            .field("implementation", &self.implementation_name())
            .finish()
    }
}

impl ServiceCollection {
    /// Every registration, in registration order, read-only.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// services.add_keyed_instance("b", Arc::new(2_u16));
    /// let names: Vec<_> = services.descriptors().map(|d| d.service_name()).collect();
    /// assert_eq!(names, ["u8", "u16"]);
    /// ```
    pub fn descriptors(&self) -> impl ExactSizeIterator<Item = ServiceDescriptor<'_>> + '_ {
        self.descriptors
            .iter()
            .map(|descriptor| ServiceDescriptor { descriptor })
    }
}
