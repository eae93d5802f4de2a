//! The public lookups that [`ServiceProvider`](crate::ServiceProvider) and
//! [`Scope`](crate::Scope) share, written once: each is the type's `TypeId` lookup handed to its
//! [`Resolver`](crate::Resolver). The two differ only in the resolver they make (the root, or
//! the scope) and in how their documentation's examples obtain them.

/// Expands to the shared lookups inside `impl ServiceProvider` / `impl Scope`, which must have
/// a `fn resolver(&self) -> Resolver<'_>`.
///
/// - `$owner`: how the docs name the receiver ("provider", "scope");
/// - `$within`: where resolution happens ("from the root", "within this scope");
/// - `$make`: the expression an example uses to get one from `services`;
/// - `$get_errors`: the `# Errors` of `get`, which differ (only the root refuses scoped services).
macro_rules! entry_points {
    (
        owner: $owner:literal,
        within: $within:literal,
        make: $make:literal,
        get_errors: $get_errors:literal $(,)?
    ) => {
        /// Resolves the last registration of `T`
        #[doc = concat!($within, ".")]
        ///
        /// # Errors
        ///
        #[doc = $get_errors]
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_instance(Arc::new(7_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert_eq!(*", $owner, ".get::<u32>()?, 7);")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[inline]
        pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, ResolveError> {
            self.resolver().get::<T>()
        }

        /// Resolves every registration of `T`
        #[doc = concat!($within, ",")]
        /// in registration order; empty if there is none.
        ///
        /// # Errors
        ///
        /// As [`get`](Self::get), for any of the registrations.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_instance(Arc::new(1_u32));
        /// services.add_instance(Arc::new(2_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("let all: Vec<u32> = ", $owner, ".get_all::<u32>()?.iter().map(|v| **v).collect();")]
        /// assert_eq!(all, [1, 2]);
        #[doc = concat!("assert!(", $owner, ".get_all::<u8>()?.is_empty());")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn get_all<T: ?Sized + Send + Sync + 'static>(
            &self,
        ) -> Result<Vec<Arc<T>>, ResolveError> {
            self.resolver().get_all::<T>()
        }

        /// Resolves the last registration of `T` under `key`
        #[doc = concat!($within, ".")]
        /// Never falls back to unkeyed ones.
        ///
        /// # Errors
        ///
        /// As [`get`](Self::get).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_keyed_instance("a", Arc::new(1_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert_eq!(*", $owner, ".get_keyed::<u32>(\"a\")?, 1);")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn get_keyed<T: ?Sized + Send + Sync + 'static>(
            &self,
            key: impl Into<ServiceKey>,
        ) -> Result<Arc<T>, ResolveError> {
            self.resolver().get_keyed::<T>(&key.into())
        }

        /// Resolves every registration of `T` under `key`
        #[doc = concat!($within, ",")]
        /// in registration order.
        ///
        /// # Errors
        ///
        /// As [`get`](Self::get).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_keyed_instance("a", Arc::new(1_u32));
        /// services.add_keyed_instance("a", Arc::new(2_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert_eq!(", $owner, ".get_all_keyed::<u32>(\"a\")?.len(), 2);")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn get_all_keyed<T: ?Sized + Send + Sync + 'static>(
            &self,
            key: impl Into<ServiceKey>,
        ) -> Result<Vec<Arc<T>>, ResolveError> {
            self.resolver().get_all_keyed::<T>(&key.into())
        }

        /// Resolves the last registration of `T` like [`get`](Self::get), or returns `None`
        /// when `T` has no (unkeyed) registration.
        ///
        /// # Errors
        ///
        /// As [`get`](Self::get), except that "not registered" is `Ok(None)`: a factory that
        /// fails, a scoped service asked from the root, or a disposed scope or provider are
        /// still errors.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// struct Metrics;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_instance(Arc::new(7_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert_eq!(", $owner, ".try_get::<u32>()?.as_deref(), Some(&7));")]
        #[doc = concat!("assert!(", $owner, ".try_get::<Metrics>()?.is_none());")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn try_get<T: ?Sized + Send + Sync + 'static>(
            &self,
        ) -> Result<Option<Arc<T>>, ResolveError> {
            self.resolver().try_get::<T>()
        }

        /// Resolves the last registration of `T` under `key` like
        /// [`get_keyed`](Self::get_keyed), or returns `None` when there is none.
        ///
        /// # Errors
        ///
        /// As [`try_get`](Self::try_get).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_keyed_instance("a", Arc::new(1_u32));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert_eq!(", $owner, ".try_get_keyed::<u32>(\"a\")?.as_deref(), Some(&1));")]
        #[doc = concat!("assert!(", $owner, ".try_get_keyed::<u32>(\"b\")?.is_none());")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn try_get_keyed<T: ?Sized + Send + Sync + 'static>(
            &self,
            key: impl Into<ServiceKey>,
        ) -> Result<Option<Arc<T>>, ResolveError> {
            self.resolver().try_get_keyed::<T>(&key.into())
        }

        /// Whether `T` has an unkeyed registration, without resolving it (so without running a
        /// factory). Scoped services count, although they resolve only in a scope.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// struct Request;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_scoped(|| Arc::new(Request));
        /// services.add_keyed_instance("k", Arc::new(1_u8));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert!(", $owner, ".is_service::<Request>());")]
        #[doc = concat!("assert!(!", $owner, ".is_service::<u8>(), \"keyed registrations do not count\");")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn is_service<T: ?Sized + 'static>(&self) -> bool {
            self.resolver().is_service::<T>()
        }

        /// Whether `T` has a registration under `key`, without resolving it.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// let mut services = di_core::ServiceCollection::new();
        /// services.add_keyed_instance("k", Arc::new(1_u8));
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("assert!(", $owner, ".is_keyed_service::<u8>(\"k\"));")]
        #[doc = concat!("assert!(!", $owner, ".is_keyed_service::<u8>(\"other\"));")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn is_keyed_service<T: ?Sized + 'static>(&self, key: impl Into<ServiceKey>) -> bool {
            self.resolver().is_keyed_service::<T>(&key.into())
        }

        /// A scope factory for the provider, holding it weakly; the scopes it makes are flat
        /// siblings (of this scope too, when asked from a scope), not children.
        ///
        /// # Examples
        ///
        /// ```
        /// let services = di_core::ServiceCollection::new();
        #[doc = concat!("let ", $owner, " = ", $make, ";")]
        #[doc = concat!("let factory = ", $owner, ".scope_factory();")]
        /// assert!(factory.create_scope().is_ok());
        #[doc = concat!("drop(", $owner, ");")]
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn scope_factory(&self) -> ScopeFactory {
            self.resolver().scope_factory()
        }
    };
}

pub(crate) use entry_points;
