//! [`ScopeState`]: what one scope owns, shared by its clones and reached weakly by the
//! services that resolve later from it.

use std::sync::Arc;

use crate::dispose::Owner;
use crate::provider::inner::ProviderInner;
use crate::provider::storage::Slots;

/// A scope's state, shared by its clones.
pub(crate) struct ScopeState {
    /// Declared before `provider` so that it drops first: a scope's instances are released
    /// before the singletons of a provider it was the last to keep alive.
    pub(crate) slots: Slots,
    pub(crate) provider: Arc<ProviderInner>,
}

impl ScopeState {
    /// An empty scope of `provider`, its storage sized at build time.
    #[inline]
    pub(crate) fn new(provider: Arc<ProviderInner>) -> Self {
        let slots = Slots::new(provider.scoped_slots, Owner::Scope);
        Self { slots, provider }
    }
}
