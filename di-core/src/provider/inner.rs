//! [`ProviderInner`]: what a provider shares with its scopes, resolvers and handles: the
//! frozen call sites, the index of the public entry points, and the root's storage.

use std::any::TypeId;
use std::sync::{Arc, OnceLock, Weak};

use crate::dispose::DisposeFn;
use crate::dispose::Owner;
use crate::graph::{GraphSource, ServiceGraph};
use crate::provider::call_site::CallSite;
use crate::provider::index::ServiceIndex;
use crate::provider::last_sites::LastSites;
use crate::provider::site_cell::{ErasedSite, SiteCell};
use crate::provider::storage::Slots;

/// What a built provider holds: frozen call sites, the index, and the singletons.
pub(crate) struct ProviderInner {
    /// Declared (so dropped) before `root`: the typed singleton caches in the sites let go
    /// first, and `root` releases the singletons newest first.
    pub(crate) sites: Box<[ErasedSite]>,
    /// From a service type to the site of its last unkeyed registration: `get`'s one lookup.
    pub(crate) last: LastSites,
    /// The cells of `sites`, for planning types created on demand (`create_instance`).
    pub(crate) cells: Box<[SiteCell]>,
    pub(crate) index: ServiceIndex,
    pub(crate) root: Slots,
    pub(crate) scoped_slots: usize,
    /// Per registration, the scoped service it needs (directly or through transients): such a
    /// registration cannot be resolved from the root provider.
    pub(crate) scope_needs: Box<[Option<&'static str>]>,
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
        sites: FrozenSites,
        index: ServiceIndex,
        slots: SlotCounts,
        scope_needs: Vec<Option<&'static str>>,
        graph: GraphSource,
    ) -> Arc<Self> {
        let FrozenSites {
            sites,
            mut lookups,
            cells,
        } = sites;
        let last: Vec<(TypeId, ErasedSite)> = index
            .unkeyed_last()
            .into_iter()
            .filter_map(|(type_id, i)| Some((type_id, lookups.get_mut(i as usize)?.take()?)))
            .collect();
        let last = LastSites::new(last.into_iter());
        Arc::new_cyclic(|this| Self {
            sites: sites.into_boxed_slice(),
            last,
            cells: cells.into_boxed_slice(),
            index,
            root: Slots::new(slots.root, Owner::Provider),
            scoped_slots: slots.scoped,
            scope_needs: scope_needs.into_boxed_slice(),
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
        match self.sites[index].downcast_ref::<Arc<CallSite<T>>>() {
            Some(site) => site,
            None => unreachable!(
                "call site {index} provides `{}`",
                std::any::type_name::<T>()
            ),
        }
    }
}

/// The finished call sites, in registration order: each erased for the list of sites and, once
/// more, for the lookup table (which keeps those of the last unkeyed registrations), and the
/// cells that planned arguments reach them through.
pub(crate) struct FrozenSites {
    pub(crate) sites: Vec<ErasedSite>,
    pub(crate) lookups: Vec<Option<ErasedSite>>,
    pub(crate) cells: Vec<SiteCell>,
}

/// How many cache slots the root (singletons) and each scope (scoped services) need.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SlotCounts {
    pub(crate) root: usize,
    pub(crate) scoped: usize,
}
