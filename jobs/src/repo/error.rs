//! [`StoreError`]: why a storage operation failed, with the transient conditions of both
//! backends told apart from real failures.

/// Why a storage operation failed.
///
/// # Examples
///
/// ```
/// use jobs::StoreError;
///
/// let error = StoreError::Busy;
/// assert!(error.is_busy());
/// assert!(error.is_transient());
/// assert_eq!(error.to_string(), "the database is busy: another writer holds its write lock");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database's write lock (or a row lock) stayed taken for longer than the configured
    /// wait (`JOBS_DB_BUSY_MS`), or the statement lost a serialization or deadlock conflict.
    /// Nothing was written: the operation may be retried.
    #[error("the database is busy: another writer holds its write lock")]
    Busy,
    /// The database server cannot be reached now: the connection was refused or closed, the
    /// server is shutting down or restarting. Nothing was written (or the outcome is unknown
    /// and the operation is safe to retry); the pool reconnects.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database error.
    #[error("the database failed")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether this is [`StoreError::Busy`].
    ///
    /// # Examples
    ///
    /// See [`StoreError`].
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy)
    }

    /// Whether the condition is transient ([`Busy`](StoreError::Busy) or
    /// [`Unavailable`](StoreError::Unavailable)): answered `503` with `Retry-After`.
    ///
    /// # Examples
    ///
    /// See [`StoreError`].
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy | StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match classify(&error) {
            Class::Busy => StoreError::Busy,
            Class::Unavailable => StoreError::Unavailable(error),
            Class::Failed => StoreError::Database(error),
        }
    }
}

enum Class {
    Busy,
    Unavailable,
    Failed,
}

fn classify(error: &sqlx::Error) -> Class {
    match error {
        sqlx::Error::PoolTimedOut => Class::Busy,
        sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            Class::Unavailable
        }
        sqlx::Error::Database(error) => error
            .code()
            .map_or(Class::Failed, |code| classify_code(&code)),
        _ => Class::Failed,
    }
}

/// PostgreSQL's SQLSTATEs are five characters; SQLite's codes are numbers of at most four
/// digits (a primary code with extended bits above the low byte).
fn classify_code(code: &str) -> Class {
    if code.len() == 5 {
        return match code {
            // serialization_failure, deadlock_detected, lock_not_available
            "40001" | "40P01" | "55P03" => Class::Busy,
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
            "57P01" | "57P02" | "57P03" | "53300" => Class::Unavailable,
            // connection_exception and its subclasses
            _ if code.starts_with("08") => Class::Unavailable,
            _ => Class::Failed,
        };
    }
    match code.parse::<i32>() {
        // SQLITE_BUSY, SQLITE_LOCKED, with any extended code
        Ok(code) if matches!(code & 0xff, 5 | 6) => Class::Busy,
        _ => Class::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(code: &str) -> &'static str {
        match classify_code(code) {
            Class::Busy => "busy",
            Class::Unavailable => "unavailable",
            Class::Failed => "failed",
        }
    }

    #[test]
    fn postgres_transient_states_are_busy_or_unavailable() {
        let classes: Vec<_> = [
            "40001", "40P01", "55P03", "57P01", "08006", "23505", "42P01",
        ]
        .into_iter()
        .map(class)
        .collect();

        assert_eq!(
            classes,
            [
                "busy",
                "busy",
                "busy",
                "unavailable",
                "unavailable",
                "failed",
                "failed"
            ]
        );
    }

    #[test]
    fn sqlite_busy_and_locked_with_extended_codes_are_busy() {
        let classes: Vec<_> = ["5", "6", "517", "262", "19", "2067"]
            .into_iter()
            .map(class)
            .collect();

        assert_eq!(
            classes,
            ["busy", "busy", "busy", "busy", "failed", "failed"]
        );
    }

    #[test]
    fn io_errors_are_unavailable_and_pool_timeouts_busy() {
        let io = StoreError::from(sqlx::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into(),
        ));

        assert!(matches!(io, StoreError::Unavailable(_)));
        assert!(StoreError::from(sqlx::Error::PoolTimedOut).is_busy());
        assert!(!StoreError::from(sqlx::Error::RowNotFound).is_transient());
    }
}
