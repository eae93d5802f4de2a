//! A durable job queue on SQLite or PostgreSQL, served over HTTP: the flagship application of
//! the workspace.
//!
//! `POST /jobs` stores a job; a [`JobWorker`] background service keeps up to
//! `worker.concurrency` jobs running (a long job holds one slot, never the worker), claiming due
//! jobs in batches with a lease (owner, expiry and a fencing token), retrying failures with
//! exponential backoff and recording outcomes many per transaction.
//!
//! # Guarantees: at-least-once execution, exactly-once completion
//!
//! A job whose lease is lost — its process paused, killed or cut off past the lease — is
//! claimed again and may run again, possibly while the first execution is still going: job
//! handlers must be **idempotent**. Every execution start is recorded (`GET /jobs/{id}` lists
//! them under `"executions"`), and a completion is accepted only while the job still carries
//! that execution's fencing token, so exactly one completion is recorded; a stale one is
//! marked `lost_lease`. Several processes can share one database: a SQLite file on one host,
//! or a PostgreSQL database (`DATABASE_URL=postgres://…`) for processes on many hosts.
//!
//! A database that stays locked by another writer for longer than `database.busy_ms`, or a
//! PostgreSQL server that is restarting or unreachable, makes the API answer `503` with
//! `Retry-After` (nothing stored, nothing lost) and `/readyz` report the database degraded.
//!
//! The services live in a `di-core` container run by a `di-hosting` host (see
//! [`host_builder`]): the store is an async singleton (`Arc<dyn JobStore>`, its backend chosen
//! by the URL's scheme), the HTTP server and the worker are hosted services.
//!
//! # Examples
//!
//! ```
//! use jobs::{JobKind, NewJob};
//!
//! let job = NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "abc"}), 3)?;
//! assert_eq!(job.kind, JobKind::Sha256);
//! # Ok::<(), jobs::InvalidJob>(())
//! ```
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

pub mod api;
mod app;
mod config;
mod execution;
mod job;
pub mod processor;
mod repo;
mod worker;

pub use app::host_builder;
pub use config::{CommandLine, DEFAULT_DATABASE_URL, DEFAULT_LISTEN, JobsConfig, MAX_BODY_BYTES};
pub use execution::{Execution, ExecutionOutcome};
pub use job::{InvalidJob, Job, JobKind, JobStatus, MAX_ATTEMPTS_LIMIT, MAX_SLEEP_MS, NewJob};
pub use processor::Outcome;
pub use repo::{
    ClaimedJob, Completion, DEFAULT_DB_BUSY, DatabaseError, Finish, JobStore, QueueStats,
    StatusCounts, StoreError, connect_store,
};
pub use worker::{JobWorker, WorkerSlots};
