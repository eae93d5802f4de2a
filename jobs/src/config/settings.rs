//! [`JobsConfig`]: the application's settings, from the command line and the environment.

use std::net::SocketAddr;
use std::time::Duration;

use crate::config::validate::Problem;
use crate::repo::DEFAULT_DB_BUSY;

/// The listen address used when neither `--listen` nor `JOBS_LISTEN` is given.
///
/// # Examples
///
/// ```
/// let address: std::net::SocketAddr = jobs::DEFAULT_LISTEN.parse().expect("a socket address");
/// assert!(address.ip().is_loopback());
/// ```
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The database used when neither `--database-url` nor `DATABASE_URL` is given: a file in the
/// working directory, created on first start.
///
/// # Examples
///
/// ```
/// assert!(jobs::DEFAULT_DATABASE_URL.starts_with("sqlite://"));
/// ```
pub const DEFAULT_DATABASE_URL: &str = "sqlite://jobs.db";
/// The largest request body the API accepts (64 KiB).
///
/// # Examples
///
/// ```
/// assert_eq!(jobs::MAX_BODY_BYTES, 65_536);
/// ```
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why the configuration could not be read.
///
/// # Examples
///
/// ```
/// use jobs::{ConfigError, JobsConfig};
///
/// let error = JobsConfig::from_sources(["--listen", "nowhere"], |_| None).unwrap_err();
/// assert!(matches!(error, ConfigError::Invalid { .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A setting has a value that cannot be parsed.
    #[error("invalid value `{value}` for `{name}`: expected {expected}")]
    Invalid {
        /// The flag or environment variable.
        name: String,
        /// What was given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A flag that needs a value came last.
    #[error("the flag `{0}` needs a value")]
    MissingValue(String),
    /// An argument is not a known flag.
    #[error("unknown argument `{0}` (known: --listen, --database-url, --help)")]
    UnknownArgument(String),
    /// Settings that parse but cannot work together, every one of them (see
    /// [`JobsConfig::validate`]).
    #[error("{}", Problem::numbered(.0))]
    Unworkable(Vec<Problem>),
}

/// The application's settings (a singleton of the container).
///
/// Sources, highest priority first: command-line flags (`--listen`, `--database-url`), then
/// environment variables (`JOBS_LISTEN`, `DATABASE_URL`, and the `JOBS_*` tuning variables
/// below), then the defaults.
///
/// # Examples
///
/// ```
/// use jobs::JobsConfig;
///
/// let config = JobsConfig::from_sources(["--listen", "127.0.0.1:0"], |name| {
///     (name == "DATABASE_URL").then(|| "sqlite::memory:".to_owned())
/// })?;
/// assert_eq!(config.listen.port(), 0);
/// assert_eq!(config.database_url, "sqlite::memory:");
/// # Ok::<(), jobs::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobsConfig {
    /// Where the HTTP API listens (`--listen`, `JOBS_LISTEN`; default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The SQLite database (`--database-url`, `DATABASE_URL`; default `sqlite://jobs.db`).
    pub database_url: String,
    /// How many due jobs the worker claims at most in one claim (`JOBS_BATCH_SIZE`; default
    /// 16); a claim never takes more jobs than there are free slots.
    pub batch_size: u32,
    /// How many jobs one process runs at once: its slots (`JOBS_CONCURRENCY`; default 32). A
    /// long job occupies one slot; the worker claims again as soon as a slot is free.
    pub concurrency: u32,
    /// How long a claim lasts before another process may take the job over
    /// (`JOBS_LEASE_MS`; default 30 s). The worker renews it while a job runs.
    pub lease: Duration,
    /// How often the worker renews the leases of its running jobs (`JOBS_RENEW_MS`; default a
    /// third of the lease). Must be shorter than the lease.
    pub renew_interval: Duration,
    /// How long a database write waits for the write lock (held by another process) before
    /// the API answers `503` and health reports the database degraded (`JOBS_DB_BUSY_MS`;
    /// default 2 s).
    pub db_busy: Duration,
    /// How long the worker waits when no job is due (`JOBS_POLL_MS`; default 250 ms).
    pub poll_interval: Duration,
    /// The retry delay after the first failed attempt, doubled after each further one
    /// (`JOBS_BACKOFF_MS`; default 1 s).
    pub backoff_base: Duration,
    /// The longest retry delay (`JOBS_BACKOFF_MAX_MS`; default 5 min).
    pub backoff_max: Duration,
    /// `max_attempts` of a job submitted without one (default 3).
    pub default_max_attempts: u32,
    /// The single deadline of a graceful stop (`JOBS_SHUTDOWN_MS`; default 30 s).
    pub shutdown_timeout: Duration,
    /// The longest a request may take before it is answered `408` (default 30 s).
    pub request_timeout: Duration,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            batch_size: 16,
            concurrency: 32,
            lease: Duration::from_secs(30),
            renew_interval: Duration::from_secs(10),
            db_busy: DEFAULT_DB_BUSY,
            poll_interval: Duration::from_millis(250),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            default_max_attempts: 3,
            shutdown_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl JobsConfig {
    /// Reads the configuration from the process's arguments and environment.
    ///
    /// # Errors
    ///
    /// As [`from_sources`](JobsConfig::from_sources).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let config = jobs::JobsConfig::from_env()?;
    /// println!("listening on {}", config.listen);
    /// # Ok::<(), jobs::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_sources(std::env::args().skip(1), |name| std::env::var(name).ok())
    }

    /// Reads the configuration from `args` (without the program name) and `env`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for an unknown flag, a flag without its value, a value that does not
    /// parse, or settings that cannot work ([`ConfigError::Unworkable`], from
    /// [`validate`](JobsConfig::validate)).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = jobs::JobsConfig::from_sources(Vec::<String>::new(), |_| None)?;
    /// assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    /// # Ok::<(), jobs::ConfigError>(())
    /// ```
    pub fn from_sources<I, S>(
        args: I,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut config = Self::default();
        let (mut listen, mut database_url) = (env("JOBS_LISTEN"), env("DATABASE_URL"));
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            let target = match flag.as_str() {
                "--listen" => &mut listen,
                "--database-url" => &mut database_url,
                _ => return Err(ConfigError::UnknownArgument(arg)),
            };
            let value = inline.or_else(|| args.next());
            *target = Some(value.ok_or(ConfigError::MissingValue(flag))?);
        }
        if let Some(listen) = listen {
            config.listen = parse("--listen", &listen, "an address such as 127.0.0.1:8080")?;
        }
        if let Some(url) = database_url {
            config.database_url = url;
        }
        config.apply_tuning(&env)?;
        config.validate()?;
        Ok(config)
    }

    fn apply_tuning(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let millis = |name: &str, target: &mut Duration| -> Result<(), ConfigError> {
            if let Some(value) = env(name) {
                *target = Duration::from_millis(parse(name, &value, "milliseconds")?);
            }
            Ok(())
        };
        millis("JOBS_LEASE_MS", &mut self.lease)?;
        self.renew_interval = self.lease / 3;
        millis("JOBS_RENEW_MS", &mut self.renew_interval)?;
        millis("JOBS_DB_BUSY_MS", &mut self.db_busy)?;
        millis("JOBS_POLL_MS", &mut self.poll_interval)?;
        millis("JOBS_BACKOFF_MS", &mut self.backoff_base)?;
        millis("JOBS_BACKOFF_MAX_MS", &mut self.backoff_max)?;
        millis("JOBS_SHUTDOWN_MS", &mut self.shutdown_timeout)?;
        if let Some(value) = env("JOBS_BATCH_SIZE") {
            self.batch_size = parse("JOBS_BATCH_SIZE", &value, "a positive integer")?;
        }
        if let Some(value) = env("JOBS_CONCURRENCY") {
            self.concurrency = parse("JOBS_CONCURRENCY", &value, "a positive integer")?;
        }
        Ok(())
    }
}

fn parse<T: std::str::FromStr>(
    name: &str,
    value: &str,
    expected: &'static str,
) -> Result<T, ConfigError> {
    value.parse().map_err(|_| ConfigError::Invalid {
        name: name.to_owned(),
        value: value.to_owned(),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str], env: &[(&str, &str)]) -> Result<JobsConfig, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        JobsConfig::from_sources(args.iter().copied(), move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn flags_win_over_the_environment() {
        let config = config(
            &[
                "--listen=127.0.0.1:9000",
                "--database-url",
                "sqlite://flag.db",
            ],
            &[
                ("JOBS_LISTEN", "127.0.0.1:7000"),
                ("DATABASE_URL", "sqlite://env.db"),
            ],
        )
        .expect("valid");
        assert_eq!(config.listen.port(), 9000);
        assert_eq!(config.database_url, "sqlite://flag.db");
    }

    #[test]
    fn environment_wins_over_the_defaults() {
        let config = config(
            &[],
            &[("JOBS_LISTEN", "127.0.0.1:7000"), ("JOBS_LEASE_MS", "1500")],
        )
        .expect("valid");
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.lease, Duration::from_millis(1500));
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(matches!(
            config(&["--nope"], &[]),
            Err(ConfigError::UnknownArgument(_))
        ));
        assert!(matches!(
            config(&["--listen"], &[]),
            Err(ConfigError::MissingValue(_))
        ));
        assert!(matches!(
            config(&[], &[("JOBS_POLL_MS", "soon")]),
            Err(ConfigError::Invalid { .. })
        ));
    }
}
