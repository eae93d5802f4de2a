//! The soak run (not in CI: `#[ignore]`): four `jobs` processes on one PostgreSQL database drain
//! 20,000 jobs of mixed kinds (a third of them sleeps of 0–300 ms) while one process is killed with `kill -9` every 2 s and
//! started again, and the server is restarted once mid-run. Expected: 0 lost, 0 failed, 0
//! completed twice; the time to drain is printed.
//!
//! ```sh
//! cargo build --release -p jobs
//! JOBS_BIN=target/release/jobs cargo test -p jobs --test soak_postgres -- --ignored --nocapture
//! ```

mod common;
mod postgres;

use std::time::Duration;

use common::Workspace;
use postgres::TempPostgres;
use sqlx::PgPool;
use tokio::time::Instant;

const JOBS: i64 = 20_000;
const PROCESSES: usize = 4;
const KILL_EVERY: Duration = Duration::from_secs(2);
const DEADLINE: Duration = Duration::from_secs(600);
const ENV: &[(&str, &str)] = &[
    ("JOBS_LEASE_MS", "2000"),
    ("JOBS_RENEW_MS", "500"),
    ("JOBS_CONCURRENCY", "32"),
    ("RUST_LOG", "warn"),
];

async fn scalar(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak run of a minute or more; run it by hand (see the module docs)"]
async fn four_processes_killed_in_turn_and_a_server_restart_lose_nothing_and_complete_each_job_once()
 {
    let cluster = tokio::task::spawn_blocking(TempPostgres::start)
        .await
        .expect("a cluster");
    let url = cluster.create_database("soak");
    let mut workspace = Workspace::with_database(url.clone());
    let mut processes = Vec::new();
    for _ in 0..PROCESSES {
        processes.push(workspace.start(ENV).await);
    }
    let pool = PgPool::connect(&url).await.expect("the database opens");
    // Mixed kinds: hashes, word counts and short sleeps; 5 attempts, so that a job whose
    // worker was killed under it a few times in a row still completes.
    sqlx::query(
        "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
         SELECT CASE n % 3 WHEN 0 THEN 'sha256' WHEN 1 THEN 'word_count' ELSE 'sleep' END,
                CASE n % 3 WHEN 2 THEN '{\"ms\": ' || (n % 300) || '}' ELSE '\"job ' || n || ' text\"' END,
                5, $1, $1, $1
         FROM generate_series(1, $2) n",
    )
    .bind(i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("a clock").as_millis()).expect("ms"))
    .bind(JOBS)
    .execute(&pool)
    .await
    .expect("the jobs are stored");
    let started = Instant::now();

    let (mut kills, mut restarted, mut next_kill) = (0_usize, false, started + KILL_EVERY);
    loop {
        let done = scalar(
            &pool,
            "SELECT COUNT(*) FROM jobs WHERE status IN ('succeeded', 'failed')",
        )
        .await;
        if done == JOBS {
            break;
        }
        assert!(started.elapsed() < DEADLINE, "{done} of {JOBS} finished");
        if Instant::now() >= next_kill {
            let victim = kills % PROCESSES;
            processes[victim].kill();
            processes[victim] = workspace.start(ENV).await;
            kills += 1;
            next_kill = Instant::now() + KILL_EVERY;
            if kills == 1 && !restarted {
                tokio::task::block_in_place(|| cluster.restart());
                restarted = true;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = started.elapsed();

    let succeeded = scalar(
        &pool,
        "SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'",
    )
    .await;
    let failed = scalar(&pool, "SELECT COUNT(*) FROM jobs WHERE status = 'failed'").await;
    let twice = scalar(
        &pool,
        "SELECT COUNT(*) FROM (SELECT job_id FROM executions WHERE outcome = 'succeeded'
             GROUP BY job_id HAVING COUNT(*) > 1) AS twice",
    )
    .await;
    let lost_leases = scalar(
        &pool,
        "SELECT COUNT(*) FROM executions WHERE outcome = 'lost_lease'",
    )
    .await;
    let reruns = scalar(&pool, "SELECT COUNT(*) FROM jobs WHERE attempts > 1").await;
    println!(
        "soak: {JOBS} jobs, {PROCESSES} processes, {kills} kill -9, server restarted: {restarted}; \
         drained in {:.1} s; lost {}, failed {failed}, completed twice {twice}; \
         executions fenced out (lost_lease) {lost_leases}, jobs run more than once {reruns}",
        drained.as_secs_f64(),
        JOBS - succeeded - failed,
    );
    assert!(restarted, "the server restart happened mid-run");
    assert_eq!((succeeded, failed, twice), (JOBS, 0, 0));
}
