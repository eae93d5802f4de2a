//! Dispose: the last phase. What a service does when its owner goes away
//! ([`AsyncDispose`]), how the container calls it on an erased instance, and the order and
//! protocol in which an owner disposes what it created:
//!
//! - `created.rs`: one created instance, stamped with its place in the creation order;
//! - `log.rs`: an owner's [`CreationLog`] — stamping, tracked transients, publishing, and the
//!   release in reverse creation order on drop;
//! - `passes.rs`: closing an owner and the disposal passes (awaited, or started by a late
//!   synchronous resolution), each instance once; `order.rs`: the newest-first walk;
//! - `detached.rs`: drives such a late `dispose` without a runtime.
//!
//! The owners' storage (`provider/storage/`) keeps the instances and lends its slots to this
//! module as [`CreatedSlots`]; this module imports nothing from the provider.

mod async_dispose;
mod created;
mod detached;
mod disposer;
mod erased;
mod log;
mod order;
mod owner;
mod passes;

pub use async_dispose::AsyncDispose;
pub(crate) use created::{Created, CreatedSlots};
pub use disposer::Disposer;
pub use disposer::probe;
pub(crate) use erased::{DisposeFn, ErasedInstance, dispose_erased};
pub(crate) use log::{CreationLog, MAX_SLOTS};
pub(crate) use owner::Owner;
