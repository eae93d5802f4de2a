//! [`Slots`]: the instances a provider (singletons) or a scope (scoped services) owns, with their
//! creation order for disposal.

use std::any::{Any, type_name};
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
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
    seq: u64,
}

/// Cache slots sized at build time, allocated on first use, plus the disposable transients the
/// owner created. Dropping releases instances in reverse creation order.
pub(crate) struct Slots {
    len: usize,
    cells: OnceLock<Box<[OnceCell<Created>]>>,
    next_seq: AtomicU64,
    transients: Mutex<Vec<Created>>,
}

impl Slots {
    /// Storage for `len` slots; allocated on the first cached resolution, so creating a scope
    /// costs the same whatever the number of registrations.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            len,
            cells: OnceLock::new(),
            next_seq: AtomicU64::new(0),
            transients: Mutex::new(Vec::new()),
        }
    }

    fn cells(&self) -> &[OnceCell<Created>] {
        self.cells
            .get_or_init(|| (0..self.len).map(|_| OnceCell::new()).collect())
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
        let cell = &self.cells()[slot];
        if let Some(created) = cell.get() {
            return Ok(downcast::<S>(created));
        }
        // Waiting on a cell this thread is filling would never end: fail instead.
        let _guard = CreationGuard::enter(self, slot).ok_or(ResolveError::Reentrant { service })?;
        let created = cell.get_or_try_init(|| {
            let instance = create()?;
            Ok::<_, ResolveError>(Created {
                instance: Box::new(instance),
                dispose,
                seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            })
        })?;
        Ok(downcast::<S>(created))
    }

    /// The instance in `slot`, if it was created.
    pub(crate) fn get<S: ?Sized + Send + Sync + 'static>(&self, slot: usize) -> Option<Arc<S>> {
        self.cells()[slot].get().map(downcast::<S>)
    }

    /// Stores an instance created elsewhere (by `build_async`). A filled slot is left as it is.
    pub(crate) fn fill(&self, slot: usize, instance: ErasedInstance, dispose: Option<DisposeFn>) {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let _ = self.cells()[slot].set(Created {
            instance,
            dispose,
            seq,
        });
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
        };
        lock(&self.transients).push(created);
    }

    /// Disposes every disposable instance, newest first. A panicking `dispose` does not stop
    /// the others; the first panic is resumed once all have run.
    pub(crate) async fn dispose_all(&self) {
        let transients = std::mem::take(&mut *lock(&self.transients));
        let mut order: Vec<&Created> = self
            .cells
            .get()
            .into_iter()
            .flat_map(|cells| cells.iter().filter_map(OnceCell::get))
            .chain(&transients)
            .filter(|c| c.dispose.is_some())
            .collect();
        order.sort_unstable_by_key(|c| std::cmp::Reverse(c.seq));
        let mut first_panic = None;
        for created in order {
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
        let mut created: Vec<Created> = std::mem::take(
            self.transients
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        if let Some(cells) = self.cells.get_mut() {
            created.extend(cells.iter_mut().filter_map(OnceCell::take));
        }
        created.sort_unstable_by_key(|c| std::cmp::Reverse(c.seq));
        for instance in created {
            drop(instance);
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
