//! [`ServiceIndex`]: from a type (and key) to its registrations' call-site indices.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use rustc_hash::FxBuildHasher;

use crate::key::ServiceKey;
use crate::registered::{OtherForm, Registrations};

/// The call sites of one service type (or type and key), in registration order.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The last registration: what single resolution returns.
    pub(crate) last: u32,
    pub(crate) all: Box<[u32]>,
}

/// A `TypeId` is already a hash; feeding it through SipHash would only cost time.
#[derive(Default)]
pub(crate) struct TypeIdHasher(u64);

impl Hasher for TypeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = self.0.rotate_left(32) ^ value;
    }
}

type TypeMap<V> = HashMap<TypeId, V, BuildHasherDefault<TypeIdHasher>>;

/// A frozen open-addressing table from `TypeId`: a `TypeId` is already a hash, so its own bits
/// pick the bucket, and at most half the buckets are used, so a lookup is one or two compares
/// (cheaper than a general hash map's group probing on the resolution entry path).
#[derive(Debug)]
pub(crate) struct TypeTable<V> {
    buckets: Box<[Option<(TypeId, V)>]>,
    mask: usize,
}

impl<V> TypeTable<V> {
    fn new(items: impl ExactSizeIterator<Item = (TypeId, V)>) -> Self {
        let len = (items.len() * 2).next_power_of_two().max(2);
        let mut buckets: Box<[Option<(TypeId, V)>]> =
            std::iter::repeat_with(|| None).take(len).collect();
        let mask = len - 1;
        for (type_id, value) in items {
            let mut i = bucket(type_id) & mask;
            while buckets[i].is_some() {
                i = (i + 1) & mask;
            }
            buckets[i] = Some((type_id, value));
        }
        Self { buckets, mask }
    }

    #[inline]
    fn get(&self, type_id: TypeId) -> Option<&V> {
        let mut i = bucket(type_id) & self.mask;
        loop {
            // An empty bucket ends the probe; the table is never full.
            let (key, value) = self.buckets.get(i)?.as_ref()?;
            if *key == type_id {
                return Some(value);
            }
            i = (i + 1) & self.mask;
        }
    }
}

impl<V> Default for TypeTable<V> {
    fn default() -> Self {
        Self::new(std::iter::empty())
    }
}

/// The bucket bits of a `TypeId`: its hash, as [`TypeIdHasher`] passes it through.
#[inline]
pub(crate) fn bucket(type_id: TypeId) -> usize {
    let mut hasher = TypeIdHasher::default();
    type_id.hash(&mut hasher);
    hasher.finish() as usize
}

/// Lookup tables built once at `build()`.
#[derive(Debug, Default)]
pub(crate) struct ServiceIndex {
    unkeyed: TypeTable<Entry>,
    /// Keys are hashed with FxHash: SipHash's flood resistance buys nothing for keys that come
    /// from the program's own registrations, and costs ~200 instructions per lookup.
    keyed: TypeTable<HashMap<ServiceKey, Entry, FxBuildHasher>>,
    /// The catch-all registrations (`ServiceKey::any()`) of each type, also in `keyed`: found
    /// here without hashing the key a second time when an exact key misses.
    catch_all: TypeTable<Entry>,
}

impl ServiceIndex {
    /// Indexes the registrations, given in registration order as their service's `TypeId` and
    /// key.
    pub(crate) fn new<'k>(
        registrations: impl Iterator<Item = (TypeId, Option<&'k ServiceKey>)>,
    ) -> Self {
        let mut unkeyed: TypeMap<Vec<u32>> = TypeMap::default();
        let mut keyed: TypeMap<HashMap<ServiceKey, Vec<u32>, FxBuildHasher>> = TypeMap::default();
        for (i, (type_id, key)) in registrations.enumerate() {
            let i = i as u32;
            match key {
                None => unkeyed.entry(type_id).or_default().push(i),
                Some(key) => keyed
                    .entry(type_id)
                    .or_default()
                    .entry(key.clone())
                    .or_default()
                    .push(i),
            }
        }
        let catch_all: Vec<(TypeId, Entry)> = keyed
            .iter()
            .filter_map(|(&t, by_key)| {
                let all = by_key.get(&ServiceKey::any())?;
                Some((t, entry(all.clone())))
            })
            .collect();
        Self {
            catch_all: TypeTable::new(catch_all.into_iter()),
            unkeyed: TypeTable::new(unkeyed.into_iter().map(|(t, all)| (t, entry(all)))),
            keyed: TypeTable::new(keyed.into_iter().map(|(t, by_key)| {
                (
                    t,
                    by_key.into_iter().map(|(k, all)| (k, entry(all))).collect(),
                )
            })),
        }
    }

    /// Each service type with an unkeyed registration, and the index of its last one.
    pub(crate) fn unkeyed_last(&self) -> Vec<(TypeId, u32)> {
        self.unkeyed
            .buckets
            .iter()
            .flatten()
            .map(|(type_id, entry)| (*type_id, entry.last))
            .collect()
    }

    #[inline]
    pub(crate) fn unkeyed(&self, type_id: TypeId) -> Option<&Entry> {
        self.unkeyed.get(type_id)
    }

    pub(crate) fn keyed(&self, type_id: TypeId, key: &ServiceKey) -> Option<&Entry> {
        self.keyed.get(type_id)?.get(key)
    }

    /// The catch-all registrations of `type_id`.
    #[inline]
    pub(crate) fn catch_all(&self, type_id: TypeId) -> Option<&Entry> {
        self.catch_all.get(type_id)
    }

    /// Every keyed registration of `type_id`, in registration order.
    pub(crate) fn all_keyed(&self, type_id: TypeId) -> Vec<u32> {
        let mut all: Vec<u32> = self
            .keyed
            .get(type_id)
            .map(|by_key| {
                by_key
                    .values()
                    .flat_map(|e| e.all.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        all.sort_unstable();
        all
    }

    /// What is registered for `type_id`, keys in the order of their first registration: for
    /// the message of a lookup that found nothing.
    #[cold]
    /// [`registrations`](Self::registrations) of `type_id`, noting `other` when `other_id` (the
    /// same type in the other form: owned or shared) has registrations of its own.
    pub(crate) fn registrations_or_other(
        &self,
        type_id: TypeId,
        other_id: TypeId,
        other: OtherForm,
    ) -> Registrations {
        let registered = self.registrations(type_id);
        if self.unkeyed(other_id).is_some() || self.keyed.get(other_id).is_some() {
            return registered.in_other_form(other);
        }
        registered
    }

    pub(crate) fn registrations(&self, type_id: TypeId) -> Registrations {
        let mut keys: Vec<(&ServiceKey, u32)> = self
            .keyed
            .get(type_id)
            .map(|by_key| by_key.iter().map(|(k, e)| (k, e.all[0])).collect())
            .unwrap_or_default();
        keys.sort_unstable_by_key(|&(_, first)| first);
        Registrations::new(
            self.unkeyed(type_id).is_some(),
            keys.into_iter().map(|(k, _)| k.clone()).collect(),
        )
    }
}

fn entry(all: Vec<u32>) -> Entry {
    Entry {
        last: all.last().copied().unwrap_or_default(),
        all: all.into_boxed_slice(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<TypeId> {
        vec![
            TypeId::of::<u8>(),
            TypeId::of::<u16>(),
            TypeId::of::<u32>(),
            TypeId::of::<u64>(),
            TypeId::of::<i8>(),
            TypeId::of::<i16>(),
            TypeId::of::<i32>(),
            TypeId::of::<i64>(),
            TypeId::of::<String>(),
            TypeId::of::<Vec<u8>>(),
            TypeId::of::<[u8; 1]>(),
            TypeId::of::<[u8; 2]>(),
            TypeId::of::<[u8; 3]>(),
            TypeId::of::<dyn std::any::Any>(),
            TypeId::of::<Option<u8>>(),
            TypeId::of::<bool>(),
            TypeId::of::<char>(),
        ]
    }

    #[test]
    fn every_type_in_the_table_is_found_with_its_own_value() {
        for len in 0..=ids().len() {
            let table =
                TypeTable::new(ids().into_iter().take(len).enumerate().map(|(i, t)| (t, i)));
            for (i, id) in ids().into_iter().enumerate() {
                let expected = (i < len).then_some(i);
                assert_eq!(
                    table.get(id).copied(),
                    expected,
                    "type {i} of a table of {len}"
                );
            }
        }
    }

    /// The tables rely on it: a `TypeId` is already a hash, and its own bits pick the bucket,
    /// so distinct types spread over the buckets (a constant or saturated hash would put them
    /// all in one probe chain: still correct, but every lookup would walk it).
    #[test]
    fn distinct_types_spread_over_the_buckets() {
        let ids = ids();
        let buckets: std::collections::HashSet<usize> =
            ids.iter().map(|&id| bucket(id) & 127).collect();
        assert!(
            buckets.len() * 4 >= ids.len() * 3,
            "{} types fell into {} of 128 buckets",
            ids.len(),
            buckets.len()
        );
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let table: TypeTable<u8> = TypeTable::default();
        assert_eq!(table.get(TypeId::of::<u8>()), None);
    }
}
