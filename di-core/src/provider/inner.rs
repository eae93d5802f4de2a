//! [`ProviderInner`]: what a provider shares with its scopes, resolvers and handles: the
//! frozen call sites, the index of the public entry points, and the root's storage.

use std::sync::{Arc, OnceLock, Weak};

use crate::dispose::DisposeFn;
use crate::dispose::Owner;
use crate::graph::{GraphSource, ServiceGraph};
use crate::provider::call_site::CallSite;
use crate::provider::index::ServiceIndex;
use crate::provider::site_cell::{ErasedSite, SiteCell};
use crate::provider::storage::Slots;

/// What a built provider holds: frozen call sites, the index, and the singletons.
pub(crate) struct ProviderInner {
    /// Declared (so dropped) before `root`: the typed singleton caches in the sites let go
    /// first, and `root` releases the singletons newest first.
    pub(crate) sites: Box<[ErasedSite]>,
    /// The cells of `sites`, for planning types created on demand (`create_instance`).
    pub(crate) cells: Box<[SiteCell]>,
    pub(crate) index: ServiceIndex,
    pub(crate) root: Slots,
    pub(crate) scoped_slots: usize,
    pub(crate) graph: GraphSource,
    /// The picture of `graph`, drawn on first request.
    pub(crate) graph_picture: OnceLock<ServiceGraph>,
    /// Handed to scope factories, so that injecting one never keeps the provider alive.
    pub(crate) this: Weak<ProviderInner>,
}

impl ProviderInner {
    /// Assembles a provider's state from what `build()` froze: a call site and a cell per
    /// registration (in registration order), the index, and the storage sizes.
    pub(crate) fn new(
        sites: Vec<ErasedSite>,
        cells: Vec<SiteCell>,
        index: ServiceIndex,
        slots: SlotCounts,
        graph: GraphSource,
    ) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            sites: sites.into_boxed_slice(),
            cells: cells.into_boxed_slice(),
            index,
            root: Slots::new(slots.root, Owner::Provider),
            scoped_slots: slots.scoped,
            graph,
            graph_picture: OnceLock::new(),
            this: this.clone(),
        })
    }

    /// Stores an async singleton that `build_async` created.
    pub(crate) fn fill(
        &self,
        slot: usize,
        instance: crate::dispose::ErasedInstance,
        dispose: Option<DisposeFn>,
    ) {
        self.root.fill(slot, instance, dispose);
    }

    /// The call site at `index`, which the planner guarantees provides `T`.
    #[inline]
    pub(crate) fn site<T: ?Sized + 'static>(&self, index: usize) -> &CallSite<T> {
        match self.sites[index].downcast_ref::<CallSite<T>>() {
            Some(site) => site,
            None => unreachable!(
                "call site {index} provides `{}`",
                std::any::type_name::<T>()
            ),
        }
    }
}

/// How many cache slots the root (singletons) and each scope (scoped services) need.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SlotCounts {
    pub(crate) root: usize,
    pub(crate) scoped: usize,
}
