//! The queue's storage: the [`JobStore`] trait, its two backends — SQLite (embedded, the
//! default) and PostgreSQL (many processes on many hosts) — chosen by the database URL's scheme
//! in [`connect_store`], and the types they exchange with the worker. Every SQL statement of
//! the application lives in this module.
//!
//! Both backends keep the rules listed on [`JobStore`]; one behaviour suite
//! (`jobs/tests/store.rs`) runs against each.

mod claimed;
mod clock;
mod completion;
mod connect;
mod error;
mod postgres;
mod rows;
#[cfg(test)]
pub(crate) mod scripted;
mod sqlite;
mod store;

pub use claimed::ClaimedJob;
pub(crate) use clock::now_millis;
pub use completion::{Completion, Finish};
pub use connect::{DEFAULT_DB_BUSY, DatabaseError, connect_store};
pub use error::StoreError;
pub use store::{JobStore, QueueStats, StatusCounts};
