//! `/healthz` follows the host's lifetime: `503` while starting, `200` while running, `503`
//! while stopping; `/readyz` answers the same and names the backend. In-process, with a
//! hosted service that holds the host in each phase.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use clap::Parser;
use di_core::BoxError;
use di_hosting::HostedService;
use di_hosting::web::WebServer;
use jobs::CommandLine;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

const WATCHDOG: Duration = Duration::from_secs(30);

/// Holds the host inside its `start` and its `stop` until released.
struct Holder {
    entered: mpsc::UnboundedSender<&'static str>,
    release: Notify,
}

#[async_trait]
impl HostedService for Holder {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        let _ = self.entered.send("start");
        self.release.notified().await;
        Ok(())
    }

    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        let _ = self.entered.send("stop");
        self.release.notified().await;
        Ok(())
    }
}

async fn health(address: std::net::SocketAddr) -> (u16, Value) {
    probe(address, "/healthz").await
}

async fn probe(address: std::net::SocketAddr, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("http://{address}{path}"))
        .await
        .expect("a response");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

async fn next(entered: &mut mpsc::UnboundedReceiver<&'static str>) -> &'static str {
    tokio::time::timeout(WATCHDOG, entered.recv())
        .await
        .expect("watchdog")
        .expect("the holder is alive")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_while_starting_200_while_running_and_503_while_stopping() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let command_line =
        CommandLine::parse_from(["jobs", "--listen", "127.0.0.1:0", "--database-url", &url]);
    let (sender, mut entered) = mpsc::unbounded_channel();
    let holder = Arc::new(Holder {
        entered: sender,
        release: Notify::new(),
    });
    let registered = Arc::clone(&holder);
    let host = jobs::host_builder(command_line)
        .configure_options(|options| options.handle_signals = false)
        .configure_services(move |services| {
            services.add_hosted_service_with(move || Arc::clone(&registered));
        })
        .build()
        .await
        .expect("the host builds");
    let server = host.provider().get::<WebServer>().expect("the web server");

    let starting = tokio::spawn(host.start());
    assert_eq!(next(&mut entered).await, "start");
    let address = server
        .local_addr()
        .expect("the server listens before the holder starts");
    let while_starting = health(address).await;
    holder.release.notify_one();
    let running = tokio::time::timeout(WATCHDOG, starting)
        .await
        .expect("watchdog")
        .expect("the start task")
        .expect("the host starts");
    let while_running = health(address).await;
    let ready_while_running = probe(address, "/readyz").await;
    let stopping = tokio::spawn(running.stop());
    assert_eq!(next(&mut entered).await, "stop");
    let while_stopping = health(address).await;
    holder.release.notify_one();
    let stopped = tokio::time::timeout(WATCHDOG, stopping)
        .await
        .expect("watchdog");

    assert_eq!(while_starting, (503, json!({"error": "starting"})));
    assert_eq!(
        while_running,
        (200, json!({"status": "running", "database": "ok"}))
    );
    assert_eq!(
        ready_while_running,
        (
            200,
            json!({"status": "running", "database": "ok", "backend": "sqlite"})
        )
    );
    assert_eq!(while_stopping, (503, json!({"error": "stopping"})));
    assert!(stopped.expect("the stop task").is_ok());
}
