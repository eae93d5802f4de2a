//! The repository's lease rules, in-process on a temporary database: claims are exclusive,
//! expired leases are taken over, and only the current lease holder can finish an attempt.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use jobs::{
    Completion, Database, ExecutionOutcome, Finish, JobRepository, JobStatus, NewJob, StoreError,
};
use serde_json::json;
use sqlx::Connection;

const LEASE: Duration = Duration::from_secs(60);

async fn repository() -> (tempfile::TempDir, Arc<JobRepository>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let db = Database::connect(&url).await.expect("the database opens");
    (dir, Arc::new(JobRepository::new(Arc::new(db))))
}

async fn submit(repo: &JobRepository, n: usize) -> i64 {
    let job = NewJob::from_json(&json!({"kind": "sha256", "payload": n.to_string()}), 3)
        .expect("a valid job");
    repo.insert(&job).await.expect("stored")
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_the_old_holder_cannot_finish() {
    let (_dir, repo) = repository().await;
    let id = submit(&repo, 0).await;

    let first = repo
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    let second = repo.claim("b", LEASE, 1).await.expect("claim").remove(0);
    let stale = repo
        .complete(&first, &json!("from a"))
        .await
        .expect("query");
    let current = repo
        .complete(&second, &json!("from b"))
        .await
        .expect("query");

    assert_eq!((first.id, second.id), (id, id));
    assert_eq!((first.attempt, second.attempt), (1, 2));
    assert!(!stale);
    assert!(current);
    let job = repo.find(id).await.expect("query").expect("stored");
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(job.result, Some(json!("from b")));
}

#[tokio::test]
async fn a_live_lease_is_not_claimed_twice() {
    let (_dir, repo) = repository().await;
    submit(&repo, 0).await;

    let first = repo.claim("a", LEASE, 10).await.expect("claim");
    let second = repo.claim("b", LEASE, 10).await.expect("claim");

    assert_eq!((first.len(), second.len()), (1, 0));
}

#[tokio::test]
async fn a_lease_expired_on_the_last_attempt_fails_the_job() {
    let (_dir, repo) = repository().await;
    let job = NewJob::from_json(&json!({"kind": "fail", "max_attempts": 1}), 3).expect("valid");
    let id = repo.insert(&job).await.expect("stored");

    repo.claim("a", Duration::ZERO, 1).await.expect("claim");
    let reclaimed = repo.claim("b", LEASE, 1).await.expect("claim");

    assert!(reclaimed.is_empty());
    let job = repo.find(id).await.expect("query").expect("stored");
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.last_error.is_some());
}

#[tokio::test]
async fn a_failure_before_the_last_attempt_is_retried_later() {
    let (_dir, repo) = repository().await;
    let id = submit(&repo, 0).await;
    let job = repo.claim("a", LEASE, 1).await.expect("claim").remove(0);
    let later = i64::MAX / 2;

    assert!(repo.fail(&job, "boom", Some(later)).await.expect("query"));
    let not_due = repo.claim("a", LEASE, 1).await.expect("claim");

    assert!(not_due.is_empty());
    let stored = repo.find(id).await.expect("query").expect("stored");
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.last_error.as_deref(), Some("boom"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_share_a_job() {
    const JOBS: usize = 300;
    const CLAIMERS: usize = 6;
    let (_dir, repo) = repository().await;
    for n in 0..JOBS {
        submit(&repo, n).await;
    }

    let claims = tokio::time::timeout(Duration::from_secs(60), async {
        let tasks: Vec<_> = (0..CLAIMERS)
            .map(|claimer| {
                let repo = Arc::clone(&repo);
                tokio::spawn(async move {
                    let owner = format!("claimer-{claimer}");
                    let mut ids = Vec::new();
                    loop {
                        let batch = repo.claim(&owner, LEASE, 7).await.expect("claim");
                        if batch.is_empty() {
                            return ids;
                        }
                        ids.extend(batch.iter().map(|job| job.id));
                    }
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("the claimer"));
        }
        all
    })
    .await
    .expect("the claimers finish within the watchdog");

    let unique: HashSet<i64> = claims.iter().copied().collect();
    assert_eq!(claims.len(), JOBS);
    assert_eq!(unique.len(), JOBS);
}

#[tokio::test]
async fn a_worker_that_reclaims_its_own_expired_job_cannot_finish_the_older_execution() {
    let (_dir, repo) = repository().await;
    let id = submit(&repo, 0).await;

    let older = repo
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    let newer = repo.claim("a", LEASE, 1).await.expect("claim").remove(0);
    let stale = repo.complete(&older, &json!("older")).await.expect("query");
    let current = repo.complete(&newer, &json!("newer")).await.expect("query");

    assert_ne!(older.token, newer.token);
    assert!(!stale, "the same owner's older execution is fenced out");
    assert!(current);
    let job = repo.find(id).await.expect("query").expect("stored");
    assert_eq!(job.result, Some(json!("newer")));
}

#[tokio::test]
async fn every_execution_is_in_the_history_and_a_taken_over_one_is_marked_lost() {
    let (_dir, repo) = repository().await;
    let id = submit(&repo, 0).await;

    let first = repo
        .claim("a", Duration::ZERO, 1)
        .await
        .expect("claim")
        .remove(0);
    let second = repo.claim("b", LEASE, 1).await.expect("claim").remove(0);
    assert!(repo.complete(&second, &json!("b")).await.expect("query"));
    assert!(!repo.complete(&first, &json!("a")).await.expect("query"));
    let history = repo.executions(id).await.expect("query");

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

#[tokio::test]
async fn a_batch_of_completions_is_recorded_at_once_and_stale_ones_are_fenced_out() {
    let (_dir, repo) = repository().await;
    for n in 0..3 {
        submit(&repo, n).await;
    }
    let claimed = repo.claim("a", LEASE, 3).await.expect("claim");
    let mut stale = claimed[2].clone();
    stale.token = stale.token.wrapping_add(1);

    let accepted = repo
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
    let statuses: Vec<JobStatus> =
        futures::future::join_all(claimed.iter().map(|job| repo.find(job.id)))
            .await
            .into_iter()
            .map(|job| job.expect("query").expect("stored").status)
            .collect();
    assert_eq!(
        statuses,
        vec![JobStatus::Succeeded, JobStatus::Failed, JobStatus::Running]
    );
}

#[tokio::test]
async fn writes_fail_busy_after_the_configured_wait_while_another_connection_holds_the_lock() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let db = Database::connect_with(&url, Duration::from_millis(200))
        .await
        .expect("the database opens");
    let repo = JobRepository::new(Arc::new(db));
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the write lock");
    let job = NewJob::from_json(&json!({"kind": "sha256", "payload": "x"}), 3).expect("valid");

    let while_locked = tokio::time::timeout(Duration::from_secs(30), repo.insert(&job))
        .await
        .expect("the wait is bounded");
    let probe = repo.check_writable().await;
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("released");
    let after = repo.insert(&job).await;

    assert!(
        matches!(while_locked, Err(StoreError::Busy)),
        "{while_locked:?}"
    );
    assert!(matches!(probe, Err(StoreError::Busy)), "{probe:?}");
    assert!(after.is_ok(), "{after:?}");
    assert_eq!(repo.stats().await.expect("query").get("pending"), Some(&1));
}
