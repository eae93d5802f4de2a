//! [`Created`]: one instance an owner created, stamped with its place in the creation order.

use crate::dispose::erased::{DisposeFn, ErasedInstance};
use crate::sync::AtomicBool;

/// An instance the owner created, and when.
pub(crate) struct Created {
    pub(crate) instance: ErasedInstance,
    pub(crate) dispose: Option<DisposeFn>,
    /// Creation order among everything the owner created (slots and tracked transients).
    pub(crate) seq: u64,
    /// The slot created just before this one, plus one (0: none): the creation chain, walked
    /// newest first at disposal without allocating. `u32` (slots are registrations) so that
    /// the flag below fits in the padding: a larger `Created` makes every scope dearer to copy
    /// and pushes a 16-cell page out of the allocator's per-thread cache.
    pub(crate) prev: u32,
    /// Whether its `dispose` was started: at most once, even across interrupted disposals.
    pub(crate) disposal_started: AtomicBool,
}

impl Created {
    #[inline]
    pub(crate) fn new(
        instance: ErasedInstance,
        dispose: Option<DisposeFn>,
        seq: u64,
        prev: usize,
    ) -> Self {
        let prev = u32::try_from(prev).expect("fewer than 2^32 registrations");
        Self {
            instance,
            dispose,
            seq,
            prev,
            disposal_started: AtomicBool::new(false),
        }
    }
}

/// Where an owner keeps the instances it caches by slot: what disposal walks, newest first,
/// along the creation chain (`Created::prev`).
pub(crate) trait CreatedSlots: Sync {
    /// What fills `slot`, if it was ever filled.
    fn created(&self, slot: usize) -> Option<&Created>;

    /// Takes what fills `slot`, to release it.
    fn take_created(&mut self, slot: usize) -> Option<Created>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_instance_stays_five_words_so_a_page_of_cells_stays_in_the_thread_cache() {
        assert_eq!(std::mem::size_of::<Created>(), 40);
    }
}
