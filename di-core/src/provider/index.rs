//! [`ServiceIndex`]: from a type (and key) to its registrations' call-site indices.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rustc_hash::FxBuildHasher;

use crate::key::ServiceKey;
use crate::registration::Descriptor;

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

/// Lookup tables built once at `build()`.
#[derive(Debug, Default)]
pub(crate) struct ServiceIndex {
    unkeyed: TypeMap<Entry>,
    /// Keys are hashed with FxHash: SipHash's flood resistance buys nothing for keys that come
    /// from the program's own registrations, and costs ~200 instructions per lookup.
    keyed: TypeMap<HashMap<ServiceKey, Entry, FxBuildHasher>>,
}

impl ServiceIndex {
    pub(crate) fn new(descriptors: &[Descriptor]) -> Self {
        let mut unkeyed: TypeMap<Vec<u32>> = TypeMap::default();
        let mut keyed: TypeMap<HashMap<ServiceKey, Vec<u32>, FxBuildHasher>> = TypeMap::default();
        for (i, d) in descriptors.iter().enumerate() {
            let i = i as u32;
            match &d.key {
                None => unkeyed.entry(d.type_id).or_default().push(i),
                Some(key) => keyed
                    .entry(d.type_id)
                    .or_default()
                    .entry(key.clone())
                    .or_default()
                    .push(i),
            }
        }
        Self {
            unkeyed: unkeyed
                .into_iter()
                .map(|(t, all)| (t, entry(all)))
                .collect(),
            keyed: keyed
                .into_iter()
                .map(|(t, by_key)| {
                    (
                        t,
                        by_key.into_iter().map(|(k, all)| (k, entry(all))).collect(),
                    )
                })
                .collect(),
        }
    }

    #[inline]
    pub(crate) fn unkeyed(&self, type_id: TypeId) -> Option<&Entry> {
        self.unkeyed.get(&type_id)
    }

    pub(crate) fn keyed(&self, type_id: TypeId, key: &ServiceKey) -> Option<&Entry> {
        self.keyed.get(&type_id)?.get(key)
    }
}

fn entry(all: Vec<u32>) -> Entry {
    Entry {
        last: all.last().copied().unwrap_or_default(),
        all: all.into_boxed_slice(),
    }
}
