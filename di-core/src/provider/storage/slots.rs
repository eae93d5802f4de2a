//! [`Slots`]: the instances one owner created, cached by slot, released newest first.

use std::any::type_name;
use std::sync::Arc;

use super::cells::{Cell, Cells};
use crate::dispose::{DisposeFn, ErasedInstance};
use crate::error::ResolveError;
use crate::sync::{
    AsyncMutex, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, OnceCell, Ordering,
    PoisonError, fence,
};

/// An instance the owner created, and when.
pub(super) struct Created {
    pub(super) instance: ErasedInstance,
    pub(super) dispose: Option<DisposeFn>,
    /// Creation order among everything the owner created (slots and tracked transients).
    pub(super) seq: u64,
    /// The slot created just before this one, plus one (0: none): the creation chain, walked
    /// newest first at disposal without allocating. `u32` (slots are registrations) so that
    /// the flag below fits in the padding: a larger `Created` makes every scope dearer to copy
    /// and pushes a 16-cell page out of the allocator's per-thread cache.
    pub(super) prev: u32,
    /// Whether its `dispose` was started: at most once, even across interrupted disposals.
    pub(super) disposal_started: AtomicBool,
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

/// Who owns a [`Slots`]: named in the error of a resolution that finds it disposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The provider: singletons and what the root created.
    Provider,
    /// A scope: scoped services and what the scope created.
    Scope,
}

impl Owner {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Scope => "scope",
        }
    }
}

/// Cache slots sized at build time, plus the disposable transients the owner created.
/// Dropping releases instances in reverse creation order.
///
/// # Disposal racing creation
///
/// Disposal first *closes* the owner (`closed`), then walks what was published. A creation
/// publishes its instance (fills the cell, or tracks the transient), then reads `closed`. Both
/// sides put a sequentially consistent fence between their write and their read, so at least
/// one of them sees the other: either disposal finds the instance, or the creation finds the
/// owner closed, asks for another disposal pass ([`Slots::dispose_late`]) and fails with
/// [`ResolveError::Disposed`]. Each instance's `disposal_started` flag makes it disposed once
/// when both do.
pub(crate) struct Slots {
    pub(super) cells: Cells<Created>,
    next_seq: AtomicU64,
    /// The newest filled slot, plus one (0: none).
    pub(super) newest: AtomicUsize,
    pub(super) transients: Mutex<Vec<Created>>,
    /// The disposable transients handed over to disposal, oldest first. Owned here rather than
    /// by the disposal future, so that a future dropped midway loses nothing and the next
    /// `dispose_all` resumes; allocated by the first disposal only. Locked by whoever runs a
    /// disposal pass.
    pub(super) disposal: OnceCell<Box<AsyncMutex<Vec<Created>>>>,
    /// Set once disposal began: nothing may be handed out from here any more.
    pub(super) closed: AtomicBool,
    /// Set when a disposal pass is wanted: whoever holds `disposal` runs another pass after
    /// releasing it, so a request made while a pass runs is never lost.
    pub(super) pass_wanted: AtomicBool,
    pub(super) owner: Owner,
}

impl Slots {
    /// Storage for `len` slots. Only the first few are inline; the others are allocated when
    /// first used, so creating a scope costs the same whatever the number of registrations.
    pub(crate) fn new(len: usize, owner: Owner) -> Self {
        Self {
            cells: Cells::new(len),
            next_seq: AtomicU64::new(0),
            newest: AtomicUsize::new(0),
            transients: Mutex::new(Vec::new()),
            disposal: OnceCell::new(),
            closed: AtomicBool::new(false),
            pass_wanted: AtomicBool::new(false),
            owner,
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
    /// for one creation; if `create` fails or panics the slot stays empty. A creation that
    /// finishes after disposal began is disposed at once and fails.
    #[inline]
    pub(crate) fn get_or_create<S: ?Sized + Send + Sync + 'static>(
        &self,
        slot: usize,
        service: &'static str,
        dispose: Option<DisposeFn>,
        create: impl FnOnce() -> Result<Arc<S>, ResolveError>,
    ) -> Result<Arc<S>, ResolveError> {
        let cell = self.cells.get(slot);
        if let Some(created) = cell.get() {
            return Ok(downcast::<S>(created));
        }
        self.create(cell, slot, service, dispose, create)
    }

    /// The creation path of [`get_or_create`](Slots::get_or_create), out of line: inlined, it
    /// made the resolution of transients (which never take it) dearer by 4–18 instructions.
    #[inline(never)]
    fn create<S: ?Sized + Send + Sync + 'static>(
        &self,
        cell: &Cell<Created>,
        slot: usize,
        service: &'static str,
        dispose: Option<DisposeFn>,
        create: impl FnOnce() -> Result<Arc<S>, ResolveError>,
    ) -> Result<Arc<S>, ResolveError> {
        let mut created_here = false;
        let created = cell.get_or_try_init(service, || {
            self.ensure_open(service)?;
            let instance = create()?;
            created_here = true;
            Ok(self.created(slot, Box::new(instance), dispose))
        })?;
        self.published(service, created_here)?;
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
    ///
    /// # Errors
    ///
    /// [`ResolveError::Disposed`] if disposal began: the transient was then disposed already.
    #[inline(never)]
    pub(crate) fn track<S: ?Sized + Send + Sync + 'static>(
        &self,
        service: &'static str,
        instance: &Arc<S>,
        dispose: DisposeFn,
    ) -> Result<(), ResolveError> {
        let created = Created::new(
            Box::new(Arc::clone(instance)),
            Some(dispose),
            self.next_seq.fetch_add(1, Ordering::Relaxed),
            0,
        );
        lock(&self.transients).push(created);
        self.published(service, true)
    }

    /// Fails when the owner was closed, before a factory runs for nothing.
    #[inline]
    fn ensure_open(&self, service: &'static str) -> Result<(), ResolveError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(self.disposed_error(service));
        }
        Ok(())
    }

    /// Called after an instance was published (or, by a waiter, found published): if disposal
    /// began meanwhile, the publisher makes sure a disposal pass sees it, and every caller fails.
    #[inline]
    fn published(&self, service: &'static str, by_me: bool) -> Result<(), ResolveError> {
        // Pairs with the fence in `close`; see the type's docs.
        fence(Ordering::SeqCst);
        if self.closed.load(Ordering::Relaxed) {
            return Err(self.published_late(service, by_me));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn published_late(&self, service: &'static str, by_me: bool) -> ResolveError {
        if by_me {
            self.dispose_late();
        }
        self.disposed_error(service)
    }

    pub(crate) fn disposed_error(&self, service: &'static str) -> ResolveError {
        ResolveError::Disposed {
            service,
            owner: self.owner.name(),
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
        let mut next = self.newest.load(Ordering::Relaxed);
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

#[inline]
fn downcast<S: ?Sized + Send + Sync + 'static>(created: &Created) -> Arc<S> {
    match created.instance.downcast_ref::<Arc<S>>() {
        Some(instance) => Arc::clone(instance),
        None => unreachable!("a slot holds `{}` only", type_name::<S>()),
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
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
