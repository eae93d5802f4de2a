//! The queue on PostgreSQL: many processes on many hosts share one database.
//!
//! Invariants:
//! - a claim is one statement (`FOR UPDATE SKIP LOCKED` in a `MATERIALIZED` CTE): concurrent
//!   claimers never claim the same job and never wait for each other; each claimed job gets a
//!   new fencing token from a sequence and an open `executions` row in the same statement;
//! - a batch of completions is one statement (`UPDATE … FROM unnest(…)`), each completion
//!   fenced by its execution's token;
//! - the rescuer takes over expired leases and re-checks each job's state as it writes;
//! - an insert notifies `jobs_ready` (a trigger), and a listener task wakes the idle worker:
//!   a job starts at once instead of at the next poll; polling stays the fallback;
//! - lock waits are bounded by `lock_timeout` (the configured busy wait), and transient
//!   server conditions map to [`StoreError::Busy`](crate::StoreError::Busy) or
//!   [`StoreError::Unavailable`](crate::StoreError::Unavailable).

mod claim;
mod database;
mod finish;
mod listener;
mod queries;
mod store;

pub(crate) use database::PostgresStore;
