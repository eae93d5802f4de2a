//! Reloading options when `appsettings.toml` changes: the monitor follows valid edits, keeps
//! the last good value on a bad one, and a scope's snapshot stays one value.
//!
//! These tests use real file-system notifications, so they run on real time; every wait is
//! bounded by a watchdog and nothing asserts on how long it took.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use di_hosting::{Host, OptionsMonitor, OptionsSnapshot, ValidationError};
use serde::Deserialize;
use tokio::sync::watch;

/// How long a test waits for a notification before it fails instead of hanging.
const WATCHDOG: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
struct Worker {
    batch_size: u32,
}

/// A second section, edited together with `worker` to know that a reload happened.
#[derive(Debug, Deserialize)]
struct Marker {
    generation: u32,
}

/// Replaces the file atomically (write a sibling, rename), as editors and deploy tools do, so
/// a reload never reads a half-written file.
fn replace(directory: &Path, text: &str) {
    let staging = directory.join("appsettings.toml.staging");
    std::fs::write(&staging, text).expect("the temporary directory is writable");
    std::fs::rename(&staging, directory.join("appsettings.toml")).expect("rename succeeds");
}

fn settings(batch_size: u32, generation: u32) -> String {
    format!("[worker]\nbatch_size = {batch_size}\n\n[marker]\ngeneration = {generation}\n")
}

async fn host(directory: &Path) -> Host {
    let directory = directory.to_owned();
    Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_configuration(move |configuration| {
            // Valid defaults: a reload that ignored a broken file would publish them.
            configuration
                .content_root(directory)
                .default_value("worker.batch_size", 1)
                .default_value("marker.generation", 0);
        })
        .add_options::<Worker>("worker")
        .validate_options(|worker: &Worker| match worker.batch_size {
            0 => Err(ValidationError::field("batch_size", "must be at least 1")),
            _ => Ok(()),
        })
        .add_options::<Marker>("marker")
        .build()
        .await
        .expect("valid configuration")
}

/// The log of this test binary: reloads run on the watcher's thread, so only a global
/// subscriber sees their warnings.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        log.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .try_init()
            .expect("no other global subscriber in this test binary");
        log
    })
}

/// Waits (bounded in count and time) until the log has `count` lines containing `needle`.
async fn wait_for_log(needle: &str, count: usize) {
    let log = captured_log();
    for _ in 0..3_000 {
        let text = String::from_utf8_lossy(&log.0.lock().unwrap_or_else(PoisonError::into_inner))
            .into_owned();
        if text.matches(needle).count() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no log line containing `{needle}` within the watchdog");
}

/// Waits (bounded) until the receiver's value satisfies `done`.
async fn wait_until<T>(receiver: &mut watch::Receiver<Arc<T>>, done: impl Fn(&T) -> bool) {
    let waited = tokio::time::timeout(WATCHDOG, async {
        while !done(&receiver.borrow_and_update()) {
            receiver.changed().await.expect("the host is alive");
        }
    })
    .await;
    assert!(waited.is_ok(), "no matching reload within the watchdog");
}

#[tokio::test]
async fn editing_the_file_gives_the_monitor_the_new_value() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    replace(directory.path(), &settings(4, 1));
    let host = host(directory.path()).await;
    let monitor = host
        .provider()
        .get::<OptionsMonitor<Worker>>()
        .expect("bound");
    let mut changes = monitor.subscribe();
    assert_eq!(monitor.current().batch_size, 4);

    replace(directory.path(), &settings(8, 2));
    wait_until(&mut changes, |worker| worker.batch_size == 8).await;

    assert_eq!(monitor.current().batch_size, 8);
    // `Arc<Worker>` is the value at build, like `IOptions<T>`.
    assert_eq!(
        host.provider().get::<Worker>().expect("bound").batch_size,
        4
    );
}

#[tokio::test]
async fn an_edit_the_validator_rejects_keeps_the_last_good_value() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    replace(directory.path(), &settings(4, 1));
    let host = host(directory.path()).await;
    let worker = host
        .provider()
        .get::<OptionsMonitor<Worker>>()
        .expect("bound");
    let marker = host
        .provider()
        .get::<OptionsMonitor<Marker>>()
        .expect("bound");
    let worker_changes = worker.subscribe();
    let mut marker_changes = marker.subscribe();

    // One edit: `worker` becomes invalid, `marker` changes validly. Once the marker shows the
    // new generation, the reload of this edit is complete.
    replace(directory.path(), &settings(0, 2));
    wait_until(&mut marker_changes, |marker| marker.generation == 2).await;

    assert_eq!(worker.current().batch_size, 4);
    assert!(!worker_changes.has_changed().expect("the host is alive"));
}

#[tokio::test]
async fn a_file_that_no_longer_parses_keeps_every_last_good_value() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    replace(directory.path(), &settings(4, 1));
    let host = host(directory.path()).await;
    let worker = host
        .provider()
        .get::<OptionsMonitor<Worker>>()
        .expect("bound");
    let marker = host
        .provider()
        .get::<OptionsMonitor<Marker>>()
        .expect("bound");
    let worker_changes = worker.subscribe();
    let mut marker_changes = marker.subscribe();

    captured_log();
    let file = directory.path().join("appsettings.toml");
    let needle = format!("cannot read `{}`", file.display());

    replace(directory.path(), "[worker\nbatch_size = 5\n");
    wait_for_log(&needle, 1).await;
    // The next valid edit keeps `worker` as it was: had the broken file published anything
    // for `worker`, this edit would publish 4 again and `worker_changes` would see it.
    replace(directory.path(), &settings(4, 2));
    wait_until(&mut marker_changes, |marker| marker.generation == 2).await;

    assert_eq!(worker.current().batch_size, 4);
    assert!(!worker_changes.has_changed().expect("the host is alive"));
}

#[tokio::test]
async fn a_scope_sees_one_snapshot_while_new_scopes_see_the_new_value() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    replace(directory.path(), &settings(4, 1));
    let host = host(directory.path()).await;
    let monitor = host
        .provider()
        .get::<OptionsMonitor<Worker>>()
        .expect("bound");
    let mut changes = monitor.subscribe();
    let before = host
        .provider()
        .create_scope()
        .expect("the provider is not disposed");
    let first = before.get::<OptionsSnapshot<Worker>>().expect("scoped");

    replace(directory.path(), &settings(8, 2));
    wait_until(&mut changes, |worker| worker.batch_size == 8).await;
    let again = before.get::<OptionsSnapshot<Worker>>().expect("scoped");
    let after = host
        .provider()
        .create_scope()
        .expect("the provider is not disposed");
    let fresh = after.get::<OptionsSnapshot<Worker>>().expect("scoped");

    assert_eq!((first.batch_size, again.batch_size), (4, 4));
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(fresh.batch_size, 8);
    before.dispose().await;
    after.dispose().await;
}

/// How many lines of the log contain `needle`.
fn log_count(needle: &str) -> usize {
    let log = captured_log();
    let text =
        String::from_utf8_lossy(&log.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    text.matches(needle).count()
}

#[tokio::test]
async fn a_broken_file_is_reported_for_each_edit_not_each_time_it_is_read() {
    // Reloading opens the files, and opening is itself a file-system event: a watcher that
    // reacted to it (or to any file of the directory) would reload without end, warning again
    // and again about the same broken file.
    let directory = tempfile::tempdir().expect("a temporary directory");
    replace(directory.path(), &settings(4, 1));
    let host = host(directory.path()).await;
    let marker = host
        .provider()
        .get::<OptionsMonitor<Marker>>()
        .expect("bound");
    let mut marker_changes = marker.subscribe();
    captured_log();
    let file = directory.path().join("appsettings.toml");
    let needle = format!("cannot read `{}`", file.display());

    replace(directory.path(), "[worker\nbatch_size = 5\n");
    wait_for_log(&needle, 1).await;
    // Read the broken file and touch another file, then make a valid edit: once its reload is
    // seen, every event before it has been handled.
    std::fs::read(&file).expect("the file is readable");
    std::fs::write(directory.path().join("notes.txt"), "not settings").expect("writable");
    replace(directory.path(), &settings(4, 2));
    wait_until(&mut marker_changes, |marker| marker.generation == 2).await;

    let warnings = log_count(&needle);
    assert!(
        warnings <= 2,
        "one edit of the file warned {warnings} times (at most once per notification of the \
         rename: the new name, and the rename as a whole)"
    );
}
