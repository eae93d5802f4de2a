//! The completion writer: one task that records the outcomes of many executions per
//! transaction, so completions never compete with each other for SQLite's write lock.

use std::time::Duration;

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::repo::{Completion, JobStore};

/// The most completions written in one transaction (one statement on PostgreSQL).
const MAX_PER_COMMIT: usize = 512;
/// How many times a batch is tried before it is given up (its jobs then run again when their
/// leases expire: at-least-once). With the retry delay doubling from the poll interval, a
/// database restart of several seconds is ridden out.
const TRIES: u32 = 8;
/// The longest pause between two tries.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

/// Receives completions and writes them, as many per transaction as are waiting, until every
/// sender is dropped and the channel is empty.
pub(crate) async fn record_completions(
    store: Arc<dyn JobStore>,
    mut completions: mpsc::Receiver<Completion>,
    retry_delay: Duration,
) {
    let mut batch = Vec::with_capacity(MAX_PER_COMMIT);
    while completions.recv_many(&mut batch, MAX_PER_COMMIT).await > 0 {
        let mut tries = 0;
        let mut delay = retry_delay;
        loop {
            tries += 1;
            match store.finish(&batch).await {
                Ok(accepted) => {
                    log_lost_leases(&batch, &accepted);
                    break;
                }
                Err(error) if tries < TRIES => {
                    tracing::warn!(%error, jobs = batch.len(), tries, "could not record outcomes; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(MAX_RETRY_DELAY);
                }
                Err(error) => {
                    tracing::error!(
                        %error,
                        jobs = batch.len(),
                        "could not record outcomes; these jobs run again when their leases expire"
                    );
                    break;
                }
            }
        }
        batch.clear();
    }
}

fn log_lost_leases(batch: &[Completion], accepted: &[bool]) {
    for (completion, accepted) in batch.iter().zip(accepted) {
        if *accepted {
            tracing::debug!(
                job = completion.job_id(),
                outcome = completion.finish().outcome(),
                "recorded"
            );
        } else {
            tracing::warn!(
                job = completion.job_id(),
                outcome = completion.finish().outcome(),
                "the execution lost its lease before it finished; its outcome is fenced out \
                 (marked lost_lease) and the job's current holder finishes it"
            );
        }
    }
}
