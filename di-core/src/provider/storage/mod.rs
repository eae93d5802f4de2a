//! Instance storage: what a provider (singletons) or a scope (scoped services) owns, in
//! creation order, for reverse-order disposal.
//!
//! - [`cells`]: one cache cell per slot — inline for the first few, then in pages allocated on
//!   first use, so a scope costs what it resolves, not what is registered. A cell knows which
//!   thread is filling it, so a factory that re-enters its own cell fails instead of
//!   deadlocking.
//! - [`slots`]: the owner's storage: cells, the creation chain, tracked transients, disposal.
//! - [`disposal`]: closing an owner and disposing what it created, also what a resolution
//!   finishes creating after that.

mod cells;
mod disposal;
mod slots;

pub(crate) use slots::{Owner, Slots};
