//! The queue's storage on SQLite: [`Database`] (the pool and the write lock, a singleton) and
//! [`JobRepository`] (the operations, scoped: one per request or unit of worker work). Every
//! SQL statement of the application lives in this module, behind [`JobRepository`]'s methods
//! and [`StoreError`], so that another store can implement the same operations.
//!
//! Invariants:
//! - a claim is one transaction: expired leases are marked `lost_lease`, due jobs are claimed
//!   with one `UPDATE … RETURNING` (so two processes never claim the same job) and get a fresh
//!   random fencing token, and each claimed job gets an open `executions` row;
//! - finishing an execution (success, failure, release) is accepted only while its job is
//!   `running` under the execution's token — not merely the same owner, so a worker that took
//!   its own expired job over cannot finish the older execution; many completions are written
//!   in one transaction;
//! - this process's writes are serialized by [`Database`]'s write lock before they reach
//!   SQLite, and every wait for the lock is bounded ([`StoreError::Busy`]).

mod database;
mod error;
mod finish;
mod lease;
mod repository;
mod rows;

pub use database::{DEFAULT_DB_BUSY, Database, DatabaseError};
pub use error::StoreError;
pub use finish::{Completion, Finish};
pub use lease::ClaimedJob;
pub use repository::JobRepository;
pub(crate) use repository::now_millis;
