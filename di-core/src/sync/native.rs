//! The primitives of a normal build: std's, `once_cell`'s and `futures`' own.

pub(crate) use futures::lock::Mutex as AsyncMutex;
pub(crate) use once_cell::sync::OnceCell;
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
pub(crate) use std::sync::{Mutex, MutexGuard, OnceLock};

/// The last token handed out.
static LAST_TOKEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

thread_local! {
    static TOKEN: usize = LAST_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
}

/// A non-zero number unique to the current thread, never reused by another thread.
///
/// Not the address of a thread-local, as it was: a new thread may get the address of one that
/// exited, and a cell's re-entrance check reads the "being filled by" token with a relaxed
/// load, which may return the exited thread's stale token: the new thread was told it
/// re-entered. Found by `tests/loom_models.rs` (loom reuses a finished model thread's
/// thread-local allocation the same way).
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|token| *token)
}
