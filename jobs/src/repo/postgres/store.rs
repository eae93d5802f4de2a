//! [`PostgresStore`] as a [`JobStore`].

use std::time::Duration;

use async_trait::async_trait;

use crate::execution::Execution;
use crate::job::{Job, JobStatus, NewJob};
use crate::repo::claimed::ClaimedJob;
use crate::repo::completion::Completion;
use crate::repo::error::StoreError;
use crate::repo::postgres::database::PostgresStore;
use crate::repo::store::{JobStore, QueueStats};

#[async_trait]
impl JobStore for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn insert(&self, job: &NewJob) -> Result<i64, StoreError> {
        self.explained(self.insert_job(job).await).await
    }

    async fn find(&self, id: i64) -> Result<Option<Job>, StoreError> {
        self.explained(self.find_job(id).await).await
    }

    async fn executions(&self, id: i64) -> Result<Vec<Execution>, StoreError> {
        self.explained(self.job_executions(id).await).await
    }

    async fn list(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<Job>, StoreError> {
        self.explained(self.list_jobs(status, limit, before).await)
            .await
    }

    async fn stats(&self) -> Result<QueueStats, StoreError> {
        self.explained(self.queue_stats().await).await
    }

    async fn check_ready(&self) -> Result<(), StoreError> {
        self.explained(self.check_writable().await).await
    }

    async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        self.explained(self.claim_jobs(owner, lease, limit).await)
            .await
    }

    async fn renew(&self, owner: &str, lease: Duration) -> Result<u64, StoreError> {
        self.explained(self.renew_leases(owner, lease).await).await
    }

    async fn rescue(&self) -> Result<u64, StoreError> {
        self.explained(self.rescue_expired().await).await
    }

    async fn finish(&self, completions: &[Completion]) -> Result<Vec<bool>, StoreError> {
        self.explained(self.finish_executions(completions).await)
            .await
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        // A permit stored by an insert since the last wait returns at once: no lost wake-up.
        let _ = tokio::time::timeout(timeout, self.wake.notified()).await;
    }
}
