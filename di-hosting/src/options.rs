//! [`HostOptions`] and the worker [`FailurePolicy`].

use std::time::Duration;

/// How the host starts, stops and reacts to failing workers.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use di_hosting::{FailurePolicy, Host, HostOptions};
///
/// let defaults = HostOptions::default();
/// assert_eq!(defaults.shutdown_timeout, Duration::from_secs(30));
/// assert_eq!(defaults.failure_policy, FailurePolicy::StopHost);
///
/// let builder = Host::builder().configure_options(|options| {
///     options.shutdown_timeout = Duration::from_secs(5);
///     options.startup_timeout = Some(Duration::from_secs(10));
///     options.handle_signals = false;
/// });
/// # drop(builder);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostOptions {
    /// The single deadline for the whole stop, measured from the stop request (default 30 s):
    /// every stop hook, every worker and the provider's disposal. What is still running at the
    /// deadline is aborted and named in the result.
    ///
    /// The stop request is the first of: a call of
    /// [`stop_application`](crate::ApplicationLifetime::stop_application), a signal,
    /// [`RunningHost::stop`](crate::RunningHost::stop), a worker failing under
    /// [`FailurePolicy::StopHost`], a failed start. A stop requested during startup therefore
    /// bounds the rest of the startup and the stop together; one requested before the run began
    /// counts from the beginning of the run.
    pub shutdown_timeout: Duration,
    /// A limit on the whole startup (every `starting`, `start` and `started`); none by default.
    pub startup_timeout: Option<Duration>,
    /// What happens when a background service fails, unless its registration overrides it.
    pub failure_policy: FailurePolicy,
    /// Start the services of each startup phase concurrently instead of in registration order.
    pub concurrent_start: bool,
    /// Stop the services of each shutdown phase concurrently instead of in reverse order
    /// (every background service's token is then cancelled at once, in the `stop` phase, so a
    /// worker no longer outlives the services registered after it).
    pub concurrent_stop: bool,
    /// Stop gracefully on SIGINT, SIGTERM and SIGQUIT (Ctrl+C elsewhere), and exit at once on a
    /// second signal during the stop (default `true`; switch it off in tests).
    pub handle_signals: bool,
}

impl Default for HostOptions {
    fn default() -> Self {
        Self {
            shutdown_timeout: Duration::from_secs(30),
            startup_timeout: None,
            failure_policy: FailurePolicy::StopHost,
            concurrent_start: false,
            concurrent_stop: false,
            handle_signals: true,
        }
    }
}

/// What the host does when a background service returns an error or panics.
///
/// # Examples
///
/// ```
/// use di_hosting::{FailurePolicy, RestartPolicy};
///
/// let policy = FailurePolicy::Restart(RestartPolicy::default());
/// assert_ne!(policy, FailurePolicy::default());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FailurePolicy {
    /// Record the failure and stop the host (the default); the host's result is an error. Under
    /// every policy, a failure after the stop began is recorded, without restart.
    #[default]
    StopHost,
    /// Log the failure at error level and let the worker end; the host keeps running. The
    /// failure is still recorded: when the host eventually stops, its result is an error that
    /// lists it, so the exit code is not 0 (a host never exits 0 after a worker failed).
    Ignore,
    /// Call the same worker's `execute` again after an exponential backoff; past the restart
    /// limit, escalate to [`StopHost`](Self::StopHost).
    ///
    /// A failure that is followed by a restart is logged at error level, but it is not part of
    /// the host's result: a worker that recovers leaves a clean result (exit code 0). Only the
    /// failure that reaches the limit is recorded, and it stops the host. A stop during the
    /// backoff ends the worker without a failure.
    Restart(RestartPolicy),
}

/// Exponential backoff and a restart limit for [`FailurePolicy::Restart`].
///
/// The n-th restart within `window` (counting from 0) waits `initial_backoff * 2^n`, at most
/// `max_backoff`. A failure when `max_restarts` restarts already happened within `window`
/// escalates to stopping the host.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use di_hosting::RestartPolicy;
///
/// let policy = RestartPolicy::default();
/// assert_eq!(policy.backoff(0), Duration::from_secs(1));
/// assert_eq!(policy.backoff(3), Duration::from_secs(8));
/// assert_eq!(policy.backoff(30), policy.max_backoff);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestartPolicy {
    /// The wait before the first restart (default 1 s).
    pub initial_backoff: Duration,
    /// The longest wait between restarts (default 60 s).
    pub max_backoff: Duration,
    /// How many restarts are allowed within `window` (default 5).
    pub max_restarts: u32,
    /// The sliding window in which restarts are counted (default 60 s).
    pub window: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_restarts: 5,
            window: Duration::from_secs(60),
        }
    }
}

impl RestartPolicy {
    /// A policy with the given first backoff and restart limit, other fields at their defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = di_hosting::RestartPolicy::new(Duration::from_millis(100), 3);
    /// assert_eq!(policy.max_restarts, 3);
    /// assert_eq!(policy.backoff(1), Duration::from_millis(200));
    /// ```
    pub fn new(initial_backoff: Duration, max_restarts: u32) -> Self {
        Self {
            initial_backoff,
            max_restarts,
            ..Self::default()
        }
    }

    /// Sets the sliding window in which restarts are counted.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = di_hosting::RestartPolicy::default().with_window(Duration::from_secs(10));
    /// assert_eq!(policy.window, Duration::from_secs(10));
    /// ```
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Sets the longest wait between restarts.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = di_hosting::RestartPolicy::default().with_max_backoff(Duration::from_secs(5));
    /// assert_eq!(policy.backoff(10), Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The wait before the restart that follows `recent` restarts within the window.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = di_hosting::RestartPolicy::new(Duration::from_secs(2), 10);
    /// assert_eq!(policy.backoff(2), Duration::from_secs(8));
    /// ```
    pub fn backoff(&self, recent: u32) -> Duration {
        let factor = 2u32.checked_pow(recent).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .map_or(self.max_backoff, |wait| wait.min(self.max_backoff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_restart_policy_setter_changes_only_its_own_field() {
        let policy = RestartPolicy::new(Duration::from_secs(2), 3)
            .with_window(Duration::from_secs(10))
            .with_max_backoff(Duration::from_secs(5));

        assert_eq!(
            policy,
            RestartPolicy {
                initial_backoff: Duration::from_secs(2),
                max_backoff: Duration::from_secs(5),
                max_restarts: 3,
                window: Duration::from_secs(10),
            }
        );
    }
}
