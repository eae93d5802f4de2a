//! The job queue's throughput: how fast `jobs` processes drain short jobs, how fast the API
//! accepts them, and the floors — the same SQL statements in a hand-written loop.
//!
//! ```sh
//! cargo build --release -p jobs
//! cargo run --release -p benches --example queue_drain            # 4,000 jobs per case
//! cargo run --release -p benches --example queue_drain -- 10000   # another count
//! cargo run --release -p benches --example queue_drain -- 4000 postgres   # the PostgreSQL cases
//! ```
//!
//! The PostgreSQL cases (`postgres.rs`) start a throw-away cluster with the tests' harness.
//!
//! Every SQLite case uses a fresh SQLite file (WAL) in a temporary directory and the release binary
//! `target/release/jobs` (or `$JOBS_BIN`). A drain case starts the processes on an empty
//! database, inserts all the `sha256` jobs in one transaction, and times from the first claim to
//! the last completion (polling an indexed `EXISTS` every 2 ms), then checks that every job
//! succeeded and was completed exactly once. The submit case posts the jobs over
//! HTTP, 16 requests in flight, while one process drains them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use sqlx::{Connection, Executor, SqliteConnection};

#[path = "../../../jobs/tests/postgres/mod.rs"]
mod cluster;
mod postgres;

/// The longest any case may take.
pub(crate) const WATCHDOG: Duration = Duration::from_secs(120);
pub(crate) const POLL: Duration = Duration::from_millis(2);
const INSERT: &str =
    "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?4, ?4) RETURNING id";

pub(crate) type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Environment variables of the `jobs` processes.
pub(crate) type Env = &'static [(&'static str, &'static str)];

/// How many times each case runs; the table shows the median.
pub(crate) const RUNS: usize = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let jobs: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(4000);
    if std::env::args().nth(2).as_deref() == Some("postgres") {
        return postgres::main(jobs).await;
    }
    println!("| case | settings | jobs | median s ({RUNS} runs) | jobs/s |");
    println!("|---|---|---:|---:|---:|");
    for batch in [16, 64, 1] {
        let seconds = median(async || floors::drain(jobs, batch).await).await?;
        row(
            "floor: claim + complete, one connection",
            &format!("batch {batch}"),
            jobs,
            seconds,
        );
    }
    let seconds = median(async || floors::insert(jobs).await).await?;
    row(
        "floor: INSERT autocommit, one connection",
        "",
        jobs,
        seconds,
    );
    let settings: [(usize, Env, &str); 6] = [
        (1, &[], "defaults (concurrency 32, batch 16)"),
        (
            1,
            &[("JOBS_CONCURRENCY", "16"), ("JOBS_BATCH_SIZE", "16")],
            "concurrency 16, batch 16",
        ),
        (
            1,
            &[("JOBS_CONCURRENCY", "128"), ("JOBS_BATCH_SIZE", "64")],
            "concurrency 128, batch 64",
        ),
        (
            1,
            &[("JOBS_CONCURRENCY", "4"), ("JOBS_BATCH_SIZE", "1")],
            "concurrency 4, batch 1",
        ),
        (2, &[], "two processes, defaults"),
        (
            2,
            &[("JOBS_CONCURRENCY", "4"), ("JOBS_BATCH_SIZE", "1")],
            "two processes, concurrency 4, batch 1",
        ),
    ];
    for (processes, env, label) in settings {
        let seconds = median(async || drain(jobs, processes, env).await).await?;
        row("drain", label, jobs, seconds);
    }
    let seconds = median(async || submit(jobs).await).await?;
    row(
        "submit: POST /jobs, 16 in flight",
        "defaults",
        jobs,
        seconds,
    );
    Ok(())
}

/// The median duration of `RUNS` runs of `case`, in seconds.
pub(crate) async fn median(case: impl AsyncFn() -> Result<Duration>) -> Result<f64> {
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        runs.push(case().await?.as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    Ok(runs[RUNS / 2])
}

pub(crate) fn row(case: &str, settings: &str, jobs: usize, seconds: f64) {
    let rate = jobs as f64 / seconds;
    println!("| {case} | {settings} | {jobs} | {seconds:.3} | {rate:.0} |");
}

/// A running `jobs` process, killed when dropped.
pub(crate) struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(url: &str, env: &[(&str, &str)]) -> Result<Process> {
    let bin = std::env::var("JOBS_BIN").unwrap_or_else(|_| "target/release/jobs".to_owned());
    let mut child = Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--database-url", url])
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or("no address line")?
        .to_owned();
    Ok(Process { child, base })
}

async fn count(db: &mut SqliteConnection, sql: &'static str) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(db).await?)
}

/// Waits until `sql` (a cheap, indexed `EXISTS`) answers `want`, within the watchdog.
async fn wait_for(db: &mut SqliteConnection, sql: &'static str, want: bool) -> Result<Instant> {
    let deadline = Instant::now() + WATCHDOG;
    while sqlx::query_scalar::<_, bool>(sql)
        .fetch_one(&mut *db)
        .await?
        != want
    {
        if Instant::now() > deadline {
            return Err(format!("watchdog: {sql} != {want}").into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(Instant::now())
}

async fn drain(jobs: usize, processes: usize, env: &[(&str, &str)]) -> Result<Duration> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let running: Vec<Process> = (0..processes)
        .map(|_| start(&url, env))
        .collect::<Result<_>>()?;
    let mut db = SqliteConnection::connect(&url).await?;
    let mut tx = db.begin().await?;
    for n in 0..jobs {
        sqlx::query(INSERT)
            .bind("sha256")
            .bind(serde_json::Value::String(format!("job {n}")).to_string())
            .bind(3_i64)
            .bind(now_millis())
            .fetch_one(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let started = wait_for(&mut db, "SELECT EXISTS (SELECT 1 FROM executions)", true).await?;
    // Polling a count would scan the table every 2 ms, on the same two cores.
    let unfinished = "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'pending')
         OR EXISTS (SELECT 1 FROM jobs WHERE status = 'running')";
    let done = wait_for(&mut db, unfinished, false).await?;
    let succeeded = count(
        &mut db,
        "SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'",
    )
    .await?;
    if succeeded != i64::try_from(jobs)? {
        return Err(format!("{succeeded} of {jobs} jobs succeeded").into());
    }
    let completions = count(
        &mut db,
        "SELECT COUNT(*) FROM executions WHERE outcome = 'succeeded'",
    )
    .await?;
    if completions != i64::try_from(jobs)? {
        return Err(format!("{completions} completions recorded for {jobs} jobs").into());
    }
    drop(running);
    Ok(done.duration_since(started))
}

async fn submit(jobs: usize) -> Result<Duration> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let process = start(&url, &[])?;
    let client = reqwest::Client::new();
    let endpoint = format!("{}/jobs", process.base);
    let started = Instant::now();
    let statuses: Vec<u16> = futures::stream::iter(0..jobs)
        .map(|n| {
            let request = client
                .post(&endpoint)
                .header("content-type", "application/json")
                .body(format!(r#"{{"kind":"sha256","payload":"job {n}"}}"#));
            async move {
                request
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
            }
        })
        .buffer_unordered(16)
        .map(|status| status.unwrap_or(0))
        .collect()
        .await;
    let elapsed = started.elapsed();
    if let Some(status) = statuses.iter().find(|status| **status != 202) {
        return Err(format!("a submission answered {status}").into());
    }
    Ok(elapsed)
}

pub(crate) fn now_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The same statements as the `jobs` repository, in a hand-written loop on one connection:
/// no HTTP, no channels, no scopes, no write lock.
mod floors {
    use super::*;

    async fn database() -> Result<(tempfile::TempDir, SqliteConnection)> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
        // The schema, migrated as the application does it.
        let store = jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY).await?;
        store.dispose().await;
        let mut connection = SqliteConnection::connect(&url).await?;
        connection.execute("PRAGMA synchronous = NORMAL").await?;
        Ok((dir, connection))
    }

    /// `INSERT` one job per autocommit statement.
    pub(super) async fn insert(jobs: usize) -> Result<Duration> {
        let (_dir, mut db) = database().await?;
        let started = Instant::now();
        for n in 0..jobs {
            sqlx::query(INSERT)
                .bind("sha256")
                .bind(format!("\"job {n}\""))
                .bind(3_i64)
                .bind(now_millis())
                .fetch_one(&mut db)
                .await?;
        }
        Ok(started.elapsed())
    }

    /// Claims `batch` (as the worker does), hashes them, completes them (one transaction),
    /// until the queue is empty.
    pub(super) async fn drain(jobs: usize, batch: i64) -> Result<Duration> {
        let (_dir, mut db) = database().await?;
        let mut tx = db.begin().await?;
        for n in 0..jobs {
            sqlx::query(INSERT)
                .bind("sha256")
                .bind(format!("\"job {n}\""))
                .bind(3_i64)
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let started = Instant::now();
        let mut done = 0;
        loop {
            let claimed = claim(&mut db, batch).await?;
            if claimed.is_empty() {
                break;
            }
            done += claimed.len();
            complete(&mut db, &claimed).await?;
        }
        let elapsed = started.elapsed();
        if done != jobs {
            return Err(format!("the floor drained {done} of {jobs}").into());
        }
        Ok(elapsed)
    }

    type Claimed = (i64, i64, i64, String);

    /// The claim's statements on its common path (no expired lease): the due check (a read),
    /// then one transaction with the claiming `UPDATE … RETURNING` and the executions'
    /// `INSERT … SELECT`.
    async fn claim(db: &mut SqliteConnection, batch: i64) -> Result<Vec<Claimed>> {
        let now = now_millis();
        let (_pending, _expired): (bool, bool) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'pending' AND run_at <= ?1)
                     AS pending,
                 EXISTS (SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires_at <= ?1)
                     AS expired",
        )
        .bind(now)
        .fetch_one(&mut *db)
        .await?;
        let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "UPDATE jobs SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,
                 lease_token = random(), attempts = attempts + 1, updated_at = ?3
             WHERE id IN (
                 SELECT id FROM (
                     SELECT id, run_at FROM (
                         SELECT id, run_at FROM jobs WHERE status = 'pending' AND run_at <= ?3
                         ORDER BY run_at, id LIMIT ?4)
                     UNION ALL
                     SELECT id, run_at FROM (
                         SELECT id, run_at FROM jobs
                         WHERE status = 'running' AND lease_expires_at <= ?3
                         ORDER BY lease_expires_at LIMIT ?4))
                 ORDER BY run_at, id LIMIT ?4)
             RETURNING id, lease_token, payload",
        )
        .bind("floor")
        .bind(now + 30_000)
        .bind(now)
        .bind(batch)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let ids: Vec<String> = rows.iter().map(|(id, _, _)| id.to_string()).collect();
        let executions: Vec<(i64, i64)> = sqlx::query_as(
            "INSERT INTO executions (job_id, attempt, owner, token, started_at)
             SELECT id, attempts, lease_owner, lease_token, ?2 FROM jobs
             WHERE id IN (SELECT value FROM json_each(?1))
             RETURNING id, job_id",
        )
        .bind(format!("[{}]", ids.join(",")))
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(id, token, payload)| {
                let execution = executions
                    .iter()
                    .find(|(_, job)| *job == id)
                    .map_or(0, |(execution, _)| *execution);
                (id, token, execution, payload)
            })
            .collect())
    }

    async fn complete(db: &mut SqliteConnection, claimed: &[Claimed]) -> Result<()> {
        use sha2::Digest;
        let now = now_millis();
        let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
        for (id, token, execution, payload) in claimed {
            let digest = sha2::Sha256::digest(payload.as_bytes());
            let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
            sqlx::query(
                "UPDATE jobs SET status = 'succeeded', result = ?3, lease_owner = NULL,
                     lease_expires_at = NULL, lease_token = NULL, updated_at = ?4
                 WHERE id = ?1 AND status = 'running' AND lease_token = ?2",
            )
            .bind(id)
            .bind(token)
            .bind(serde_json::json!({ "sha256": hex }).to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE executions SET outcome = ?2, error = ?3, ended_at = ?4 WHERE id = ?1",
            )
            .bind(execution)
            .bind("succeeded")
            .bind(None::<String>)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
