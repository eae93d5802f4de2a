//! A throw-away PostgreSQL cluster for tests: `initdb` into a temporary directory owned by the
//! `postgres` user (when the tests run as root, as CI does), `pg_ctl start` on a free loopback
//! port with its socket in that directory, stopped and removed on drop — also when the test
//! failed. No PostgreSQL found is a test failure that says how to install it, never a silent pass.
//!
//! A cluster shared by the tests of one binary ([`TempPostgres::shared`], a fresh database per
//! test) lives in a static, whose `Drop` never runs: every cluster therefore gets a watchdog, a
//! detached shell that polls the test process and, once it has exited (however: success, panic,
//! `kill -9`), stops the server and removes its directory.
#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test binary uses a different part of the harness"
)]

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What to do when no PostgreSQL server can be found.
const INSTALL_HINT: &str = "no PostgreSQL server binaries found (looked for `initdb` and \
     `pg_ctl` in /usr/lib/postgresql/*/bin and on PATH); install them with \
     `apt-get install -y postgresql` (Debian/Ubuntu) or set PG_BIN to their directory";

/// A running throw-away cluster.
#[derive(Debug)]
pub struct TempPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl TempPostgres {
    /// Creates and starts a cluster.
    ///
    /// # Panics
    ///
    /// When no server binaries exist (with the install hint) or the cluster cannot start.
    pub fn start() -> Self {
        let bin = find_bin_dir().unwrap_or_else(|| panic!("{INSTALL_HINT}"));
        let dir = tempfile::Builder::new()
            .prefix("jobs-pg-")
            .tempdir()
            .expect("a temporary directory");
        // The server refuses to run as root and needs a data directory it owns.
        let data = dir.path().join("data");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
            .expect("the directory is writable for the server");
        let initdb = run_as_server_user(
            &bin.join("initdb"),
            &[
                "-D",
                path_str(&data),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
            ],
        );
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let mut cluster = Self { dir, bin, port: 0 };
        cluster.port = cluster.start_server();
        cluster.watch();
        cluster
    }

    /// The cluster shared by every test of this test binary, started on first use and stopped
    /// by its watchdog when the process exits. Tests that restart the server use their own.
    pub fn shared() -> &'static TempPostgres {
        static SHARED: OnceLock<TempPostgres> = OnceLock::new();
        SHARED.get_or_init(TempPostgres::start)
    }

    /// The URL of a new, empty database with a name unique in this cluster.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        self.create_database(&format!("test_{}_{n}", std::process::id()))
    }

    /// Stops the server at once (like a crash); [`start_again`](Self::start_again) brings it
    /// back on the same port.
    pub fn stop(&self) {
        let output = self.pg_ctl(&["stop", "-m", "immediate", "-w", "-t", "30"]);
        assert!(
            output.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the stopped server again on its port.
    pub fn start_again(&self) {
        let output = self.pg_ctl(&[
            "start",
            "-w",
            "-t",
            "60",
            "-o",
            &self.server_options(self.port),
        ]);
        assert!(
            output.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the watchdog: a detached shell (its own session, so a Ctrl-C to the tests does
    /// not kill it first) that waits for this process to exit, then stops the server and
    /// removes the directory. Harmless after `Drop` did both.
    fn watch(&self) {
        let mut stop = vec![
            self.bin.join("pg_ctl").display().to_string(),
            "-D".to_owned(),
            self.data().display().to_string(),
            "stop -m immediate".to_owned(),
        ];
        if is_root() {
            stop.splice(0..0, ["runuser -u postgres --".to_owned()]);
        }
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            stop = stop.join(" "),
            dir = self.dir.path().display(),
        );
        // `-f`: setsid forks and returns at once, leaving the shell running on its own.
        let spawned = Command::new("setsid")
            .args(["-f", "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Err(error) = spawned {
            eprintln!(
                "no watchdog for the PostgreSQL cluster (it is still stopped on drop): {error}"
            );
        }
    }

    /// The URL of database `postgres` on this cluster.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The URL of a fresh database named `name`, created now.
    pub fn create_database(&self, name: &str) -> String {
        let output = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-c", &format!("CREATE DATABASE \"{name}\"")])
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "CREATE DATABASE failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// The cluster's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server at once (`immediate`: like a crash, no checkpoint) and starts it again
    /// on the same port.
    pub fn restart(&self) {
        self.pg_ctl(&["stop", "-m", "immediate"]);
        self.pg_ctl(&[
            "start",
            "-w",
            "-t",
            "60",
            "-o",
            &self.server_options(self.port),
        ]);
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn server_options(&self, port: u16) -> String {
        format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={} \
             -c fsync=off -c full_page_writes=off \
             -c max_connections=200",
            path_str(self.dir.path())
        )
    }

    /// Starts the server on a free port; retries when another process took the port first.
    fn start_server(&self) -> u16 {
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let log = self.dir.path().join("server.log");
            let output = run_as_server_user(
                &self.bin.join("pg_ctl"),
                &[
                    "-D",
                    path_str(&self.data()),
                    "-l",
                    path_str(&log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    &self.server_options(port),
                    "start",
                ],
            );
            if output.status.success() {
                return port;
            }
            last = std::fs::read_to_string(&log).unwrap_or_default();
            self.pg_ctl(&["stop", "-m", "immediate"]);
        }
        panic!("the PostgreSQL server did not start: {last}");
    }

    fn pg_ctl(&self, args: &[&str]) -> Output {
        let data = self.data();
        let log = self.dir.path().join("server.log");
        let mut all = vec!["-D", path_str(&data)];
        if args.first() == Some(&"start") {
            all.extend(["-l", path_str(&log)]);
        }
        all.extend_from_slice(args);
        run_as_server_user(&self.bin.join("pg_ctl"), &all)
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _stopped = self.pg_ctl(&["stop", "-m", "immediate", "-w", "-t", "30"]);
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// The directory of `initdb` and `pg_ctl`: `PG_BIN`, the newest /usr/lib/postgresql/*/bin, or
/// PATH.
fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    if let Some(newest) = versions.pop() {
        return Some(newest);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

/// Runs a server binary as the `postgres` user when we are root (the server refuses root).
fn run_as_server_user(program: &Path, args: &[&str]) -> Output {
    let mut command = if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run `{}`: {error}", program.display()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}
