//! Finishing executions: many completions, one transaction, fenced by each execution's token.

use serde_json::Value;

use crate::repo::database::WriteTransaction;
use crate::repo::error::StoreError;
use crate::repo::lease::ClaimedJob;
use crate::repo::repository::{JobRepository, now_millis};

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
/// See [`JobRepository::finish`].
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    job: i64,
    token: i64,
    execution: i64,
    finish: Finish,
}

impl Completion {
    /// The end of `job`'s execution.
    ///
    /// # Examples
    ///
    /// See [`JobRepository::finish`].
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
    /// See [`JobRepository::finish`].
    pub fn job_id(&self) -> i64 {
        self.job
    }

    /// How the execution ended.
    ///
    /// # Examples
    ///
    /// See [`JobRepository::finish`].
    pub fn finish(&self) -> &Finish {
        &self.finish
    }
}

impl JobRepository {
    /// Records many finished executions in one transaction. Each is accepted only if its job is
    /// still `running` under the execution's fencing token; the returned flags say which were
    /// (`false`: the lease was lost, the execution is marked `lost_lease` and the job is left
    /// to its current holder).
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] or the database's error; then nothing was recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
    /// # let lease = std::time::Duration::from_secs(30);
    /// use jobs::{Completion, Finish};
    /// # for _ in 0..2 {
    /// #     let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?;
    /// #     repo.insert(&new).await?;
    /// # }
    /// let claimed = repo.claim("worker-1", lease, 16).await?;
    /// let done: Vec<Completion> = claimed
    ///     .iter()
    ///     .map(|job| Completion::new(job, Finish::Succeeded(serde_json::json!({"ok": true}))))
    ///     .collect();
    /// assert_eq!(repo.finish(&done).await?, vec![true, true]);
    /// assert_eq!(repo.finish(&done).await?, vec![false, false]); // already finished
    /// # Ok(()) }
    /// ```
    pub async fn finish(&self, completions: &[Completion]) -> Result<Vec<bool>, StoreError> {
        if completions.is_empty() {
            return Ok(Vec::new());
        }
        let mut write = self.db.begin_write().await?;
        let now = now_millis();
        let mut accepted = Vec::with_capacity(completions.len());
        for completion in completions {
            let matched = update_job(&mut write, completion, now).await?;
            record_execution(&mut write, completion, matched, now).await?;
            accepted.push(matched);
        }
        write.commit().await?;
        Ok(accepted)
    }

    /// Records the success of `job`'s execution; `false` if its lease was lost.
    ///
    /// # Errors
    ///
    /// As [`finish`](Self::finish).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
    /// # let lease = std::time::Duration::from_secs(30);
    /// # let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?;
    /// # repo.insert(&new).await?;
    /// let job = repo.claim("worker-1", lease, 16).await?.remove(0);
    /// let result = serde_json::json!({"ok": true});
    /// assert!(repo.complete(&job, &result).await?);
    /// assert!(!repo.complete(&job, &result).await?); // already done
    /// # Ok(()) }
    /// ```
    pub async fn complete(&self, job: &ClaimedJob, result: &Value) -> Result<bool, StoreError> {
        let completion = Completion::new(job, Finish::Succeeded(result.clone()));
        Ok(self.finish(&[completion]).await?.first() == Some(&true))
    }

    /// Records the failure of `job`'s execution ([`Finish::Failed`]); `false` if its lease was
    /// lost.
    ///
    /// # Errors
    ///
    /// As [`finish`](Self::finish).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
    /// # let lease = std::time::Duration::from_secs(30);
    /// # let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "fail", "payload": "x"}), 3)?;
    /// # repo.insert(&new).await?;
    /// let job = repo.claim("worker-1", lease, 16).await?.remove(0);
    /// assert!(repo.fail(&job, "boom", None).await?);
    /// let stored = repo.find(job.id).await?.expect("stored");
    /// assert_eq!(stored.status, jobs::JobStatus::Failed);
    /// # Ok(()) }
    /// ```
    pub async fn fail(
        &self,
        job: &ClaimedJob,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let finish = Finish::Failed {
            error: error.to_owned(),
            retry_at,
        };
        Ok(self.finish(&[Completion::new(job, finish)]).await?.first() == Some(&true))
    }

    /// Gives `job` back unfinished ([`Finish::Released`]); `false` if its lease was lost.
    ///
    /// # Errors
    ///
    /// As [`finish`](Self::finish).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
    /// # let lease = std::time::Duration::from_secs(30);
    /// # let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?;
    /// # repo.insert(&new).await?;
    /// let job = repo.claim("worker-1", lease, 16).await?.remove(0);
    /// assert!(repo.release(&job).await?);
    /// assert_eq!(repo.find(job.id).await?.map(|job| job.attempts), Some(0));
    /// # Ok(()) }
    /// ```
    pub async fn release(&self, job: &ClaimedJob) -> Result<bool, StoreError> {
        let completion = Completion::new(job, Finish::Released);
        Ok(self.finish(&[completion]).await?.first() == Some(&true))
    }
}

/// Applies the completion to its job if the job still runs under its token; whether it did.
async fn update_job(
    write: &mut WriteTransaction<'_>,
    completion: &Completion,
    now: i64,
) -> Result<bool, StoreError> {
    let (job, token) = (completion.job, completion.token);
    let query = match &completion.finish {
        Finish::Succeeded(result) => sqlx::query(
            "UPDATE jobs SET status = 'succeeded', result = ?3, lease_owner = NULL,
                 lease_expires_at = NULL, lease_token = NULL, updated_at = ?4
             WHERE id = ?1 AND status = 'running' AND lease_token = ?2",
        )
        .bind(job)
        .bind(token)
        .bind(result.to_string())
        .bind(now),
        Finish::Failed { error, retry_at } => sqlx::query(
            "UPDATE jobs SET status = ?3, last_error = ?4, run_at = COALESCE(?5, run_at),
                 lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, updated_at = ?6
             WHERE id = ?1 AND status = 'running' AND lease_token = ?2",
        )
        .bind(job)
        .bind(token)
        .bind(if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        })
        .bind(error.as_str())
        .bind(*retry_at)
        .bind(now),
        Finish::Released => sqlx::query(
            "UPDATE jobs SET status = 'pending', attempts = MAX(attempts - 1, 0), run_at = ?3,
                 lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, updated_at = ?3
             WHERE id = ?1 AND status = 'running' AND lease_token = ?2",
        )
        .bind(job)
        .bind(token)
        .bind(now),
    };
    Ok(query.execute(&mut *write.tx).await?.rows_affected() == 1)
}

/// Closes the execution's history row: its outcome if accepted, `lost_lease` otherwise (unless
/// the takeover already marked it).
async fn record_execution(
    write: &mut WriteTransaction<'_>,
    completion: &Completion,
    accepted: bool,
    now: i64,
) -> Result<(), StoreError> {
    let query = if accepted {
        let error = match &completion.finish {
            Finish::Failed { error, .. } => Some(error.as_str()),
            _ => None,
        };
        sqlx::query("UPDATE executions SET outcome = ?2, error = ?3, ended_at = ?4 WHERE id = ?1")
            .bind(completion.execution)
            .bind(completion.finish.outcome())
            .bind(error)
            .bind(now)
    } else {
        sqlx::query(
            "UPDATE executions SET outcome = 'lost_lease', ended_at = ?2
             WHERE id = ?1 AND outcome IS NULL",
        )
        .bind(completion.execution)
        .bind(now)
    };
    query.execute(&mut *write.tx).await?;
    Ok(())
}
