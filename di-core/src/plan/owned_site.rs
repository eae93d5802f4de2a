//! Owned transients at build time: the planner's lookups of owned registrations (which give an
//! `Owned<T>` argument its [`OwnedSiteRef`]) and the planned site of an owned registration
//! ([`PlannedOwnedSite`]).
//!
//! An owned registration is a node of the graph like any other: its edges are recorded by the
//! same [`Planner`], it is validated with the lifetime `Transient` (so missing dependencies,
//! cycles, captive dependencies and "needs a scope" are found as for a shared transient), and
//! only its call site differs: it hands out `T`, not `Arc<T>`.

use std::any::{TypeId, type_name};
use std::sync::Arc;

use crate::error::BuildProblem;
use crate::graph::EdgeKind;
use crate::key::ServiceKey;
use crate::plan::planner::Planner;
use crate::plan::site::{FinishedSite, PlannedSite};
use crate::provider::{
    ErasedSite, Owned, OwnedCallSite, OwnedCell, OwnedService, OwnedSiteRef, SiteCell,
};
use crate::registered::OtherForm;

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
                registered: self.index.registrations_or_other(
                    owned,
                    TypeId::of::<T>(),
                    OtherForm::Shared(type_name::<T>()),
                ),
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
        Some(OwnedSiteRef::new(target, site))
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
        looked_up: bool,
    ) -> FinishedSite {
        let mut site = self.site;
        site.requires_scope = requires_scope;
        let site = Arc::new(site);
        if let Some(cell) = cell.downcast_ref::<OwnedCell<T>>() {
            let _ = cell.set(Arc::clone(&site));
        }
        FinishedSite {
            // Found by `get_owned` under `OwnedService<T>`, which no shared lookup asks for.
            lookup: looked_up.then(|| -> ErasedSite { Box::new(Arc::clone(&site)) }),
            site: Box::new(site),
            async_init: None,
        }
    }
}
