//! [`WorkerSlots`]: how many jobs this process may run at once, and how many it runs.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The worker's job slots (a singleton): a long job occupies one slot, never the worker.
/// `/stats` shows them as `{"slots": …, "busy": …, "free": …}`.
///
/// # Examples
///
/// ```
/// let slots = jobs::WorkerSlots::new(4);
/// assert_eq!((slots.total(), slots.busy(), slots.free()), (4, 0, 4));
/// ```
#[derive(Debug)]
pub struct WorkerSlots {
    semaphore: Arc<Semaphore>,
    total: u32,
}

impl WorkerSlots {
    /// `total` slots, all free.
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn new(total: u32) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(total as usize)),
            total,
        }
    }

    /// How many jobs this process may run at once (`JOBS_CONCURRENCY`).
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn total(&self) -> u32 {
        self.total
    }

    /// How many slots are free now.
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn free(&self) -> u32 {
        u32::try_from(self.semaphore.available_permits()).unwrap_or(self.total)
    }

    /// How many jobs run now (a job holds its slot until its outcome is handed to the writer).
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn busy(&self) -> u32 {
        self.total.saturating_sub(self.free())
    }

    /// Takes up to `wanted` free slots without waiting, one permit each.
    pub(crate) fn take(&self, wanted: u32) -> Vec<OwnedSemaphorePermit> {
        (0..wanted)
            .map_while(|_| Arc::clone(&self.semaphore).try_acquire_owned().ok())
            .collect()
    }

    /// Waits until at least `count` slots are free at once (without taking them).
    pub(crate) async fn freed(&self, count: u32) {
        // The semaphore is never closed, so `acquire_many` only fails if it were.
        let _ = self
            .semaphore
            .acquire_many(count.clamp(1, self.total.max(1)))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_slots_stops_at_the_total_and_dropping_them_frees_them() {
        let slots = WorkerSlots::new(3);

        let taken = slots.take(5);
        let (busy, free) = (slots.busy(), slots.free());
        drop(taken);

        assert_eq!((busy, free), (3, 0));
        assert_eq!((slots.busy(), slots.free()), (0, 3));
    }
}
