//! [`CommandLine`]: the arguments of the `jobs` binary, parsed by clap and handed to the host's
//! configuration as its highest layer.

use clap::Parser;
use di_hosting::ConfigurationBuilder;

const SETTINGS_HELP: &str = "\
Settings, lowest priority first: defaults, appsettings.toml, appsettings.{Environment}.toml
(in the working directory), JOBS_* environment variables, the command line.
Keys and their environment variables (`__` separates sections):
  listen                 JOBS_LISTEN                  127.0.0.1:8080 (port 0: any free port)
  database.url           DATABASE_URL                 sqlite://jobs.db (created on first start)
  database.busy_ms       JOBS_DATABASE__BUSY_MS       2000
  worker.concurrency     JOBS_WORKER__CONCURRENCY     32
  worker.batch_size      JOBS_WORKER__BATCH_SIZE      16
  worker.poll_ms         JOBS_WORKER__POLL_MS         250
  worker.lease_ms        JOBS_WORKER__LEASE_MS        30000
  worker.renew_ms        JOBS_WORKER__RENEW_MS        a third of the lease
  worker.backoff_ms      JOBS_WORKER__BACKOFF_MS      1000
  worker.backoff_max_ms  JOBS_WORKER__BACKOFF_MAX_MS  300000
  shutdown_ms            JOBS_SHUTDOWN_MS             30000
The flat variables JOBS_CONCURRENCY, JOBS_BATCH_SIZE, JOBS_POLL_MS, JOBS_LEASE_MS, JOBS_RENEW_MS,
JOBS_BACKOFF_MS, JOBS_BACKOFF_MAX_MS and JOBS_DB_BUSY_MS are accepted too.
Settings that cannot work are refused with exit code 2, each named with its value and source.

Logs go to stderr (filter with RUST_LOG); the bound address is printed on stdout.
Stop with Ctrl-C or SIGTERM: in-flight requests finish and running jobs are released.";

/// The command line of `jobs`. Every flag is optional; what is given overrides the files and
/// the environment. A flag given twice takes its last value; `--set` accumulates.
///
/// # Examples
///
/// ```
/// use clap::Parser;
///
/// let command_line = jobs::CommandLine::parse_from([
///     "jobs", "--listen", "127.0.0.1:0", "--set", "worker.batch_size=8",
/// ]);
/// assert_eq!(command_line.listen.as_deref(), Some("127.0.0.1:0"));
/// assert_eq!(command_line.overrides, ["worker.batch_size=8"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Parser)]
#[command(
    name = "jobs",
    version,
    about = "A durable SQLite job queue served over HTTP",
    long_about = None,
    args_override_self = true,
    after_help = SETTINGS_HELP
)]
pub struct CommandLine {
    /// Where the HTTP API listens (the key `listen`; port 0 picks a free port)
    #[arg(long, value_name = "ADDRESS")]
    pub listen: Option<String>,
    /// The database (the key `database.url`)
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The environment, which picks `appsettings.{NAME}.toml` (else JOBS_ENVIRONMENT, else
    /// Production)
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// Sets any key, e.g. `--set worker.batch_size=8`; may be repeated
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,
}

impl CommandLine {
    /// Feeds the arguments to the configuration's command-line layer, so that errors name the
    /// flag or the override they came from.
    pub(crate) fn configure(self, configuration: &mut ConfigurationBuilder) {
        configuration
            .command_line_flag("--listen", "listen", self.listen)
            .command_line_flag("--database-url", "database.url", self.database_url)
            .command_line_overrides(self.overrides);
        if let Some(environment) = self.environment {
            configuration.environment(environment);
        }
    }
}
