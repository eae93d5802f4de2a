//! The host's run-time machinery: starting services, supervising workers, stopping within one
//! deadline, and listening for signals.
//!
//! Invariants:
//! - Each worker's token is a child of the lifetime's stopping token, so requesting a stop
//!   cancels every worker at once.
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
