//! [`Finish`] and [`Completion`]: how an execution ended, ready to record.

use serde_json::Value;

use crate::repo::claimed::ClaimedJob;

/// How an execution ended, as the worker records it.
///
/// # Examples
///
/// ```
/// let finish = jobs::Finish::Failed { error: "boom".into(), retry_at: None };
/// assert_eq!(finish.outcome(), "failed");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Finish {
    /// The job succeeded with this result.
    Succeeded(Value),
    /// The attempt failed: the job is `pending` again, due at `retry_at` (Unix ms), or
    /// `failed` for good when `retry_at` is `None`.
    Failed {
        /// Why it failed.
        error: String,
        /// When to retry, if at all.
        retry_at: Option<i64>,
    },
    /// The worker is stopping: the job goes back to `pending`, due now, and the attempt is not
    /// counted.
    Released,
}

impl Finish {
    /// The execution's outcome as stored: `succeeded`, `failed` or `released`.
    ///
    /// # Examples
    ///
    /// See [`Finish`].
    pub fn outcome(&self) -> &'static str {
        match self {
            Finish::Succeeded(_) => "succeeded",
            Finish::Failed { .. } => "failed",
            Finish::Released => "released",
        }
    }
}

/// The end of one execution, ready to record: which execution (job, token) and how it ended.
///
/// # Examples
///
/// See [`JobStore`](crate::JobStore).
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub(crate) job: i64,
    pub(crate) token: i64,
    pub(crate) execution: i64,
    pub(crate) finish: Finish,
}

impl Completion {
    /// The end of `job`'s execution.
    ///
    /// # Examples
    ///
    /// See [`JobStore`](crate::JobStore).
    pub fn new(job: &ClaimedJob, finish: Finish) -> Self {
        Self {
            job: job.id,
            token: job.token,
            execution: job.execution,
            finish,
        }
    }

    /// The job's id.
    ///
    /// # Examples
    ///
    /// See [`JobStore`](crate::JobStore).
    pub fn job_id(&self) -> i64 {
        self.job
    }

    /// How the execution ended.
    ///
    /// # Examples
    ///
    /// See [`JobStore`](crate::JobStore).
    pub fn finish(&self) -> &Finish {
        &self.finish
    }
}
