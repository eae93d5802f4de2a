//! [`JobStore`]: the queue's storage operations, one trait for every backend, and
//! [`QueueStats`], what `/stats` shows of the queue.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use serde::Serialize;

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::claimed::ClaimedJob;
use crate::repo::completion::Completion;
use crate::repo::error::StoreError;

/// The queue's storage: SQLite (embedded, the default) or PostgreSQL, chosen by the database
/// URL's scheme in [`connect_store`](crate::connect_store). The API and the worker are written
/// against this trait only; a singleton of the container as `Arc<dyn JobStore>`.
///
/// Every implementation keeps the same rules:
/// - a claim hands each due job to one claimer only, with a fresh fencing token and an open
///   execution row, in one atomic step;
/// - finishing an execution is accepted only while its job is `running` under that execution's
///   token (a stale execution is marked `lost_lease`); many completions are written at once;
/// - a lease that expired is taken over by [`rescue`](JobStore::rescue), which re-checks the
///   job's state as it writes; a job whose lease expired on its last attempt fails;
/// - a transient database condition (locked, busy, restarting, unreachable) is
///   [`StoreError::Busy`] or [`StoreError::Unavailable`], never a silent loss.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use jobs::{Completion, Finish, JobStatus, NewJob};
///
/// let dir = tempfile::tempdir()?;
/// let store = jobs::connect_store(&format!("sqlite://{}/j.db", dir.path().display()), Duration::from_secs(2)).await?;
/// let id = store.insert(&NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?).await?;
/// let claimed = store.claim("worker-1", Duration::from_secs(30), 16).await?;
/// assert_eq!(claimed.len(), 1);
/// let done = Completion::new(&claimed[0], Finish::Succeeded(serde_json::json!({"ok": true})));
/// assert_eq!(store.finish(&[done.clone()]).await?, vec![true]);
/// assert_eq!(store.finish(&[done]).await?, vec![false]); // fenced: already finished
/// assert_eq!(store.find(id).await?.map(|job| job.status), Some(JobStatus::Succeeded));
/// # Ok(()) }
/// ```
#[async_trait]
pub trait JobStore: AsyncDispose + fmt::Debug + Send + Sync {
    /// The backend's name: `sqlite` or `postgres`.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    fn backend(&self) -> &'static str;

    /// Stores a new `pending` job, due now, and wakes idle workers; returns its id.
    ///
    /// # Errors
    ///
    /// A transient [`StoreError`] (nothing stored) or the database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn insert(&self, job: &NewJob) -> Result<i64, StoreError>;

    /// The job with `id`, if any.
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn find(&self, id: i64) -> Result<Option<Job>, StoreError>;

    /// Every execution of the job `id`, in start order (empty for an unknown id).
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn executions(&self, id: i64) -> Result<Vec<Execution>, StoreError>;

    /// Up to `limit` jobs, newest first, optionally with one `status` and ids below `before`.
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn list(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<Job>, StoreError>;

    /// The queue's counts per status and per kind, and the oldest pending job's age.
    ///
    /// # Errors
    ///
    /// The database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn stats(&self) -> Result<QueueStats, StoreError>;

    /// Checks that the database takes writes now (readiness).
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] or [`StoreError::Unavailable`] while the database is degraded; the
    /// database's error otherwise.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn check_ready(&self) -> Result<(), StoreError>;

    /// Claims up to `limit` due pending jobs for `owner` with a lease of `lease`: each gets a
    /// fresh fencing token and an open execution row, atomically; no job is claimed by two
    /// claimers.
    ///
    /// # Errors
    ///
    /// A transient [`StoreError`] (nothing claimed) or the database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, StoreError>;

    /// Extends the lease of every job `owner` is running; returns how many were renewed.
    ///
    /// # Errors
    ///
    /// A transient [`StoreError`] or the database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn renew(&self, owner: &str, lease: Duration) -> Result<u64, StoreError>;

    /// Takes over the jobs whose lease expired (their holder died, paused or was cut off):
    /// each open execution is marked `lost_lease`, the job is `pending` again, due now — or
    /// `failed` when that was its last attempt. Returns how many jobs it took over.
    ///
    /// # Errors
    ///
    /// A transient [`StoreError`] or the database's error.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn rescue(&self) -> Result<u64, StoreError>;

    /// Records many finished executions at once. Each is accepted only if its job is still
    /// `running` under the execution's fencing token; the returned flags say which were
    /// (`false`: the lease was lost, the execution is marked `lost_lease`).
    ///
    /// # Errors
    ///
    /// A transient [`StoreError`] or the database's error; then nothing was recorded.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn finish(&self, completions: &[Completion]) -> Result<Vec<bool>, StoreError>;

    /// Waits until a job may have become due (another job was inserted or released, possibly
    /// by another process), or at most `timeout`. Idle workers sleep here.
    ///
    /// # Examples
    ///
    /// See [`JobStore`].
    async fn wait_for_jobs(&self, timeout: Duration);
}

/// Counts of one group of jobs: per status, and the oldest pending job's age.
///
/// # Examples
///
/// See [`QueueStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StatusCounts {
    /// The number of jobs in each status (every status present, zero included).
    #[serde(flatten)]
    pub by_status: BTreeMap<&'static str, i64>,
    /// How long ago (ms) the oldest `pending` job was submitted; `None` with none pending.
    pub oldest_pending_age_ms: Option<i64>,
}

/// What `/stats` shows of the queue: every job's status counts, and the same per kind.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let store = jobs::connect_store(&format!("sqlite://{}/j.db", dir.path().display()), jobs::DEFAULT_DB_BUSY).await?;
/// store.insert(&jobs::NewJob::from_json(&serde_json::json!({"kind": "sleep", "payload": {"ms": 1}}), 3)?).await?;
/// let stats = store.stats().await?;
/// assert_eq!(stats.all.by_status.get("pending"), Some(&1));
/// assert_eq!(stats.by_kind["sleep"].by_status.get("pending"), Some(&1));
/// assert!(stats.all.oldest_pending_age_ms.is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct QueueStats {
    /// Every job.
    #[serde(flatten)]
    pub all: StatusCounts,
    /// The jobs of each kind.
    pub by_kind: BTreeMap<String, StatusCounts>,
}

impl StatusCounts {
    fn empty() -> Self {
        Self {
            by_status: JobStatus::ALL
                .iter()
                .map(|status| (status.as_str(), 0))
                .collect(),
            oldest_pending_age_ms: None,
        }
    }
}

impl QueueStats {
    /// Builds the stats from rows `(kind, status, count, oldest created_at of the group)` at
    /// time `now` (Unix ms).
    pub(crate) fn from_groups(
        groups: impl IntoIterator<Item = (String, String, i64, Option<i64>)>,
        now: i64,
    ) -> Self {
        let mut stats = QueueStats {
            all: StatusCounts::empty(),
            by_kind: BTreeMap::new(),
        };
        for (kind, status, count, oldest) in groups {
            let Ok(status) = status.parse::<JobStatus>() else {
                continue;
            };
            let age = (status == JobStatus::Pending)
                .then(|| oldest.map(|created| now.saturating_sub(created).max(0)))
                .flatten();
            let per_kind = stats
                .by_kind
                .entry(kind)
                .or_insert_with(StatusCounts::empty);
            for counts in [&mut stats.all, per_kind] {
                *counts.by_status.entry(status.as_str()).or_default() += count;
                counts.oldest_pending_age_ms = counts.oldest_pending_age_ms.max(age);
            }
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_per_status_and_per_kind_with_the_oldest_pending_age() {
        let groups = [
            ("sha256".to_owned(), "pending".to_owned(), 2, Some(900)),
            ("sleep".to_owned(), "pending".to_owned(), 1, Some(400)),
            ("sleep".to_owned(), "succeeded".to_owned(), 5, Some(100)),
        ];

        let stats = QueueStats::from_groups(groups, 1000);

        assert_eq!(stats.all.by_status["pending"], 3);
        assert_eq!(stats.all.by_status["succeeded"], 5);
        assert_eq!(stats.all.by_status["failed"], 0);
        assert_eq!(stats.all.oldest_pending_age_ms, Some(600));
        assert_eq!(stats.by_kind["sha256"].oldest_pending_age_ms, Some(100));
        assert_eq!(stats.by_kind["sleep"].by_status["succeeded"], 5);
        assert_eq!(stats.by_kind["sleep"].by_status["running"], 0);
    }
}
