//! [`SiteRef`]: the typed handle a factory argument keeps from planning to reach its
//! dependency's call site at run time.

use std::any::type_name;
use std::fmt;
use std::sync::Arc;

use crate::provider::call_site::CallSite;
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
    site: Arc<TypedSiteCell<T>>,
}

impl<T: ?Sized> SiteRef<T> {
    /// A reference to registration `index`, whose call site `site` will hold.
    pub(crate) fn new(index: u32, site: Arc<TypedSiteCell<T>>) -> Self {
        Self { index, site }
    }

    /// The call site, once the build has finished it.
    #[inline]
    pub(crate) fn site(&self) -> Option<&CallSite<T>> {
        self.site.get().map(|site| &**site)
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
