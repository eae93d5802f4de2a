//! [`OwnedSiteRef`]: the typed handle an `Owned<T>` argument keeps from planning to reach its
//! owned call site at run time.

use std::any::type_name;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::error::ResolveError;
use crate::provider::owned::OwnedCallSite;
use crate::provider::resolver::Resolver;

/// The typed content of an owned registration's site cell.
pub(crate) type OwnedCell<T> = OnceLock<Arc<OwnedCallSite<T>>>;

/// A planned reference to the call site of one owned registration of `T`.
///
/// Only the [`Planner`](crate::Planner) makes these, so an `OwnedSiteRef<T>` always points at an owned
/// registration of `T`.
///
/// # Examples
///
/// It is the state of an [`Owned<T>`](crate::Owned) argument:
///
/// ```
/// use di_core::{Dependency, Owned, OwnedSiteRef};
/// fn assert_state<D: Dependency<State = Option<OwnedSiteRef<String>>>>() {}
/// assert_state::<Owned<String>>();
/// ```
pub struct OwnedSiteRef<T> {
    index: u32,
    site: Arc<OwnedCell<T>>,
}

impl<T> OwnedSiteRef<T> {
    /// A reference to registration `index`, whose owned call site `site` will hold.
    pub(crate) fn new(index: u32, site: Arc<OwnedCell<T>>) -> Self {
        Self { index, site }
    }
}

impl<T: Send + 'static> OwnedSiteRef<T> {
    /// A new value from the site.
    #[inline]
    pub(crate) fn resolve(&self, resolver: &Resolver<'_>) -> Result<T, ResolveError> {
        match self.site.get() {
            // Not checked for a scope here: whoever resolves this argument was checked
            // already (a registration's need of a scope includes its arguments', and a type
            // created on demand checks its arguments'), so going straight to the factory
            // saves a test and a branch per owned node.
            Some(site) => (site.create)(resolver),
            // Every cell is filled before the provider exists.
            None => Err(ResolveError::NotInitialized {
                service: type_name::<T>(),
            }),
        }
    }
}

impl<T> Clone for OwnedSiteRef<T> {
    fn clone(&self) -> Self {
        Self {
            index: self.index,
            site: Arc::clone(&self.site),
        }
    }
}

impl<T> fmt::Debug for OwnedSiteRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OwnedSiteRef<{}>({})", type_name::<T>(), self.index)
    }
}
