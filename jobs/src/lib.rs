//! A durable job queue on SQLite, served over HTTP: the flagship application of the workspace.
//!
//! `POST /jobs` stores a job; a [`JobWorker`] background service claims due jobs in batches
//! with a lease (owner + expiry), runs them, retries failures with exponential backoff, and
//! records the outcome — accepted only from the current lease holder, so several processes can
//! share one database and every job completes exactly once.
//!
//! The services live in a `di-core` container run by a `di-hosting` host (see
//! [`host_builder`]): the pool is an async singleton, the repository is scoped per request and
//! per worker batch, the HTTP server and the worker are hosted services.
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
mod db;
mod job;
pub mod processor;
mod repo;
mod worker;

pub use app::host_builder;
pub use config::{ConfigError, DEFAULT_DATABASE_URL, DEFAULT_LISTEN, JobsConfig, MAX_BODY_BYTES};
pub use db::{Database, DatabaseError};
pub use job::{InvalidJob, Job, JobKind, JobStatus, MAX_ATTEMPTS_LIMIT, MAX_SLEEP_MS, NewJob};
pub use processor::Outcome;
pub use repo::{ClaimedJob, JobRepository};
pub use worker::JobWorker;
