//! [`PostgresStore`]'s queries: submit, look up, list and count jobs, read a job's executions,
//! check the database.

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::clock::now_millis;
use crate::repo::error::StoreError;
use crate::repo::postgres::database::PostgresStore;
use crate::repo::rows::{JobRow, STATS_QUERY, job_columns};
use crate::repo::store::QueueStats;

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
        Ok(row.as_ref().map(JobRow::job).transpose()?)
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
            .map(JobRow::execution)
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
        Ok(rows.iter().map(JobRow::job).collect::<Result<_, _>>()?)
    }

    pub(super) async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        let now = now_millis();
        let rows = sqlx::query(STATS_QUERY).fetch_all(self.pool()).await?;
        let groups = rows
            .iter()
            .map(JobRow::stats_group)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QueueStats::from_groups(groups, now))
    }
}
