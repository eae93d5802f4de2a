//! Dispose: the last phase. What a service does when its owner goes away
//! ([`AsyncDispose`]), how the container calls it on an erased instance, and the runtime-free
//! driver for a disposal that a synchronous resolution has to start.
//!
//! The owners (the provider's and each scope's storage) decide *when* and in which order; this
//! module imports none of them.

mod async_dispose;
mod detached;
mod disposer;
mod erased;

pub use async_dispose::AsyncDispose;
pub(crate) use detached::run as run_detached;
pub use disposer::Disposer;
pub use disposer::probe;
pub(crate) use erased::{DisposeFn, ErasedInstance, dispose_erased};
