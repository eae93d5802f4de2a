//! [`Slots`]: the instances one owner created, cached by slot, released newest first.

use std::any::type_name;
use std::sync::Arc;

use super::cells::{Cell, Cells};
use crate::dispose::{Created, CreatedSlots, CreationLog, DisposeFn, ErasedInstance, Owner};
use crate::error::ResolveError;

/// Cache slots sized at build time, and the [`CreationLog`] of what the owner created.
/// Dropping releases instances in reverse creation order.
pub(crate) struct Slots {
    pub(super) cells: Cells<Created>,
    log: CreationLog,
}

impl Slots {
    /// Storage for `len` slots. Only the first few are inline; the others are allocated when
    /// first used, so creating a scope costs the same whatever the number of registrations.
    #[inline]
    pub(crate) fn new(len: usize, owner: Owner) -> Self {
        Self {
            cells: Cells::new(len),
            log: CreationLog::new(owner),
        }
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
            self.log.ensure_open(service)?;
            let instance = create()?;
            created_here = true;
            Ok(self.log.created(slot, Box::new(instance), dispose))
        })?;
        self.log.published(&self.cells, service, created_here)?;
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
            cell.set(self.log.created(slot, instance, dispose));
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
        self.log.track(&self.cells, service, instance, dispose)
    }

    /// Whether the owner was closed.
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.log.is_closed()
    }

    /// See [`CreationLog::close_unless_disposables`].
    pub(crate) fn close_unless_disposables(&self) -> bool {
        self.log.close_unless_disposables(&self.cells)
    }

    /// Closes the owner and disposes what it created; see [`CreationLog::dispose_all`].
    pub(crate) async fn dispose_all(&self) {
        self.log.dispose_all(&self.cells).await;
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        self.log.release(&mut self.cells);
    }
}

impl CreatedSlots for Cells<Created> {
    #[inline]
    fn created(&self, slot: usize) -> Option<&Created> {
        self.existing(slot)?.get()
    }

    fn take_created(&mut self, slot: usize) -> Option<Created> {
        self.existing_mut(slot).and_then(|cell| cell.take())
    }
}

#[inline]
fn downcast<S: ?Sized + Send + Sync + 'static>(created: &Created) -> Arc<S> {
    match created.instance.downcast_ref::<Arc<S>>() {
        Some(instance) => Arc::clone(instance),
        None => unreachable!("a slot holds `{}` only", type_name::<S>()),
    }
}
