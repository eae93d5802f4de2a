//! [`PostgresStore`]'s completions: a whole batch in one statement, each fenced by its
//! execution's token.

use std::collections::HashSet;

use crate::repo::clock::now_millis;
use crate::repo::completion::{Completion, Finish};
use crate::repo::error::StoreError;
use crate::repo::postgres::database::PostgresStore;

/// The batch arrives as parallel arrays (`unnest`): the jobs still running under the given
/// token are updated, their executions closed with the outcome; the executions of the others
/// are marked `lost_lease` (unless the rescuer already did). Returns the accepted executions.
const FINISH: &str = "
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
        $6::text[], $7::bigint[])
        AS t(job_id, token, execution, outcome, result, error, retry_at)
), updated AS (
    UPDATE jobs SET
        status = CASE WHEN i.outcome = 'succeeded' THEN 'succeeded'
                      WHEN i.outcome = 'failed' AND i.retry_at IS NULL THEN 'failed'
                      ELSE 'pending' END,
        result = CASE WHEN i.outcome = 'succeeded' THEN i.result ELSE jobs.result END,
        last_error = CASE WHEN i.outcome = 'failed' THEN i.error ELSE jobs.last_error END,
        run_at = CASE WHEN i.outcome = 'released' THEN $8
                      WHEN i.outcome = 'failed' THEN COALESCE(i.retry_at, jobs.run_at)
                      ELSE jobs.run_at END,
        attempts = CASE WHEN i.outcome = 'released' THEN GREATEST(jobs.attempts - 1, 0)
                        ELSE jobs.attempts END,
        lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, updated_at = $8
    FROM input i
    WHERE jobs.id = i.job_id AND jobs.status = 'running' AND jobs.lease_token = i.token
    RETURNING i.execution, i.outcome
), closed AS (
    UPDATE executions SET
        outcome = COALESCE(u.outcome, 'lost_lease'),
        error = CASE WHEN u.outcome = 'failed' THEN i.error END,
        ended_at = $8
    FROM input i LEFT JOIN updated u ON u.execution = i.execution
    WHERE executions.id = i.execution AND (u.execution IS NOT NULL OR executions.outcome IS NULL)
)
SELECT execution FROM updated";

/// The batch as the statement's parallel arrays.
#[derive(Default)]
struct Columns {
    jobs: Vec<i64>,
    tokens: Vec<i64>,
    executions: Vec<i64>,
    outcomes: Vec<&'static str>,
    results: Vec<Option<String>>,
    errors: Vec<Option<String>>,
    retry_at: Vec<Option<i64>>,
}

impl Columns {
    fn of(completions: &[Completion]) -> Self {
        let mut columns = Columns::default();
        for completion in completions {
            columns.jobs.push(completion.job);
            columns.tokens.push(completion.token);
            columns.executions.push(completion.execution);
            columns.outcomes.push(completion.finish.outcome());
            let (result, error, retry_at) = match &completion.finish {
                Finish::Succeeded(result) => (Some(result.to_string()), None, None),
                Finish::Failed { error, retry_at } => (None, Some(error.clone()), *retry_at),
                Finish::Released => (None, None, None),
            };
            columns.results.push(result);
            columns.errors.push(error);
            columns.retry_at.push(retry_at);
        }
        columns
    }
}

impl PostgresStore {
    pub(super) async fn finish_executions(
        &self,
        completions: &[Completion],
    ) -> Result<Vec<bool>, StoreError> {
        if completions.is_empty() {
            return Ok(Vec::new());
        }
        let columns = Columns::of(completions);
        let accepted: HashSet<i64> = sqlx::query_scalar(FINISH)
            .bind(columns.jobs)
            .bind(columns.tokens)
            .bind(columns.executions)
            .bind(columns.outcomes)
            .bind(columns.results)
            .bind(columns.errors)
            .bind(columns.retry_at)
            .bind(now_millis())
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .collect();
        let flags: Vec<bool> = completions
            .iter()
            .map(|completion| accepted.contains(&completion.execution))
            .collect();
        let released = completions
            .iter()
            .zip(&flags)
            .any(|(completion, accepted)| *accepted && completion.finish == Finish::Released);
        if released {
            self.notify_ready().await?;
        }
        Ok(flags)
    }
}
