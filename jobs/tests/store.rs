//! The behaviour suite of the queue's storage, written once against `JobStore` and run on both
//! backends (`sqlite::…` and `postgres::…`): claims are exclusive, expired leases are rescued,
//! only the current execution can finish a job, completions are batched, idle workers are
//! woken, and a running host drains on stop.

mod backend;
mod postgres;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use backend::{Backend, for_each_backend, job};
use jobs::{Completion, ExecutionOutcome, Finish, JobStatus, JobStore};
use serde_json::json;

const LEASE: Duration = Duration::from_secs(60);
const WATCHDOG: Duration = Duration::from_secs(60);

for_each_backend!(
    a_live_lease_is_not_claimed_twice,
    concurrent_claimers_never_claim_the_same_job,
    an_expired_lease_is_rescued_and_the_old_holder_cannot_finish,
    a_lease_expired_on_the_last_attempt_fails_the_job,
    a_renewed_lease_is_not_rescued,
    a_worker_that_reclaims_its_own_expired_job_cannot_finish_the_older_execution,
    every_execution_is_in_the_history_and_a_taken_over_one_is_marked_lost,
    a_batch_of_completions_is_recorded_at_once_and_stale_ones_are_fenced_out,
    a_failure_before_the_last_attempt_is_retried_later,
    a_released_job_is_due_again_without_using_an_attempt,
    stats_count_every_status_per_kind_with_the_oldest_pending_age,
    lists_page_newest_first_and_filter_by_status,
    an_insert_wakes_a_waiting_worker,
    a_running_host_completes_every_job_exactly_once,
    a_stopping_host_releases_its_running_jobs_and_loses_nothing,
);

async fn finish_one(store: &dyn JobStore, job: &jobs::ClaimedJob, finish: Finish) -> bool {
    store
        .finish(&[Completion::new(job, finish)])
        .await
        .expect("recorded")
        == vec![true]
}

async fn a_live_lease_is_not_claimed_twice(backend: Backend) {
    backend.submit(0).await;

    let first = backend.store.claim("a", LEASE, 10).await.expect("claim");
    let second = backend.store.claim("b", LEASE, 10).await.expect("claim");

    assert_eq!((first.len(), second.len()), (1, 0));
}

async fn concurrent_claimers_never_claim_the_same_job(backend: Backend) {
    const JOBS: usize = 300;
    const CLAIMERS: usize = 6;
    for n in 0..JOBS {
        backend.submit(n).await;
    }
    // Separate stores stand for separate processes, each with its own pool.
    let mut stores = Vec::new();
    for _ in 0..CLAIMERS {
        stores.push(backend.another_store().await);
    }

    let claims = tokio::time::timeout(WATCHDOG, async {
        let tasks: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(claimer, store)| {
                tokio::spawn(async move {
                    let owner = format!("claimer-{claimer}");
                    let mut ids = Vec::new();
                    for _ in 0..JOBS {
                        let batch = store.claim(&owner, LEASE, 7).await.expect("claim");
                        if batch.is_empty() {
                            break;
                        }
                        ids.extend(batch.iter().map(|job| job.id));
                    }
                    ids
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.push(task.await.expect("the claimer"));
        }
        all
    })
    .await
    .expect("the claimers finish within the watchdog");

    let flat: Vec<i64> = claims.iter().flatten().copied().collect();
    let unique: HashSet<i64> = flat.iter().copied().collect();
    assert_eq!(flat.len(), JOBS, "every job claimed once");
    assert_eq!(unique.len(), JOBS, "no job claimed twice");
}

async fn an_expired_lease_is_rescued_and_the_old_holder_cannot_finish(backend: Backend) {
    let store = &backend.store;
    let id = backend.submit(0).await;

    let first = store
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    let rescued = store.rescue().await.expect("rescue");
    let second = store.claim("b", LEASE, 1).await.expect("claim").remove(0);
    let stale = finish_one(store.as_ref(), &first, Finish::Succeeded(json!("from a"))).await;
    let current = finish_one(store.as_ref(), &second, Finish::Succeeded(json!("from b"))).await;

    assert_eq!(rescued, 1);
    assert_eq!((first.id, second.id), (id, id));
    assert_eq!((first.attempt, second.attempt), (1, 2));
    assert!(!stale, "the orphaned execution's completion is fenced out");
    assert!(current);
    let job = store.find(id).await.expect("query").expect("stored");
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(job.result, Some(json!("from b")));
}

async fn a_lease_expired_on_the_last_attempt_fails_the_job(backend: Backend) {
    let store = &backend.store;
    let id = store
        .insert(&job(json!({"kind": "fail", "max_attempts": 1})))
        .await
        .expect("stored");

    store.claim("a", Duration::ZERO, 1).await.expect("claim");
    store.rescue().await.expect("rescue");
    let reclaimed = store.claim("b", LEASE, 1).await.expect("claim");

    assert!(reclaimed.is_empty());
    let job = store.find(id).await.expect("query").expect("stored");
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.last_error.is_some());
    let history = store.executions(id).await.expect("query");
    assert_eq!(history[0].outcome, ExecutionOutcome::LostLease);
}

async fn a_renewed_lease_is_not_rescued(backend: Backend) {
    let store = &backend.store;
    backend.submit(0).await;
    store.claim("a", Duration::ZERO, 1).await.expect("claim");

    let renewed = store.renew("a", LEASE).await.expect("renew");
    let others = store.renew("b", LEASE).await.expect("renew");
    let rescued = store.rescue().await.expect("rescue");

    assert_eq!((renewed, others, rescued), (1, 0, 0));
}

async fn a_worker_that_reclaims_its_own_expired_job_cannot_finish_the_older_execution(
    backend: Backend,
) {
    let store = &backend.store;
    let id = backend.submit(0).await;

    let older = store
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    store.rescue().await.expect("rescue");
    let newer = store.claim("a", LEASE, 1).await.expect("claim").remove(0);
    let stale = finish_one(store.as_ref(), &older, Finish::Succeeded(json!("older"))).await;
    let current = finish_one(store.as_ref(), &newer, Finish::Succeeded(json!("newer"))).await;

    assert_ne!(older.token, newer.token);
    assert!(!stale, "the same owner's older execution is fenced out");
    assert!(current);
    let job = store.find(id).await.expect("query").expect("stored");
    assert_eq!(job.result, Some(json!("newer")));
}

async fn every_execution_is_in_the_history_and_a_taken_over_one_is_marked_lost(backend: Backend) {
    let store = &backend.store;
    let id = backend.submit(0).await;

    let first = store
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    store.rescue().await.expect("rescue");
    let second = store.claim("b", LEASE, 1).await.expect("claim").remove(0);
    assert!(finish_one(store.as_ref(), &second, Finish::Succeeded(json!("b"))).await);
    assert!(!finish_one(store.as_ref(), &first, Finish::Succeeded(json!("a"))).await);
    let history = store.executions(id).await.expect("query");

    let summary: Vec<(u32, &str, ExecutionOutcome, bool)> = history
        .iter()
        .map(|e| (e.attempt, e.owner.as_str(), e.outcome, e.ended_at.is_some()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "a", ExecutionOutcome::LostLease, true),
            (2, "b", ExecutionOutcome::Succeeded, true),
        ]
    );
    assert_ne!(history[0].token, history[1].token);
}

async fn a_batch_of_completions_is_recorded_at_once_and_stale_ones_are_fenced_out(
    backend: Backend,
) {
    let store = &backend.store;
    for n in 0..3 {
        backend.submit(n).await;
    }
    let claimed = store.claim("a", LEASE, 3).await.expect("claim");
    let mut stale = claimed[2].clone();
    stale.token = stale.token.wrapping_add(1_000_000);

    let accepted = store
        .finish(&[
            Completion::new(&claimed[0], Finish::Succeeded(json!(0))),
            Completion::new(
                &claimed[1],
                Finish::Failed {
                    error: "boom".into(),
                    retry_at: None,
                },
            ),
            Completion::new(&stale, Finish::Succeeded(json!(2))),
        ])
        .await
        .expect("query");

    assert_eq!(accepted, vec![true, true, false]);
    let mut statuses = Vec::new();
    for job in &claimed {
        statuses.push(
            store
                .find(job.id)
                .await
                .expect("query")
                .expect("stored")
                .status,
        );
    }
    assert_eq!(
        statuses,
        vec![JobStatus::Succeeded, JobStatus::Failed, JobStatus::Running]
    );
    let failed = store.executions(claimed[1].id).await.expect("query");
    assert_eq!(failed[0].error.as_deref(), Some("boom"));
}

async fn a_failure_before_the_last_attempt_is_retried_later(backend: Backend) {
    let store = &backend.store;
    let id = backend.submit(0).await;
    let job = store.claim("a", LEASE, 1).await.expect("claim").remove(0);
    let later = i64::MAX / 2;

    let failed = Finish::Failed {
        error: "boom".into(),
        retry_at: Some(later),
    };
    assert!(finish_one(store.as_ref(), &job, failed).await);
    let not_due = store.claim("a", LEASE, 1).await.expect("claim");

    assert!(not_due.is_empty());
    let stored = store.find(id).await.expect("query").expect("stored");
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.last_error.as_deref(), Some("boom"));
}

async fn a_released_job_is_due_again_without_using_an_attempt(backend: Backend) {
    let store = &backend.store;
    let id = backend.submit(0).await;
    let job = store.claim("a", LEASE, 1).await.expect("claim").remove(0);

    assert!(finish_one(store.as_ref(), &job, Finish::Released).await);
    let again = store.claim("b", LEASE, 1).await.expect("claim");

    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempt), (id, 1));
    let history = store.executions(id).await.expect("query");
    assert_eq!(history[0].outcome, ExecutionOutcome::Released);
}

async fn stats_count_every_status_per_kind_with_the_oldest_pending_age(backend: Backend) {
    let store = &backend.store;
    backend.submit(0).await;
    backend.submit(1).await;
    store
        .insert(&job(json!({"kind": "sleep", "payload": {"ms": 1}})))
        .await
        .expect("stored");
    let claimed = store.claim("a", LEASE, 1).await.expect("claim").remove(0);
    assert!(finish_one(store.as_ref(), &claimed, Finish::Succeeded(json!(1))).await);

    let stats = store.stats().await.expect("stats");

    let all: Vec<i64> = ["pending", "running", "succeeded", "failed"]
        .iter()
        .map(|status| stats.all.by_status[status])
        .collect();
    assert_eq!(all, vec![2, 0, 1, 0]);
    assert_eq!(stats.by_kind["sha256"].by_status["succeeded"], 1);
    assert_eq!(stats.by_kind["sha256"].by_status["pending"], 1);
    assert_eq!(stats.by_kind["sleep"].by_status["pending"], 1);
    assert!(stats.all.oldest_pending_age_ms.is_some_and(|age| age >= 0));
}

async fn lists_page_newest_first_and_filter_by_status(backend: Backend) {
    let store = &backend.store;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(backend.submit(n).await);
    }
    let claimed = store.claim("a", LEASE, 1).await.expect("claim").remove(0);

    let page: Vec<i64> = store
        .list(None, 2, None)
        .await
        .expect("list")
        .iter()
        .map(|j| j.id)
        .collect();
    let next: Vec<i64> = store
        .list(None, 2, Some(page[1]))
        .await
        .expect("list")
        .iter()
        .map(|j| j.id)
        .collect();
    let running = store
        .list(Some(JobStatus::Running), 10, None)
        .await
        .expect("list");

    assert_eq!(page, vec![ids[4], ids[3]]);
    assert_eq!(next, vec![ids[2], ids[1]]);
    assert_eq!(
        running.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![claimed.id]
    );
}

async fn an_insert_wakes_a_waiting_worker(backend: Backend) {
    let store = Arc::clone(&backend.store);
    // Consume a wake-up left over from opening (the listener's first connection).
    store.wait_for_jobs(Duration::from_millis(200)).await;
    let waiter = tokio::spawn(async move {
        // Far longer than the watchdog below: only a wake-up ends the wait in time.
        store.wait_for_jobs(Duration::from_secs(600)).await;
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    backend.submit(0).await;

    tokio::time::timeout(WATCHDOG, waiter)
        .await
        .expect("the insert woke the waiting worker")
        .expect("the waiter");
}

/// The command line of a host on the backend's database with fast polling.
fn host_config(backend: &Backend) -> jobs::CommandLine {
    use clap::Parser as _;
    jobs::CommandLine::parse_from([
        "jobs",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &backend.url,
        "--set",
        "worker.poll_ms=20",
    ])
}

async fn wait_until(store: &dyn JobStore, status: &str, count: i64) {
    let deadline = tokio::time::Instant::now() + WATCHDOG;
    loop {
        let stats = store.stats().await.expect("stats");
        if stats.all.by_status[status] == count {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {count} {status}: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_running_host_completes_every_job_exactly_once(backend: Backend) {
    const JOBS: usize = 200;
    let running = jobs::host_builder(host_config(&backend))
        .configure_options(|options| options.handle_signals = false)
        .start()
        .await
        .expect("the host starts");
    let mut ids = Vec::new();
    for n in 0..JOBS {
        ids.push(backend.submit(n).await);
    }

    wait_until(backend.store.as_ref(), "succeeded", JOBS as i64).await;
    running.stop().await.expect("a clean stop");

    for id in ids {
        let history = backend.store.executions(id).await.expect("query");
        let outcomes: Vec<ExecutionOutcome> = history.iter().map(|e| e.outcome).collect();
        assert_eq!(outcomes, vec![ExecutionOutcome::Succeeded], "job {id}");
    }
}

async fn a_stopping_host_releases_its_running_jobs_and_loses_nothing(backend: Backend) {
    let running = jobs::host_builder(host_config(&backend))
        .configure_options(|options| options.handle_signals = false)
        .start()
        .await
        .expect("the host starts");
    let id = backend
        .store
        .insert(&job(json!({"kind": "sleep", "payload": {"ms": 600_000}})))
        .await
        .expect("stored");
    wait_until(backend.store.as_ref(), "running", 1).await;

    running.stop().await.expect("a clean stop");

    let job = backend
        .store
        .find(id)
        .await
        .expect("query")
        .expect("stored");
    assert_eq!((job.status, job.attempts), (JobStatus::Pending, 0));
    let history = backend.store.executions(id).await.expect("query");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].outcome, ExecutionOutcome::Released);
}
