//! The end-to-end harness: runs the real `jobs` binary on an ephemeral port with a temporary
//! database, and talks to it over HTTP. Every wait has a deadline, so nothing can hang.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use sqlx::SqlitePool;
use tokio::time::{Instant, sleep};

/// How long any single wait may take before the test fails.
pub(crate) const WATCHDOG: Duration = Duration::from_secs(90);
const POLL: Duration = Duration::from_millis(25);

/// A temporary directory holding the database and the processes' logs.
pub(crate) struct Workspace {
    dir: tempfile::TempDir,
    started: usize,
    /// Another database than the workspace's SQLite file (such as PostgreSQL).
    database_url: Option<String>,
}

impl Workspace {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
            started: 0,
            database_url: None,
        }
    }

    /// A workspace whose processes use the database at `url`.
    pub(crate) fn with_database(url: String) -> Self {
        Self {
            database_url: Some(url),
            ..Self::new()
        }
    }

    pub(crate) fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.dir.path().join("jobs.db").display()))
    }

    /// Opens the database the processes use, to check what they stored.
    pub(crate) async fn database(&self) -> SqlitePool {
        SqlitePool::connect(&self.database_url())
            .await
            .expect("the database opens")
    }

    /// The directory: the processes' working directory, where they find `appsettings*.toml`.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    fn log_path(&mut self) -> PathBuf {
        self.started += 1;
        self.dir.path().join(format!("jobs-{}.log", self.started))
    }

    /// The `jobs` command on this workspace's database, listening on an ephemeral port, with
    /// fast polling, extra `args` and `env`, the workspace as its working directory, and stderr
    /// into a new log file (returned).
    fn command(&mut self, args: &[&str], env: &[(&str, &str)]) -> (Command, PathBuf) {
        let log = self.log_path();
        // `JOBS_BIN` runs another build (such as the release binary, for the soak run).
        let bin =
            std::env::var("JOBS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_jobs").to_owned());
        let mut command = Command::new(bin);
        command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &self.database_url(),
            ])
            .args(args)
            .current_dir(self.dir.path())
            .env("RUST_LOG", "info")
            .env("JOBS_POLL_MS", "20")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stderr(File::create(&log).expect("a log file"));
        (command, log)
    }

    /// Runs `jobs` with `env` to its exit (it is expected to refuse to start); its exit code
    /// and stderr.
    pub(crate) async fn run_to_exit(&mut self, env: &[(&str, &str)]) -> (Option<i32>, String) {
        self.run_to_exit_with(&[], env).await
    }

    /// Runs `jobs` with extra `args` and `env` to its exit; its exit code and stderr.
    pub(crate) async fn run_to_exit_with(
        &mut self,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (Option<i32>, String) {
        let (mut command, log) = self.command(args, env);
        let mut process = JobsProcess {
            child: command
                .stdout(Stdio::null())
                .spawn()
                .expect("the jobs binary starts"),
            base: String::new(),
            log,
        };
        let status = process.wait_exit().await;
        (status.code(), process.log())
    }

    /// Starts `jobs` with its stdout writing into `stdout` (such as `/dev/full`); finds its
    /// address in its log instead, then waits until `/healthz` answers `200`.
    pub(crate) async fn start_with_stdout(
        &mut self,
        env: &[(&str, &str)],
        stdout: impl Into<Stdio>,
    ) -> JobsProcess {
        let (mut command, log) = self.command(&[], env);
        let child = command
            .stdout(stdout)
            .spawn()
            .expect("the jobs binary starts");
        let mut process = JobsProcess {
            child,
            base: String::new(),
            log,
        };
        let deadline = Instant::now() + WATCHDOG;
        let marker = "the web server is listening address=";
        process.base = loop {
            let log = process.log();
            if let Some(at) = log.find(marker) {
                let address = log[at + marker.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                break format!("http://{address}");
            }
            assert!(Instant::now() < deadline, "no address in the log:\n{log}");
            sleep(POLL).await;
        };
        process.wait_healthy().await;
        process
    }

    /// Starts `jobs --listen 127.0.0.1:0` on this workspace's database with extra `env`, waits
    /// until it prints its address, then until `/healthz` answers `200`.
    pub(crate) async fn start(&mut self, env: &[(&str, &str)]) -> JobsProcess {
        self.start_with(&[], env).await
    }

    /// As [`start`](Self::start), with extra command-line `args`.
    pub(crate) async fn start_with(&mut self, args: &[&str], env: &[(&str, &str)]) -> JobsProcess {
        let (mut command, log) = self.command(args, env);
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("the jobs binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut process = JobsProcess {
            child,
            base: String::new(),
            log,
        };
        let line = receiver.recv_timeout(WATCHDOG);
        let Ok(line) = line else {
            panic!("jobs printed no address; log:\n{}", process.log());
        };
        let address = line
            .strip_prefix("listening on ")
            .expect("the address line");
        process.base = address.to_owned();
        process.wait_healthy().await;
        process
    }
}

/// A running `jobs` process; killed when dropped.
pub(crate) struct JobsProcess {
    child: Child,
    base: String,
    log: PathBuf,
}

impl JobsProcess {
    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let response = client()
            .get(self.url(path))
            .send()
            .await
            .expect("a response");
        read(response).await
    }

    pub(crate) async fn post(&self, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let (status, _, body) = self
            .post_with(&[("content-type", "application/json")], body)
            .await;
        (status, body)
    }

    /// `POST /jobs` with exactly these `headers`; the status, the response headers and the
    /// JSON body.
    pub(crate) async fn post_with(
        &self,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = client().post(self.url("/jobs")).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("a response");
        let headers = response.headers().clone();
        let (status, body) = read(response).await;
        (status, headers, body)
    }

    /// Sends `signal` (such as `STOP` or `CONT`) with `kill`.
    pub(crate) fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal}");
    }

    /// Waits until the log contains `text`.
    pub(crate) async fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + WATCHDOG;
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "the log never said {text:?}:\n{}",
                self.log()
            );
            sleep(POLL).await;
        }
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + WATCHDOG;
        loop {
            let answer = client().get(self.url("/healthz")).send().await;
            if answer.is_ok_and(|response| response.status() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "jobs never became healthy; log:\n{}",
                self.log()
            );
            sleep(POLL).await;
        }
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

    /// Sends SIGTERM.
    pub(crate) fn terminate(&self) {
        self.signal("TERM");
    }

    /// Sends SIGKILL (`kill -9`) and reaps the process.
    pub(crate) fn kill(&mut self) {
        self.child.kill().expect("the process is killed");
        self.child.wait().expect("the process is reaped");
    }

    /// Waits for the process to exit.
    pub(crate) async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WATCHDOG;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "jobs did not exit; log:\n{}",
                self.log()
            );
            sleep(POLL).await;
        }
    }
}

impl Drop for JobsProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client")
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap_or_default().to_owned());
    let body = response.bytes().await.expect("a body");
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "status {status}"
    );
    (status, serde_json::from_slice(&body).expect("a JSON body"))
}

/// A row count from the database.
pub(crate) async fn count(pool: &SqlitePool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("the query runs")
}

pub(crate) fn exists(path: &Path) -> bool {
    path.exists()
}
