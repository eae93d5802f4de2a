//! The primitives of a normal build: std's, `once_cell`'s and `futures`' own.

pub(crate) use futures::lock::Mutex as AsyncMutex;
pub(crate) use once_cell::sync::OnceCell;
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
pub(crate) use std::sync::{Mutex, MutexGuard, OnceLock};

thread_local! {
    static TOKEN: u8 = const { 0 };
}

/// A non-zero number unique to the current thread while it lives: the address of a
/// thread-local.
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|token| std::ptr::from_ref(token) as usize)
}
