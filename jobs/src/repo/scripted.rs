//! [`Scripted`]: a test store whose `claim` and `finish` fail as a test says, recording when
//! they were called; every other call is a bug in the test.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use di_core::AsyncDispose;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::{ClaimedJob, Completion, JobStore, QueueStats, StoreError};

/// A store for the worker's loops, on paused time.
#[derive(Debug, Default)]
pub(crate) struct Scripted {
    /// How many first `finish` calls fail.
    pub(crate) finish_failures: u32,
    /// The outcome of each `claim` in turn (`true`: it fails); once empty, claims find
    /// nothing.
    pub(crate) claims_fail: Mutex<VecDeque<bool>>,
    /// Cancelled once `claim` was called this many times.
    pub(crate) stop_after_claims: usize,
    /// What `stop_after_claims` cancels.
    pub(crate) stopping: CancellationToken,
    /// When each `claim` was called.
    pub(crate) claimed_at: Mutex<Vec<Instant>>,
    /// How many times `finish` was called.
    pub(crate) finish_calls: Mutex<u32>,
}

impl Scripted {
    /// The pauses between consecutive claims.
    pub(crate) fn pauses_between_claims(&self) -> Vec<Duration> {
        let at = self.claimed_at.lock().expect("not poisoned");
        at.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

#[async_trait]
impl AsyncDispose for Scripted {
    async fn dispose(&self) {}
}

const ONLY: &str = "the scripted store serves claims and completions only";

#[async_trait]
impl JobStore for Scripted {
    fn backend(&self) -> &'static str {
        "scripted"
    }
    async fn insert(&self, _: &NewJob) -> Result<i64, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn find(&self, _: i64) -> Result<Option<Job>, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn executions(&self, _: i64) -> Result<Vec<Execution>, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn list(
        &self,
        _: Option<JobStatus>,
        _: u32,
        _: Option<i64>,
    ) -> Result<Vec<Job>, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn stats(&self) -> Result<QueueStats, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn check_ready(&self) -> Result<(), StoreError> {
        unreachable!("{ONLY}")
    }
    async fn claim(&self, _: &str, _: Duration, _: u32) -> Result<Vec<ClaimedJob>, StoreError> {
        let count = {
            let mut at = self.claimed_at.lock().expect("not poisoned");
            at.push(Instant::now());
            at.len()
        };
        if count >= self.stop_after_claims {
            self.stopping.cancel();
        }
        let fails = self.claims_fail.lock().expect("not poisoned").pop_front();
        if fails == Some(true) {
            return Err(StoreError::Busy);
        }
        Ok(Vec::new())
    }
    async fn renew(&self, _: &str, _: Duration) -> Result<u64, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn rescue(&self) -> Result<u64, StoreError> {
        unreachable!("{ONLY}")
    }
    async fn finish(&self, completions: &[Completion]) -> Result<Vec<bool>, StoreError> {
        let mut calls = self.finish_calls.lock().expect("not poisoned");
        *calls += 1;
        if *calls <= self.finish_failures {
            return Err(StoreError::Busy);
        }
        Ok(vec![true; completions.len()])
    }
    async fn wait_for_jobs(&self, timeout: Duration) {
        tokio::time::sleep(timeout).await;
    }
}
