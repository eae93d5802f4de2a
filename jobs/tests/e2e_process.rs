//! End to end: what the process does with its settings and its stdout. Settings that cannot
//! work are refused (exit 2, the key, value and variable, file or flag named on stderr); the
//! environment picks its settings file from the working directory; a stdout nobody reads is
//! not fatal.

mod common;

use std::fs::OpenOptions;
use std::process::{Command, Stdio};

use common::Workspace;
use serde_json::{Value, json};

#[tokio::test]
async fn unworkable_settings_are_refused_with_exit_code_2_naming_the_variable() {
    let cases: [(&[(&str, &str)], &str); 7] = [
        (
            &[("JOBS_WORKER__BATCH_SIZE", "0")],
            "`worker.batch_size` = \"0\" from environment variable `JOBS_WORKER__BATCH_SIZE`",
        ),
        (
            &[("JOBS_BATCH_SIZE", "0")],
            "`worker.batch_size` = \"0\" from environment variable `JOBS_BATCH_SIZE`",
        ),
        (
            &[("JOBS_CONCURRENCY", "0")],
            "`worker.concurrency` = \"0\" from environment variable `JOBS_CONCURRENCY`",
        ),
        (
            &[("JOBS_POLL_MS", "0")],
            "`worker.poll_ms` = \"0\" from environment variable `JOBS_POLL_MS`",
        ),
        (
            &[("JOBS_DATABASE__BUSY_MS", "0")],
            "`database.busy_ms` = \"0\" from environment variable `JOBS_DATABASE__BUSY_MS`",
        ),
        (
            &[("JOBS_LEASE_MS", "1000"), ("JOBS_RENEW_MS", "1000")],
            "`worker.lease_ms` = \"1000\" from environment variable `JOBS_LEASE_MS`",
        ),
        (
            &[("JOBS_BACKOFF_MS", "5000"), ("JOBS_BACKOFF_MAX_MS", "1000")],
            "`worker.backoff_max_ms` = \"1000\" from environment variable `JOBS_BACKOFF_MAX_MS`",
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

async fn slots(workspace: &mut Workspace, args: &[&str], env: &[(&str, &str)]) -> Value {
    let app = workspace.start_with(args, env).await;
    let (_, stats) = app.get("/stats").await;
    stats["worker"]["slots"].clone()
}

#[tokio::test]
async fn the_file_is_overridden_by_the_environment_which_is_overridden_by_the_command_line() {
    let mut workspace = Workspace::new();
    write(
        workspace.path(),
        "appsettings.toml",
        "[worker]\nconcurrency = 3\n",
    );
    let variable = [("JOBS_WORKER__CONCURRENCY", "5")];

    let from_file = slots(&mut workspace, &[], &[]).await;
    let from_environment = slots(&mut workspace, &[], &variable).await;
    let from_flag = slots(
        &mut workspace,
        &["--set", "worker.concurrency=7"],
        &variable,
    )
    .await;

    assert_eq!(
        [from_file, from_environment, from_flag],
        [json!(3), json!(5), json!(7)]
    );
}

#[tokio::test]
async fn the_environment_picks_its_settings_file_from_the_working_directory() {
    let mut workspace = Workspace::new();
    write(
        workspace.path(),
        "appsettings.Development.toml",
        "[worker]\nbatch_size = 0\n",
    );
    write(
        workspace.path(),
        "appsettings.Staging.toml",
        "[worker]\nconcurrency = 0\n",
    );

    let (development, development_stderr) = workspace
        .run_to_exit_with(&["--environment", "Development"], &[])
        .await;
    let (staging, staging_stderr) = workspace
        .run_to_exit_with(&[], &[("JOBS_ENVIRONMENT", "Staging")])
        .await;
    let production = slots(&mut workspace, &[], &[]).await;

    assert_eq!(development, Some(2), "{development_stderr}");
    assert!(
        development_stderr.contains("`worker.batch_size` = 0 from file `")
            && development_stderr
                .contains("appsettings.Development.toml`, key `worker.batch_size` is rejected"),
        "{development_stderr}"
    );
    assert!(
        !development_stderr.contains("concurrency"),
        "{development_stderr}"
    );
    assert_eq!(staging, Some(2), "{staging_stderr}");
    assert!(
        staging_stderr.contains("appsettings.Staging.toml`, key `worker.concurrency`"),
        "{staging_stderr}"
    );
    assert_eq!(production, json!(32), "no file for Production: the default");
}

#[tokio::test]
async fn values_from_the_command_line_are_refused_naming_the_flag_or_the_override() {
    let mut workspace = Workspace::new();

    let (bad_listen, listen_stderr) = workspace
        .run_to_exit_with(&["--listen", "nowhere"], &[])
        .await;
    let (bad_override, override_stderr) = workspace
        .run_to_exit_with(&["--set", "worker.poll_ms=0"], &[])
        .await;

    assert_eq!(bad_listen, Some(2), "{listen_stderr}");
    assert!(
        listen_stderr.contains("`listen` = \"nowhere\" from command-line flag `--listen`"),
        "{listen_stderr}"
    );
    assert_eq!(bad_override, Some(2), "{override_stderr}");
    assert!(
        override_stderr
            .contains("`worker.poll_ms` = \"0\" from command-line override `worker.poll_ms=0`"),
        "{override_stderr}"
    );
}

#[test]
fn help_lists_the_flags_and_the_keys() {
    let output = Command::new(env!("CARGO_BIN_EXE_jobs"))
        .arg("--help")
        .stdin(Stdio::null())
        .output()
        .expect("jobs runs");

    let help = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    for expected in [
        "--listen <ADDRESS>",
        "--database-url <URL>",
        "--environment <NAME>",
        "--set <KEY=VALUE>",
        "worker.batch_size      JOBS_WORKER__BATCH_SIZE",
    ] {
        assert!(help.contains(expected), "{expected:?} in:\n{help}");
    }
}

fn write(directory: &std::path::Path, name: &str, text: &str) {
    std::fs::write(directory.join(name), text).expect("the settings file is written");
}
