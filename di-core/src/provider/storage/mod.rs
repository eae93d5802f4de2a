//! Instance storage: what a provider (singletons) or a scope (scoped services) owns, in
//! creation order, for reverse-order disposal.
//!
//! - [`cells`]: one cache cell per slot — inline for the first few, then in pages allocated on
//!   first use, so a scope costs what it resolves, not what is registered. A cell knows which
//!   thread is filling it, so a factory that re-enters its own cell fails instead of
//!   deadlocking.
//! - [`slots`]: the owner's storage: its cells and the
//!   [`CreationLog`](crate::dispose::CreationLog) that disposal walks.

mod cells;
mod slots;

pub(crate) use slots::Slots;
