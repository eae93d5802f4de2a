//! The synchronization primitives of the instance storage (`provider/storage`), in one place so
//! that a model checker can stand in for them, as tokio's `loom` module does.
//!
//! Normally these are std's, `once_cell`'s and `futures`' own types, re-exported unchanged
//! ([`native`]). Under `--cfg loom` (`scripts/models.sh`) they are [loom]'s, so that
//! `tests/loom_models.rs` explores the schedules of the *real* storage code, not of a copy
//! ([`model`]). Two stand-ins make that exploration honest:
//!
//! - loom has no once-cell: a `get` on a std or `once_cell` cell would be invisible to it, and
//!   its waiters would block the one OS thread all model threads share. [`OnceCell`] is rebuilt
//!   on loom's mutex and atomics ([`model_once_cell`]); the async disposal lock likewise
//!   ([`model_try_lock`]).
//! - loom runs every model thread on one OS thread, so a re-entrance token taken from a std
//!   thread-local would be the same for all of them: [`thread_token`] uses loom's thread-locals,
//!   and so does every thread-local of the storage ([`thread_local!`], e.g. the key a catch-all
//!   factory is creating for).
//! - dashmap's locks are invisible to loom: a catch-all's per-key instances live in a
//!   [`KeyedMap`], dashmap normally and a `HashMap` behind loom's mutex under loom.
//!
//! A singleton's typed cache (`provider/call_site.rs`) is such a cell too: read first on every
//! resolution, as a std cell it hid every later resolution from loom (a model of two threads
//! resolving a singleton explored one schedule). Std cells left elsewhere are build-time only.
//!
//! [loom]: https://docs.rs/loom

#[cfg(not(loom))]
mod keyed_map;
#[cfg(loom)]
mod model;
#[cfg(loom)]
mod model_keyed_map;
#[cfg(loom)]
mod model_once_cell;
#[cfg(loom)]
mod model_try_lock;
#[cfg(not(loom))]
mod native;

#[cfg(not(loom))]
pub(crate) use keyed_map::KeyedMap;
#[cfg(loom)]
pub(crate) use loom::thread_local;
#[cfg(loom)]
pub(crate) use model::{
    AsyncMutex, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, OnceCell, OnceLock, fence,
    thread_token,
};
#[cfg(loom)]
pub(crate) use model_keyed_map::KeyedMap;
#[cfg(not(loom))]
pub(crate) use native::{
    AsyncMutex, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, OnceCell, OnceLock, fence,
    thread_token,
};
pub(crate) use std::sync::atomic::Ordering;
pub(crate) use std::sync::{PoisonError, TryLockError};
#[cfg(not(loom))]
pub(crate) use std::thread_local;
