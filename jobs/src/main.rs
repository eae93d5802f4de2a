//! The `jobs` binary: runs the job queue until SIGINT or SIGTERM.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use di_hosting::IntoExitCode;
use jobs::JobsConfig;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "\
usage: jobs [--listen ADDRESS] [--database-url URL]

  --listen ADDRESS      where the HTTP API listens (env JOBS_LISTEN; default 127.0.0.1:8080,
                        port 0 picks a free port)
  --database-url URL    the SQLite database (env DATABASE_URL; default sqlite://jobs.db,
                        created on first start)

Tuning (environment): JOBS_CONCURRENCY (32 jobs at once), JOBS_BATCH_SIZE (16 per claim),
JOBS_POLL_MS (250), JOBS_LEASE_MS (30000), JOBS_RENEW_MS (a third of the lease),
JOBS_BACKOFF_MS (1000), JOBS_BACKOFF_MAX_MS (300000), JOBS_DB_BUSY_MS (2000),
JOBS_SHUTDOWN_MS (30000). Settings that cannot work are refused with exit code 2.

Logs go to stderr (filter with RUST_LOG); the bound address is printed on stdout.
Stop with Ctrl-C or SIGTERM: in-flight requests finish and running jobs are released.";

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--help" || arg == "-h") {
        // Best effort: a reader that left (`jobs --help | head -1`) is not an error.
        let _ = writeln!(std::io::stdout(), "{USAGE}");
        return ExitCode::SUCCESS;
    }
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let config = match JobsConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    jobs::host_builder(config).run().await.into_exit_code()
}
