//! Owned transients at build time: the typed reference an `Owned<T>` argument plans
//! ([`OwnedSiteRef`]) and the planned site of an owned registration ([`PlannedOwnedSite`]).
//!
//! An owned registration is a node of the graph like any other: its edges are recorded by the
//! same [`Planner`], it is validated with the lifetime `Transient` (so missing dependencies,
//! cycles, captive dependencies and "needs a scope" are found as for a shared transient), and
//! only its call site differs: it hands out `T`, not `Arc<T>`.

use std::any::{TypeId, type_name};
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::error::{BuildProblem, ResolveError};
use crate::inject::{Owned, OwnedService};
use crate::key::ServiceKey;
use crate::plan::graph::EdgeKind;
use crate::plan::planner::Planner;
use crate::plan::site::{ErasedSite, PlannedSite, SiteCell};
use crate::provider::{AsyncInit, OwnedCallSite, Resolver};

/// The typed content of an owned registration's [`SiteCell`].
pub(crate) type OwnedCell<T> = OnceLock<Arc<OwnedCallSite<T>>>;

/// A planned reference to the call site of one owned registration of `T`.
///
/// Only the [`Planner`] makes these, so an `OwnedSiteRef<T>` always points at an owned
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

impl<T: Send + 'static> OwnedSiteRef<T> {
    /// A new value from the site.
    #[inline]
    pub(crate) fn resolve(&self, resolver: &Resolver<'_>) -> Result<T, ResolveError> {
        match self.site.get() {
            Some(site) => resolver.resolve_owned(site),
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

impl Planner<'_> {
    /// A required dependency on the last owned registration of `T` (under `key`). Records a
    /// missing-dependency problem naming `Owned<T>` when there is none.
    pub(crate) fn require_owned<T: Send + 'static>(
        &mut self,
        key: Option<&ServiceKey>,
    ) -> Option<OwnedSiteRef<T>> {
        let found = self.owned_site::<T>(key, EdgeKind::Required);
        if found.is_none() {
            let owned = TypeId::of::<OwnedService<T>>();
            self.problems.push(BuildProblem::MissingDependency {
                service: self.service(),
                dependency: type_name::<Owned<T>>(),
                key: key.map(|k| format!("{k:?}")),
                registered: self.index.registrations(owned),
            });
        }
        found
    }

    /// An optional dependency on the last owned registration of `T` (under `key`).
    pub(crate) fn optional_owned<T: Send + 'static>(
        &mut self,
        key: Option<&ServiceKey>,
    ) -> Option<OwnedSiteRef<T>> {
        self.owned_site::<T>(key, EdgeKind::Optional)
    }

    fn owned_site<T: Send + 'static>(
        &mut self,
        key: Option<&ServiceKey>,
        kind: EdgeKind,
    ) -> Option<OwnedSiteRef<T>> {
        let owned = TypeId::of::<OwnedService<T>>();
        let entry = match key {
            None => self.index.unkeyed(owned),
            Some(key) => self.index.keyed(owned, key),
        };
        let target = entry?.last;
        self.edges.push((target, kind));
        // The index maps `OwnedService<T>` to owned registrations of `T` only, whose cells hold
        // owned call sites of `T`.
        let Ok(site) = Arc::clone(&self.cells[target as usize]).downcast::<OwnedCell<T>>() else {
            unreachable!("registration {target} owns `{}`", type_name::<T>())
        };
        Some(OwnedSiteRef {
            index: target,
            site,
        })
    }
}

/// The [`PlannedSite`] of an owned registration.
pub(crate) struct PlannedOwnedSite<T> {
    site: OwnedCallSite<T>,
}

impl<T> PlannedOwnedSite<T> {
    pub(crate) fn new(site: OwnedCallSite<T>) -> Self {
        Self { site }
    }
}

impl<T: Send + 'static> PlannedSite for PlannedOwnedSite<T> {
    fn finish(
        self: Box<Self>,
        requires_scope: Option<&'static str>,
        cell: &SiteCell,
    ) -> (ErasedSite, Option<AsyncInit>) {
        let mut site = self.site;
        site.requires_scope = requires_scope;
        let site = Arc::new(site);
        if let Some(cell) = cell.downcast_ref::<OwnedCell<T>>() {
            let _ = cell.set(Arc::clone(&site));
        }
        (site, None)
    }
}
