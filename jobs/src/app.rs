//! Wiring: the services of the application and the host that runs them.

use std::io::Write;
use std::sync::Arc;

use async_trait::async_trait;
use di_core::{BoxError, ScopeFactory};
use di_hosting::web::WebServer;
use di_hosting::{HostBuilder, HostedService};
use tokio_util::sync::CancellationToken;

use crate::api;
use crate::config::{self, CommandLine, JobsConfig};
use crate::repo::connect_store;
use crate::worker::{JobWorker, WorkerSlots};

/// The host of the application, its settings read by the host from, lowest priority first:
/// the defaults, `appsettings.toml` and `appsettings.{Environment}.toml` in the working
/// directory, the `JOBS_*` environment variables (`JOBS_WORKER__BATCH_SIZE=8` sets
/// `worker.batch_size`; `DATABASE_URL` and the flat `JOBS_BATCH_SIZE`-style names too), then
/// `command_line`. Settings that cannot be read or cannot work fail the build, every one named
/// with its key, value and source. The services:
///
/// - [`JobsConfig`] — the bound settings, a singleton;
/// - `Arc<dyn` [`JobStore`](crate::JobStore)`>` — an async singleton: SQLite or PostgreSQL by the
///   database URL's scheme, migrated at startup, closed at shutdown;
/// - [`WorkerSlots`] — a singleton: the worker's concurrency, shown by `/stats`;
/// - [`WebServer`] — the HTTP API, a hosted service;
/// - [`JobWorker`] — the queue's background service;
/// - a last hosted service that prints `listening on http://<address>` once everything runs
///   (best effort: a closed stdout is logged, not fatal).
///
/// # Examples
///
/// ```
/// use clap::Parser;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let url = format!("sqlite://{}/j.db", dir.path().display());
/// let command_line =
///     jobs::CommandLine::parse_from(["jobs", "--listen", "127.0.0.1:0", "--database-url", &url]);
/// let running = jobs::host_builder(command_line)
///     .configure_options(|options| options.handle_signals = false)
///     .start()
///     .await?;
/// assert!(running.lifetime().is_started());
/// running.stop().await?;
/// # Ok(()) }
/// ```
pub fn host_builder(command_line: CommandLine) -> HostBuilder {
    config::configured_host_builder(command_line).configure_services(move |services| {
        services
            .add_singleton_async(|config: Arc<JobsConfig>| async move {
                connect_store(&config.database_url, config.db_busy).await
            })
            .disposable();
        services.add_singleton(|config: Arc<JobsConfig>| {
            Arc::new(WorkerSlots::new(config.concurrency))
        });
        services.add_web_server(|config: Arc<JobsConfig>, scopes: ScopeFactory| {
            Arc::new(
                WebServer::new(config.listen, api::router(&config)).with_request_scopes(scopes),
            )
        });
        services.add_hosted_service::<JobWorker>();
        services
            .add_hosted_service_with(|server: Arc<WebServer>| Arc::new(Announcer { server }))
            .name("announcer");
    })
}

/// Prints the bound address on stdout once every service has started, so that scripts
/// (and the end-to-end tests) can find an ephemeral port. Best effort: with stdout closed or
/// full, the service still runs and a warning is logged.
#[derive(Debug)]
struct Announcer {
    server: Arc<WebServer>,
}

#[async_trait]
impl HostedService for Announcer {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }

    async fn started(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        if let Some(address) = self.server.local_addr() {
            let mut stdout = std::io::stdout().lock();
            let written =
                writeln!(stdout, "listening on http://{address}").and_then(|()| stdout.flush());
            if let Err(error) = written {
                tracing::warn!(%error, %address, "could not print the address on stdout; serving anyway");
            }
        }
        Ok(())
    }

    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }
}
