//! [`AsyncMutex`] for loom: the `try_lock` half of `futures::lock::Mutex`, with the lock state
//! in a loom atomic so that the checker schedules around taking and releasing it.

use std::ops::{Deref, DerefMut};

use loom::sync::atomic::{AtomicBool, Ordering};

/// A lock taken only with [`try_lock`](AsyncMutex::try_lock); its guard may be held across
/// `.await`.
#[derive(Debug, Default)]
pub(crate) struct AsyncMutex<T> {
    held: AtomicBool,
    inner: futures::lock::Mutex<T>,
}

impl<T> AsyncMutex<T> {
    pub(crate) fn try_lock(&self) -> Option<AsyncMutexGuard<'_, T>> {
        self.held
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        let inner = self.inner.try_lock();
        assert!(inner.is_some(), "only the holder of `held` locks `inner`");
        Some(AsyncMutexGuard {
            held: &self.held,
            inner,
        })
    }

    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut()
    }
}

/// Holds an [`AsyncMutex`]; releases it when dropped.
#[derive(Debug)]
pub(crate) struct AsyncMutexGuard<'a, T> {
    held: &'a AtomicBool,
    /// `Some` until dropped: released before `held` is cleared.
    inner: Option<futures::lock::MutexGuard<'a, T>>,
}

impl<T> Deref for AsyncMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.inner {
            Some(inner) => inner,
            None => unreachable!("taken only by drop"),
        }
    }
}

impl<T> DerefMut for AsyncMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.inner {
            Some(inner) => inner,
            None => unreachable!("taken only by drop"),
        }
    }
}

impl<T> Drop for AsyncMutexGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.inner.take());
        self.held.store(false, Ordering::Release);
    }
}
