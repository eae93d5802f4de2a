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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::repo::Finish;
    use crate::repo::scripted::Scripted;

    /// Records one completion through a store failing `failures` times, pausing first for
    /// `retry_delay`; returns how many times `finish` was called and how long (virtual time)
    /// the recorder paused.
    async fn record_through(failures: u32, retry_delay: Duration) -> (u32, Duration) {
        let store = Arc::new(Scripted {
            finish_failures: failures,
            ..Scripted::default()
        });
        let (sender, receiver) = mpsc::channel(1);
        let completion = Completion {
            job: 1,
            token: 1,
            execution: 1,
            finish: Finish::Succeeded(json!(null)),
        };
        sender.send(completion).await.expect("the recorder listens");
        drop(sender);
        let started = tokio::time::Instant::now();
        let recorded = Arc::clone(&store) as Arc<dyn JobStore>;
        record_completions(recorded, receiver, retry_delay).await;
        let calls = *store.finish_calls.lock().expect("not poisoned");
        (calls, started.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_batch_is_retried_with_a_doubling_pause_then_given_up_after_its_tries() {
        let ms = Duration::from_millis;
        assert_eq!(record_through(0, ms(1)).await, (1, Duration::ZERO));
        assert_eq!(record_through(2, ms(1)).await, (3, ms(1 + 2)));
        // Eight tries, seven pauses: 1 + 2 + 4 + … + 64 ms.
        assert_eq!(record_through(100, ms(1)).await, (TRIES, ms(127)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_pause_between_tries_stops_growing_at_its_maximum() {
        let (_, paused) = record_through(100, Duration::from_secs(2)).await;
        // 2 + 4 + 5 + 5 + 5 + 5 + 5 s.
        assert_eq!(paused, Duration::from_secs(31));
    }
}
