//! The in-memory harness: the application's real host (`jobs::host_builder`, every service and
//! the worker as in production) with its web server answering through
//! `di_hosting::web::TestServer` — no port, no process — on a SQLite database in a temporary
//! directory. The process's environment and working directory do not count: the test gives the
//! variables. Every wait has a deadline, so nothing can hang.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::path::Path;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request};
use clap::Parser;
use di_hosting::web::TestServer;
use jobs::{CommandLine, JobStore, JobsConfig};
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::time::{Instant, sleep};

/// How long any single wait may take before the test fails.
pub(crate) const WATCHDOG: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);
/// The largest response body read (a page of 1000 jobs of 64 KiB fits).
const MAX_RESPONSE: usize = 128 * 1024 * 1024;

/// The application, running in memory on its own temporary database.
pub(crate) struct TestApp {
    dir: tempfile::TempDir,
    server: TestServer,
}

impl TestApp {
    /// Starts the application with `JOBS_*` `variables` (and fast polling).
    pub(crate) async fn start(variables: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
        let command_line = CommandLine::parse_from(["jobs", "--listen", "127.0.0.1:0"]);
        let mut variables: Vec<(String, String)> = variables
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        variables.push(("JOBS_DATABASE__URL".to_owned(), url));
        variables.push(("JOBS_POLL_MS".to_owned(), "20".to_owned()));
        let root = dir.path().to_owned();
        let builder = jobs::host_builder(command_line).configure_configuration(move |sources| {
            sources.content_root(root).environment_variables(variables);
        });
        let server = tokio::time::timeout(WATCHDOG, TestServer::start(builder))
            .await
            .expect("watchdog: the host starts")
            .expect("the host starts");
        Self { dir, server }
    }

    /// The temporary directory (the content root, holding `jobs.db`).
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The URL of the application's database.
    pub(crate) fn database_url(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("jobs.db").display())
    }

    /// Opens the database, to check what the application stored.
    pub(crate) async fn database(&self) -> SqlitePool {
        SqlitePool::connect(&self.database_url())
            .await
            .expect("the database opens")
    }

    /// The bound settings.
    pub(crate) fn config(&self) -> std::sync::Arc<JobsConfig> {
        self.server.provider().get::<JobsConfig>().expect("bound")
    }

    /// How many jobs the store holds, in any status.
    pub(crate) async fn stored(&self) -> i64 {
        let store = self
            .server
            .provider()
            .get::<dyn JobStore>()
            .expect("the store");
        let stats = store.stats().await.expect("the statistics");
        stats.all.by_status.values().sum()
    }

    /// Sends `request`; the status, the headers and the whole body.
    pub(crate) async fn send(&self, request: Request<Body>) -> (u16, HeaderMap, Bytes) {
        let response = tokio::time::timeout(WATCHDOG, self.server.send(request))
            .await
            .expect("watchdog: a response");
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        let body = tokio::time::timeout(WATCHDOG, axum::body::to_bytes(body, MAX_RESPONSE))
            .await
            .expect("watchdog: the body")
            .expect("the body");
        (status, parts.headers, body)
    }

    /// `GET path`: the status and the JSON body.
    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let (status, headers, body) = self.send(request).await;
        (status, json(status, &headers, &body))
    }

    /// `POST /jobs` as JSON: the status and the JSON body.
    pub(crate) async fn post(&self, body: impl Into<Body>) -> (u16, Value) {
        let (status, _, body) = self
            .post_with(&[("content-type", "application/json")], body)
            .await;
        (status, body)
    }

    /// `POST /jobs` with exactly these `headers`: the status, the headers and the JSON body.
    pub(crate) async fn post_with(
        &self,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> (u16, HeaderMap, Value) {
        let mut request = Request::post("/jobs");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.into()).expect("a request");
        let (status, headers, body) = self.send(request).await;
        let body = json(status, &headers, &body);
        (status, headers, body)
    }

    /// Submits a job and returns its id.
    pub(crate) async fn submit(&self, job: Value) -> i64 {
        let (status, body) = self.post(job.to_string()).await;
        assert_eq!(status, 202, "{body}");
        body["id"].as_i64().expect("an id")
    }

    /// Polls `GET /jobs/{id}` until the job has `status`.
    pub(crate) async fn wait_for_status(&self, id: i64, status: &str) -> Value {
        let deadline = Instant::now() + WATCHDOG;
        loop {
            let (_, job) = self.get(&format!("/jobs/{id}")).await;
            if job["status"] == status {
                return job;
            }
            assert!(
                Instant::now() < deadline,
                "job {id} never became {status}: {job}"
            );
            sleep(POLL).await;
        }
    }

    /// Stops the host gracefully; it must stop without error.
    pub(crate) async fn stop(self) {
        tokio::time::timeout(WATCHDOG, self.server.stop())
            .await
            .expect("watchdog: the host stops")
            .expect("the host stops cleanly");
    }
}

/// The body as JSON; it must be `application/json`.
fn json(status: u16, headers: &HeaderMap, body: &[u8]) -> Value {
    assert_eq!(
        headers
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/json"),
        "status {status}"
    );
    serde_json::from_slice(body).expect("a JSON body")
}
