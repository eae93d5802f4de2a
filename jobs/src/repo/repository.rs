//! [`JobRepository`] and its queries: submit, look up, list and count jobs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Row;

use crate::db::Database;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::rows::job_from_row;

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

/// The queue's storage operations (scoped: one per request, one per worker batch).
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
    pub async fn insert(&self, job: &NewJob) -> Result<i64, sqlx::Error> {
        let now = now_millis();
        sqlx::query(
            "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?4) RETURNING id",
        )
        .bind(job.kind.as_str())
        .bind(job.payload.to_string())
        .bind(i64::from(job.max_attempts))
        .bind(now)
        .fetch_one(self.db.pool())
        .await?
        .try_get("id")
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
    pub async fn find(&self, id: i64) -> Result<Option<Job>, sqlx::Error> {
        let sql = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = ?1");
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(job_from_row).transpose()
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
    ) -> Result<Vec<Job>, sqlx::Error> {
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
        rows.iter().map(job_from_row).collect()
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
    pub async fn stats(&self) -> Result<BTreeMap<&'static str, i64>, sqlx::Error> {
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
