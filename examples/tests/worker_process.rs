//! Runs the seed example (`examples/examples/worker.rs`) as a real process: SIGTERM stops it
//! gracefully with exit code 0, a second SIGINT during the stop exits with 130, and a failing
//! worker or a bad setting exits with code 1. Every wait has a timeout, so a hang fails the test.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The example binary, which `cargo test` builds next to the test binaries.
fn worker_binary() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary has a path");
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in <target>/<profile>/deps");
    let binary = profile_dir.join("examples").join("worker");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test -p examples`",
        binary.display()
    );
    binary
}

/// A running example whose stdout and stderr lines arrive on one channel.
struct Worker {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Worker {
    fn spawn(env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(worker_binary());
        command
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .env("WORKER_INTERVAL_MS", "20")
            // Human-readable logs, which the assertions read (JSON lines otherwise).
            .env("WORKER_ENVIRONMENT", "Development")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the example starts");
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        forward(stdout, sender.clone());
        forward(stderr, sender);
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle`.
    fn wait_for_line(&mut self, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    let _ = self.child.kill();
                    panic!(
                        "no line contains `{needle}`; output:\n{}",
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("`kill` runs");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit, then returns its status and its whole output.
    fn wait_for_exit(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be polled") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the example did not exit; output:\n{}",
                    self.seen.join("\n")
                );
            }
            thread::sleep(Duration::from_millis(20));
        };
        // The pipes close when the process exits; collect what is left.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (status, self.seen.join("\n"))
    }
}

fn forward(stream: impl Read + Send + 'static, sender: mpsc::Sender<String>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
}

#[test]
fn sigterm_stops_the_worker_gracefully_with_exit_code_zero() {
    let mut worker = Worker::spawn(&[]);
    worker.wait_for_line("press Ctrl+C to stop");
    worker.wait_for_line("MyService did something");

    worker.signal("TERM");
    let (status, output) = worker.wait_for_exit();

    assert_eq!(status.code(), Some(0), "output:\n{output}");
    assert!(output.contains("signal=SIGTERM"), "output:\n{output}");
    assert!(
        output.contains("MyWorker finishing its work"),
        "output:\n{output}"
    );
    assert!(output.contains("host stopped"), "output:\n{output}");
}

#[test]
fn a_second_sigint_during_the_stop_exits_at_once_with_130() {
    // The worker takes a minute to drain, so the second signal arrives during the stop.
    let mut worker = Worker::spawn(&[("WORKER_DRAIN_MS", "60000")]);
    worker.wait_for_line("press Ctrl+C to stop");

    worker.signal("INT");
    worker.wait_for_line("MyWorker finishing its work");
    worker.signal("INT");
    let (status, output) = worker.wait_for_exit();

    assert_eq!(status.code(), Some(130), "output:\n{output}");
    assert!(output.contains("second signal"), "output:\n{output}");
    assert!(!output.contains("host stopped"), "output:\n{output}");
}

#[test]
fn a_failing_worker_exits_with_a_non_zero_code() {
    let worker = Worker::spawn(&[("WORKER_FAIL_AFTER", "3")]);

    let (status, output) = worker.wait_for_exit();

    assert_eq!(status.code(), Some(1), "output:\n{output}");
    assert!(
        output.contains("simulated failure after 3 iterations"),
        "output:\n{output}"
    );
    assert!(output.contains("host stopped"), "output:\n{output}");
}

#[test]
fn a_second_sigterm_during_the_stop_exits_at_once_with_143() {
    let mut worker = Worker::spawn(&[("WORKER_DRAIN_MS", "60000")]);
    worker.wait_for_line("press Ctrl+C to stop");

    worker.signal("TERM");
    worker.wait_for_line("MyWorker finishing its work");
    worker.signal("TERM");
    let (status, output) = worker.wait_for_exit();

    assert_eq!(status.code(), Some(143), "output:\n{output}");
}

#[test]
fn a_bad_setting_fails_the_build_with_exit_code_one_naming_the_variable() {
    let worker = Worker::spawn(&[("WORKER_INTERVAL_MS", "soon")]);

    let (status, output) = worker.wait_for_exit();

    assert_eq!(status.code(), Some(1), "output:\n{output}");
    assert!(
        output.contains("from environment variable `WORKER_INTERVAL_MS`"),
        "output:\n{output}"
    );
    assert!(
        !output.contains("MyService did something"),
        "output:\n{output}"
    );
}
