//! [`Database`]: the SQLite connection pool, migrated at startup (an async singleton).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use sqlx::SqlitePool;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The migrations in `jobs/migrations`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Why the database could not be opened.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let error = jobs::Database::connect("postgres://nope").await.unwrap_err();
/// assert!(matches!(error, jobs::DatabaseError::Connect { .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatabaseError {
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

/// The application's SQLite connection pool (WAL journal, so readers never block the writer and
/// several processes can share one file). Disposing it closes the pool.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
/// let db = jobs::Database::connect(&url).await?;
/// let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(db.pool()).await?;
/// assert_eq!(tables, 0);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Database {
    pool: SqlitePool,
}

impl Database {
    /// Opens (creating the file if needed) and migrates the database at `url`.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::Connect`] or [`DatabaseError::Migrate`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// assert!(jobs::Database::connect("mysql://localhost/jobs").await.is_err());
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, DatabaseError> {
        let connect = |source| DatabaseError::Connect {
            url: url.to_owned(),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(connect)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| DatabaseError::Migrate {
                url: url.to_owned(),
                source,
            })?;
        tracing::info!(url, "the database is ready");
        Ok(Self { pool })
    }

    /// The connection pool.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let db = jobs::Database::connect(&format!("sqlite://{}/j.db", dir.path().display())).await?;
    /// assert!(!db.pool().is_closed());
    /// # Ok(()) }
    /// ```
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl AsyncDispose for Database {
    async fn dispose(&self) {
        self.pool.close().await;
    }
}
