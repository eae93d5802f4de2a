//! [`SqliteStore`]'s connection pool, migrated at startup, and the in-process write lock.
//!
//! SQLite has one writer at a time per database file. Connections of one process that compete
//! for it sleep in SQLite's busy handler (1, 2, 5, 10 … ms naps), which caps throughput far below
//! what the file can do. So every write of this process first takes the store's write lock (a
//! fair async mutex) and only then `BEGIN IMMEDIATE`s: in-process writers queue without sleeping,
//! and the busy handler only waits for *other* processes. Both waits are bounded by the same
//! setting (`JOBS_DB_BUSY_MS`); past it the operation fails with [`StoreError::Busy`].

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, MutexGuard, Notify};

use crate::repo::connect::DatabaseError;
use crate::repo::error::StoreError;

/// The migrations in `jobs/migrations/sqlite`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The queue on SQLite: the connection pool (WAL journal, so readers never block the writer and
/// several processes can share one file). Disposing it closes the pool.
#[derive(Debug)]
pub(crate) struct SqliteStore {
    pool: SqlitePool,
    /// Serializes this process's writes (see the module docs).
    writes: Mutex<()>,
    /// The bound of every wait for the write lock.
    busy: Duration,
    /// Wakes this process's idle worker when this process inserts or releases a job (other
    /// processes' jobs are found by polling).
    pub(super) wake: Notify,
}

/// A write transaction (`BEGIN IMMEDIATE`) that holds the process's write lock until it is
/// committed or dropped (rolled back).
pub(super) struct WriteTransaction<'a> {
    pub(super) tx: Transaction<'static, Sqlite>,
    _lock: MutexGuard<'a, ()>,
}

impl WriteTransaction<'_> {
    /// Commits, then releases the write lock.
    pub(super) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(StoreError::from)
    }
}

impl SqliteStore {
    /// Opens (creating the file if needed) and migrates the database at `url`; writes wait at
    /// most `busy` for the write lock (held by another process or by this one's other writers)
    /// before failing with [`StoreError::Busy`].
    pub(crate) async fn connect(url: &str, busy: Duration) -> Result<Self, DatabaseError> {
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
        tracing::info!(url, "the SQLite database is ready");
        Ok(Self {
            pool,
            writes: Mutex::new(()),
            busy,
            wake: Notify::new(),
        })
    }

    /// Takes this process's write lock, waiting at most the configured wait.
    pub(super) async fn lock_writes(&self) -> Result<MutexGuard<'_, ()>, StoreError> {
        tokio::time::timeout(self.busy, self.writes.lock())
            .await
            .map_err(|_| StoreError::Busy)
    }

    /// Takes the write lock and begins a write transaction (`BEGIN IMMEDIATE`, so the database
    /// lock is taken at once and never upgraded half-way, where SQLite cannot wait).
    pub(super) async fn begin_write(&self) -> Result<WriteTransaction<'_>, StoreError> {
        let lock = self.lock_writes().await?;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTransaction { tx, _lock: lock })
    }

    /// The connection pool.
    pub(super) fn pool(&self) -> &SqlitePool {
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
impl AsyncDispose for SqliteStore {
    async fn dispose(&self) {
        self.pool.close().await;
    }
}
