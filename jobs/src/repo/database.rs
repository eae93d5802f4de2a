//! [`Database`]: the SQLite connection pool, migrated at startup (an async singleton), and the
//! in-process write lock.
//!
//! SQLite has one writer at a time per database file. Connections of one process that compete
//! for it sleep in SQLite's busy handler (1, 2, 5, 10 … ms naps), which caps throughput far below
//! what the file can do. So every write of this process first takes [`Database`]'s write lock (a
//! fair async mutex) and only then `BEGIN IMMEDIATE`s: in-process writers queue without sleeping,
//! and the busy handler only waits for *other* processes. Both waits are bounded by the same
//! setting (`JOBS_DB_BUSY_MS`); past it the operation fails with [`StoreError::Busy`].

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use crate::repo::error::StoreError;

/// The migrations in `jobs/migrations`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a write waits for the database's write lock by default (`JOBS_DB_BUSY_MS`).
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
    /// Serializes this process's writes (see the module docs).
    writes: Mutex<()>,
    /// The bound of every wait for the write lock.
    busy: Duration,
}

/// A write transaction (`BEGIN IMMEDIATE`) that holds the process's write lock until it is
/// committed or dropped (rolled back).
pub(crate) struct WriteTransaction<'a> {
    pub(crate) tx: Transaction<'static, Sqlite>,
    _lock: MutexGuard<'a, ()>,
}

impl WriteTransaction<'_> {
    /// Commits, then releases the write lock.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(StoreError::from)
    }
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
        Self::connect_with(url, DEFAULT_DB_BUSY).await
    }

    /// Opens and migrates the database at `url`; writes wait at most `busy` for the write lock
    /// (held by another process or by this one's other writers) before failing with
    /// [`StoreError::Busy`].
    ///
    /// # Errors
    ///
    /// [`DatabaseError::Connect`] or [`DatabaseError::Migrate`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let url = format!("sqlite://{}/j.db", dir.path().display());
    /// let db = jobs::Database::connect_with(&url, std::time::Duration::from_millis(500)).await?;
    /// assert_eq!(db.busy_timeout().as_millis(), 500);
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(url: &str, busy: Duration) -> Result<Self, DatabaseError> {
        let connect = |source| DatabaseError::Connect {
            url: url.to_owned(),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy)
            .foreign_keys(true);
        // Creating the file, switching it to WAL and migrating it must not interleave with
        // another process doing the same to a brand-new database: SQLite answers the loser
        // "database is locked" without waiting. Held until the database is ready.
        let _opening = lock_for_opening(options.get_filename()).await;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(busy.max(Duration::from_secs(1)))
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
        Ok(Self {
            pool,
            writes: Mutex::new(()),
            busy,
        })
    }

    /// How long a write waits for the write lock before failing with [`StoreError::Busy`].
    ///
    /// # Examples
    ///
    /// See [`Database::connect_with`].
    pub fn busy_timeout(&self) -> Duration {
        self.busy
    }

    /// Takes this process's write lock, waiting at most [`busy_timeout`](Self::busy_timeout).
    pub(crate) async fn lock_writes(&self) -> Result<MutexGuard<'_, ()>, StoreError> {
        tokio::time::timeout(self.busy, self.writes.lock())
            .await
            .map_err(|_| StoreError::Busy)
    }

    /// Takes the write lock and begins a write transaction (`BEGIN IMMEDIATE`, so the database
    /// lock is taken at once and never upgraded half-way, where SQLite cannot wait).
    pub(crate) async fn begin_write(&self) -> Result<WriteTransaction<'_>, StoreError> {
        let lock = self.lock_writes().await?;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTransaction { tx, _lock: lock })
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

/// Locks `<database>.open-lock` exclusively, waiting for any other process opening the same
/// database. A separate file, because closing a second descriptor of the database file itself
/// would drop SQLite's own locks on it.
///
/// Best effort: `None` for in-memory databases (no other process can open them) and when the
/// lock file cannot be created or locked (a missing directory, a read-only or lock-less file
/// system); opening then goes on and reports the database's own error, if any.
async fn lock_for_opening(database: &Path) -> Option<File> {
    let name = database.as_os_str();
    if name.is_empty() || name == ":memory:" {
        return None;
    }
    let mut path = name.to_owned();
    path.push(".open-lock");
    let path = PathBuf::from(path);
    let locking = path.clone();
    let locked = tokio::task::spawn_blocking(move || {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&locking)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await;
    match locked {
        Ok(Ok(file)) => Some(file),
        Ok(Err(error)) => {
            tracing::debug!(path = %path.display(), %error, "opening the database without a lock file");
            None
        }
        Err(join) => {
            tracing::debug!(%join, "opening the database without a lock file");
            None
        }
    }
}

#[async_trait]
impl AsyncDispose for Database {
    async fn dispose(&self) {
        self.pool.close().await;
    }
}
