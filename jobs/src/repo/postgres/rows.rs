//! Reading PostgreSQL rows into [`Job`], [`ClaimedJob`] and [`Execution`].

use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::execution::{Execution, ExecutionOutcome};
use crate::job::Job;
use crate::repo::claimed::ClaimedJob;

fn decode(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

fn json_column(row: &PgRow, column: &str) -> Result<Option<Value>, sqlx::Error> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(decode)
}

fn count_column(row: &PgRow, column: &str) -> Result<u32, sqlx::Error> {
    let value: i32 = row.try_get(column)?;
    u32::try_from(value).map_err(decode)
}

pub(super) fn job_from_row(row: &PgRow) -> Result<Job, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: status.parse().map_err(decode)?,
        attempts: count_column(row, "attempts")?,
        max_attempts: count_column(row, "max_attempts")?,
        payload: json_column(row, "payload")?.unwrap_or(Value::Null),
        result: json_column(row, "result")?,
        last_error: row.try_get("last_error")?,
    })
}

pub(super) fn claimed_from_row(row: &PgRow) -> Result<ClaimedJob, sqlx::Error> {
    Ok(ClaimedJob {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: json_column(row, "payload")?.unwrap_or(Value::Null),
        attempt: count_column(row, "attempts")?,
        max_attempts: count_column(row, "max_attempts")?,
        token: row.try_get("lease_token")?,
        execution: row.try_get("execution")?,
    })
}

pub(super) fn execution_from_row(row: &PgRow) -> Result<Execution, sqlx::Error> {
    let outcome: Option<String> = row.try_get("outcome")?;
    let outcome = match outcome {
        None => ExecutionOutcome::Running,
        Some(name) => name
            .parse()
            .map_err(|message: String| sqlx::Error::Decode(message.into()))?,
    };
    let token: i64 = row.try_get("token")?;
    Ok(Execution {
        attempt: count_column(row, "attempt")?,
        owner: row.try_get("owner")?,
        token: format!("{:016x}", token.cast_unsigned()),
        started_at: row.try_get("started_at")?,
        ended_at: row.try_get("ended_at")?,
        outcome,
        error: row.try_get("error")?,
    })
}
