//! The default `tracing` subscriber a host installs when asked to
//! ([`HostBuilder::with_default_logging`](crate::HostBuilder::with_default_logging)).
//!
//! The filter is `RUST_LOG` when set, else the configuration key `logging.filter`, else `info`.
//! The format is the configuration key `logging.format` (`text` or `json`) when set, else
//! human-readable text in `Development` and JSON lines elsewhere (what log collectors expect in
//! production). Logs go to standard error, so standard output stays the application's (a
//! program that prints its address or results there is not interleaved with log lines). An
//! application that installed its own global subscriber keeps it: the default one is only
//! *tried*.

use tracing_subscriber::EnvFilter;

use crate::configuration::{Configuration, HostEnvironment};

/// Installs the default subscriber unless a global one is already set. Returns whether it was
/// installed.
pub(crate) fn install_default(
    environment: &HostEnvironment,
    configuration: &Configuration,
) -> bool {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        let directives = configuration
            .get::<String>("logging.filter")
            .unwrap_or_else(|_| "info".to_owned());
        EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"))
    });
    let json = match configuration.get::<String>("logging.format") {
        Ok(format) => format.eq_ignore_ascii_case("json"),
        Err(_) => !environment.is_development(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    installed.is_ok()
}
