//! [`ServiceProvider`]: the root of resolution, owner of singletons.

use std::fmt;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::graph::ServiceGraph;
use crate::key::ServiceKey;
use crate::provider::entry_points::entry_points;
use crate::provider::inner::ProviderInner;
use crate::provider::resolver::Resolver;
use crate::provider::scope::Scope;
use crate::provider::scope_factory::ScopeFactory;

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

    pub(crate) fn resolver(&self) -> Resolver<'_> {
        Resolver::root(&self.inner)
    }

    entry_points! {
        owner: "provider",
        within: " from the root",
        make: "services.build()?",
        get_errors: "[`ResolveError::NotRegistered`]; [`ResolveError::ScopedFromRoot`] if `T` is scoped or needs a scoped service; [`ResolveError::Factory`] if a factory failed; [`ResolveError::Disposed`] once [`dispose`](ServiceProvider::dispose) began, also when it began while a factory of this resolution was running.",
    }

    /// Creates a scope: scoped services resolved through it are shared within it and disposed
    /// with it. Scopes are flat siblings.
    ///
    /// Fails the same way as [`ScopeFactory::create_scope`](crate::ScopeFactory::create_scope):
    /// a scope of a disposed provider could only ever fail, so the mistake is reported where
    /// it is made (.NET's `CreateScope` throws `ObjectDisposedException` there too).
    ///
    /// # Errors
    ///
    /// [`ResolveError::Disposed`] once [`dispose`](ServiceProvider::dispose) began.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// struct Request;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Request));
    /// let scope = services.build()?.create_scope()?;
    /// assert!(Arc::ptr_eq(&scope.get::<Request>()?, &scope.get::<Request>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_scope(&self) -> Result<Scope, ResolveError> {
        Scope::open(Arc::clone(&self.inner))
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
