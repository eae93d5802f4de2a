//! The primitives of a `--cfg loom` build: loom's, and stand-ins built on them.

pub(crate) use super::model_once_cell::OnceCell;
/// A singleton's typed cache is read on every resolution: the checker must see it.
pub(crate) use super::model_once_cell::OnceCell as OnceLock;
pub(crate) use super::model_try_lock::AsyncMutex;
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
pub(crate) use loom::sync::{Mutex, MutexGuard};

loom::thread_local! {
    static TOKEN: u8 = 0;
}

/// A non-zero number unique to the current *model* thread while it lives: the address of a
/// loom thread-local, which each model thread allocates for itself.
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|token| std::ptr::from_ref(token) as usize)
}
