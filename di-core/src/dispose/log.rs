//! [`CreationLog`]: what one owner created, in creation order, and whether it is closed — the
//! creation side of disposal (stamping, tracking, publishing, releasing on drop).
//! `passes.rs` holds the other side: closing and the disposal passes.

use std::sync::Arc;

use crate::dispose::created::{Created, CreatedSlots};
use crate::dispose::erased::{DisposeFn, ErasedInstance};
use crate::dispose::owner::Owner;
use crate::error::ResolveError;
use crate::sync::{
    AsyncMutex, AtomicBool, AtomicU64, Mutex, MutexGuard, OnceCell, Ordering, PoisonError, fence,
};

/// The low bits of [`CreationLog`]'s order word: the newest filled slot, plus one.
const SLOT_BITS: u32 = 24;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;
/// One step of the sequence number, the high bits of the order word (40 bits: a trillion
/// creations per owner).
const ONE_SEQ: u64 = 1 << SLOT_BITS;
/// How many cached slots (singletons, or scoped services) one owner may have: 2^24 − 1.
pub(crate) const MAX_SLOTS: usize = SLOT_MASK as usize;

/// What one owner (the provider, or a scope) created, in creation order — its cached slots
/// through the creation chain, its disposable transients in a list — and its closing and
/// disposal. The slots themselves live in the owner's storage, which lends them to every
/// walk as [`CreatedSlots`].
///
/// # Disposal racing creation
///
/// Disposal first *closes* the owner (`closed`), then walks what was published. A creation
/// publishes its instance (fills the cell, or tracks the transient), then reads `closed`. Both
/// sides put a sequentially consistent fence between their write and their read, so at least
/// one of them sees the other: either disposal finds the instance, or the creation finds the
/// owner closed, asks for another disposal pass ([`CreationLog::dispose_late`]) and fails with
/// [`ResolveError::Disposed`]. Each instance's `disposal_started` flag makes it disposed once
/// when both do.
pub(crate) struct CreationLog {
    /// The creation order in one word, so that stamping a slot is one atomic operation: the
    /// next sequence number above [`SLOT_BITS`], the newest filled slot plus one (0: none)
    /// below.
    order: AtomicU64,
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

impl CreationLog {
    /// An empty log: nothing created, open.
    #[inline]
    pub(crate) fn new(owner: Owner) -> Self {
        Self {
            order: AtomicU64::new(0),
            transients: Mutex::new(Vec::new()),
            disposal: OnceCell::new(),
            closed: AtomicBool::new(false),
            pass_wanted: AtomicBool::new(false),
            owner,
        }
    }

    /// The newest filled slot, plus one (0: none).
    #[inline]
    pub(super) fn newest(&self, order: Ordering) -> usize {
        (self.order.load(order) & SLOT_MASK) as usize
    }

    /// Stamps an instance about to fill `slot` with its place in the creation order.
    #[inline]
    pub(crate) fn created(
        &self,
        slot: usize,
        instance: ErasedInstance,
        dispose: Option<DisposeFn>,
    ) -> Created {
        debug_assert!(slot < MAX_SLOTS, "slot {slot} past {MAX_SLOTS}");
        // One compare-and-swap takes the next number and links `slot` in front of the newest.
        let link = slot as u64 + 1;
        let mut old = self.order.load(Ordering::Relaxed);
        while let Err(current) = self.order.compare_exchange_weak(
            old,
            ((old & !SLOT_MASK) + ONE_SEQ) | link,
            Ordering::AcqRel,
            Ordering::Relaxed,
        ) {
            old = current;
        }
        Created::new(
            instance,
            dispose,
            old >> SLOT_BITS,
            (old & SLOT_MASK) as usize,
        )
    }

    /// Records a disposable transient so it is disposed with its owner.
    ///
    /// # Errors
    ///
    /// [`ResolveError::Disposed`] if disposal began: the transient was then disposed already.
    #[inline(never)]
    pub(crate) fn track<S: ?Sized + Send + Sync + 'static>(
        &self,
        slots: &dyn CreatedSlots,
        service: &'static str,
        instance: &Arc<S>,
        dispose: DisposeFn,
    ) -> Result<(), ResolveError> {
        let created = Created::new(
            Box::new(Arc::clone(instance)),
            Some(dispose),
            self.order.fetch_add(ONE_SEQ, Ordering::Relaxed) >> SLOT_BITS,
            0,
        );
        lock(&self.transients).push(created);
        self.published(slots, service, true)
    }

    /// Fails when the owner was closed, before a factory runs for nothing.
    #[inline]
    pub(crate) fn ensure_open(&self, service: &'static str) -> Result<(), ResolveError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(self.disposed_error(service));
        }
        Ok(())
    }

    /// Called after an instance was published (or, by a waiter, found published): if disposal
    /// began meanwhile, the publisher makes sure a disposal pass sees it, and every caller fails.
    #[inline]
    pub(crate) fn published(
        &self,
        slots: &dyn CreatedSlots,
        service: &'static str,
        by_me: bool,
    ) -> Result<(), ResolveError> {
        // Pairs with the fence in `close`; see the type's docs.
        fence(Ordering::SeqCst);
        if self.closed.load(Ordering::Relaxed) {
            return Err(self.published_late(slots, service, by_me));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn published_late(
        &self,
        slots: &dyn CreatedSlots,
        service: &'static str,
        by_me: bool,
    ) -> ResolveError {
        if by_me {
            self.dispose_late(slots);
        }
        self.disposed_error(service)
    }

    pub(crate) fn disposed_error(&self, service: &'static str) -> ResolveError {
        ResolveError::Disposed {
            service,
            owner: self.owner.name(),
        }
    }

    /// Releases everything created, newest first: the filled slots along the chain,
    /// interleaved with the transients. For the owner's `Drop`.
    pub(crate) fn release(&mut self, slots: &mut dyn CreatedSlots) {
        let mut next = self.newest(Ordering::Relaxed);
        let transients = self
            .transients
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(disposal) = self.disposal.get_mut() {
            transients.append(disposal.get_mut());
        }
        transients.sort_unstable_by_key(|c| c.seq);
        // Release in reverse creation order: follow the chain, interleaving the transients.
        while let Some(slot) = next.checked_sub(1) {
            let Some(created) = slots.take_created(slot) else {
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

/// Locks `mutex`, ignoring poisoning: the lists it guards stay consistent across a panic.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
