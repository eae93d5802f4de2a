//! [`JobWorker`]: the background service that claims due jobs in batches and runs them.
//!
//! Each batch runs in its own DI scope (one [`JobRepository`] per batch). While a batch runs,
//! the worker renews its leases every third of the lease, so a long job is not taken over by
//! another process; if this process dies, the leases expire and another process (or this one,
//! restarted) claims the jobs again. On stop, interrupted jobs are released, not lost.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use di_core::{BoxError, Injectable, Scope, ScopeFactory};
use di_hosting::BackgroundService;
use tokio_util::sync::CancellationToken;

use crate::config::JobsConfig;
use crate::processor::{self, Outcome};
use crate::repo::{ClaimedJob, JobRepository, now_millis};

/// The background service that processes the queue.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Injectable, ServiceCollection};
/// use di_hosting::HostedServiceExt;
/// use jobs::{JobWorker, JobsConfig};
///
/// let mut services = ServiceCollection::new();
/// services.add_instance(Arc::new(JobsConfig::default()));
/// services.add_hosted_service::<JobWorker>();
/// let provider = services.build()?;
///
/// let worker = JobWorker::inject((provider.scope_factory(), Arc::new(JobsConfig::default())));
/// assert!(worker.owner().starts_with("worker-"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JobWorker {
    scopes: ScopeFactory,
    config: Arc<JobsConfig>,
    owner: String,
}

impl Injectable for JobWorker {
    type Dependencies = (ScopeFactory, Arc<JobsConfig>);

    fn inject((scopes, config): Self::Dependencies) -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        Self {
            scopes,
            config,
            owner: format!("worker-{}-{started:x}", std::process::id()),
        }
    }
}

#[async_trait]
impl BackgroundService for JobWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        tracing::info!(owner = %self.owner, "the job worker started");
        while !stopping.is_cancelled() {
            let scope = self.scopes.create_scope()?;
            let claimed = self.run_batch(&scope, &stopping).await;
            scope.dispose().await;
            let idle = match claimed {
                Ok(count) => count == 0,
                Err(error) => {
                    tracing::error!(error = %error, "the job worker could not claim jobs");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = stopping.cancelled() => {}
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            }
        }
        tracing::info!(owner = %self.owner, "the job worker stopped");
        Ok(())
    }
}

impl JobWorker {
    /// This worker's lease-owner name (unique per process start).
    ///
    /// # Examples
    ///
    /// See [`JobWorker`].
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Claims one batch and runs it to the end; returns how many jobs it claimed.
    async fn run_batch(
        &self,
        scope: &Scope,
        stopping: &CancellationToken,
    ) -> Result<usize, BoxError> {
        let repo = scope.get::<JobRepository>()?;
        let config = &self.config;
        let batch = repo
            .claim(&self.owner, config.lease, config.batch_size)
            .await?;
        if batch.is_empty() {
            return Ok(0);
        }
        tracing::debug!(jobs = batch.len(), "claimed a batch");
        let work =
            futures::future::join_all(batch.iter().map(|job| self.run_job(&repo, job, stopping)));
        tokio::select! {
            _ = work => {}
            () = self.keep_leases(&repo) => {}
        }
        Ok(batch.len())
    }

    /// Renews this worker's leases every third of the lease, forever (until dropped).
    async fn keep_leases(&self, repo: &JobRepository) {
        let period = (self.config.lease / 3).max(Duration::from_millis(10));
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            ticks.tick().await;
            if let Err(error) = repo.renew(&self.owner, self.config.lease).await {
                tracing::warn!(%error, "could not renew the job leases");
            }
        }
    }

    async fn run_job(&self, repo: &JobRepository, job: &ClaimedJob, stopping: &CancellationToken) {
        let outcome = processor::run(&job.kind, &job.payload, stopping).await;
        let owner = self.owner.as_str();
        let recorded = match &outcome {
            Outcome::Succeeded(result) => repo.complete(job, owner, result).await,
            Outcome::Failed(error) if job.is_last_attempt() => {
                repo.fail(job, owner, error, None).await
            }
            Outcome::Failed(error) => {
                let retry_at = now_millis().saturating_add(self.backoff_millis(job.attempt));
                repo.fail(job, owner, error, Some(retry_at)).await
            }
            Outcome::Cancelled => repo.release(job, owner).await,
        };
        match recorded {
            Ok(true) => tracing::debug!(job = job.id, attempt = job.attempt, ?outcome, "recorded"),
            Ok(false) => tracing::warn!(
                job = job.id,
                "the lease was lost before the attempt finished; its outcome is discarded"
            ),
            Err(error) => tracing::error!(
                job = job.id,
                %error,
                "could not record the attempt; the job runs again when its lease expires"
            ),
        }
    }

    /// `backoff_base × 2^(attempt − 1)`, at most `backoff_max`, in milliseconds.
    fn backoff_millis(&self, attempt: u32) -> i64 {
        let factor = 2_u32.saturating_pow(attempt.saturating_sub(1));
        let delay = self
            .config
            .backoff_base
            .saturating_mul(factor)
            .min(self.config.backoff_max);
        i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(base_ms: u64, max_ms: u64) -> JobWorker {
        let provider = di_core::ServiceCollection::new().build().expect("empty");
        let config = JobsConfig {
            backoff_base: Duration::from_millis(base_ms),
            backoff_max: Duration::from_millis(max_ms),
            ..JobsConfig::default()
        };
        JobWorker::inject((provider.scope_factory(), Arc::new(config)))
    }

    #[test]
    fn backoff_doubles_per_attempt_up_to_the_cap() {
        let worker = worker(100, 1000);
        let delays: Vec<i64> = (1..=6)
            .map(|attempt| worker.backoff_millis(attempt))
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn backoff_saturates_on_huge_attempts() {
        assert_eq!(worker(1000, 60_000).backoff_millis(u32::MAX), 60_000);
    }
}
