//! Leases: claiming due jobs (recording each execution start) and renewing leases.

use std::time::Duration;

use serde_json::Value;
use sqlx::Row;

use crate::repo::database::WriteTransaction;
use crate::repo::error::StoreError;
use crate::repo::repository::{JobRepository, millis, now_millis};
use crate::repo::rows::claimed_from_row;

/// A job a worker holds the lease of: one execution of it.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
/// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
/// # let lease = std::time::Duration::from_secs(30);
/// let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "fail", "max_attempts": 1}), 3)?;
/// repo.insert(&new).await?;
/// let job = repo.claim("worker-1", lease, 16).await?.remove(0);
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

impl JobRepository {
    /// Claims up to `limit` due jobs for `owner` with a lease of `lease`: pending jobs whose
    /// time has come, and running jobs whose lease expired (their holder died or paused; its
    /// execution is marked `lost_lease`). Running jobs whose lease expired on their last
    /// attempt are marked `failed` instead. Each claimed job gets a fresh fencing token and an
    /// open execution row, in the same transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] when the write lock stays taken past the configured wait; the
    /// database's error otherwise.
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
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let now = now_millis();
        let due = self.due(now).await?;
        if limit == 0 || !(due.pending || due.expired) {
            return Ok(Vec::new());
        }
        let mut write = self.db.begin_write().await?;
        if due.expired {
            expire_leases(&mut write, now).await?;
        }
        // Each branch of the claim's subquery walks its own index and stops at `limit`, so a
        // claim costs the same with 10 or 100,000 jobs waiting (an `OR` of the two would sort
        // every due job).
        let rows = sqlx::query(
            "UPDATE jobs SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,
                 lease_token = random(), attempts = attempts + 1, updated_at = ?3
             WHERE id IN (
                 SELECT id FROM (
                     SELECT id, run_at FROM (
                         SELECT id, run_at FROM jobs WHERE status = 'pending' AND run_at <= ?3
                         ORDER BY run_at, id LIMIT ?4)
                     UNION ALL
                     SELECT id, run_at FROM (
                         SELECT id, run_at FROM jobs
                         WHERE status = 'running' AND lease_expires_at <= ?3
                         ORDER BY lease_expires_at LIMIT ?4))
                 ORDER BY run_at, id LIMIT ?4)
             RETURNING id, kind, payload, attempts, max_attempts, lease_token",
        )
        .bind(owner)
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *write.tx)
        .await?;
        let mut claimed: Vec<ClaimedJob> = rows
            .iter()
            .map(claimed_from_row)
            .collect::<Result<_, _>>()?;
        if claimed.is_empty() {
            write.commit().await?;
            return Ok(claimed);
        }
        claimed.sort_by_key(|job| job.id);
        let ids = serde_json::to_string(&claimed.iter().map(|job| job.id).collect::<Vec<_>>())
            .map_err(|error| StoreError::Database(sqlx::Error::Encode(Box::new(error))))?;
        // One statement for the whole batch: the rows just claimed, read back in this
        // transaction, become open executions.
        let executions = sqlx::query(
            "INSERT INTO executions (job_id, attempt, owner, token, started_at)
             SELECT id, attempts, lease_owner, lease_token, ?2 FROM jobs
             WHERE id IN (SELECT value FROM json_each(?1))
             RETURNING id, job_id",
        )
        .bind(ids)
        .bind(now)
        .fetch_all(&mut *write.tx)
        .await?;
        for row in &executions {
            let job: i64 = row.try_get("job_id")?;
            if let Ok(at) = claimed.binary_search_by_key(&job, |claimed| claimed.id) {
                claimed[at].execution = row.try_get("id")?;
            }
        }
        write.commit().await?;
        Ok(claimed)
    }

    /// Whether any job is due at `now`, and whether any lease expired (a read: no write lock
    /// is taken when the queue is idle). Claims use the same `now`, so a lease seen unexpired
    /// here is not taken over by the claim.
    async fn due(&self, now: i64) -> Result<Due, StoreError> {
        let row = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'pending' AND run_at <= ?1)
                     AS pending,
                 EXISTS (SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires_at <= ?1)
                     AS expired",
        )
        .bind(now)
        .fetch_one(self.db.pool())
        .await?;
        Ok(Due {
            pending: row.try_get("pending")?,
            expired: row.try_get("expired")?,
        })
    }

    /// Extends the lease of every job `owner` is running; returns how many were renewed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] or the database's error.
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
    pub async fn renew(&self, owner: &str, lease: Duration) -> Result<u64, StoreError> {
        let _lock = self.db.lock_writes().await?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?2
             WHERE status = 'running' AND lease_owner = ?1",
        )
        .bind(owner)
        .bind(now_millis().saturating_add(millis(lease)))
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

/// What a claim has to do.
struct Due {
    /// Pending jobs are due.
    pending: bool,
    /// Leases expired: their executions are lost and their jobs due again (or failed).
    expired: bool,
}

/// Marks the executions whose lease expired `lost_lease`, and fails the jobs whose lease
/// expired on their last attempt.
async fn expire_leases(write: &mut WriteTransaction<'_>, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE executions SET outcome = 'lost_lease', ended_at = ?1
         WHERE outcome IS NULL AND EXISTS (
             SELECT 1 FROM jobs WHERE jobs.id = executions.job_id
                 AND jobs.lease_token = executions.token
                 AND jobs.status = 'running' AND jobs.lease_expires_at <= ?1)",
    )
    .bind(now)
    .execute(&mut *write.tx)
    .await?;
    sqlx::query(
        "UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL,
             lease_token = NULL, updated_at = ?1,
             last_error = 'the worker holding the job stopped responding on its last attempt'
         WHERE status = 'running' AND lease_expires_at <= ?1 AND attempts >= max_attempts",
    )
    .bind(now)
    .execute(&mut *write.tx)
    .await?;
    Ok(())
}
