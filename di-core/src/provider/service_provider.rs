//! [`ServiceProvider`]: the root of resolution, owner of singletons.

use std::fmt;
use std::sync::{Arc, OnceLock, Weak};

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::plan::{ErasedSite, GraphSource, ServiceGraph, SiteCell};
use crate::provider::call_site::CallSite;
use crate::provider::index::ServiceIndex;
use crate::provider::resolver::Resolver;
use crate::provider::scope::Scope;
use crate::provider::scope_factory::ScopeFactory;
use crate::provider::storage::Slots;

/// What a built provider holds: frozen call sites, the index, and the singletons.
pub(crate) struct ProviderInner {
    /// Declared (so dropped) before `root`: the typed singleton caches in the sites let go
    /// first, and `root` releases the singletons newest first.
    pub(crate) sites: Box<[ErasedSite]>,
    /// The cells of `sites`, for planning types created on demand (`create_instance`).
    pub(crate) cells: Box<[SiteCell]>,
    pub(crate) index: ServiceIndex,
    pub(crate) root: Slots,
    pub(crate) scoped_slots: usize,
    pub(crate) graph: GraphSource,
    /// The picture of `graph`, drawn on first request.
    pub(crate) graph_picture: OnceLock<ServiceGraph>,
    /// Handed to scope factories, so that injecting one never keeps the provider alive.
    pub(crate) this: Weak<ProviderInner>,
}

impl ProviderInner {
    /// The call site at `index`, which the planner guarantees provides `T`.
    #[inline]
    pub(crate) fn site<T: ?Sized + 'static>(&self, index: usize) -> &CallSite<T> {
        match self.sites[index].downcast_ref::<CallSite<T>>() {
            Some(site) => site,
            None => unreachable!(
                "call site {index} provides `{}`",
                std::any::type_name::<T>()
            ),
        }
    }
}

/// A built, validated container: resolves services and creates scopes.
///
/// Cheap to clone (one `Arc`), `Send + Sync + 'static`. Singletons live as long as the provider;
/// dropping the last clone (and the last scope) drops them in reverse creation order;
/// [`dispose`](ServiceProvider::dispose) also runs their async disposal.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::ServiceCollection;
///
/// struct Counter;
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Counter));
/// let provider = services.build()?;
/// let same = provider.clone();
/// assert!(Arc::ptr_eq(&provider.get::<Counter>()?, &same.get::<Counter>()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ServiceProvider {
    inner: Arc<ProviderInner>,
}

impl ServiceProvider {
    pub(crate) fn from_inner(inner: Arc<ProviderInner>) -> Self {
        Self { inner }
    }

    pub(crate) fn inner(&self) -> &ProviderInner {
        &self.inner
    }

    pub(super) fn resolver(&self) -> Resolver<'_> {
        Resolver::root(&self.inner)
    }

    /// Resolves the last registration of `T` from the root.
    ///
    /// # Errors
    ///
    /// [`ResolveError::NotRegistered`]; [`ResolveError::ScopedFromRoot`] if `T` is scoped or
    /// needs a scoped service; [`ResolveError::Factory`] if a factory failed;
    /// [`ResolveError::Disposed`] once [`dispose`](ServiceProvider::dispose) began, also when it
    /// began while a factory of this resolution was running.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(7_u32));
    /// assert_eq!(*services.build()?.get::<u32>()?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, ResolveError> {
        self.resolver().get::<T>()
    }

    /// Resolves every registration of `T`, in registration order; empty if there is none.
    ///
    /// # Errors
    ///
    /// As [`get`](ServiceProvider::get), for any of the registrations.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u32));
    /// services.add_instance(Arc::new(2_u32));
    /// let provider = services.build()?;
    /// let all: Vec<u32> = provider.get_all::<u32>()?.iter().map(|v| **v).collect();
    /// assert_eq!(all, [1, 2]);
    /// assert!(provider.get_all::<u8>()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_all<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Vec<Arc<T>>, ResolveError> {
        self.resolver().get_all::<T>()
    }

    /// Resolves the last registration of `T` under `key`. Never falls back to unkeyed ones.
    ///
    /// # Errors
    ///
    /// As [`get`](ServiceProvider::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u32));
    /// assert_eq!(*services.build()?.get_keyed::<u32>("a")?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: impl Into<ServiceKey>,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolver().get_keyed::<T>(&key.into())
    }

    /// Resolves every registration of `T` under `key`, in registration order.
    ///
    /// # Errors
    ///
    /// As [`get`](ServiceProvider::get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u32));
    /// services.add_keyed_instance("a", Arc::new(2_u32));
    /// assert_eq!(services.build()?.get_all_keyed::<u32>("a")?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_all_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: impl Into<ServiceKey>,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        self.resolver().get_all_keyed::<T>(&key.into())
    }

    /// Resolves the last registration of `T` like [`get`](ServiceProvider::get), or returns
    /// `None` when `T` has no (unkeyed) registration.
    ///
    /// # Errors
    ///
    /// As [`get`](ServiceProvider::get), except that "not registered" is `Ok(None)`: a factory
    /// that fails, a scoped service asked from the root, or a disposed provider are still
    /// errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Metrics;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(7_u32));
    /// let provider = services.build()?;
    /// assert_eq!(provider.try_get::<u32>()?.as_deref(), Some(&7));
    /// assert!(provider.try_get::<Metrics>()?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_get<T: ?Sized + Send + Sync + 'static>(
        &self,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.resolver().try_get::<T>()
    }

    /// Resolves the last registration of `T` under `key` like
    /// [`get_keyed`](ServiceProvider::get_keyed), or returns `None` when there is none.
    ///
    /// # Errors
    ///
    /// As [`try_get`](ServiceProvider::try_get).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_keyed_instance("a", Arc::new(1_u32));
    /// let provider = services.build()?;
    /// assert_eq!(provider.try_get_keyed::<u32>("a")?.as_deref(), Some(&1));
    /// assert!(provider.try_get_keyed::<u32>("b")?.is_none());
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
    /// let provider = services.build()?;
    /// assert!(provider.is_service::<Request>());
    /// assert!(!provider.is_service::<u8>(), "keyed registrations do not count");
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
    /// let provider = services.build()?;
    /// assert!(provider.is_keyed_service::<u8>("k"));
    /// assert!(!provider.is_keyed_service::<u8>("other"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_keyed_service<T: ?Sized + 'static>(&self, key: impl Into<ServiceKey>) -> bool {
        self.resolver().is_keyed_service::<T>(&key.into())
    }

    /// Creates a scope: scoped services resolved through it are shared within it and disposed
    /// with it. Scopes are flat siblings.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Request;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Request));
    /// let scope = services.build()?.create_scope();
    /// assert!(Arc::ptr_eq(&scope.get::<Request>()?, &scope.get::<Request>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_scope(&self) -> Scope {
        Scope::new(Arc::clone(&self.inner))
    }

    /// A scope factory for this provider, holding it weakly.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let factory = provider.scope_factory();
    /// assert!(factory.create_scope().is_ok());
    /// drop(provider);
    /// assert!(factory.create_scope().is_err());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn scope_factory(&self) -> ScopeFactory {
        ScopeFactory::new(Arc::downgrade(&self.inner))
    }

    /// The validated dependency graph, for Graphviz or Mermaid.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_instance(Arc::new(1_u8));
    /// assert_eq!(services.build()?.graph().nodes().len(), 1);
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn graph(&self) -> &ServiceGraph {
        self.inner
            .graph_picture
            .get_or_init(|| self.inner.graph.render())
    }

    /// Disposes the singletons (and disposable transients resolved from the root) in reverse
    /// creation order, each instance once. Resolving afterwards is an error.
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
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// provider.dispose().await;
    /// provider.dispose().await;
    /// assert!(provider.is_disposed());
    /// # Ok(()) }
    /// ```
    pub async fn dispose(&self) {
        self.inner.root.dispose_all().await;
    }

    /// Whether [`dispose`](ServiceProvider::dispose) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// assert!(!provider.is_disposed());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.inner.root.is_closed()
    }
}

impl fmt::Debug for ServiceProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceProvider")
            .field("registrations", &self.inner.sites.len())
            .field("disposed", &self.is_disposed())
            .finish()
    }
}
