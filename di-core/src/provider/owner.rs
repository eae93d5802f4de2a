//! [`OwnerHandle`]: a weak way back to the scope (or root) that resolved a service, for
//! dependencies that resolve later (`Lazy<T>`, `ServiceFactory<T>`, `KeyedServices<T>`).

use std::sync::{Arc, Weak};

use crate::error::ResolveError;
use crate::provider::inner::ProviderInner;
use crate::provider::resolver::Resolver;
use crate::provider::scope_state::ScopeState;

/// The owner a deferred dependency resolves from: the scope that created its holder, or the
/// root. Held weakly, so a service holding one never keeps its scope or provider alive.
#[derive(Clone)]
pub(crate) struct OwnerHandle {
    provider: Weak<ProviderInner>,
    scope: Option<Weak<ScopeState>>,
}

impl OwnerHandle {
    /// Runs `resolve` with a resolver of the owner.
    ///
    /// # Errors
    ///
    /// [`ResolveError::ProviderDropped`] when the provider is gone, [`ResolveError::Disposed`]
    /// when the scope is gone; any error of `resolve`.
    pub(crate) fn with<R>(
        &self,
        service: &'static str,
        resolve: impl FnOnce(&Resolver<'_>) -> Result<R, ResolveError>,
    ) -> Result<R, ResolveError> {
        let provider = self
            .provider
            .upgrade()
            .ok_or(ResolveError::ProviderDropped)?;
        match &self.scope {
            None => resolve(&Resolver::root(&provider)),
            Some(scope) => {
                let scope = scope.upgrade().ok_or(ResolveError::Disposed {
                    service,
                    owner: "scope",
                })?;
                resolve(&Resolver::scoped(&provider, &scope))
            }
        }
    }

    /// Whether the owner is a scope.
    pub(crate) fn is_scope(&self) -> bool {
        self.scope.is_some()
    }
}

impl Resolver<'_> {
    /// A weak handle to this resolver's owner.
    pub(crate) fn owner_handle(&self) -> OwnerHandle {
        OwnerHandle {
            provider: self.provider.this.clone(),
            scope: self.scope.map(Arc::downgrade),
        }
    }
}
