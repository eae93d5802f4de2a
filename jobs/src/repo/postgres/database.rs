//! [`PostgresStore`]: the PostgreSQL connection pool (migrated at startup under the migrator's
//! advisory lock, so processes starting together apply each migration once) and the task that
//! listens for new jobs.
//!
//! Connection loss: the pool tests a connection before handing it out and opens new ones as
//! needed, so after a server restart the next operation reconnects; meanwhile operations fail
//! with [`StoreError::Unavailable`](crate::StoreError::Unavailable) or
//! [`StoreError::Busy`](crate::StoreError::Busy) (no connection within the wait).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::repo::connect::DatabaseError;
use crate::repo::error::StoreError;
use crate::repo::postgres::listener::listen_for_jobs;

/// The migrations in `jobs/migrations/postgres`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The most connections one process opens (the listener holds one of them).
const MAX_CONNECTIONS: u32 = 16;

/// The queue on PostgreSQL. Disposing it stops the listener and closes the pool.
#[derive(Debug)]
pub(crate) struct PostgresStore {
    pool: PgPool,
    /// How the pool connects: to tell a server that is down from a busy pool.
    options: PgConnectOptions,
    /// Signalled by the listener on every `jobs_ready` notification (and after it reconnects,
    /// as notifications sent meanwhile are lost).
    pub(super) wake: Arc<Notify>,
    stop_listening: CancellationToken,
    listener: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl PostgresStore {
    /// Connects to and migrates the database at `url`; an operation waits at most `busy` for a
    /// connection or a row lock before failing with
    /// [`StoreError::Busy`](crate::StoreError::Busy).
    pub(crate) async fn connect(url: &str, busy: Duration) -> Result<Self, DatabaseError> {
        let connect = |source| DatabaseError::Connect {
            url: url.to_owned(),
            source,
        };
        let lock_timeout = busy.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)
            .map_err(connect)?
            .application_name("jobs")
            .options([("lock_timeout", lock_timeout.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(busy.max(Duration::from_millis(500)))
            .test_before_acquire(true)
            .connect_with(options.clone())
            .await
            .map_err(connect)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| DatabaseError::Migrate {
                url: url.to_owned(),
                source,
            })?;
        let wake = Arc::new(Notify::new());
        let stop_listening = CancellationToken::new();
        let listener = tokio::spawn(listen_for_jobs(
            pool.clone(),
            Arc::clone(&wake),
            stop_listening.clone(),
        ));
        tracing::info!(
            host = options.get_host(),
            port = options.get_port(),
            database = options.get_database(),
            "the PostgreSQL database is ready"
        );
        Ok(Self {
            pool,
            options,
            wake,
            stop_listening,
            listener: std::sync::Mutex::new(Some(listener)),
        })
    }

    /// The connection pool.
    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// `result`, with a [`StoreError::Busy`] that may come from a pool that could not open a
    /// connection (the pool only says it timed out) checked with one direct connection: a
    /// server that refuses or is shutting down makes it [`StoreError::Unavailable`], with the
    /// server's own error.
    pub(super) async fn explained<T>(
        &self,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match result {
            Err(StoreError::Busy) if self.pool.size() < MAX_CONNECTIONS => {
                let probe = tokio::time::timeout(
                    Duration::from_secs(1),
                    PgConnection::connect_with(&self.options),
                )
                .await;
                match probe {
                    Ok(Ok(connection)) => {
                        let _ = connection.close().await;
                        Err(StoreError::Busy)
                    }
                    Ok(Err(error)) => Err(StoreError::Unavailable(error)),
                    Err(_) => Err(StoreError::Busy),
                }
            }
            other => other,
        }
    }
}

#[async_trait]
impl AsyncDispose for PostgresStore {
    async fn dispose(&self) {
        self.stop_listening.cancel();
        let listener = self
            .listener
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(listener) = listener {
            // The listener holds a pooled connection: closing the pool waits for it.
            let _ = listener.await;
        }
        self.pool.close().await;
    }
}
