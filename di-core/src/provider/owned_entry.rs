//! The public entry points of owned transients on [`ServiceProvider`] and [`Scope`].

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::provider::scope::Scope;
use crate::provider::service_provider::ServiceProvider;

macro_rules! owned_methods {
    ($owner:literal, $build:literal) => {
        /// Creates a new value of the last owned transient registration of `T` (see
        /// [`add_owned`](crate::ServiceCollection::add_owned)) and hands it over: the caller
        /// owns it, the container does not keep or dispose it.
        ///
        /// # Errors
        ///
        /// [`ResolveError::NotRegistered`] (naming `Owned<T>`) if `T` has no owned
        /// registration; [`ResolveError::ScopedFromRoot`] if it needs a scoped service and
        /// this is the root provider; [`ResolveError::Factory`] if a factory failed;
        #[doc = concat!("[`ResolveError::Disposed`] once this ", $owner, " is disposed.")]
        ///
        /// # Examples
        ///
        /// ```
        /// struct Buffer(Vec<u8>);
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_owned(|| Buffer(Vec::new()));
        #[doc = $build]
        /// let mut first: Buffer = owner.get_owned()?;
        /// first.0.push(1);
        /// assert!(owner.get_owned::<Buffer>()?.0.is_empty(), "a new value each time");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[inline]
        pub fn get_owned<T: Send + 'static>(&self) -> Result<T, ResolveError> {
            self.resolver().get_owned::<T>()
        }

        /// As [`get_owned`](Self::get_owned), but `None` when `T` has no owned registration.
        ///
        /// # Errors
        ///
        /// As [`get_owned`](Self::get_owned), except for a missing registration.
        ///
        /// # Examples
        ///
        /// ```
        /// struct Buffer;
        /// let services = di_core::ServiceCollection::new();
        #[doc = $build]
        /// assert!(owner.try_get_owned::<Buffer>()?.is_none());
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn try_get_owned<T: Send + 'static>(&self) -> Result<Option<T>, ResolveError> {
            self.resolver().try_get_owned::<T>()
        }

        /// Creates a new value of the last owned transient registered under `key` (see
        /// [`add_keyed_owned`](crate::ServiceCollection::add_keyed_owned)). Keyed lookups never
        /// fall back to unkeyed registrations.
        ///
        /// # Errors
        ///
        /// [`ResolveError::KeyedNotRegistered`] if `T` has no owned registration under `key`;
        /// otherwise as [`get_owned`](Self::get_owned).
        ///
        /// # Examples
        ///
        /// ```
        /// struct Buffer(&'static str);
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_keyed_owned("csv", || Buffer("csv"));
        #[doc = $build]
        /// assert_eq!(owner.get_owned_keyed::<Buffer>("csv")?.0, "csv");
        /// assert!(owner.get_owned_keyed::<Buffer>("pdf").is_err());
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn get_owned_keyed<T: Send + 'static>(
            &self,
            key: impl Into<ServiceKey>,
        ) -> Result<T, ResolveError> {
            self.resolver().get_owned_keyed::<T>(&key.into())
        }
    };
}

impl ServiceProvider {
    owned_methods!("provider", "let owner = services.build()?;");
}

impl Scope {
    owned_methods!("scope", "let owner = services.build()?.create_scope()?;");
}
