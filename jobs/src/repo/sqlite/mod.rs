//! The queue on SQLite (embedded, the default): one file shared by every process on the host.
//!
//! Invariants:
//! - a claim is one write transaction: expired leases are marked `lost_lease`, due jobs are
//!   claimed with one `UPDATE … RETURNING` (so two processes never claim the same job) and get a
//!   fresh random fencing token, and each claimed job gets an open `executions` row;
//! - this process's writes are serialized by the store's write lock before they reach SQLite,
//!   and every wait for the lock is bounded ([`StoreError::Busy`](crate::StoreError::Busy));
//! - inserts and releases of this process wake its idle worker at once; other processes'
//!   inserts are found by polling.

mod claim;
mod database;
mod finish;
mod queries;
mod store;

pub(crate) use database::SqliteStore;
