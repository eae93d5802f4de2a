//! [`Slots`]: the instances one owner created, cached by slot, released newest first.

use std::any::type_name;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::FutureExt;
use once_cell::sync::OnceCell;

use super::cells::Cells;
use super::erased::{DisposeFn, ErasedInstance};
use crate::error::ResolveError;

/// An instance the owner created, and when.
struct Created {
    instance: ErasedInstance,
    dispose: Option<DisposeFn>,
    /// Creation order among everything the owner created (slots and tracked transients).
    seq: u64,
    /// The slot created just before this one, plus one (0: none): the creation chain, walked
    /// newest first at disposal without allocating. `u32` (slots are registrations) so that
    /// the flag below fits in the padding: a larger `Created` makes every scope dearer to copy
    /// and pushes a 16-cell page out of the allocator's per-thread cache.
    prev: u32,
    /// Whether its `dispose` was started: at most once, even across interrupted disposals.
    disposal_started: AtomicBool,
}

impl Created {
    #[inline]
    fn new(instance: ErasedInstance, dispose: Option<DisposeFn>, seq: u64, prev: usize) -> Self {
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

/// Cache slots sized at build time, plus the disposable transients the owner created.
/// Dropping releases instances in reverse creation order.
pub(crate) struct Slots {
    cells: Cells<Created>,
    next_seq: AtomicU64,
    /// The newest filled slot, plus one (0: none).
    newest: AtomicUsize,
    transients: Mutex<Vec<Created>>,
    /// The disposable transients handed over to disposal, oldest first. Owned here rather than
    /// by the disposal future, so that a future dropped midway loses nothing and the next
    /// `dispose_all` resumes; allocated by the first disposal only.
    disposal: OnceCell<Box<futures::lock::Mutex<Vec<Created>>>>,
}

impl Slots {
    /// Storage for `len` slots. Only the first few are inline; the others are allocated when
    /// first used, so creating a scope costs the same whatever the number of registrations.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            cells: Cells::new(len),
            next_seq: AtomicU64::new(0),
            newest: AtomicUsize::new(0),
            transients: Mutex::new(Vec::new()),
            disposal: OnceCell::new(),
        }
    }

    /// Stamps an instance about to fill `slot` with its place in the creation order.
    #[inline]
    fn created(
        &self,
        slot: usize,
        instance: ErasedInstance,
        dispose: Option<DisposeFn>,
    ) -> Created {
        Created::new(
            instance,
            dispose,
            self.next_seq.fetch_add(1, Ordering::Relaxed),
            self.newest.swap(slot + 1, Ordering::AcqRel),
        )
    }

    /// The instance in `slot`, created by `create` if the slot is empty. Concurrent callers wait
    /// for one creation; if `create` fails or panics the slot stays empty.
    #[inline]
    pub(crate) fn get_or_create<S: ?Sized + Send + Sync + 'static>(
        &self,
        slot: usize,
        service: &'static str,
        dispose: Option<DisposeFn>,
        create: impl FnOnce() -> Result<Arc<S>, ResolveError>,
    ) -> Result<Arc<S>, ResolveError> {
        let created = self.cells.get(slot).get_or_try_init(service, || {
            let instance = create()?;
            Ok(self.created(slot, Box::new(instance), dispose))
        })?;
        Ok(downcast::<S>(created))
    }

    /// The instance in `slot`, if it was created.
    pub(crate) fn get<S: ?Sized + Send + Sync + 'static>(&self, slot: usize) -> Option<Arc<S>> {
        self.cells.get(slot).get().map(downcast::<S>)
    }

    /// Stores an instance created elsewhere (by `build_async`). A filled slot is left as it is.
    pub(crate) fn fill(&self, slot: usize, instance: ErasedInstance, dispose: Option<DisposeFn>) {
        let cell = self.cells.get(slot);
        if cell.get().is_none() {
            cell.set(self.created(slot, instance, dispose));
        }
    }

    /// Records a disposable transient so it is disposed with its owner.
    pub(crate) fn track<S: ?Sized + Send + Sync + 'static>(
        &self,
        instance: &Arc<S>,
        dispose: DisposeFn,
    ) {
        let created = Created::new(
            Box::new(Arc::clone(instance)),
            Some(dispose),
            self.next_seq.fetch_add(1, Ordering::Relaxed),
            0,
        );
        lock(&self.transients).push(created);
    }

    /// Whether anything the owner created has an async `dispose` to run.
    pub(crate) fn has_disposables(&self) -> bool {
        if !lock(&self.transients).is_empty() {
            return true;
        }
        let mut chain = Chain {
            slots: self,
            next: self.newest.load(Ordering::Acquire),
        };
        chain.any(|created| created.dispose.is_some())
    }

    /// Disposes every disposable instance not disposed yet, newest first. A panicking
    /// `dispose` does not stop the others; the first panic is resumed once all have run.
    ///
    /// Resumable: if the returned future is dropped midway, the next call disposes what is
    /// left (an interrupted `dispose` is not started again). A call made while another is
    /// running returns at once, as re-entrant calls (a `dispose` disposing its own owner) must.
    pub(crate) async fn dispose_all(&self) {
        let disposal = self.disposal.get_or_init(Box::default);
        let Some(mut handed_over) = disposal.try_lock() else {
            return;
        };
        handed_over.append(&mut lock(&self.transients));
        handed_over.sort_unstable_by_key(|c| c.seq);
        let chain = Chain {
            slots: self,
            next: self.newest.load(Ordering::Acquire),
        };
        let mut first_panic = None;
        for created in NewestFirst::new(chain, handed_over.iter().rev()) {
            let Some(dispose) = created.dispose else {
                continue;
            };
            if created.disposal_started.swap(true, Ordering::AcqRel) {
                continue;
            }
            let outcome = AssertUnwindSafe(dispose(&*created.instance))
                .catch_unwind()
                .await;
            if let Err(panic) = outcome {
                first_panic.get_or_insert(panic);
            }
        }
        drop(handed_over);
        if let Some(panic) = first_panic {
            std::panic::resume_unwind(panic);
        }
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        let transients = self
            .transients
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(disposal) = self.disposal.get_mut() {
            transients.append(disposal.get_mut());
        }
        transients.sort_unstable_by_key(|c| c.seq);
        // Release in reverse creation order: follow the chain, interleaving the transients.
        let mut next = *self.newest.get_mut();
        while let Some(slot) = next.checked_sub(1) {
            let Some(created) = self.cells.existing_mut(slot).and_then(|cell| cell.take()) else {
                break;
            };
            while transients.last().is_some_and(|t| t.seq > created.seq) {
                drop(transients.pop());
            }
            next = created.prev as usize;
            drop(created);
        }
        while let Some(transient) = transients.pop() {
            drop(transient);
        }
    }
}

/// The filled slots, newest first.
struct Chain<'a> {
    slots: &'a Slots,
    next: usize,
}

impl<'a> Iterator for Chain<'a> {
    type Item = &'a Created;

    fn next(&mut self) -> Option<&'a Created> {
        let slot = self.next.checked_sub(1)?;
        let created = self.slots.cells.existing(slot)?.get()?;
        self.next = created.prev as usize;
        Some(created)
    }
}

/// Merges two newest-first sequences of created instances by creation order.
struct NewestFirst<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>> NewestFirst<'a, A, B> {
    fn new(a: A, b: B) -> Self {
        Self {
            a: a.peekable(),
            b: b.peekable(),
        }
    }
}

impl<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>> Iterator
    for NewestFirst<'a, A, B>
{
    type Item = &'a Created;

    fn next(&mut self) -> Option<&'a Created> {
        match (self.a.peek(), self.b.peek()) {
            (Some(a), Some(b)) if b.seq > a.seq => self.b.next(),
            (Some(_), _) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

#[inline]
fn downcast<S: ?Sized + Send + Sync + 'static>(created: &Created) -> Arc<S> {
    match created.instance.downcast_ref::<Arc<S>>() {
        Some(instance) => Arc::clone(instance),
        None => unreachable!("a slot holds `{}` only", type_name::<S>()),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_instance_stays_five_words_so_a_page_of_cells_stays_in_the_thread_cache() {
        assert_eq!(std::mem::size_of::<Created>(), 40);
    }
}
