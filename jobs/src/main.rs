//! The `jobs` binary: runs the job queue until SIGINT or SIGTERM.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use di_hosting::{HostError, HostFailure, IntoExitCode};
use jobs::CommandLine;
use tracing_subscriber::EnvFilter;

/// The exit code of settings that cannot be read or cannot work, as for a bad argument.
const EXIT_BAD_SETTINGS: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    // `--help`, `--version` and malformed arguments exit here (clap ignores a closed stdout).
    let command_line = CommandLine::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let host = match jobs::host_builder(command_line).build().await {
        Ok(host) => host,
        Err(error) => return refused(&error),
    };
    host.run().await.into_exit_code()
}

/// Reports a host that could not be built; invalid settings exit with code 2.
fn refused(error: &HostError) -> ExitCode {
    let settings = error
        .failures()
        .iter()
        .any(|failure| matches!(failure, HostFailure::Configuration(_)));
    let hint = if settings {
        "\n\nsee `jobs --help` for the settings and where they are read from"
    } else {
        ""
    };
    let _ = writeln!(std::io::stderr(), "error: {error}{hint}");
    ExitCode::from(if settings {
        EXIT_BAD_SETTINGS
    } else {
        error.exit_code()
    })
}
