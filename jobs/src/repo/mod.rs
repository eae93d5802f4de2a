//! The queue's storage: [`JobRepository`], one instance per request or worker batch (a scoped
//! service).
//!
//! Invariants:
//! - a claim is one `UPDATE … RETURNING` statement, so two processes never claim the same job;
//! - finishing an attempt (success, failure, release) is accepted only from the current lease
//!   holder of a `running` job, and its `job_attempts` row is written in the same transaction.

mod lease;
mod repository;
mod rows;

pub use lease::ClaimedJob;
pub use repository::JobRepository;
pub(crate) use repository::now_millis;
