//! [`Scope`]: a unit of work that owns its scoped services.

use std::fmt;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::provider::resolver::Resolver;
use crate::provider::scope_factory::ScopeFactory;
use crate::provider::service_provider::ProviderInner;
use crate::provider::storage::{Owner, Slots};

/// A scope's state, shared by its clones.
pub(crate) struct ScopeState {
    /// Declared before `provider` so that it drops first: a scope's instances are released
    /// before the singletons of a provider it was the last to keep alive.
    pub(crate) slots: Slots,
    pub(crate) provider: Arc<ProviderInner>,
}

/// A unit of work (a request, a job): scoped services resolved through it are created once per
/// scope and disposed with it; singletons come from the provider.
///
/// Cheap to clone (one `Arc`), `Send + Sync + 'static`. A scope keeps its provider alive.
/// Dropping the last clone releases its instances in reverse creation order;
/// [`dispose`](Scope::dispose) also runs their async disposal.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// struct Db;
/// struct UnitOfWork;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_scoped(|| Arc::new(UnitOfWork));
/// let provider = services.build()?;
/// let (first, second) = (provider.create_scope(), provider.create_scope());
/// assert!(Arc::ptr_eq(&first.get::<Db>()?, &second.get::<Db>()?));
/// assert!(!Arc::ptr_eq(&first.get::<UnitOfWork>()?, &second.get::<UnitOfWork>()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Scope {
    state: Arc<ScopeState>,
}

impl Scope {
    pub(crate) fn new(provider: Arc<ProviderInner>) -> Self {
        let slots = Slots::new(provider.scoped_slots, Owner::Scope);
        Self {
            state: Arc::new(ScopeState { provider, slots }),
        }
    }

    pub(super) fn resolver(&self) -> Resolver<'_> {
        Resolver::scoped(&self.state.provider, &self.state)
    }

    /// Resolves the last registration of `T` within this scope.
    ///
    /// # Errors
    ///
    /// [`ResolveError::NotRegistered`]; [`ResolveError::Factory`] if a factory failed;
    /// [`ResolveError::Disposed`] once [`dispose`](Scope::dispose) (or the provider's) began,
    /// also when it began while a factory of this resolution was running.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(String::from("request")));
    /// assert_eq!(*services.build()?.create_scope().get::<String>()?, "request");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, ResolveError> {
        self.resolver().get::<T>()
    }

    /// Resolves every registration of `T` within this scope, in registration order.
    ///
    /// # Errors
    ///
    /// As [`get`](Scope::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(1_u8));
    /// services.add_scoped(|| Arc::new(2_u8));
    /// assert_eq!(services.build()?.create_scope().get_all::<u8>()?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_all<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Vec<Arc<T>>, ResolveError> {
        self.resolver().get_all::<T>()
    }

    /// Resolves the last registration of `T` under `key` within this scope.
    ///
    /// # Errors
    ///
    /// As [`get`](Scope::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_scoped("k", || Arc::new(1_u8));
    /// assert_eq!(*services.build()?.create_scope().get_keyed::<u8>("k")?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: impl Into<ServiceKey>,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolver().get_keyed::<T>(&key.into())
    }

    /// Resolves every registration of `T` under `key` within this scope.
    ///
    /// # Errors
    ///
    /// As [`get`](Scope::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_scoped("k", || Arc::new(1_u8));
    /// assert_eq!(services.build()?.create_scope().get_all_keyed::<u8>("k")?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_all_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: impl Into<ServiceKey>,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        self.resolver().get_all_keyed::<T>(&key.into())
    }

    /// Resolves the last registration of `T` like [`get`](Scope::get), or returns
    /// `None` when `T` has no (unkeyed) registration.
    ///
    /// # Errors
    ///
    /// As [`get`](Scope::get), except that "not registered" is `Ok(None)`: a factory
    /// that fails, or a disposed scope or provider are still errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Metrics;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(7_u32));
    /// let scope = services.build()?.create_scope();
    /// assert_eq!(scope.try_get::<u32>()?.as_deref(), Some(&7));
    /// assert!(scope.try_get::<Metrics>()?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_get<T: ?Sized + Send + Sync + 'static>(
        &self,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.resolver().try_get::<T>()
    }

    /// Resolves the last registration of `T` under `key` like
    /// [`get_keyed`](Scope::get_keyed), or returns `None` when there is none.
    ///
    /// # Errors
    ///
    /// As [`try_get`](Scope::try_get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u32));
    /// let scope = services.build()?.create_scope();
    /// assert_eq!(scope.try_get_keyed::<u32>("a")?.as_deref(), Some(&1));
    /// assert!(scope.try_get_keyed::<u32>("b")?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_get_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: impl Into<ServiceKey>,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.resolver().try_get_keyed::<T>(&key.into())
    }

    /// Whether `T` has an unkeyed registration, without resolving it (so without running a
    /// factory).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Request;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Request));
    /// services.add_keyed_instance("k", Arc::new(1_u8));
    /// let scope = services.build()?.create_scope();
    /// assert!(scope.is_service::<Request>());
    /// assert!(!scope.is_service::<u8>(), "keyed registrations do not count");
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
    /// let scope = services.build()?.create_scope();
    /// assert!(scope.is_keyed_service::<u8>("k"));
    /// assert!(!scope.is_keyed_service::<u8>("other"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_keyed_service<T: ?Sized + 'static>(&self, key: impl Into<ServiceKey>) -> bool {
        self.resolver().is_keyed_service::<T>(&key.into())
    }

    /// A scope factory for the provider this scope belongs to; the scopes it makes are
    /// siblings of this one, not children.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let sibling = provider.create_scope().scope_factory().create_scope();
    /// assert!(sibling.is_ok());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn scope_factory(&self) -> ScopeFactory {
        self.resolver().scope_factory()
    }

    /// Disposes what this scope created, newest first, each instance once. Resolving from the
    /// scope afterwards is an error.
    ///
    /// Cancellation-safe: if the returned future is dropped midway (a shutdown deadline), a
    /// later call disposes what is left; the `dispose` that was interrupted is not restarted.
    /// A call made while another is running (or from inside a service's own `dispose`) returns
    /// at once without waiting for it.
    ///
    /// A resolution whose factory was still running when disposal began does not hand its
    /// instance out: the instance is disposed at once (by the disposal that is running, or by
    /// the resolving thread if none is) and the resolution fails with
    /// [`ResolveError::Disposed`](crate::ResolveError::Disposed).
    ///
    /// # Panics
    ///
    /// Resumes the first panic of a service's [`AsyncDispose::dispose`](crate::AsyncDispose),
    /// after every other service was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(1_u8));
    /// let scope = services.build()?.create_scope();
    /// scope.dispose().await;
    /// assert!(scope.get::<u8>().is_err());
    /// # Ok(()) }
    /// ```
    pub async fn dispose(&self) {
        self.state.slots.dispose_all().await;
    }

    /// Disposes the scope at once, without awaiting, when nothing it created has an async
    /// [`AsyncDispose::dispose`](crate::AsyncDispose) to run; returns `false` (and leaves the
    /// scope as it is) otherwise, so the caller can `dispose().await` instead. Lets a caller
    /// that must not block (a `Drop`, a response body) skip spawning a task for the common case.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(1_u8));
    /// let scope = services.build()?.create_scope();
    /// scope.get::<u8>()?;
    /// assert!(scope.try_dispose_now());
    /// assert!(scope.is_disposed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_dispose_now(&self) -> bool {
        self.state.slots.close_unless_disposables()
    }

    /// Whether [`dispose`](Scope::dispose) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let scope = di_core::ServiceCollection::new().build()?.create_scope();
    /// assert!(!scope.is_disposed());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.state.slots.is_closed()
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("disposed", &self.is_disposed())
            .finish_non_exhaustive()
    }
}
