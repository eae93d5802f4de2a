//! [`SqliteStore`]'s leases: claiming due jobs (recording each execution start), renewing
//! leases, and taking over expired ones.

use std::time::Duration;

use sqlx::Row;

use crate::repo::claimed::ClaimedJob;
use crate::repo::clock::{millis, now_millis};
use crate::repo::error::StoreError;
use crate::repo::rows::JobRow;
use crate::repo::sqlite::database::{SqliteStore, WriteTransaction};

impl SqliteStore {
    /// Claims up to `limit` due jobs: pending jobs whose time has come, and running jobs whose
    /// lease expired (taken over directly, as [`rescue`](crate::JobStore::rescue) would). Each
    /// claimed job gets a fresh fencing token and an open execution row, in one transaction.
    pub(super) async fn claim_jobs(
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
        let mut write = self.begin_write().await?;
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
        let mut claimed: Vec<ClaimedJob> =
            rows.iter().map(JobRow::claimed).collect::<Result<_, _>>()?;
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
        .fetch_one(self.pool())
        .await?;
        Ok(Due {
            pending: row.try_get("pending")?,
            expired: row.try_get("expired")?,
        })
    }

    pub(super) async fn renew_leases(
        &self,
        owner: &str,
        lease: Duration,
    ) -> Result<u64, StoreError> {
        let _lock = self.lock_writes().await?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?2
             WHERE status = 'running' AND lease_owner = ?1",
        )
        .bind(owner)
        .bind(now_millis().saturating_add(millis(lease)))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Takes over the jobs whose lease expired: their executions are marked `lost_lease`, the
    /// jobs on their last attempt fail, the others are `pending` again, due now. One write
    /// transaction, so the state it checks is the state it writes.
    pub(super) async fn rescue_expired(&self) -> Result<u64, StoreError> {
        let now = now_millis();
        if !self.due(now).await?.expired {
            return Ok(0);
        }
        let mut write = self.begin_write().await?;
        expire_leases(&mut write, now).await?;
        let rescued = sqlx::query(
            "UPDATE jobs SET status = 'pending', run_at = ?1, lease_owner = NULL,
                 lease_expires_at = NULL, lease_token = NULL, updated_at = ?1
             WHERE status = 'running' AND lease_expires_at <= ?1",
        )
        .bind(now)
        .execute(&mut *write.tx)
        .await?
        .rows_affected();
        write.commit().await?;
        if rescued > 0 {
            self.wake.notify_one();
        }
        Ok(rescued)
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
