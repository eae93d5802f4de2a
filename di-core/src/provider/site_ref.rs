//! [`SiteRef`]: the typed handle a factory argument keeps from planning to reach its
//! dependency's call site at run time.

use std::any::type_name;
use std::fmt;
use std::sync::Arc;

use crate::provider::call_site::CallSite;
use crate::provider::inner::ProviderInner;
use crate::provider::site_cell::TypedSiteCell;

/// A planned reference to the call site of one registration of `T`, resolved with
/// [`Resolver::resolve`](crate::Resolver::resolve) without any type lookup.
///
/// Only the [`Planner`](crate::Planner) makes these, so a `SiteRef<T>` always points at a registration of `T`.
///
/// # Examples
///
/// See [`Dependency`](crate::Dependency) for a user type that stores planner results.
///
/// ```
/// use di_core::SiteRef;
/// fn assert_clone<T: Clone + Send + Sync>() {}
/// assert_clone::<SiteRef<str>>();
/// ```
pub struct SiteRef<T: ?Sized> {
    index: u32,
    /// The cell of an eager edge. `None` for a lazy edge (`Lazy<T>`, `ServiceFactory<T>`),
    /// found by `index` in the resolving provider instead: a cycle through lazy edges is
    /// allowed, and cells holding each other's sites through it would be an `Arc` cycle that
    /// outlives the provider (its call sites and the singletons they cache never dropped).
    site: Option<Arc<TypedSiteCell<T>>>,
}

impl<T: ?Sized + 'static> SiteRef<T> {
    /// A reference to registration `index`, whose call site `site` will hold.
    pub(crate) fn new(index: u32, site: Arc<TypedSiteCell<T>>) -> Self {
        Self {
            index,
            site: Some(site),
        }
    }

    /// A reference to registration `index` that holds nothing: for lazy edges.
    pub(crate) fn by_index(index: u32) -> Self {
        Self { index, site: None }
    }

    /// The call site, once the build has finished it; a lazy edge's from `provider`, the one
    /// it was planned for.
    #[inline]
    pub(crate) fn site<'a>(&'a self, provider: &'a ProviderInner) -> Option<&'a CallSite<T>> {
        match &self.site {
            Some(cell) => cell.get().map(|site| &**site),
            None => Some(provider.site::<T>(self.index as usize)),
        }
    }
}

impl<T: ?Sized> Clone for SiteRef<T> {
    fn clone(&self) -> Self {
        Self {
            index: self.index,
            site: self.site.clone(),
        }
    }
}

impl<T: ?Sized> fmt::Debug for SiteRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteRef<{}>({})", type_name::<T>(), self.index)
    }
}
