//! The primitives of a `--cfg loom` build: loom's, and stand-ins built on them.

pub(crate) use super::model_once_cell::OnceCell;
/// A singleton's typed cache is read on every resolution: the checker must see it.
pub(crate) use super::model_once_cell::OnceCell as OnceLock;
pub(crate) use super::model_try_lock::AsyncMutex;
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
pub(crate) use loom::sync::{Mutex, MutexGuard};

/// The last token handed out (a std atomic: numbering threads is not part of any protocol).
static LAST_TOKEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

loom::thread_local! {
    static TOKEN: usize = LAST_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
}

/// A non-zero number unique to the current *model* thread: a loom thread-local, which each
/// model thread has for itself (a std one would be the same for all of them).
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|token| *token)
}
