//! [`JobsConfig`]: the application's settings, bound from the host's configuration, and the
//! layout of the keys they are read from.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use crate::repo::DEFAULT_DB_BUSY;

/// The listen address used when no source sets `listen`.
///
/// # Examples
///
/// ```
/// let address: std::net::SocketAddr = jobs::DEFAULT_LISTEN.parse().expect("a socket address");
/// assert!(address.ip().is_loopback());
/// ```
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The database used when no source sets `database.url`: a file in the working directory,
/// created on first start.
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

/// The default of `shutdown_ms`: the one deadline of a graceful stop.
pub(crate) const DEFAULT_SHUTDOWN: Duration = Duration::from_secs(30);

/// The application's settings (a singleton of the container), bound from the root of the host's
/// configuration (see [`host_builder`](crate::host_builder) for the sources and their order).
///
/// The keys, with their defaults, as written in `appsettings.toml`:
///
/// ```toml
/// listen = "127.0.0.1:8080"     # JOBS_LISTEN, --listen
/// shutdown_ms = 30000           # JOBS_SHUTDOWN_MS
///
/// [database]
/// url = "sqlite://jobs.db"      # JOBS_DATABASE__URL, DATABASE_URL, --database-url
/// busy_ms = 2000                # JOBS_DATABASE__BUSY_MS, JOBS_DB_BUSY_MS
///
/// [worker]
/// concurrency = 32              # JOBS_WORKER__CONCURRENCY, JOBS_CONCURRENCY
/// batch_size = 16               # JOBS_WORKER__BATCH_SIZE, JOBS_BATCH_SIZE
/// poll_ms = 250                 # JOBS_WORKER__POLL_MS, JOBS_POLL_MS
/// lease_ms = 30000              # JOBS_WORKER__LEASE_MS, JOBS_LEASE_MS
/// # renew_ms = 10000            # JOBS_WORKER__RENEW_MS, JOBS_RENEW_MS (default: lease / 3)
/// backoff_ms = 1000             # JOBS_WORKER__BACKOFF_MS, JOBS_BACKOFF_MS
/// backoff_max_ms = 300000       # JOBS_WORKER__BACKOFF_MAX_MS, JOBS_BACKOFF_MAX_MS
/// ```
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let config = jobs::JobsConfig::default();
/// assert_eq!(config.listen.to_string(), jobs::DEFAULT_LISTEN);
/// assert_eq!(config.renew_interval, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "Settings")]
#[non_exhaustive]
pub struct JobsConfig {
    /// Where the HTTP API listens (`listen`; default `127.0.0.1:8080`, port 0 picks a free one).
    pub listen: SocketAddr,
    /// The SQLite database (`database.url`; default `sqlite://jobs.db`).
    pub database_url: String,
    /// How many due jobs the worker claims at most in one claim (`worker.batch_size`; default
    /// 16); a claim never takes more jobs than there are free slots.
    pub batch_size: u32,
    /// How many jobs one process runs at once: its slots (`worker.concurrency`; default 32). A
    /// long job occupies one slot; the worker claims again as soon as a slot is free.
    pub concurrency: u32,
    /// How long a claim lasts before another process may take the job over
    /// (`worker.lease_ms`; default 30 s). The worker renews it while a job runs.
    pub lease: Duration,
    /// How often the worker renews the leases of its running jobs (`worker.renew_ms`; default a
    /// third of the lease). Must be shorter than the lease.
    pub renew_interval: Duration,
    /// How long a database write waits for the write lock (held by another process) before
    /// the API answers `503` and health reports the database degraded (`database.busy_ms`;
    /// default 2 s).
    pub db_busy: Duration,
    /// How long the worker waits when no job is due (`worker.poll_ms`; default 250 ms).
    pub poll_interval: Duration,
    /// The retry delay after the first failed attempt, doubled after each further one
    /// (`worker.backoff_ms`; default 1 s).
    pub backoff_base: Duration,
    /// The longest retry delay (`worker.backoff_max_ms`; default 5 min).
    pub backoff_max: Duration,
    /// `max_attempts` of a job submitted without one (3; not configurable).
    pub default_max_attempts: u32,
    /// The single deadline of a graceful stop (`shutdown_ms`; default 30 s).
    pub shutdown_timeout: Duration,
    /// The longest a request may take before it is answered `408` (30 s; not configurable).
    pub request_timeout: Duration,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Settings::default().into()
    }
}

/// The settings as the configuration spells them: sections, milliseconds. Every key is
/// optional; a missing one takes its default.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct Settings {
    listen: SocketAddr,
    shutdown_ms: u64,
    database: DatabaseSettings,
    worker: WorkerSettings,
}

/// The `[database]` section.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct DatabaseSettings {
    url: String,
    busy_ms: u64,
}

/// The `[worker]` section.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct WorkerSettings {
    concurrency: u32,
    batch_size: u32,
    poll_ms: u64,
    lease_ms: u64,
    /// `None`: a third of the lease.
    renew_ms: Option<u64>,
    backoff_ms: u64,
    backoff_max_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_ms: millis(DEFAULT_SHUTDOWN),
            database: DatabaseSettings::default(),
            worker: WorkerSettings::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DEFAULT_DATABASE_URL.to_owned(),
            busy_ms: millis(DEFAULT_DB_BUSY),
        }
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 32,
            batch_size: 16,
            poll_ms: 250,
            lease_ms: 30_000,
            renew_ms: None,
            backoff_ms: 1_000,
            backoff_max_ms: 300_000,
        }
    }
}

impl From<Settings> for JobsConfig {
    fn from(settings: Settings) -> Self {
        let Settings {
            listen,
            shutdown_ms,
            database,
            worker,
        } = settings;
        let lease = Duration::from_millis(worker.lease_ms);
        Self {
            listen,
            database_url: database.url,
            batch_size: worker.batch_size,
            concurrency: worker.concurrency,
            lease,
            renew_interval: worker.renew_ms.map_or(lease / 3, Duration::from_millis),
            db_busy: Duration::from_millis(database.busy_ms),
            poll_interval: Duration::from_millis(worker.poll_ms),
            backoff_base: Duration::from_millis(worker.backoff_ms),
            backoff_max: Duration::from_millis(worker.backoff_max_ms),
            default_max_attempts: 3,
            shutdown_timeout: Duration::from_millis(shutdown_ms),
            request_timeout: Duration::from_secs(30),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_renewal_interval_defaults_to_a_third_of_the_lease() {
        let settings = Settings {
            worker: WorkerSettings {
                lease_ms: 3_000,
                ..WorkerSettings::default()
            },
            ..Settings::default()
        };

        let config = JobsConfig::from(settings);

        assert_eq!(config.renew_interval, Duration::from_secs(1));
    }

    #[test]
    fn sections_and_milliseconds_become_the_runtime_settings() {
        let settings = Settings {
            shutdown_ms: 1_500,
            database: DatabaseSettings {
                url: "sqlite::memory:".into(),
                busy_ms: 40,
            },
            worker: WorkerSettings {
                concurrency: 2,
                batch_size: 3,
                poll_ms: 5,
                lease_ms: 600,
                renew_ms: Some(100),
                backoff_ms: 7,
                backoff_max_ms: 70,
            },
            ..Settings::default()
        };

        let config = JobsConfig::from(settings);

        assert_eq!(config.database_url, "sqlite::memory:");
        assert_eq!(config.db_busy, Duration::from_millis(40));
        assert_eq!((config.concurrency, config.batch_size), (2, 3));
        assert_eq!(config.poll_interval, Duration::from_millis(5));
        assert_eq!(config.lease, Duration::from_millis(600));
        assert_eq!(config.renew_interval, Duration::from_millis(100));
        assert_eq!(config.backoff_base, Duration::from_millis(7));
        assert_eq!(config.backoff_max, Duration::from_millis(70));
        assert_eq!(config.shutdown_timeout, Duration::from_millis(1_500));
    }
}
