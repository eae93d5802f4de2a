//! Reading rows into [`Job`] and [`ClaimedJob`].

use serde_json::Value;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::job::Job;
use crate::repo::lease::ClaimedJob;

fn json_column(row: &SqliteRow, column: &str) -> Result<Option<Value>, sqlx::Error> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

fn count_column(row: &SqliteRow, column: &str) -> Result<u32, sqlx::Error> {
    let value: i64 = row.try_get(column)?;
    u32::try_from(value).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

pub(super) fn job_from_row(row: &SqliteRow) -> Result<Job, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: status
            .parse()
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
        attempts: count_column(row, "attempts")?,
        max_attempts: count_column(row, "max_attempts")?,
        payload: json_column(row, "payload")?.unwrap_or(Value::Null),
        result: json_column(row, "result")?,
        last_error: row.try_get("last_error")?,
    })
}

pub(super) fn claimed_from_row(row: &SqliteRow) -> Result<ClaimedJob, sqlx::Error> {
    Ok(ClaimedJob {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: json_column(row, "payload")?.unwrap_or(Value::Null),
        attempt: count_column(row, "attempts")?,
        max_attempts: count_column(row, "max_attempts")?,
    })
}
