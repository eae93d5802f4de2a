//! The restart history of one worker under [`FailurePolicy::Restart`](crate::FailurePolicy).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::options::RestartPolicy;

/// When the recent restarts happened, to apply the limit within a sliding window.
#[derive(Debug, Default)]
pub(crate) struct RestartHistory {
    restarts: VecDeque<Instant>,
}

impl RestartHistory {
    /// The backoff before the next restart, or `None` when the limit within the window is
    /// reached (the failure must escalate).
    pub(crate) fn next_backoff(
        &mut self,
        policy: &RestartPolicy,
        now: Instant,
    ) -> Option<Duration> {
        while let Some(&oldest) = self.restarts.front() {
            if now.duration_since(oldest) >= policy.window {
                self.restarts.pop_front();
            } else {
                break;
            }
        }
        let recent = u32::try_from(self.restarts.len()).unwrap_or(u32::MAX);
        if recent >= policy.max_restarts {
            return None;
        }
        self.restarts.push_back(now);
        Some(policy.backoff(recent))
    }

    /// How many restarts are counted in the window.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.restarts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RestartPolicy {
        RestartPolicy {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(4),
            max_restarts: 3,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_then_the_limit_escalates() {
        let now = Instant::now();
        let mut history = RestartHistory::default();
        let waits: Vec<_> = (0..4)
            .map(|_| history.next_backoff(&policy(), now))
            .collect();
        assert_eq!(
            waits,
            vec![
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                Some(Duration::from_secs(4)),
                None
            ]
        );
    }

    #[test]
    fn restarts_older_than_the_window_are_forgotten() {
        let start = Instant::now();
        let mut history = RestartHistory::default();
        for _ in 0..3 {
            history.next_backoff(&policy(), start);
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(
            history.next_backoff(&policy(), later),
            Some(Duration::from_secs(1))
        );
        assert_eq!(history.len(), 1);
    }
}
