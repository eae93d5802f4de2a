//! [`ScopeFactory`]: creates scopes; injectable everywhere, including into singletons.

use std::fmt;
use std::sync::Weak;

use crate::error::ResolveError;
use crate::provider::inner::ProviderInner;
use crate::provider::resolver::Resolver;
use crate::provider::scope::Scope;

/// Creates scopes of the provider it came from. Inject it (as a factory argument) into any
/// service, including singletons such as background workers that open a scope per unit of work.
///
/// It holds the provider weakly, so a singleton holding it does not keep the provider alive:
/// dropping the provider drops that singleton too.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{ScopeFactory, ServiceCollection};
///
/// struct Job;
/// struct Worker { scopes: ScopeFactory }
///
/// let mut services = ServiceCollection::new();
/// services.add_scoped(|| Arc::new(Job));
/// services.add_singleton(|scopes: ScopeFactory| Arc::new(Worker { scopes }));
/// let provider = services.build()?;
/// let worker = provider.get::<Worker>()?;
/// let scope = worker.scopes.create_scope()?;
/// assert!(scope.get::<Job>().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ScopeFactory {
    provider: Weak<ProviderInner>,
}

impl ScopeFactory {
    pub(crate) fn new(provider: Weak<ProviderInner>) -> Self {
        Self { provider }
    }

    /// Creates a new, independent scope.
    ///
    /// # Errors
    ///
    /// [`ResolveError::ProviderDropped`] if the provider is gone;
    /// [`ResolveError::Disposed`] if it was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let scope = provider.scope_factory().create_scope()?;
    /// assert!(!scope.is_disposed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_scope(&self) -> Result<Scope, ResolveError> {
        let provider = self
            .provider
            .upgrade()
            .ok_or(ResolveError::ProviderDropped)?;
        Scope::open(provider)
    }
}

impl fmt::Debug for ScopeFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeFactory")
            .field("provider_alive", &(self.provider.strong_count() > 0))
            .finish()
    }
}

impl Resolver<'_> {
    /// A scope factory for the provider this resolver belongs to. It holds the provider weakly.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Resolver, ScopeFactory};
    /// fn factory(resolver: &Resolver<'_>) -> ScopeFactory { resolver.scope_factory() }
    /// # let _ = factory;
    /// ```
    pub fn scope_factory(&self) -> ScopeFactory {
        ScopeFactory::new(self.provider.this.clone())
    }
}
