//! [`JobRow`]: reading a row of either backend into [`Job`], [`ClaimedJob`] and [`Execution`].
//! The columns and their types are the same on both; only the width of the attempt counts
//! differs (SQLite's `INTEGER` is 64-bit, PostgreSQL's 32-bit).

use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::execution::{Execution, ExecutionOutcome};
use crate::job::Job;
use crate::repo::claimed::ClaimedJob;

/// The columns [`JobRow::job`] reads (a macro, so that queries stay `&'static str`).
macro_rules! job_columns {
    () => {
        "id, kind, payload, status, attempts, max_attempts, result, last_error"
    };
}
pub(crate) use job_columns;

/// The query whose rows [`JobRow::stats_group`] reads: the jobs counted by kind and status.
pub(crate) const STATS_QUERY: &str = "SELECT kind, status, COUNT(*) AS n, MIN(created_at) AS oldest
     FROM jobs GROUP BY kind, status";

/// A row of the `jobs` or `executions` table, of either backend.
pub(crate) trait JobRow: Row
where
    for<'c> &'c str: ColumnIndex<Self>,
    for<'r> String: Decode<'r, Self::Database> + Type<Self::Database>,
    for<'r> i64: Decode<'r, Self::Database> + Type<Self::Database>,
{
    /// The Rust type of an attempt count column.
    type Count: for<'r> Decode<'r, Self::Database> + Type<Self::Database> + Into<i64>;

    /// A whole job, as the API shows it.
    fn job(&self) -> Result<Job, sqlx::Error> {
        let status: String = self.try_get("status")?;
        Ok(Job {
            id: self.try_get("id")?,
            kind: self.try_get("kind")?,
            status: status.parse().map_err(decode)?,
            attempts: self.count("attempts")?,
            max_attempts: self.count("max_attempts")?,
            payload: self.json("payload")?.unwrap_or(Value::Null),
            result: self.json("result")?,
            last_error: self.try_get("last_error")?,
        })
    }

    /// A claimed job; its `execution` is 0 until the execution row is written.
    fn claimed(&self) -> Result<ClaimedJob, sqlx::Error> {
        Ok(ClaimedJob {
            id: self.try_get("id")?,
            kind: self.try_get("kind")?,
            payload: self.json("payload")?.unwrap_or(Value::Null),
            attempt: self.count("attempts")?,
            max_attempts: self.count("max_attempts")?,
            token: self.try_get("lease_token")?,
            execution: 0,
        })
    }

    /// One execution of a job.
    fn execution(&self) -> Result<Execution, sqlx::Error> {
        let outcome: Option<String> = self.try_get("outcome")?;
        let outcome = match outcome {
            None => ExecutionOutcome::Running,
            Some(name) => name
                .parse()
                .map_err(|message: String| sqlx::Error::Decode(message.into()))?,
        };
        let token: i64 = self.try_get("token")?;
        Ok(Execution {
            attempt: self.count("attempt")?,
            owner: self.try_get("owner")?,
            token: format!("{:016x}", token.cast_unsigned()),
            started_at: self.try_get("started_at")?,
            ended_at: self.try_get("ended_at")?,
            outcome,
            error: self.try_get("error")?,
        })
    }

    /// A row of [`STATS_QUERY`]: kind, status, count and the oldest creation time.
    fn stats_group(&self) -> Result<(String, String, i64, Option<i64>), sqlx::Error> {
        Ok((
            self.try_get("kind")?,
            self.try_get("status")?,
            self.try_get("n")?,
            self.try_get("oldest")?,
        ))
    }

    /// A JSON column stored as text (`NULL`: `None`).
    fn json(&self, column: &str) -> Result<Option<Value>, sqlx::Error> {
        let text: Option<String> = self.try_get(column)?;
        text.map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(decode)
    }

    /// An attempt count.
    fn count(&self, column: &str) -> Result<u32, sqlx::Error> {
        let value: Self::Count = self.try_get(column)?;
        u32::try_from(value.into()).map_err(decode)
    }
}

impl JobRow for SqliteRow {
    type Count = i64;
}

impl JobRow for PgRow {
    type Count = i32;
}

fn decode(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}
