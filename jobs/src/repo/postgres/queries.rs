//! [`PostgresStore`]'s queries: submit, look up, list and count jobs, read a job's executions,
//! check the database.

use sqlx::Row;

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::clock::now_millis;
use crate::repo::error::StoreError;
use crate::repo::postgres::database::PostgresStore;
use crate::repo::postgres::rows::{execution_from_row, job_from_row};
use crate::repo::store::QueueStats;

/// The columns a [`Job`] is read from (a macro, so that queries stay `&'static str`).
macro_rules! job_columns {
    () => {
        "id, kind, payload, status, attempts, max_attempts, result, last_error"
    };
}

impl PostgresStore {
    /// Inserts the job; the `jobs_inserted` trigger notifies listening workers at commit.
    pub(super) async fn insert_job(&self, job: &NewJob) -> Result<i64, StoreError> {
        let max_attempts = i32::try_from(job.max_attempts).unwrap_or(i32::MAX);
        let id = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4, $4) RETURNING id",
        )
        .bind(job.kind.as_str())
        .bind(job.payload.to_string())
        .bind(max_attempts)
        .bind(now_millis())
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    pub(super) async fn find_job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let sql = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1");
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(job_from_row).transpose()?)
    }

    pub(super) async fn job_executions(&self, id: i64) -> Result<Vec<Execution>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, owner, token, started_at, ended_at, outcome, error
             FROM executions WHERE job_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(execution_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// A round trip on a pooled connection (tested before it is handed out) to a server that
    /// takes writes: a read-only standby (say, reached through a failover's stale DNS) is not
    /// ready.
    pub(super) async fn check_writable(&self) -> Result<(), StoreError> {
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(self.pool())
            .await?;
        if standby {
            let read_only = "the server is a read-only standby".to_owned();
            return Err(StoreError::Unavailable(sqlx::Error::Protocol(read_only)));
        }
        Ok(())
    }

    pub(super) async fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<Job>, StoreError> {
        let sql = concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE ($1::text IS NULL OR status = $1)
                 AND ($2::bigint IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(status.map(JobStatus::as_str))
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(job_from_row).collect::<Result<_, _>>()?)
    }

    pub(super) async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT kind, status, COUNT(*) AS n, MIN(created_at) AS oldest
             FROM jobs GROUP BY kind, status",
        )
        .fetch_all(self.pool())
        .await?;
        let groups = rows
            .iter()
            .map(|row| {
                Ok::<_, sqlx::Error>((
                    row.try_get("kind")?,
                    row.try_get("status")?,
                    row.try_get("n")?,
                    row.try_get("oldest")?,
                ))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QueueStats::from_groups(groups, now))
    }
}
