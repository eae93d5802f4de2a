//! [`JobsConfig::validate`]: refusing settings that parse but cannot work.

use std::fmt;
use std::time::Duration;

use crate::config::settings::{ConfigError, JobsConfig};

/// One setting that cannot work, named by its environment variable and value.
///
/// # Examples
///
/// ```
/// use jobs::{ConfigError, JobsConfig};
///
/// let mut config = JobsConfig::default();
/// config.batch_size = 0;
/// let Err(ConfigError::Unworkable(problems)) = config.validate() else { panic!("refused") };
/// assert_eq!(problems[0].setting(), "JOBS_BATCH_SIZE=0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    setting: String,
    reason: String,
}

impl Problem {
    fn new(name: &str, value: impl fmt::Display, reason: impl Into<String>) -> Self {
        Self {
            setting: format!("{name}={value}"),
            reason: reason.into(),
        }
    }

    /// The setting as `NAME=value`.
    ///
    /// # Examples
    ///
    /// See [`Problem`].
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// Every problem, numbered, one a line.
    pub(crate) fn numbered(problems: &[Problem]) -> String {
        let mut text = String::from("settings that cannot work:");
        for (n, problem) in problems.iter().enumerate() {
            text.push_str(&format!("\n  {}. {problem}", n + 1));
        }
        text
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.setting, self.reason)
    }
}

fn ms(duration: Duration) -> u128 {
    duration.as_millis()
}

impl JobsConfig {
    /// Checks that the settings can work together; reports every problem at once, each
    /// naming its environment variable and value (`JOBS_BATCH_SIZE=0`).
    ///
    /// Refused: a batch size, concurrency, poll interval, renewal interval or database wait of
    /// zero; a lease not longer than its renewal interval; a maximum backoff below the backoff.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Unworkable`] with the problems, in the order above.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use jobs::JobsConfig;
    ///
    /// assert!(JobsConfig::default().validate().is_ok());
    /// let mut config = JobsConfig::default();
    /// config.lease = Duration::from_secs(1);
    /// config.renew_interval = Duration::from_secs(1);
    /// let error = config.validate().unwrap_err().to_string();
    /// assert!(error.contains("`JOBS_LEASE_MS=1000`"), "{error}");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut zero = |name: &str, is_zero: bool, reason: &str| {
            if is_zero {
                problems.push(Problem::new(name, 0, reason));
            }
        };
        zero(
            "JOBS_BATCH_SIZE",
            self.batch_size == 0,
            "a claim of no jobs never processes anything; use 1 or more",
        );
        zero(
            "JOBS_CONCURRENCY",
            self.concurrency == 0,
            "no slot to run a job in; use 1 or more",
        );
        zero(
            "JOBS_POLL_MS",
            self.poll_interval.is_zero(),
            "an idle worker would poll the database without pause; use 1 or more",
        );
        zero(
            "JOBS_RENEW_MS",
            self.renew_interval.is_zero(),
            "leases would be renewed without pause; use 1 or more",
        );
        zero(
            "JOBS_DB_BUSY_MS",
            self.db_busy.is_zero(),
            "every write would fail while another one runs; use 1 or more",
        );
        if !self.renew_interval.is_zero() && self.lease <= self.renew_interval {
            problems.push(Problem::new(
                "JOBS_LEASE_MS",
                ms(self.lease),
                format!(
                    "the lease would expire before it is renewed every {} ms (JOBS_RENEW_MS); \
                     make the lease longer than the renewal interval",
                    ms(self.renew_interval)
                ),
            ));
        }
        if self.backoff_max < self.backoff_base {
            problems.push(Problem::new(
                "JOBS_BACKOFF_MAX_MS",
                ms(self.backoff_max),
                format!(
                    "the longest retry delay is shorter than the first one, {} ms \
                     (JOBS_BACKOFF_MS)",
                    ms(self.backoff_base)
                ),
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Unworkable(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(config: JobsConfig) -> Vec<String> {
        match config.validate() {
            Ok(()) => Vec::new(),
            Err(ConfigError::Unworkable(problems)) => problems
                .iter()
                .map(|problem| problem.setting().to_owned())
                .collect(),
            Err(other) => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn the_defaults_can_work() {
        assert_eq!(problems(JobsConfig::default()), Vec::<String>::new());
    }

    #[test]
    fn every_unworkable_setting_is_reported_at_once_in_order() {
        let config = JobsConfig {
            batch_size: 0,
            concurrency: 0,
            poll_interval: Duration::ZERO,
            lease: Duration::from_millis(500),
            renew_interval: Duration::from_millis(500),
            backoff_base: Duration::from_millis(2000),
            backoff_max: Duration::from_millis(1000),
            ..JobsConfig::default()
        };

        assert_eq!(
            problems(config),
            vec![
                "JOBS_BATCH_SIZE=0",
                "JOBS_CONCURRENCY=0",
                "JOBS_POLL_MS=0",
                "JOBS_LEASE_MS=500",
                "JOBS_BACKOFF_MAX_MS=1000",
            ]
        );
    }

    #[test]
    fn the_message_numbers_the_problems() {
        let config = JobsConfig {
            batch_size: 0,
            db_busy: Duration::ZERO,
            ..JobsConfig::default()
        };

        let message = config.validate().expect_err("refused").to_string();

        assert!(message.starts_with("settings that cannot work:\n  1. `JOBS_BATCH_SIZE=0`: "));
        assert!(
            message.contains("\n  2. `JOBS_DB_BUSY_MS=0`: "),
            "{message}"
        );
    }
}
