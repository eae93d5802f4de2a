//! [`Cells`]: a fixed number of cache cells, the first few inline, the rest in pages allocated
//! on first use; and [`Cell`], which fails re-entrant initialization instead of deadlocking.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use once_cell::sync::OnceCell;

use crate::error::ResolveError;

/// Cells stored inline in the owner: most scopes use only a few.
const INLINE: usize = 4;
/// Cells per overflow page.
const PAGE: usize = 16;

/// One cache cell.
pub(super) struct Cell<T> {
    value: OnceCell<T>,
    /// The token of the thread running this cell's initializer, 0 when none.
    filling: AtomicUsize,
}

impl<T> Cell<T> {
    const fn new() -> Self {
        Self {
            value: OnceCell::new(),
            filling: AtomicUsize::new(0),
        }
    }

    #[inline]
    pub(super) fn get(&self) -> Option<&T> {
        self.value.get()
    }

    pub(super) fn set(&self, value: T) {
        let _ = self.value.set(value);
    }

    pub(super) fn take(&mut self) -> Option<T> {
        self.value.take()
    }

    /// The value, initialized by `init` if empty. Concurrent callers wait for one
    /// initialization; the initializing thread asking again gets [`ResolveError::Reentrant`].
    pub(super) fn get_or_try_init(
        &self,
        service: &'static str,
        init: impl FnOnce() -> Result<T, ResolveError>,
    ) -> Result<&T, ResolveError> {
        if let Some(value) = self.value.get() {
            return Ok(value);
        }
        let me = thread_token();
        // Only this thread ever writes its own token here, so a relaxed load sees it.
        if self.filling.load(Ordering::Relaxed) == me {
            return Err(ResolveError::Reentrant { service });
        }
        self.value.get_or_try_init(|| {
            self.filling.store(me, Ordering::Relaxed);
            let _reset = Reset(&self.filling);
            init()
        })
    }
}

/// Clears a cell's `filling` token when initialization ends, also on unwind.
struct Reset<'a>(&'a AtomicUsize);

impl Drop for Reset<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

thread_local! {
    static TOKEN: u8 = const { 0 };
}

/// A non-zero number unique to the current thread while it lives: the address of a
/// thread-local.
fn thread_token() -> usize {
    TOKEN.with(|token| std::ptr::from_ref(token) as usize)
}

type Page<T> = [Cell<T>; PAGE];
/// The page table: one lazily allocated page per [`PAGE`] overflow cells.
type PageTable<T> = Box<[OnceLock<Box<Page<T>>>]>;

/// `len` cells: [`INLINE`] of them inline, the rest in pages allocated on first use.
pub(super) struct Cells<T> {
    len: usize,
    inline: [Cell<T>; INLINE],
    pages: OnceLock<PageTable<T>>,
}

impl<T> Cells<T> {
    pub(super) fn new(len: usize) -> Self {
        Self {
            len,
            inline: [const { Cell::new() }; INLINE],
            pages: OnceLock::new(),
        }
    }

    /// The cell of `slot`, allocating its page on first use.
    #[inline]
    pub(super) fn get(&self, slot: usize) -> &Cell<T> {
        match slot.checked_sub(INLINE) {
            None => &self.inline[slot],
            Some(i) => &self.page(i / PAGE)[i % PAGE],
        }
    }

    fn page(&self, page: usize) -> &Page<T> {
        let pages = self.pages.get_or_init(|| {
            let count = self.len.saturating_sub(INLINE).div_ceil(PAGE);
            (0..count).map(|_| OnceLock::new()).collect()
        });
        pages[page].get_or_init(|| Box::new([const { Cell::new() }; PAGE]))
    }

    /// The cell of `slot` if its storage exists (never allocates).
    pub(super) fn existing(&self, slot: usize) -> Option<&Cell<T>> {
        match slot.checked_sub(INLINE) {
            None => self.inline.get(slot),
            Some(i) => self.pages.get()?.get(i / PAGE)?.get()?.get(i % PAGE),
        }
    }

    /// The cell of `slot` if its storage exists, for draining.
    pub(super) fn existing_mut(&mut self, slot: usize) -> Option<&mut Cell<T>> {
        match slot.checked_sub(INLINE) {
            None => self.inline.get_mut(slot),
            Some(i) => self
                .pages
                .get_mut()?
                .get_mut(i / PAGE)?
                .get_mut()?
                .get_mut(i % PAGE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_past_the_inline_ones_live_in_pages_allocated_on_demand() {
        let cells: Cells<u32> = Cells::new(1_000);
        assert!(cells.existing(500).is_none());
        cells.get(500).set(7);
        assert_eq!(cells.existing(500).and_then(Cell::get), Some(&7));
        assert!(
            cells.existing(4 + 16 * 40).is_none(),
            "other pages stay unallocated"
        );
    }

    #[test]
    fn a_cell_initialized_again_by_its_own_initializer_reports_reentrance() {
        let cell: Cell<u32> = Cell::new();
        let outcome = cell.get_or_try_init("S", || match cell.get_or_try_init("S", || Ok(1)) {
            Err(ResolveError::Reentrant { service: "S" }) => Ok(2),
            other => panic!("expected re-entrance, got {other:?}"),
        });
        assert_eq!(outcome.ok(), Some(&2));
        assert_eq!(cell.filling.load(Ordering::Relaxed), 0);
    }
}
