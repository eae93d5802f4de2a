//! [`LastSites`]: the public entry points' one type lookup, from `T` straight to the call site
//! of its last unkeyed registration.
//!
//! An open-addressing table of erased call sites, probed from the bucket of
//! `TypeId::of::<T>()` (a constant at every call site). The probe compares no `TypeId`: the
//! downcast of a site to `Arc<CallSite<T>>`, which is needed anyway, *is* the comparison; an
//! empty bucket ends it. That leaves one downcast between a `get::<T>()` and its cached
//! singleton.

use std::any::TypeId;
use std::sync::Arc;

use crate::provider::call_site::CallSite;
use crate::provider::index::bucket;
use crate::provider::site_cell::ErasedSite;

/// For each service type with an unkeyed registration, the call site of the last one.
pub(crate) struct LastSites {
    buckets: Box<[Option<ErasedSite>]>,
    mask: usize,
}

impl LastSites {
    /// The table of `last`: each service type with the call site of its last unkeyed
    /// registration.
    pub(crate) fn new(last: impl ExactSizeIterator<Item = (TypeId, ErasedSite)>) -> Self {
        let len = (last.len() * 2).next_power_of_two().max(2);
        let mut buckets: Box<[Option<ErasedSite>]> =
            std::iter::repeat_with(|| None).take(len).collect();
        let mask = len - 1;
        for (type_id, site) in last {
            let mut i = bucket(type_id) & mask;
            while buckets[i].is_some() {
                i = (i + 1) & mask;
            }
            buckets[i] = Some(site);
        }
        Self { buckets, mask }
    }

    /// The call site of the last unkeyed registration of `T`, if any.
    #[inline(always)]
    pub(crate) fn get<T: ?Sized + 'static>(&self) -> Option<&CallSite<T>> {
        let mut i = bucket(TypeId::of::<T>()) & self.mask;
        loop {
            // An empty bucket ends the probe; the table is never full.
            let site = self.buckets.get(i)?.as_ref()?;
            if let Some(site) = site.downcast_ref::<Arc<CallSite<T>>>() {
                return Some(site);
            }
            i = (i + 1) & self.mask;
        }
    }
}
