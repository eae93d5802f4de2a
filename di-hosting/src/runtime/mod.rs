//! The host's run-time machinery: starting services, supervising workers, stopping within one
//! deadline, and listening for signals.
//!
//! Invariants:
//! - Requesting a stop fires the lifetime's `stopping` event at once, but each worker's own token
//!   is cancelled only when the stop reaches that worker (reverse registration order, or all
//!   together under `concurrent_stop`), so stop order is cancellation order.
//! - Failures are pushed to one list ([`Shared`]) under a `std` mutex that is never held across
//!   an `.await` or while user code runs.
//! - The provider is disposed after everything else, once.

mod bounded;
mod restart;
mod service;
mod shared;
mod signals;
mod start;
mod stop;
mod supervisor;

pub(crate) use service::Runtime;
pub(crate) use signals::{Signals, exit_at_once, next_signal};
