//! [`ClaimedJob`]: one execution of a job, as the worker holds it.

use serde_json::Value;

/// A job a worker holds the lease of: one execution of it.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// # let store = jobs::connect_store(&format!("sqlite://{}/j.db", dir.path().display()), jobs::DEFAULT_DB_BUSY).await?;
/// # let lease = std::time::Duration::from_secs(30);
/// let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "fail", "max_attempts": 1}), 3)?;
/// store.insert(&new).await?;
/// let job = store.claim("worker-1", lease, 16).await?.remove(0);
/// assert_eq!((job.attempt, job.max_attempts), (1, 1));
/// assert!(job.is_last_attempt());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// Its kind's name.
    pub kind: String,
    /// Its input.
    pub payload: Value,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// How many attempts are allowed.
    pub max_attempts: u32,
    /// The fencing token of this execution: finishing it is accepted only while the job still
    /// carries this token, so an execution whose lease was taken over (even by the same
    /// worker) cannot finish the job.
    pub token: i64,
    /// The id of this execution's row in the job's history.
    pub execution: i64,
}

impl ClaimedJob {
    /// Whether a failure of this attempt fails the job for good.
    ///
    /// # Examples
    ///
    /// See [`ClaimedJob`].
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}
