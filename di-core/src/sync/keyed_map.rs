//! [`KeyedMap`] of a normal build: a sharded concurrent map (dashmap), so that resolutions of
//! different keys do not contend on one lock.

use std::hash::Hash;

use dashmap::DashMap;
use rustc_hash::FxBuildHasher;

/// A concurrent map whose values are cheap handles (`Arc`s), cloned out of the map so that no
/// guard is held while the caller works with them.
pub(crate) struct KeyedMap<K, V> {
    map: DashMap<K, V, FxBuildHasher>,
}

impl<K: Eq + Hash + Clone, V: Clone> KeyedMap<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            map: DashMap::with_hasher(FxBuildHasher),
        }
    }

    /// Calls `f` with the value of `key`, under the shard's read guard: `f` must not block or
    /// run user code.
    #[inline]
    pub(crate) fn with<R>(&self, key: &K, f: impl FnOnce(&V) -> R) -> Option<R> {
        self.map.get(key).map(|value| f(&value))
    }

    /// The value of `key`, inserted by `make` if there is none yet (under the shard's write
    /// guard: `make` must not run user code).
    pub(crate) fn get_or_insert_with(&self, key: &K, make: impl FnOnce() -> V) -> V {
        self.map.entry(key.clone()).or_insert_with(make).clone()
    }
}
