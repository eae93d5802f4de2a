//! [`Slots`]: the instances a provider (singletons) or a scope (scoped services) owns, with their
//! creation order for disposal.

use std::any::{Any, type_name};
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use futures::FutureExt;
use futures::future::BoxFuture;
use once_cell::sync::OnceCell;

use crate::dispose::AsyncDispose;
use crate::error::ResolveError;

/// An `Arc<S>` with `S` erased. Boxed because `S` may be unsized (`dyn Trait`).
pub(crate) type ErasedInstance = Box<dyn Any + Send + Sync>;

/// Calls [`AsyncDispose::dispose`] on an erased instance; monomorphized per service at
/// registration.
pub(crate) type DisposeFn = for<'a> fn(&'a (dyn Any + Send + Sync)) -> BoxFuture<'a, ()>;

/// The [`DisposeFn`] of `S`.
pub(crate) fn dispose_erased<S: ?Sized + AsyncDispose + 'static>(
    instance: &(dyn Any + Send + Sync),
) -> BoxFuture<'_, ()> {
    match instance.downcast_ref::<Arc<S>>() {
        Some(service) => service.dispose(),
        None => Box::pin(async {}),
    }
}

/// An instance the owner created, and when.
struct Created {
    instance: ErasedInstance,
    dispose: Option<DisposeFn>,
    /// Creation order among everything the owner created (slots and tracked transients).
    seq: u64,
    /// The slot created just before this one, plus one (0: none): the creation chain, walked
    /// newest first at disposal without allocating.
    prev: usize,
}

/// Slots stored inline in the owner: most scopes need only a few, and creating a scope then
/// allocates nothing more than the scope itself.
const INLINE: usize = 4;

/// Cache slots sized at build time, the first few inline and the rest allocated on first use,
/// plus the disposable transients the owner created. Dropping releases instances in reverse
/// creation order.
pub(crate) struct Slots {
    len: usize,
    inline: [OnceCell<Created>; INLINE],
    overflow: OnceLock<Box<[OnceCell<Created>]>>,
    next_seq: AtomicU64,
    /// The newest filled slot, plus one (0: none).
    newest: AtomicUsize,
    transients: Mutex<Vec<Created>>,
}

impl Slots {
    /// Storage for `len` slots; allocated on the first cached resolution, so creating a scope
    /// costs the same whatever the number of registrations.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            len,
            inline: [const { OnceCell::new() }; INLINE],
            overflow: OnceLock::new(),
            next_seq: AtomicU64::new(0),
            newest: AtomicUsize::new(0),
            transients: Mutex::new(Vec::new()),
        }
    }

    /// The cell of `slot`, allocating the overflow cells on first use.
    #[inline]
    fn cell(&self, slot: usize) -> &OnceCell<Created> {
        match slot.checked_sub(INLINE) {
            None => &self.inline[slot],
            Some(i) => {
                let overflow = self.overflow.get_or_init(|| {
                    let len = self.len.saturating_sub(INLINE);
                    (0..len).map(|_| OnceCell::new()).collect()
                });
                &overflow[i]
            }
        }
    }

    /// The cell of `slot` if it exists yet (never allocates).
    fn existing_cell(&self, slot: usize) -> Option<&OnceCell<Created>> {
        match slot.checked_sub(INLINE) {
            None => self.inline.get(slot),
            Some(i) => self.overflow.get()?.get(i),
        }
    }

    /// Stamps an instance about to fill `slot` with its place in the creation order.
    fn created(
        &self,
        slot: usize,
        instance: ErasedInstance,
        dispose: Option<DisposeFn>,
    ) -> Created {
        Created {
            instance,
            dispose,
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            prev: self.newest.swap(slot + 1, Ordering::AcqRel),
        }
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
        let cell = self.cell(slot);
        if let Some(created) = cell.get() {
            return Ok(downcast::<S>(created));
        }
        // Waiting on a cell this thread is filling would never end: fail instead.
        let _guard = CreationGuard::enter(self, slot).ok_or(ResolveError::Reentrant { service })?;
        let created = cell.get_or_try_init(|| {
            let instance = create()?;
            Ok::<_, ResolveError>(self.created(slot, Box::new(instance), dispose))
        })?;
        Ok(downcast::<S>(created))
    }

    /// The instance in `slot`, if it was created.
    pub(crate) fn get<S: ?Sized + Send + Sync + 'static>(&self, slot: usize) -> Option<Arc<S>> {
        self.cell(slot).get().map(downcast::<S>)
    }

    /// Stores an instance created elsewhere (by `build_async`). A filled slot is left as it is.
    pub(crate) fn fill(&self, slot: usize, instance: ErasedInstance, dispose: Option<DisposeFn>) {
        let cell = self.cell(slot);
        if cell.get().is_none() {
            let _ = cell.set(self.created(slot, instance, dispose));
        }
    }

    /// Records a disposable transient so it is disposed with its owner.
    pub(crate) fn track<S: ?Sized + Send + Sync + 'static>(
        &self,
        instance: &Arc<S>,
        dispose: DisposeFn,
    ) {
        let created = Created {
            instance: Box::new(Arc::clone(instance)),
            dispose: Some(dispose),
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            prev: 0,
        };
        lock(&self.transients).push(created);
    }

    /// Disposes every disposable instance, newest first. A panicking `dispose` does not stop
    /// the others; the first panic is resumed once all have run.
    pub(crate) async fn dispose_all(&self) {
        let mut transients = std::mem::take(&mut *lock(&self.transients));
        transients.sort_unstable_by_key(|c| c.seq);
        let chain = Chain {
            slots: self,
            next: self.newest.load(Ordering::Acquire),
        };
        let mut first_panic = None;
        for created in NewestFirst::new(chain, transients.iter().rev()) {
            if let Some(dispose) = created.dispose {
                let outcome = AssertUnwindSafe(dispose(&*created.instance))
                    .catch_unwind()
                    .await;
                if let Err(panic) = outcome {
                    first_panic.get_or_insert(panic);
                }
            }
        }
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
        transients.sort_unstable_by_key(|c| c.seq);
        // Release in reverse creation order: follow the chain, interleaving the transients.
        let mut next = *self.newest.get_mut();
        while let Some(slot) = next.checked_sub(1) {
            let cell = match slot.checked_sub(INLINE) {
                None => self.inline.get_mut(slot),
                Some(i) => self.overflow.get_mut().and_then(|cells| cells.get_mut(i)),
            };
            let Some(created) = cell.and_then(OnceCell::take) else {
                break;
            };
            while transients.last().is_some_and(|t| t.seq > created.seq) {
                drop(transients.pop());
            }
            next = created.prev;
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
        let created = self.slots.existing_cell(slot)?.get()?;
        self.next = created.prev;
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

fn downcast<S: ?Sized + Send + Sync + 'static>(created: &Created) -> Arc<S> {
    match created.instance.downcast_ref::<Arc<S>>() {
        Some(instance) => Arc::clone(instance),
        None => unreachable!("a slot holds `{}` only", type_name::<S>()),
    }
}

thread_local! {
    /// The (owner, slot) pairs this thread is creating right now.
    static CREATING: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

/// Marks a slot as being created by this thread until dropped (also on unwind).
struct CreationGuard {
    key: (usize, usize),
}

impl CreationGuard {
    /// `None` if this thread is already creating that slot.
    fn enter(slots: &Slots, slot: usize) -> Option<Self> {
        // The address only identifies the owner while it is borrowed here; it is never
        // turned back into a reference.
        let key = (std::ptr::from_ref(slots) as usize, slot);
        CREATING.with_borrow_mut(|creating| {
            if creating.contains(&key) {
                return None;
            }
            creating.push(key);
            Some(Self { key })
        })
    }
}

impl Drop for CreationGuard {
    fn drop(&mut self) {
        CREATING.with_borrow_mut(|creating| {
            if let Some(i) = creating.iter().rposition(|k| *k == self.key) {
                creating.swap_remove(i);
            }
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
