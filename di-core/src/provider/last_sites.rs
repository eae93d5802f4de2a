//! [`LastSites`]: the public entry points' one type lookup, from `T` straight to the call site
//! of its last unkeyed registration.
//!
//! An open-addressing table of erased call sites, probed from the bucket of
//! `TypeId::of::<T>()` (a constant at every call site). The probe compares no `TypeId`: the
//! downcast of a site to `Arc<CallSite<T>>`, which is needed anyway, *is* the comparison. Empty
//! buckets hold a unit that no downcast matches, and a probe goes no further than the longest
//! displacement any entry has, so the first bucket is checked with no emptiness test and the
//! rest of a probe is out of line. That leaves one downcast between a `get::<T>()` and its
//! cached singleton.

use std::any::TypeId;
use std::sync::Arc;

use crate::provider::call_site::CallSite;
use crate::provider::index::bucket;
use crate::provider::owned::OwnedCallSite;
use crate::provider::owned_value::OwnedService;
use crate::provider::site_cell::ErasedSite;

/// For each service type with an unkeyed registration, the call site of the last one.
pub(crate) struct LastSites {
    /// Sites, or `()` where empty; a power of two long, at least four times the entries (few
    /// entries then share a home bucket: a probe past it costs about 45 instructions).
    buckets: Box<[ErasedSite]>,
    mask: usize,
    /// The most buckets past its own that an entry was placed.
    longest: usize,
}

impl LastSites {
    /// The table of `last`: each service type with the call site of its last unkeyed
    /// registration.
    pub(crate) fn new(last: impl ExactSizeIterator<Item = (TypeId, ErasedSite)>) -> Self {
        let len = (last.len() * 4).next_power_of_two().max(4);
        let mut filled = vec![false; len];
        let mut buckets: Vec<ErasedSite> = (0..len).map(|_| empty()).collect();
        let mask = len - 1;
        let mut longest = 0;
        for (type_id, site) in last {
            let home = bucket(type_id) & mask;
            let mut step = 0;
            while filled[(home + step) & mask] {
                step += 1;
            }
            filled[(home + step) & mask] = true;
            buckets[(home + step) & mask] = site;
            longest = longest.max(step);
        }
        Self {
            buckets: buckets.into_boxed_slice(),
            mask,
            longest,
        }
    }

    /// The call site of the last unkeyed registration of `T`, if any.
    #[inline(always)]
    pub(crate) fn get<T: ?Sized + 'static>(&self) -> Option<&CallSite<T>> {
        self.find::<Arc<CallSite<T>>>(TypeId::of::<T>())
            .map(|site| &**site)
    }

    /// The call site of the last unkeyed owned registration of `T`, if any.
    #[inline(always)]
    pub(crate) fn get_owned<T: 'static>(&self) -> Option<&OwnedCallSite<T>> {
        self.find::<Arc<OwnedCallSite<T>>>(TypeId::of::<OwnedService<T>>())
            .map(|site| &**site)
    }

    /// The entry of `type_id`, a site of type `X`: the downcast is the key comparison.
    #[inline(always)]
    fn find<X: 'static>(&self, type_id: TypeId) -> Option<&X> {
        let home = bucket(type_id) & self.mask;
        match self.buckets.get(home)?.downcast_ref::<X>() {
            Some(site) => Some(site),
            None => self.probe_on::<X>(home),
        }
    }

    /// The rest of a probe that started at `home` and missed there.
    #[cold]
    #[inline(never)]
    fn probe_on<X: 'static>(&self, home: usize) -> Option<&X> {
        (1..=self.longest).find_map(|step| {
            let site = self.buckets.get((home + step) & self.mask)?;
            site.downcast_ref::<X>()
        })
    }
}

/// What an empty bucket holds: a zero-sized box (no allocation) that no downcast matches.
fn empty() -> ErasedSite {
    Box::new(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifetime::ServiceLifetime;
    use crate::provider::call_site::SiteKind;
    use crate::provider::site_config::SiteConfig;

    struct Probe<const N: usize>;

    fn site<T: Send + Sync + 'static>() -> (TypeId, ErasedSite) {
        let config = SiteConfig {
            service: std::any::type_name::<T>(),
            lifetime: ServiceLifetime::Transient,
            slot: 0,
            dispose: None,
            catch_all: false,
        };
        let kind = SiteKind::Transient {
            create: Box::new(|_| unreachable!("never resolved")),
        };
        let site: Arc<CallSite<T>> = Arc::new(CallSite::new(&config, kind));
        (TypeId::of::<T>(), Box::new(site))
    }

    macro_rules! probes {
        ($($n:literal),*) => {{
            let entries = vec![$(site::<Probe<$n>>()),*];
            let found = |table: &LastSites| vec![$(table.get::<Probe<$n>>().map(|s| s.service)),*];
            let names = vec![$(Some(std::any::type_name::<Probe<$n>>())),*];
            (entries, found, names)
        }};
    }

    #[test]
    fn every_entry_is_found_however_far_it_was_displaced_and_other_types_are_not() {
        // Arrange: 48 types in 128 buckets, so that some collide and are displaced.
        let (entries, found, names) = probes!(
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
            46, 47
        );

        // Act
        let table = LastSites::new(entries.into_iter());

        // Assert
        assert!(
            table.longest > 0,
            "no entry was displaced: the probe went untested"
        );
        assert_eq!(found(&table), names);
        assert!(table.get::<Probe<48>>().is_none());
        assert!(table.get::<u8>().is_none());
    }
}
