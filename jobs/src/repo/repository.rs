//! [`JobRepository`] and its queries: submit, look up, list and count jobs, read a job's
//! executions, probe the write lock.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Row;

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::database::Database;
use crate::repo::error::StoreError;
use crate::repo::rows::{execution_from_row, job_from_row};

/// The current time in Unix milliseconds: the clock every process sharing the database uses.
pub(crate) fn now_millis() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// A duration in whole milliseconds, saturating.
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The queue's storage operations (scoped: one per request, one per unit of worker work).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use jobs::{Database, JobRepository, NewJob};
///
/// let dir = tempfile::tempdir()?;
/// let db = Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
/// let repo = JobRepository::new(Arc::new(db));
/// let new = NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "abc"}), 3)?;
/// let id = repo.insert(&new).await?;
/// assert_eq!(repo.find(id).await?.map(|job| job.kind), Some("sha256".to_owned()));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct JobRepository {
    pub(super) db: Arc<Database>,
}

/// The columns a [`Job`] is read from (a macro, so that queries stay `&'static str`).
macro_rules! job_columns {
    () => {
        "id, kind, payload, status, attempts, max_attempts, result, last_error"
    };
}

impl JobRepository {
    /// A repository over `db`.
    ///
    /// # Examples
    ///
    /// See [`JobRepository`].
    pub fn new(db: Arc<Database>) -> Self {
        Self { db }
    }

    /// Stores a new `pending` job, due now; returns its id.
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobRepository`].
    pub async fn insert(&self, job: &NewJob) -> Result<i64, StoreError> {
        let now = now_millis();
        let _lock = self.db.lock_writes().await?;
        let row = sqlx::query(
            "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?4) RETURNING id",
        )
        .bind(job.kind.as_str())
        .bind(job.payload.to_string())
        .bind(i64::from(job.max_attempts))
        .bind(now)
        .fetch_one(self.db.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    /// The job with `id`, if any.
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobRepository`].
    pub async fn find(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let sql = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = ?1");
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.as_ref().map(job_from_row).transpose()?)
    }

    /// Every execution of the job `id`, in start order (empty for an unknown id).
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
    /// # let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?;
    /// let id = repo.insert(&new).await?;
    /// assert!(repo.executions(id).await?.is_empty());
    /// repo.claim("worker-1", std::time::Duration::from_secs(30), 1).await?;
    /// let executions = repo.executions(id).await?;
    /// assert_eq!(executions[0].outcome, jobs::ExecutionOutcome::Running);
    /// # Ok(()) }
    /// ```
    pub async fn executions(&self, id: i64) -> Result<Vec<Execution>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, owner, token, started_at, ended_at, outcome, error
             FROM executions WHERE job_id = ?1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .map(execution_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// Checks that a write could start now: takes the write lock and `BEGIN IMMEDIATE`, then
    /// rolls back.
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] when the write lock stays taken past the configured wait (the
    /// database is degraded); the database's error otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// # let repo = jobs::JobRepository::new(std::sync::Arc::new(db));
    /// repo.check_writable().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let write = self.db.begin_write().await?;
        write.tx.rollback().await?;
        Ok(())
    }

    /// Up to `limit` jobs, newest first, optionally with one `status` and ids below `before`.
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
    /// let failed = repo.list(Some(jobs::JobStatus::Failed), 50, None).await?;
    /// assert!(failed.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<Job>, StoreError> {
        let sql = concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR id < ?2)
             ORDER BY id DESC LIMIT ?3"
        );
        let rows = sqlx::query(sql)
            .bind(status.map(JobStatus::as_str))
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(self.db.pool())
            .await?;
        Ok(rows.iter().map(job_from_row).collect::<Result<_, _>>()?)
    }

    /// The number of jobs in each status (every status present, zero included).
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
    /// let stats = repo.stats().await?;
    /// assert_eq!(stats.get("pending"), Some(&0));
    /// # Ok(()) }
    /// ```
    pub async fn stats(&self) -> Result<BTreeMap<&'static str, i64>, StoreError> {
        let mut counts: BTreeMap<&'static str, i64> = JobStatus::ALL
            .iter()
            .map(|status| (status.as_str(), 0))
            .collect();
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
            .fetch_all(self.db.pool())
            .await?;
        for row in rows {
            let status: String = row.try_get("status")?;
            if let Ok(status) = status.parse::<JobStatus>() {
                counts.insert(status.as_str(), row.try_get("n")?);
            }
        }
        Ok(counts)
    }
}
