//! The PostgreSQL cases: drain rates with one and two `jobs` processes, the floors (the store's
//! own claim and batched-completion statements in a hand-written loop, one task, no HTTP, no
//! worker), and the insert-to-start latency of an idle worker with LISTEN/NOTIFY and without
//! (the `jobs_inserted` trigger dropped: the worker finds the job at its next poll).
//!
//! One throw-away cluster (the tests' harness: `fsync=off`, commits synchronous to the server)
//! serves every case, each on a fresh database.

use std::time::{Duration, Instant};

use sqlx::postgres::PgPool;

use crate::cluster::TempPostgres;
use crate::{Env, POLL, Result, WATCHDOG, median, now_millis, row, start};

/// The drain cases: processes, environment, label.
const DRAINS: [(usize, Env, &str); 6] = [
    (1, &[], "postgres: defaults (concurrency 32, batch 16)"),
    (
        1,
        &[("JOBS_CONCURRENCY", "128"), ("JOBS_BATCH_SIZE", "64")],
        "postgres: concurrency 128, batch 64",
    ),
    (2, &[], "postgres: two processes, defaults"),
    (
        2,
        &[("JOBS_CONCURRENCY", "128"), ("JOBS_BATCH_SIZE", "64")],
        "postgres: two processes, concurrency 128, batch 64",
    ),
    (
        2,
        &[("JOBS_CONCURRENCY", "4"), ("JOBS_BATCH_SIZE", "1")],
        "postgres: two processes, concurrency 4, batch 1",
    ),
    (
        4,
        &[("JOBS_CONCURRENCY", "64"), ("JOBS_BATCH_SIZE", "32")],
        "postgres: four processes, concurrency 64, batch 32",
    ),
];

pub(crate) async fn main(jobs: usize) -> Result<()> {
    let cluster = tokio::task::spawn_blocking(TempPostgres::start).await?;
    println!(
        "| case | settings | jobs | median s ({} runs) | jobs/s |",
        crate::RUNS
    );
    println!("|---|---|---:|---:|---:|");
    for batch in [16, 64, 1] {
        let seconds = median(async || floor_drain(&cluster, jobs, batch).await).await?;
        row(
            "floor (postgres): store.claim + store.finish, one task",
            &format!("batch {batch}"),
            jobs,
            seconds,
        );
    }
    let seconds = median(async || floor_insert(&cluster, jobs).await).await?;
    row(
        "floor (postgres): store.insert, one task",
        "",
        jobs,
        seconds,
    );
    for (processes, env, label) in DRAINS {
        let seconds = median(async || drain(&cluster, jobs, processes, env).await).await?;
        row("drain", label, jobs, seconds);
    }
    println!();
    println!("| insert-to-start, idle worker | samples | median ms | p90 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for notify in [true, false] {
        let mut waits = latency(&cluster, notify, 40).await?;
        waits.sort_unstable();
        let label = if notify {
            "postgres, LISTEN/NOTIFY"
        } else {
            "postgres, trigger dropped: polling (JOBS_POLL_MS 250)"
        };
        println!(
            "| {label} | {} | {} | {} | {} |",
            waits.len(),
            waits[waits.len() / 2],
            waits[waits.len() * 9 / 10],
            waits[waits.len() - 1]
        );
    }
    Ok(())
}

/// A fresh, migrated database; its URL and a pool on it.
async fn database(cluster: &TempPostgres) -> Result<(String, PgPool)> {
    let url = tokio::task::block_in_place(|| {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        cluster.create_database(&format!("bench_{n}"))
    });
    let store = jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY).await?;
    store.dispose().await;
    Ok((url.clone(), PgPool::connect(&url).await?))
}

/// Inserts `jobs` short `sha256` jobs in one statement.
async fn fill(pool: &PgPool, jobs: usize) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
         SELECT 'sha256', '\"job ' || n || '\"', 3, $1, $1, $1 FROM generate_series(1, $2) n",
    )
    .bind(now_millis())
    .bind(i64::try_from(jobs)?)
    .execute(pool)
    .await?;
    Ok(())
}

async fn wait_for(pool: &PgPool, sql: &'static str, want: bool) -> Result<Instant> {
    let deadline = Instant::now() + WATCHDOG;
    while sqlx::query_scalar::<_, bool>(sql).fetch_one(pool).await? != want {
        if Instant::now() > deadline {
            return Err(format!("watchdog: {sql} != {want}").into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(Instant::now())
}

async fn count(pool: &PgPool, sql: &'static str) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

async fn drain(
    cluster: &TempPostgres,
    jobs: usize,
    processes: usize,
    env: &[(&str, &str)],
) -> Result<Duration> {
    let (url, pool) = database(cluster).await?;
    let running: Vec<_> = (0..processes)
        .map(|_| start(&url, env))
        .collect::<Result<_>>()?;
    fill(&pool, jobs).await?;
    let started = wait_for(&pool, "SELECT EXISTS (SELECT 1 FROM executions)", true).await?;
    let unfinished = "SELECT EXISTS (SELECT 1 FROM jobs WHERE status IN ('pending', 'running'))";
    let done = wait_for(&pool, unfinished, false).await?;
    let once = count(
        &pool,
        "SELECT COUNT(DISTINCT job_id) FROM executions WHERE outcome = 'succeeded'",
    )
    .await?;
    let completions = count(
        &pool,
        "SELECT COUNT(*) FROM executions WHERE outcome = 'succeeded'",
    )
    .await?;
    if once != i64::try_from(jobs)? || completions != once {
        return Err(format!("{completions} completions of {once} jobs, {jobs} submitted").into());
    }
    drop(running);
    pool.close().await;
    Ok(done.duration_since(started))
}

/// The store's own statements in a loop: claim `batch`, hash, finish them in one statement.
async fn floor_drain(cluster: &TempPostgres, jobs: usize, batch: u32) -> Result<Duration> {
    use sha2::Digest;
    let (url, pool) = database(cluster).await?;
    fill(&pool, jobs).await?;
    let store = jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY).await?;
    let lease = Duration::from_secs(30);
    let started = Instant::now();
    let mut done = 0;
    loop {
        let claimed = store.claim("floor", lease, batch).await?;
        if claimed.is_empty() {
            break;
        }
        done += claimed.len();
        let completions: Vec<jobs::Completion> = claimed
            .iter()
            .map(|job| {
                let text = job.payload.as_str().unwrap_or_default();
                let digest = sha2::Sha256::digest(text.as_bytes());
                let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
                let result = serde_json::json!({ "sha256": hex });
                jobs::Completion::new(job, jobs::Finish::Succeeded(result))
            })
            .collect();
        store.finish(&completions).await?;
    }
    let elapsed = started.elapsed();
    store.dispose().await;
    pool.close().await;
    if done != jobs {
        return Err(format!("the floor drained {done} of {jobs}").into());
    }
    Ok(elapsed)
}

async fn floor_insert(cluster: &TempPostgres, jobs: usize) -> Result<Duration> {
    let (url, pool) = database(cluster).await?;
    let store = jobs::connect_store(&url, jobs::DEFAULT_DB_BUSY).await?;
    let new = jobs::NewJob::from_json(&serde_json::json!({"kind": "sha256", "payload": "x"}), 3)?;
    let started = Instant::now();
    for _ in 0..jobs {
        store.insert(&new).await?;
    }
    let elapsed = started.elapsed();
    store.dispose().await;
    pool.close().await;
    Ok(elapsed)
}

/// `samples` jobs inserted one at a time (another connection, as another process would) into
/// an idle worker's queue; each one's wait from insert to start, in ms (`started_at -
/// created_at`, the same host's clock).
async fn latency(cluster: &TempPostgres, notify: bool, samples: usize) -> Result<Vec<i64>> {
    let (url, pool) = database(cluster).await?;
    if !notify {
        sqlx::query("DROP TRIGGER jobs_inserted ON jobs")
            .execute(&pool)
            .await?;
    }
    let _worker = start(&url, &[])?;
    let mut waits = Vec::with_capacity(samples);
    for n in 0..samples {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
             VALUES ('sha256', $1, 3, $2, $2, $2) RETURNING id",
        )
        .bind(format!("\"job {n}\""))
        .bind(now_millis())
        .fetch_one(&pool)
        .await?;
        let deadline = Instant::now() + WATCHDOG;
        let wait = loop {
            let wait: Option<i64> = sqlx::query_scalar(
                "SELECT e.started_at - j.created_at FROM executions e JOIN jobs j
                 ON j.id = e.job_id WHERE e.job_id = $1",
            )
            .bind(id)
            .fetch_optional(&pool)
            .await?;
            if let Some(wait) = wait {
                break wait;
            }
            if Instant::now() > deadline {
                return Err("watchdog: a job never started".into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        waits.push(wait);
        // Idle again, at a random phase of the poll interval.
        tokio::time::sleep(Duration::from_millis(97)).await;
    }
    pool.close().await;
    Ok(waits)
}
