//! The two backends the behaviour suite runs on: a fresh SQLite file, and a fresh database on
//! this test binary's shared PostgreSQL cluster. [`for_each_backend!`] turns each test (an
//! `async fn(Backend)`) into one `#[tokio::test]` per backend: `on_sqlite::name` and
//! `on_postgres::name`, written once.
#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test binary uses a different part of the harness"
)]

use std::sync::Arc;
use std::time::Duration;

use jobs::{JobStore, NewJob};
use serde_json::json;

use crate::postgres::TempPostgres;

/// The wait for locks and connections the suite's stores use.
pub const BUSY: Duration = Duration::from_secs(2);

/// A store on a fresh database, and what keeps the database alive.
pub struct Backend {
    /// The database URL (for processes and hosts using the same database).
    pub url: String,
    /// The store.
    pub store: Arc<dyn JobStore>,
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
        let store = jobs::connect_store(&url, BUSY)
            .await
            .expect("the database opens");
        Self {
            url,
            store,
            _dir: Some(dir),
        }
    }

    /// A fresh database on the shared PostgreSQL cluster.
    pub async fn postgres() -> Self {
        let url = tokio::task::spawn_blocking(|| TempPostgres::shared().fresh_database())
            .await
            .expect("a fresh database");
        let store = jobs::connect_store(&url, BUSY)
            .await
            .expect("the database opens");
        Self {
            url,
            store,
            _dir: None,
        }
    }

    /// Another store on the same database: what a second process would open.
    pub async fn another_store(&self) -> Arc<dyn JobStore> {
        jobs::connect_store(&self.url, BUSY)
            .await
            .expect("the database opens")
    }

    /// Stores a `sha256` job on `n`; its id.
    pub async fn submit(&self, n: usize) -> i64 {
        self.store
            .insert(&job(json!({"kind": "sha256", "payload": n.to_string()})))
            .await
            .expect("stored")
    }
}

/// A valid new job from its JSON (`max_attempts` 3 unless given).
pub fn job(value: serde_json::Value) -> NewJob {
    NewJob::from_json(&value, 3).expect("a valid job")
}

/// One `#[tokio::test]` per backend for each listed `async fn(Backend)`.
macro_rules! for_each_backend {
    ($($test:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(crate::backend::Backend::sqlite().await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(crate::backend::Backend::postgres().await).await;
                }
            )*
        }
    };
}
pub(crate) use for_each_backend;
