//! How `jobs` reads its settings through the host: the environment variable prefix and
//! aliases, the command line, the binding of [`JobsConfig`] with its rules, and the shutdown
//! deadline taken from the configuration.

use std::time::Duration;

use di_hosting::{Host, HostBuilder};

use crate::config::command_line::CommandLine;
use crate::config::settings::{DEFAULT_SHUTDOWN, JobsConfig};
use crate::config::validate::RULES;

/// The prefix of the application's environment variables (`JOBS_WORKER__BATCH_SIZE`).
const ENV_PREFIX: &str = "JOBS";

/// Variables outside the `JOBS_<SECTION>__<KEY>` scheme that are read too: the conventional
/// `DATABASE_URL`, and the flat names of the earlier releases. A prefixed variable for the same
/// key wins over its alias.
const ALIASES: [(&str, &str); 9] = [
    ("DATABASE_URL", "database.url"),
    ("JOBS_DB_BUSY_MS", "database.busy_ms"),
    ("JOBS_CONCURRENCY", "worker.concurrency"),
    ("JOBS_BATCH_SIZE", "worker.batch_size"),
    ("JOBS_POLL_MS", "worker.poll_ms"),
    ("JOBS_LEASE_MS", "worker.lease_ms"),
    ("JOBS_RENEW_MS", "worker.renew_ms"),
    ("JOBS_BACKOFF_MS", "worker.backoff_ms"),
    ("JOBS_BACKOFF_MAX_MS", "worker.backoff_max_ms"),
];

/// A host builder reading the application's settings: [`Host::default_builder`]'s sources
/// (`appsettings*.toml` in the working directory, `JOBS_*` variables) plus the aliases and the
/// command line; [`JobsConfig`] bound to the root with every rule; the shutdown deadline from
/// `shutdown_ms`. The host's default logging is off: `main` logs text to stderr, because
/// stdout carries the bound address.
pub(crate) fn configured_host_builder(command_line: CommandLine) -> HostBuilder {
    let builder = Host::default_builder(ENV_PREFIX)
        .without_default_logging()
        .configure_configuration(|configuration| {
            for (variable, key) in ALIASES {
                configuration.env_alias(variable, key);
            }
            // `JobsConfig` is bound once, at start: following file edits would only log
            // reloads that change nothing.
            configuration.reload_on_change(false);
            command_line.configure(configuration);
        })
        .add_options::<JobsConfig>("")
        .configure_options_from_configuration(|options, configuration| {
            // A value that is not a number is reported by the binding of `JobsConfig`.
            options.shutdown_timeout = configuration
                .get::<u64>("shutdown_ms")
                .map_or(DEFAULT_SHUTDOWN, Duration::from_millis);
            Ok(())
        });
    RULES
        .into_iter()
        .fold(builder, |builder, rule| builder.validate_options(rule))
}
