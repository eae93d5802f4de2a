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
    /// The cell of an eager edge, which the build fills with the call site. A lazy edge's
    /// (`Lazy<T>`, `ServiceFactory<T>`) is a cell of its own that stays empty: its site is
    /// found by `index` in the resolving provider. A cycle through lazy edges is allowed, and
    /// cells holding each other's sites through it would be an `Arc` cycle that outlives the
    /// provider (its call sites and the singletons they cache never dropped).
    site: Arc<TypedSiteCell<T>>,
}

impl<T: ?Sized + 'static> SiteRef<T> {
    /// A reference to registration `index`, whose call site `site` will hold.
    pub(crate) fn new(index: u32, site: Arc<TypedSiteCell<T>>) -> Self {
        Self { index, site }
    }

    /// A reference to registration `index` that holds no call site: for lazy edges.
    pub(crate) fn by_index(index: u32) -> Self {
        Self {
            index,
            site: Arc::new(TypedSiteCell::new()),
        }
    }

    /// The call site: from the cell (one load, as before lazy edges existed), else a lazy
    /// edge's from `provider`, the one it was planned for.
    #[inline]
    pub(crate) fn site<'a>(&'a self, provider: &'a ProviderInner) -> &'a CallSite<T> {
        match self.site.get() {
            Some(site) => site,
            None => self.in_provider(provider),
        }
    }

    #[cold]
    #[inline(never)]
    fn in_provider<'a>(&self, provider: &'a ProviderInner) -> &'a CallSite<T> {
        provider.site::<T>(self.index as usize)
    }
}

impl<T: ?Sized> Clone for SiteRef<T> {
    fn clone(&self) -> Self {
        Self {
            index: self.index,
            site: Arc::clone(&self.site),
        }
    }
}

impl<T: ?Sized> fmt::Debug for SiteRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteRef<{}>({})", type_name::<T>(), self.index)
    }
}
