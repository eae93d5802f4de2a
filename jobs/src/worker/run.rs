//! Running one claimed job: the processor's [`Outcome`] turned into the [`Finish`] to record.

use std::time::Duration;

use di_core::ScopeFactory;
use tokio_util::sync::CancellationToken;

use crate::config::JobsConfig;
use crate::processor::{self, Outcome};
use crate::repo::{ClaimedJob, Finish, now_millis};

/// Runs `job` in its own scope (the unit of work of a handler); a failure is retried after
/// the backoff unless it was the last attempt, an interrupted job is released.
pub(crate) async fn run_job(
    scopes: &ScopeFactory,
    config: &JobsConfig,
    job: &ClaimedJob,
    stopping: &CancellationToken,
) -> Finish {
    let scope = match scopes.create_scope() {
        Ok(scope) => scope,
        Err(error) => {
            tracing::error!(job = job.id, %error, "no scope for the job; releasing it");
            return Finish::Released;
        }
    };
    let outcome = processor::run(&job.kind, &job.payload, stopping).await;
    scope.dispose().await;
    match outcome {
        Outcome::Succeeded(result) => Finish::Succeeded(result),
        Outcome::Failed(error) if job.is_last_attempt() => Finish::Failed {
            error,
            retry_at: None,
        },
        Outcome::Failed(error) => Finish::Failed {
            error,
            retry_at: Some(now_millis().saturating_add(backoff_millis(config, job.attempt))),
        },
        Outcome::Cancelled => Finish::Released,
    }
}

/// `backoff_base × 2^(attempt − 1)`, at most `backoff_max`, in milliseconds.
fn backoff_millis(config: &JobsConfig, attempt: u32) -> i64 {
    let factor = 2_u32.saturating_pow(attempt.saturating_sub(1));
    let delay: Duration = config
        .backoff_base
        .saturating_mul(factor)
        .min(config.backoff_max);
    i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_ms: u64, max_ms: u64) -> JobsConfig {
        JobsConfig {
            backoff_base: Duration::from_millis(base_ms),
            backoff_max: Duration::from_millis(max_ms),
            ..JobsConfig::default()
        }
    }

    #[test]
    fn backoff_doubles_per_attempt_up_to_the_cap() {
        let config = config(100, 1000);
        let delays: Vec<i64> = (1..=6)
            .map(|attempt| backoff_millis(&config, attempt))
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn backoff_saturates_on_huge_attempts() {
        assert_eq!(backoff_millis(&config(1000, 60_000), u32::MAX), 60_000);
    }
}
