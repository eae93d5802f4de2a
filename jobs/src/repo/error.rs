//! [`StoreError`]: why a storage operation failed.

/// Why a storage operation failed.
///
/// # Examples
///
/// ```
/// use jobs::StoreError;
///
/// let error = StoreError::Busy;
/// assert!(error.is_busy());
/// assert_eq!(error.to_string(), "the database is busy: another writer holds its write lock");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database's write lock stayed taken (by another process, or by this process's other
    /// writers) for longer than the configured wait (`JOBS_DB_BUSY_MS`). Nothing was written:
    /// the operation may be retried.
    #[error("the database is busy: another writer holds its write lock")]
    Busy,
    /// Any other database error.
    #[error("the database failed")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether this is [`StoreError::Busy`]: a transient condition, answered `503`.
    ///
    /// # Examples
    ///
    /// See [`StoreError`].
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if is_busy(&error) {
            StoreError::Busy
        } else {
            StoreError::Database(error)
        }
    }
}

/// `SQLITE_BUSY` and `SQLITE_LOCKED` (with any extended code), and a pool that had no free
/// connection within its wait.
fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(error) => error
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}
