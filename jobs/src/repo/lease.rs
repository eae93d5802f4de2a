//! Leases: claiming due jobs, renewing leases and finishing attempts.

use std::time::Duration;

use serde_json::Value;
use sqlx::{Sqlite, Transaction};

use crate::repo::repository::{JobRepository, millis, now_millis};
use crate::repo::rows::claimed_from_row;

/// A job a worker holds the lease of.
///
/// # Examples
///
/// ```
/// let job = jobs::ClaimedJob { id: 1, kind: "fail".into(), payload: serde_json::Value::Null, attempt: 1, max_attempts: 3 };
/// assert!(!job.is_last_attempt());
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
}

impl ClaimedJob {
    /// Whether a failure of this attempt fails the job for good.
    ///
    /// # Examples
    ///
    /// ```
    /// let job = jobs::ClaimedJob { id: 1, kind: "fail".into(), payload: serde_json::Value::Null, attempt: 3, max_attempts: 3 };
    /// assert!(job.is_last_attempt());
    /// ```
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

impl JobRepository {
    /// Claims up to `limit` due jobs for `owner` with a lease of `lease`: pending jobs whose
    /// time has come, and running jobs whose lease expired (their holder died). Running jobs
    /// whose lease expired on their last attempt are marked `failed` instead.
    ///
    /// # Errors
    ///
    /// The database's error.
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
    /// assert_eq!(job.attempt, 1);
    /// assert!(repo.claim("worker-2", lease, 16).await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, sqlx::Error> {
        let now = now_millis();
        sqlx::query(
            "UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL,
                 last_error = 'the worker holding the job stopped responding on its last attempt',
                 updated_at = ?1
             WHERE status = 'running' AND lease_expires_at <= ?1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(self.db.pool())
        .await?;
        let rows = sqlx::query(
            "UPDATE jobs SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,
                 attempts = attempts + 1, updated_at = ?3
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE (status = 'pending' AND run_at <= ?3)
                    OR (status = 'running' AND lease_expires_at <= ?3)
                 ORDER BY run_at, id LIMIT ?4)
             RETURNING id, kind, payload, attempts, max_attempts",
        )
        .bind(owner)
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(claimed_from_row).collect()
    }

    /// Extends the lease of every job `owner` is running; returns how many were renewed.
    ///
    /// # Errors
    ///
    /// The database's error.
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
    /// # let _ = job;
    /// assert_eq!(repo.renew("worker-1", lease).await?, 1);
    /// assert_eq!(repo.renew("worker-2", lease).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn renew(&self, owner: &str, lease: Duration) -> Result<u64, sqlx::Error> {
        let now = now_millis();
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?2, updated_at = ?3
             WHERE status = 'running' AND lease_owner = ?1",
        )
        .bind(owner)
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Records the success of `job`'s attempt; `false` if `owner` no longer holds its lease.
    ///
    /// # Errors
    ///
    /// The database's error.
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
    /// assert!(!repo.complete(&job, "worker-2", &result).await?); // not the lease holder
    /// assert!(repo.complete(&job, "worker-1", &result).await?);
    /// assert!(!repo.complete(&job, "worker-1", &result).await?); // already done
    /// # Ok(()) }
    /// ```
    pub async fn complete(
        &self,
        job: &ClaimedJob,
        owner: &str,
        result: &Value,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.pool().begin_with("BEGIN IMMEDIATE").await?;
        let updated = sqlx::query(
            "UPDATE jobs SET status = 'succeeded', result = ?3, lease_owner = NULL,
                 lease_expires_at = NULL, updated_at = ?4
             WHERE id = ?1 AND status = 'running' AND lease_owner = ?2",
        )
        .bind(job.id)
        .bind(owner)
        .bind(result.to_string())
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        finish(tx, updated.rows_affected(), job, owner, "succeeded", None).await
    }

    /// Records the failure of `job`'s attempt: `pending` again, due at `retry_at` (Unix ms),
    /// or `failed` for good when `retry_at` is `None`. `false` if `owner` lost the lease.
    ///
    /// # Errors
    ///
    /// The database's error.
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
    /// assert!(repo.fail(&job, "worker-1", "boom", None).await?);
    /// let stored = repo.find(job.id).await?.expect("stored");
    /// assert_eq!(stored.status, jobs::JobStatus::Failed);
    /// # Ok(()) }
    /// ```
    pub async fn fail(
        &self,
        job: &ClaimedJob,
        owner: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.pool().begin_with("BEGIN IMMEDIATE").await?;
        let status = if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        };
        let updated = sqlx::query(
            "UPDATE jobs SET status = ?3, last_error = ?4, run_at = COALESCE(?5, run_at),
                 lease_owner = NULL, lease_expires_at = NULL, updated_at = ?6
             WHERE id = ?1 AND status = 'running' AND lease_owner = ?2",
        )
        .bind(job.id)
        .bind(owner)
        .bind(status)
        .bind(error)
        .bind(retry_at)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        finish(
            tx,
            updated.rows_affected(),
            job,
            owner,
            "failed",
            Some(error),
        )
        .await
    }

    /// Gives `job` back unfinished (the worker is stopping): `pending`, due now, and the
    /// attempt is not counted. `false` if `owner` lost the lease.
    ///
    /// # Errors
    ///
    /// The database's error.
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
    /// assert!(repo.release(&job, "worker-1").await?);
    /// assert_eq!(repo.find(job.id).await?.map(|job| job.attempts), Some(0));
    /// # Ok(()) }
    /// ```
    pub async fn release(&self, job: &ClaimedJob, owner: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.pool().begin_with("BEGIN IMMEDIATE").await?;
        let now = now_millis();
        let updated = sqlx::query(
            "UPDATE jobs SET status = 'pending', attempts = MAX(attempts - 1, 0), run_at = ?3,
                 lease_owner = NULL, lease_expires_at = NULL, updated_at = ?3
             WHERE id = ?1 AND status = 'running' AND lease_owner = ?2",
        )
        .bind(job.id)
        .bind(owner)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        finish(tx, updated.rows_affected(), job, owner, "released", None).await
    }
}

/// Writes the attempt's history row and commits if the guarded update matched; otherwise
/// rolls back (dropping the transaction) and reports the lost lease.
async fn finish(
    mut tx: Transaction<'static, Sqlite>,
    updated: u64,
    job: &ClaimedJob,
    owner: &str,
    outcome: &str,
    error: Option<&str>,
) -> Result<bool, sqlx::Error> {
    if updated != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO job_attempts (job_id, attempt, owner, outcome, error, finished_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(job.id)
    .bind(i64::from(job.attempt))
    .bind(owner)
    .bind(outcome)
    .bind(error)
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
