//! The completion writer: one task that records the outcomes of many executions per
//! transaction, so completions never compete with each other for SQLite's write lock.

use std::time::Duration;

use di_core::ScopeFactory;
use tokio::sync::mpsc;

use crate::repo::Completion;
use crate::worker::scoped::with_repository;

/// The most completions written in one transaction.
const MAX_PER_COMMIT: usize = 512;
/// How many times a batch is tried before it is given up (its jobs then run again when their
/// leases expire: at-least-once).
const TRIES: u32 = 3;

/// Receives completions and writes them, as many per transaction as are waiting, until every
/// sender is dropped and the channel is empty.
pub(crate) async fn record_completions(
    scopes: ScopeFactory,
    mut completions: mpsc::Receiver<Completion>,
    retry_delay: Duration,
) {
    let mut batch = Vec::with_capacity(MAX_PER_COMMIT);
    while completions.recv_many(&mut batch, MAX_PER_COMMIT).await > 0 {
        let mut tries = 0;
        loop {
            tries += 1;
            match with_repository(&scopes, async |repo| repo.finish(&batch).await).await {
                Ok(accepted) => {
                    log_lost_leases(&batch, &accepted);
                    break;
                }
                Err(error) if tries < TRIES => {
                    tracing::warn!(%error, jobs = batch.len(), tries, "could not record outcomes; retrying");
                    tokio::time::sleep(retry_delay).await;
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
