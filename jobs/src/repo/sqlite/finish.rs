//! [`SqliteStore`]'s completions: many per transaction, fenced by each execution's token.

use crate::repo::clock::now_millis;
use crate::repo::completion::{Completion, Finish};
use crate::repo::error::StoreError;
use crate::repo::sqlite::database::{SqliteStore, WriteTransaction};

impl SqliteStore {
    /// Records many finished executions in one transaction; each is accepted only if its job
    /// is still `running` under the execution's fencing token.
    pub(super) async fn finish_executions(
        &self,
        completions: &[Completion],
    ) -> Result<Vec<bool>, StoreError> {
        if completions.is_empty() {
            return Ok(Vec::new());
        }
        let mut write = self.begin_write().await?;
        let now = now_millis();
        let mut accepted = Vec::with_capacity(completions.len());
        for completion in completions {
            let matched = update_job(&mut write, completion, now).await?;
            record_execution(&mut write, completion, matched, now).await?;
            accepted.push(matched);
        }
        write.commit().await?;
        let released = completions.iter().zip(&accepted);
        if released
            .into_iter()
            .any(|(completion, accepted)| *accepted && completion.finish == Finish::Released)
        {
            self.wake.notify_one();
        }
        Ok(accepted)
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
