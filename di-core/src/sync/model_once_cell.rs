//! [`OnceCell`] for loom: `once_cell::sync::OnceCell`'s contract on loom's primitives.
//!
//! Initializers take turns through a loom mutex and condition variable (a waiter blocks as a
//! model thread, so loom can schedule the initializer), and the value is published by a loom
//! atomic flag (Release on set, Acquire on get), so the checker sees every read of the cell and
//! what it synchronizes with. The value itself sits in a std `OnceLock`, written only by the
//! thread whose turn it is.

use std::convert::Infallible;
use std::sync::{OnceLock, PoisonError};

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::{Condvar, Mutex, MutexGuard};

/// A cell written once; see the module docs.
#[derive(Debug)]
pub(crate) struct OnceCell<T> {
    /// Whether an initializer is running. Never held while user code runs: loom's mutex does
    /// not survive a panic while it is held, and a factory may panic.
    initializing: Mutex<bool>,
    done: Condvar,
    ready: AtomicBool,
    value: OnceLock<T>,
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> OnceCell<T> {
    pub(crate) fn new() -> Self {
        Self {
            initializing: Mutex::new(false),
            done: Condvar::new(),
            ready: AtomicBool::new(false),
            value: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        if self.ready.load(Ordering::Acquire) {
            self.value.get()
        } else {
            None
        }
    }

    pub(crate) fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    pub(crate) fn take(&mut self) -> Option<T> {
        self.ready = AtomicBool::new(false);
        self.value.take()
    }

    pub(crate) fn set(&self, value: T) -> Result<(), T> {
        let mut value = Some(value);
        self.get_or_init(|| value.take().expect("taken once"));
        value.map_or(Ok(()), Err)
    }

    pub(crate) fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        match self.get_or_try_init(|| Ok::<T, Infallible>(init())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Waits for a running initializer; runs `init` if the cell is still empty after it (also
    /// after an initializer that failed or panicked), as `once_cell` does.
    pub(crate) fn get_or_try_init<E>(&self, init: impl FnOnce() -> Result<T, E>) -> Result<&T, E> {
        loop {
            if let Some(value) = self.get() {
                return Ok(value);
            }
            let mut initializing = self.lock();
            if !*initializing {
                *initializing = true;
                break;
            }
            drop(self.done.wait(initializing));
        }
        // The initializer's turn ends however `init` ends: returned, failed or panicked.
        let _turn = Turn(self);
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let value = init()?;
        let stored = self.value.get_or_init(|| value);
        self.ready.store(true, Ordering::Release);
        Ok(stored)
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.initializing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The turn of the thread initializing a cell: ends when dropped, waking the waiters.
struct Turn<'a, T>(&'a OnceCell<T>);

impl<T> Drop for Turn<'_, T> {
    fn drop(&mut self) {
        *self.0.lock() = false;
        self.0.done.notify_all();
    }
}
