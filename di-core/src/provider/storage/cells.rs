//! [`Cells`]: a fixed number of cache cells, the first few inline, the rest in pages allocated
//! on first use; and [`Cell`], which fails re-entrant initialization instead of deadlocking.

use crate::error::ResolveError;
use crate::sync::{AtomicUsize, OnceCell, Ordering, thread_token};

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
    #[inline]
    fn new() -> Self {
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

/// A page of [`PAGE`] cells. Built cell by cell rather than from an all-zero array literal,
/// which the compiler turns into `calloc`: glibc serves `calloc` outside its per-thread cache,
/// which made a page several times dearer to allocate and free.
type Page<T> = Box<[Cell<T>]>;

/// A directory entry: a page and its number, once claimed.
type Entry<T> = OnceCell<(usize, Page<T>)>;

fn new_page<T>() -> Page<T> {
    std::iter::repeat_with(Cell::new).take(PAGE).collect()
}

/// Entries per [`Directory`] block.
const DIRECTORY: usize = 8;

/// The overflow pages a scope allocated, by page number, in the order first used: a scope pays
/// for the pages it touches, never for the number of registrations.
///
/// Entries are claimed strictly in order: a thread looking for a page initializes the first
/// empty entry with it, or waits for an entry being initialized and reads its number, so a
/// page number is claimed at most once and every entry before a claimed one is filled.
struct Directory<T> {
    /// Built like a page, entry by entry, to stay out of `calloc`.
    entries: Box<[Entry<T>]>,
    next: OnceCell<Box<Directory<T>>>,
}

impl<T> Directory<T> {
    fn new() -> Self {
        Self {
            entries: std::iter::repeat_with(OnceCell::new)
                .take(DIRECTORY)
                .collect(),
            next: OnceCell::new(),
        }
    }

    /// Page `number`, claimed and allocated on first use.
    fn page(&self, number: usize) -> &[Cell<T>] {
        let mut block = self;
        loop {
            for entry in &*block.entries {
                let (claimed, page) = entry.get_or_init(|| (number, new_page()));
                if *claimed == number {
                    return page;
                }
            }
            block = block.next.get_or_init(|| Box::new(Directory::new()));
        }
    }

    /// Page `number` if it was allocated.
    fn existing(&self, number: usize) -> Option<&[Cell<T>]> {
        let mut block = Some(self);
        while let Some(current) = block {
            for entry in &*current.entries {
                // Entries fill in order: an empty one ends the search.
                let (claimed, page) = entry.get()?;
                if *claimed == number {
                    return Some(page);
                }
            }
            block = current.next.get().map(|next| &**next);
        }
        None
    }

    /// Page `number` if it was allocated, for draining.
    fn existing_mut(&mut self, number: usize) -> Option<&mut [Cell<T>]> {
        let mut block = Some(self);
        while let Some(current) = block {
            for entry in &mut *current.entries {
                let (claimed, page) = entry.get_mut()?;
                if *claimed == number {
                    return Some(page);
                }
            }
            block = current.next.get_mut().map(|next| &mut **next);
        }
        None
    }
}

/// `len` cells: [`INLINE`] of them inline, the rest in pages of [`PAGE`] allocated on first use.
pub(super) struct Cells<T> {
    len: usize,
    inline: [Cell<T>; INLINE],
    overflow: OnceCell<Directory<T>>,
}

impl<T> Cells<T> {
    #[inline]
    pub(super) fn new(len: usize) -> Self {
        Self {
            len,
            inline: std::array::from_fn(|_| Cell::new()),
            overflow: OnceCell::new(),
        }
    }

    /// The cell of `slot`, allocating its page on first use.
    #[inline]
    pub(super) fn get(&self, slot: usize) -> &Cell<T> {
        debug_assert!(slot < self.len, "slot {slot} of {}", self.len);
        match slot.checked_sub(INLINE) {
            None => &self.inline[slot],
            Some(i) => {
                let directory = self.overflow.get_or_init(Directory::new);
                &directory.page(i / PAGE)[i % PAGE]
            }
        }
    }

    /// The cell of `slot` if its storage exists (never allocates).
    pub(super) fn existing(&self, slot: usize) -> Option<&Cell<T>> {
        match slot.checked_sub(INLINE) {
            None => self.inline.get(slot),
            Some(i) => self.overflow.get()?.existing(i / PAGE)?.get(i % PAGE),
        }
    }

    /// The cell of `slot` if its storage exists, for draining.
    pub(super) fn existing_mut(&mut self, slot: usize) -> Option<&mut Cell<T>> {
        match slot.checked_sub(INLINE) {
            None => self.inline.get_mut(slot),
            Some(i) => self
                .overflow
                .get_mut()?
                .existing_mut(i / PAGE)?
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
    fn pages_past_one_directory_block_are_found_again_in_any_order() {
        let pages = 3 * DIRECTORY + 1;
        let mut cells: Cells<usize> = Cells::new(INLINE + PAGE * pages);
        for page in (0..pages).rev() {
            let slot = INLINE + PAGE * page + page % PAGE;
            cells.get(slot).set(slot);
        }
        for page in 0..pages {
            let slot = INLINE + PAGE * page + page % PAGE;
            assert_eq!(cells.existing(slot).and_then(Cell::get), Some(&slot));
            assert_eq!(
                cells.existing_mut(slot).and_then(Cell::take),
                Some(slot),
                "drained through the mutable path too"
            );
        }
    }

    #[test]
    fn threads_racing_for_overflow_pages_share_one_cell_per_slot() {
        const THREADS: usize = 8;
        const PAGES: usize = 2 * DIRECTORY + 3;
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for trial in 0..200 {
                let cells: Cells<usize> = Cells::new(INLINE + PAGE * PAGES);
                let barrier = std::sync::Barrier::new(THREADS);
                let seen: Vec<Vec<usize>> = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..THREADS)
                        .map(|t| {
                            let (cells, barrier) = (&cells, &barrier);
                            s.spawn(move || {
                                barrier.wait();
                                // Each thread walks the pages in its own order.
                                let order = (0..PAGES).map(|i| (i * (2 * t + 1) + trial) % PAGES);
                                let mut seen = vec![0; PAGES];
                                for page in order {
                                    let slot = INLINE + PAGE * page;
                                    let value = cells.get(slot).get_or_try_init("S", || Ok(t));
                                    seen[page] = *value.expect("no re-entrance");
                                }
                                seen
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("no panic"))
                        .collect()
                });
                assert!(
                    seen.windows(2).all(|w| w[0] == w[1]),
                    "every thread saw the same winner for every slot"
                );
            }
            done.send(()).expect("the test waits");
        });
        finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("watchdog: page claiming deadlocked or panicked");
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
