//! [`connect_store`]: the backend chosen from the database URL's scheme.

use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::MigrateError;

use crate::repo::postgres::PostgresStore;
use crate::repo::sqlite::SqliteStore;
use crate::repo::store::JobStore;

/// How long an operation waits for the database (a lock, a free connection) by default
/// (`JOBS_DB_BUSY_MS`).
///
/// # Examples
///
/// ```
/// assert_eq!(jobs::DEFAULT_DB_BUSY, std::time::Duration::from_secs(2));
/// ```
pub const DEFAULT_DB_BUSY: Duration = Duration::from_secs(2);

/// Why the database could not be opened.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let error = jobs::connect_store("mysql://localhost/jobs", jobs::DEFAULT_DB_BUSY).await.unwrap_err();
/// assert!(matches!(error, jobs::DatabaseError::UnsupportedScheme { .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatabaseError {
    /// The URL's scheme names no supported backend.
    #[error(
        "unsupported database URL `{url}`: expected `sqlite:` (a file, the default) or \
         `postgres:`/`postgresql:`"
    )]
    UnsupportedScheme {
        /// The database URL.
        url: String,
    },
    /// The URL is invalid or the database could not be opened.
    #[error("cannot open the database `{url}`")]
    Connect {
        /// The database URL.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying the embedded migrations failed.
    #[error("cannot migrate the database `{url}`")]
    Migrate {
        /// The database URL.
        url: String,
        /// The migrator's error.
        #[source]
        source: MigrateError,
    },
}

/// The backends [`connect_store`] knows, by URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

fn backend_of(url: &str) -> Option<Backend> {
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Some(Backend::Sqlite),
        "postgres" | "postgresql" => Some(Backend::Postgres),
        _ => None,
    }
}

/// Opens and migrates the database at `url` — SQLite for `sqlite:` (the file is created on
/// first use), PostgreSQL for `postgres:` or `postgresql:` — as the application's
/// [`JobStore`]. An operation waits at most `busy` for a lock or a connection before failing
/// with [`StoreError::Busy`](crate::StoreError::Busy).
///
/// # Errors
///
/// [`DatabaseError::UnsupportedScheme`], [`DatabaseError::Connect`] or
/// [`DatabaseError::Migrate`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let url = format!("sqlite://{}/jobs.db", dir.path().display());
/// let store = jobs::connect_store(&url, std::time::Duration::from_millis(500)).await?;
/// assert_eq!(store.backend(), "sqlite");
/// # Ok(()) }
/// ```
pub async fn connect_store(url: &str, busy: Duration) -> Result<Arc<dyn JobStore>, DatabaseError> {
    match backend_of(url) {
        Some(Backend::Sqlite) => Ok(Arc::new(SqliteStore::connect(url, busy).await?)),
        Some(Backend::Postgres) => Ok(Arc::new(PostgresStore::connect(url, busy).await?)),
        None => Err(DatabaseError::UnsupportedScheme {
            url: url.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_chooses_the_backend() {
        let backends: Vec<_> = [
            "sqlite://jobs.db",
            "sqlite::memory:",
            "postgres://u@h/db",
            "PostgreSQL://h/db",
            "mysql://h/db",
            "jobs.db",
        ]
        .into_iter()
        .map(backend_of)
        .collect();

        assert_eq!(
            backends,
            [
                Some(Backend::Sqlite),
                Some(Backend::Sqlite),
                Some(Backend::Postgres),
                Some(Backend::Postgres),
                None,
                None
            ]
        );
    }
}
