//! End to end: what the process does with its settings and its stdout. Settings that cannot
//! work are refused (exit 2, the variable named on stderr); a stdout nobody reads is not fatal.

mod common;

use std::fs::OpenOptions;
use std::process::{Command, Stdio};

use common::Workspace;
use serde_json::json;

#[tokio::test]
async fn unworkable_settings_are_refused_with_exit_code_2_naming_the_variable() {
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("JOBS_BATCH_SIZE", "0")], "`JOBS_BATCH_SIZE=0`"),
        (&[("JOBS_CONCURRENCY", "0")], "`JOBS_CONCURRENCY=0`"),
        (&[("JOBS_POLL_MS", "0")], "`JOBS_POLL_MS=0`"),
        (&[("JOBS_DB_BUSY_MS", "0")], "`JOBS_DB_BUSY_MS=0`"),
        (
            &[("JOBS_LEASE_MS", "1000"), ("JOBS_RENEW_MS", "1000")],
            "`JOBS_LEASE_MS=1000`",
        ),
        (
            &[("JOBS_BACKOFF_MS", "5000"), ("JOBS_BACKOFF_MAX_MS", "1000")],
            "`JOBS_BACKOFF_MAX_MS=1000`",
        ),
    ];
    let mut workspace = Workspace::new();

    for (env, named) in cases {
        let (code, stderr) = workspace.run_to_exit(env).await;

        assert_eq!(code, Some(2), "{env:?}: {stderr}");
        assert!(stderr.contains(named), "{env:?}: {stderr}");
    }
    let db = workspace.database_url();
    assert!(
        !common::exists(std::path::Path::new(db.trim_start_matches("sqlite://"))),
        "a refused start does not create the database"
    );
}

async fn serves_a_job(app: &common::JobsProcess) {
    let id = app
        .submit(json!({"kind": "sha256", "payload": "abc"}))
        .await;
    let job = app.wait_for_status(id, "succeeded").await;
    assert_eq!(job["attempts"], 1);
}

#[tokio::test]
async fn with_stdout_to_dev_full_the_app_still_serves() {
    let mut workspace = Workspace::new();
    let full = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");

    let app = workspace.start_with_stdout(&[], full).await;

    serves_a_job(&app).await;
    assert!(app.log().contains("could not print the address on stdout"));
}

#[tokio::test]
async fn with_stdout_to_a_pipe_whose_reader_left_the_app_still_serves() {
    let mut workspace = Workspace::new();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);

    let app = workspace.start_with_stdout(&[], writer).await;

    serves_a_job(&app).await;
    assert!(app.log().contains("could not print the address on stdout"));
}

#[test]
fn help_into_a_closed_pipe_exits_0_without_a_panic() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);

    let output = Command::new(env!("CARGO_BIN_EXE_jobs"))
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("jobs runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
