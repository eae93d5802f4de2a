//! [`PostgresStore`]'s leases, the way PostgreSQL's best queues (River, Oban, graphile-worker)
//! take them: claiming with `FOR UPDATE SKIP LOCKED` in one statement, renewing, and rescuing
//! expired leases.
//!
//! The claim's candidate rows are a `MATERIALIZED` CTE with its own `LIMIT`: the planner cannot
//! inline it into the `UPDATE` and update more rows than asked, and `SKIP LOCKED` makes
//! concurrent claimers pass over each other's rows instead of waiting or taking them twice.

use std::time::Duration;

use sqlx::Row;

use crate::repo::claimed::ClaimedJob;
use crate::repo::clock::{millis, now_millis};
use crate::repo::error::StoreError;
use crate::repo::postgres::database::PostgresStore;
use crate::repo::postgres::listener::CHANNEL;
use crate::repo::rows::JobRow;

/// Claims, marks running under a new fencing token and opens an execution per job: one
/// statement, so one round trip and one atomic step.
const CLAIM: &str = "
WITH due AS MATERIALIZED (
    SELECT id FROM jobs
    WHERE status = 'pending' AND run_at <= $3
    ORDER BY run_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE jobs SET status = 'running', lease_owner = $1, lease_expires_at = $2,
        lease_token = nextval('jobs_lease_token'), attempts = jobs.attempts + 1, updated_at = $3
    FROM due WHERE jobs.id = due.id
    RETURNING jobs.id, jobs.kind, jobs.payload, jobs.attempts, jobs.max_attempts,
        jobs.lease_token
), started AS (
    INSERT INTO executions (job_id, attempt, owner, token, started_at)
    SELECT id, attempts, $1, lease_token, $3 FROM claimed
    RETURNING id, job_id
)
SELECT claimed.*, started.id AS execution
FROM claimed JOIN started ON started.job_id = claimed.id
ORDER BY claimed.id";

/// Takes over expired leases. Rows being finished (locked) are skipped, and the `UPDATE`
/// re-checks `running` and the expiry as it writes, so a job finished or renewed meanwhile is
/// left alone; the lost execution is the one carrying the job's token.
const RESCUE: &str = "
WITH expired AS MATERIALIZED (
    SELECT id, lease_token FROM jobs
    WHERE status = 'running' AND lease_expires_at <= $1
    ORDER BY lease_expires_at
    LIMIT 1000
    FOR UPDATE SKIP LOCKED
), rescued AS (
    UPDATE jobs SET
        status = CASE WHEN jobs.attempts >= jobs.max_attempts THEN 'failed' ELSE 'pending' END,
        last_error = CASE WHEN jobs.attempts >= jobs.max_attempts
            THEN 'the worker holding the job stopped responding on its last attempt'
            ELSE jobs.last_error END,
        run_at = $1, lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL,
        updated_at = $1
    FROM expired
    WHERE jobs.id = expired.id AND jobs.status = 'running' AND jobs.lease_expires_at <= $1
    RETURNING jobs.id, expired.lease_token
), lost AS (
    UPDATE executions SET outcome = 'lost_lease', ended_at = $1
    FROM rescued
    WHERE executions.job_id = rescued.id AND executions.token = rescued.lease_token
        AND executions.outcome IS NULL
)
SELECT COUNT(*) FROM rescued";

impl PostgresStore {
    pub(super) async fn claim_jobs(
        &self,
        owner: &str,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = now_millis();
        let rows = sqlx::query(CLAIM)
            .bind(owner)
            .bind(now.saturating_add(millis(lease)))
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let mut job = row.claimed()?;
                job.execution = row.try_get("execution")?;
                Ok::<_, sqlx::Error>(job)
            })
            .collect::<Result<_, _>>()?)
    }

    /// Renews `owner`'s leases, skipping rows locked by a completion or the rescuer (they are
    /// about to change hands anyway): renewal never waits, so it cannot deadlock with them.
    pub(super) async fn renew_leases(
        &self,
        owner: &str,
        lease: Duration,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $2
             WHERE id IN (
                 SELECT id FROM jobs WHERE status = 'running' AND lease_owner = $1
                 FOR UPDATE SKIP LOCKED)
             AND status = 'running' AND lease_owner = $1",
        )
        .bind(owner)
        .bind(now_millis().saturating_add(millis(lease)))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    pub(super) async fn rescue_expired(&self) -> Result<u64, StoreError> {
        let rescued: i64 = sqlx::query_scalar(RESCUE)
            .bind(now_millis())
            .fetch_one(self.pool())
            .await?;
        if rescued > 0 {
            self.notify_ready().await?;
        }
        Ok(u64::try_from(rescued).unwrap_or_default())
    }

    /// Wakes every listening worker: jobs became due other than by an insert.
    pub(super) async fn notify_ready(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
