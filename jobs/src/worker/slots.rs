//! [`WorkerSlots`]: how many jobs this process may run at once, and how many it runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

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
    /// A permit per slot, reserved before a claim and held by the job it claimed.
    semaphore: Arc<Semaphore>,
    /// How many slots hold a claimed job: a claim reserves slots before it knows how many jobs
    /// it gets, and those reserved ones are not busy.
    running: Arc<AtomicU32>,
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
            running: Arc::new(AtomicU32::new(0)),
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

    /// How many slots hold no job now (`total - busy`).
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn free(&self) -> u32 {
        self.total.saturating_sub(self.busy())
    }

    /// How many jobs run now (a job holds its slot until its outcome is handed to the writer).
    ///
    /// # Examples
    ///
    /// See [`WorkerSlots`].
    pub fn busy(&self) -> u32 {
        self.running.load(Ordering::Acquire)
    }

    /// How many slots are neither running a job nor reserved by a claim.
    pub(crate) fn available(&self) -> u32 {
        u32::try_from(self.semaphore.available_permits()).unwrap_or(self.total)
    }

    /// Hands a reserved slot to a claimed job: busy until the returned guard is dropped.
    pub(crate) fn occupy(&self, permit: OwnedSemaphorePermit) -> OccupiedSlot {
        self.running.fetch_add(1, Ordering::AcqRel);
        OccupiedSlot {
            _permit: permit,
            running: Arc::clone(&self.running),
        }
    }

    /// Reserves up to `wanted` available slots without waiting, one permit each.
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

/// A slot running a job; frees the slot when dropped.
#[derive(Debug)]
pub(crate) struct OccupiedSlot {
    _permit: OwnedSemaphorePermit,
    running: Arc<AtomicU32>,
}

impl Drop for OccupiedSlot {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_slots_stops_at_the_total_and_dropping_them_frees_them() {
        let slots = WorkerSlots::new(3);

        let taken = slots.take(5);
        let (reserved, available) = (taken.len(), slots.available());
        let occupied: Vec<OccupiedSlot> = taken.into_iter().map(|p| slots.occupy(p)).collect();
        let (busy, free) = (slots.busy(), slots.free());
        drop(occupied);

        assert_eq!((reserved, available), (3, 0));
        assert_eq!((busy, free), (3, 0));
        assert_eq!((slots.busy(), slots.free(), slots.available()), (0, 3, 3));
    }

    #[test]
    fn slots_reserved_by_a_claim_are_not_busy_until_they_hold_a_job() {
        let slots = WorkerSlots::new(4);

        let reserved = slots.take(4);
        let while_claiming = (slots.busy(), slots.free());
        let mut reserved = reserved.into_iter();
        let one_job = reserved.next().map(|permit| slots.occupy(permit));
        drop(reserved);

        assert_eq!(while_claiming, (0, 4));
        assert_eq!((slots.busy(), slots.free(), slots.available()), (1, 3, 3));
        drop(one_job);
    }
}
