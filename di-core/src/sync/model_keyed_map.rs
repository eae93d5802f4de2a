//! [`KeyedMap`] of a `--cfg loom` build: a `HashMap` behind loom's mutex, so that the checker
//! sees every lookup and insertion (dashmap's own locks would be invisible to it).

use std::collections::HashMap;
use std::hash::Hash;

use loom::sync::Mutex;

/// See the normal build's `KeyedMap`: same methods, same guarantees.
pub(crate) struct KeyedMap<K, V> {
    map: Mutex<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> KeyedMap<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn with<R>(&self, key: &K, f: impl FnOnce(&V) -> R) -> Option<R> {
        let map = self
            .map
            .lock()
            .expect("no model thread panics holding the map");
        map.get(key).map(f)
    }

    pub(crate) fn get_or_insert_with(&self, key: &K, make: impl FnOnce() -> V) -> V {
        let mut map = self
            .map
            .lock()
            .expect("no model thread panics holding the map");
        map.entry(key.clone()).or_insert_with(make).clone()
    }
}
