//! [`JobWorker`]: the background service that keeps up to `JOBS_CONCURRENCY` jobs running.
//!
//! The claim loop takes the free slots (at most `JOBS_BATCH_SIZE` per claim), claims that many
//! due jobs in one transaction and spawns each job on its own task holding one slot. So a long
//! job occupies one slot, never the worker: a job submitted while others run starts within one
//! poll interval as long as a slot is free. When every slot is busy, the worker waits until half
//! a batch of slots is free or a poll interval has passed (so short jobs are claimed in batches);
//! when every slot stays busy for a poll interval it logs it once (and `/stats` shows
//! `"free": 0`).
//!
//! With no job due, the worker sleeps in [`JobStore::wait_for_jobs`] for at most a poll
//! interval: an insert (on PostgreSQL, by any process: LISTEN/NOTIFY) wakes it at once. A claim
//! that fails (the database busy, restarting or unreachable) is retried after a pause that
//! doubles up to `MAX_BACKOFF`, and the worker resumes as soon as a claim succeeds.
//!
//! A finished job hands its [`Finish`](crate::Finish) through a bounded channel to one
//! completion writer, which records as many as are waiting at once; then it frees its slot. A
//! lease keeper renews this worker's leases every `JOBS_RENEW_MS` and rescues the jobs whose
//! lease expired (their worker died) until the worker returns. Each job runs in its own DI
//! scope.
//!
//! Stop: the claim loop ends; running jobs see the stopping token (a `sleep` job is released,
//! not lost); the writer records every outcome; only then does `execute` return.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use di_core::{BoxError, Injectable, ScopeFactory};
use di_hosting::BackgroundService;
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::JobsConfig;
use crate::repo::{ClaimedJob, Completion, JobStore};
use crate::worker::recorder::record_completions;
use crate::worker::run::run_job;
use crate::worker::slots::WorkerSlots;

/// The longest pause between two claims while the database fails.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The background service that processes the queue.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Injectable, ServiceCollection};
/// use jobs::{JobWorker, JobsConfig, WorkerSlots};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let store = jobs::connect_store(&format!("sqlite://{}/j.db", dir.path().display()), jobs::DEFAULT_DB_BUSY).await?;
/// let provider = ServiceCollection::new().build()?;
/// let config = Arc::new(JobsConfig::default());
/// let slots = Arc::new(WorkerSlots::new(config.concurrency));
/// let worker = JobWorker::inject((provider.scope_factory(), config, slots, store));
/// assert!(worker.owner().starts_with("worker-"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct JobWorker {
    scopes: ScopeFactory,
    config: Arc<JobsConfig>,
    slots: Arc<WorkerSlots>,
    store: Arc<dyn JobStore>,
    owner: String,
}

impl Injectable for JobWorker {
    type Dependencies = (
        ScopeFactory,
        Arc<JobsConfig>,
        Arc<WorkerSlots>,
        Arc<dyn JobStore>,
    );

    fn inject((scopes, config, slots, store): Self::Dependencies) -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        Self {
            scopes,
            config,
            slots,
            store,
            owner: format!("worker-{}-{started:x}", std::process::id()),
        }
    }
}

#[async_trait]
impl BackgroundService for JobWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        tracing::info!(
            owner = %self.owner,
            slots = self.slots.total(),
            batch = self.config.batch_size,
            "the job worker started"
        );
        let capacity = usize::try_from(self.config.concurrency).unwrap_or(1).max(1);
        let (sender, receiver) = mpsc::channel(capacity);
        let claiming = async {
            let mut running = JoinSet::new();
            self.claim_until_stopped(&stopping, &sender, &mut running)
                .await;
            drop(sender);
            while let Some(joined) = running.join_next().await {
                log_panic(joined);
            }
        };
        let recording =
            record_completions(Arc::clone(&self.store), receiver, self.config.poll_interval);
        tokio::select! {
            ((), ()) = async { tokio::join!(claiming, recording) } => {}
            () = self.keep_leases() => {}
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

    async fn claim_until_stopped(
        &self,
        stopping: &CancellationToken,
        sender: &mpsc::Sender<Completion>,
        running: &mut JoinSet<()>,
    ) {
        let mut told_full = false;
        let mut failures = 0_u32;
        while !stopping.is_cancelled() {
            while let Some(joined) = running.try_join_next() {
                log_panic(joined);
            }
            let permits = self.slots.take(self.config.batch_size);
            if permits.is_empty() {
                self.wait_for_a_slot(stopping, &mut told_full).await;
                continue;
            }
            told_full = false;
            let wanted = u32::try_from(permits.len()).unwrap_or(u32::MAX);
            let claimed = self
                .store
                .claim(&self.owner, self.config.lease, wanted)
                .await;
            let pause = match claimed {
                Ok(jobs) => {
                    if failures > 0 {
                        tracing::info!(failures, "the database is back; claiming again");
                        failures = 0;
                    }
                    let full = jobs.len() == permits.len();
                    for (job, permit) in jobs.into_iter().zip(permits) {
                        self.spawn_job(running, job, permit, sender, stopping);
                    }
                    if full {
                        continue;
                    }
                    self.store.wait_for_jobs(self.config.poll_interval)
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    let pause = self.backoff(failures);
                    tracing::warn!(%error, failures, pause_ms = pause.as_millis(), "the job worker could not claim jobs; backing off");
                    Box::pin(tokio::time::sleep(pause))
                }
            };
            tokio::select! {
                () = stopping.cancelled() => {}
                () = pause => {}
            }
        }
    }

    /// The pause after `failures` failed claims in a row: the poll interval, doubled per
    /// further failure, at most [`MAX_BACKOFF`].
    fn backoff(&self, failures: u32) -> Duration {
        let factor = 2_u32.saturating_pow(failures.saturating_sub(1).min(16));
        self.config
            .poll_interval
            .saturating_mul(factor)
            .min(MAX_BACKOFF.max(self.config.poll_interval))
    }

    /// Waits, with every slot busy, until half a batch of slots is free — so that short jobs
    /// are claimed in batches, not one by one — or a poll interval has passed with at least one
    /// free. Says so once per episode when every slot stays busy for a poll interval.
    async fn wait_for_a_slot(&self, stopping: &CancellationToken, told_full: &mut bool) {
        let half_a_batch = self.config.batch_size.min(self.slots.total()).div_ceil(2);
        tokio::select! {
            () = stopping.cancelled() => return,
            () = self.slots.freed(half_a_batch) => return,
            () = tokio::time::sleep(self.config.poll_interval) => {}
        }
        if self.slots.available() > 0 {
            return;
        }
        if !*told_full {
            *told_full = true;
            tracing::info!(
                slots = self.slots.total(),
                "all job slots are busy; due jobs wait for a free slot (raise JOBS_CONCURRENCY \
                 to run more at once)"
            );
        }
        tokio::select! {
            () = stopping.cancelled() => {}
            () = self.slots.freed(1) => {}
        }
    }

    fn spawn_job(
        &self,
        running: &mut JoinSet<()>,
        job: ClaimedJob,
        slot: OwnedSemaphorePermit,
        sender: &mpsc::Sender<Completion>,
        stopping: &CancellationToken,
    ) {
        let scopes = self.scopes.clone();
        let config = Arc::clone(&self.config);
        let sender = sender.clone();
        let stopping = stopping.clone();
        let slot = self.slots.occupy(slot);
        running.spawn(async move {
            let finish = run_job(&scopes, &config, &job, &stopping).await;
            // Fails only if the writer is gone, which happens after every sender is dropped.
            let _ = sender.send(Completion::new(&job, finish)).await;
            drop(slot);
        });
    }

    /// Renews this worker's leases and rescues expired ones (of any worker) every renewal
    /// interval, forever (until dropped).
    async fn keep_leases(&self) {
        let period = self.config.renew_interval;
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match self.store.renew(&self.owner, self.config.lease).await {
                Ok(count) => tracing::trace!(count, "renewed the job leases"),
                Err(error) => tracing::warn!(%error, "could not renew the job leases"),
            }
            match self.store.rescue().await {
                Ok(0) => {}
                Ok(count) => tracing::warn!(
                    count,
                    "took over jobs whose lease expired (their worker stopped responding); \
                     they run again"
                ),
                Err(error) => tracing::warn!(%error, "could not rescue expired leases"),
            }
        }
    }
}

fn log_panic(joined: Result<(), tokio::task::JoinError>) {
    if let Err(error) = joined {
        tracing::error!(%error, "a job task failed; the job runs again when its lease expires");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use di_core::ServiceCollection;

    use super::*;
    use crate::repo::scripted::Scripted;

    /// Runs the claim loop against `claims_fail` (each claim in turn: `true` fails) until
    /// `claims` claims were made; returns the pauses between them (virtual time).
    async fn claim_pauses(claims_fail: &[bool], claims: usize) -> Vec<Duration> {
        let store = Arc::new(Scripted {
            claims_fail: Mutex::new(claims_fail.iter().copied().collect::<VecDeque<_>>()),
            stop_after_claims: claims,
            ..Scripted::default()
        });
        let config = Arc::new(JobsConfig {
            poll_interval: Duration::from_secs(1),
            ..JobsConfig::default()
        });
        let provider = ServiceCollection::new()
            .build()
            .expect("an empty collection");
        let slots = Arc::new(WorkerSlots::new(config.concurrency));
        let worker = JobWorker::inject((
            provider.scope_factory(),
            config,
            slots,
            Arc::clone(&store) as Arc<dyn JobStore>,
        ));
        let (sender, _receiver) = mpsc::channel(1);
        let mut running = JoinSet::new();
        worker
            .claim_until_stopped(&store.stopping, &sender, &mut running)
            .await;
        store.pauses_between_claims()
    }

    #[tokio::test(start_paused = true)]
    async fn failed_claims_back_off_doubling_and_a_success_resets_the_back_off() {
        let s = Duration::from_secs;
        let pauses = claim_pauses(&[true, true, true, false, true], 6).await;
        // After 1, 2, 3 failures: 1, 2, 4 s; after finding nothing, one poll interval; after
        // the next failure, the back-off starts again from one poll interval.
        assert_eq!(pauses, [s(1), s(2), s(4), s(1), s(1)]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_back_off_stops_growing_at_its_maximum() {
        let pauses = claim_pauses(&[true; 6], 6).await;
        let s = Duration::from_secs;
        assert_eq!(pauses, [s(1), s(2), s(4), s(5), s(5)]);
    }
}
