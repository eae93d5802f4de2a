//! [`run`]: drives a disposal future started by a synchronous resolution, with no runtime.
//!
//! The future is polled at once on the calling thread. If it is not finished, it is polled
//! again by whichever thread wakes it (a timer, an I/O driver, a channel's sender), until it
//! finishes. Nothing blocks and no runtime is needed; the cost is that the rest of such a
//! `dispose` runs on the waking thread.
//!
//! # Invariants
//!
//! At most one thread polls the future at a time (`future`'s mutex, taken with `try_lock`). A
//! wake-up that finds it busy sets `woken`; the poller, after releasing the mutex, sees it and
//! polls again, so no wake-up is lost. A fence orders each side's write before its read
//! ([`still_woken`]).

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures::future::BoxFuture;

use crate::sync::{AtomicBool, Mutex, Ordering, TryLockError, fence};

/// A future that drives itself from its wake-ups.
struct Detached {
    future: Mutex<Option<BoxFuture<'static, ()>>>,
    woken: AtomicBool,
}

/// Polls `future` now and, if it is pending, on every wake-up until it finishes. Returns the
/// panic of the poll made here, if any; a panic in a later poll ends the future silently, as
/// there is nobody to hand it to.
pub(crate) fn run(future: BoxFuture<'static, ()>) -> Option<Box<dyn Any + Send>> {
    let task = Arc::new(Detached {
        future: Mutex::new(Some(future)),
        woken: AtomicBool::new(true),
    });
    drive(&task)
}

impl Wake for Detached {
    fn wake(self: Arc<Self>) {
        drive(&self);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        drive(self);
    }
}

/// Whether a wake-up asks for another poll, read after waking or after releasing `future`. A
/// wake-up writes `woken` then tries the lock; the poller releases the lock then reads
/// `woken`: a store-buffering pattern, so a sequentially consistent fence separates each
/// side's write from its read, and at least one side sees the other (the same pattern, found
/// by `tests/loom_models.rs`, as the disposal passes' requests in `passes.rs`).
fn still_woken(task: &Detached) -> bool {
    fence(Ordering::SeqCst);
    task.woken.load(Ordering::SeqCst)
}

fn drive(task: &Arc<Detached>) -> Option<Box<dyn Any + Send>> {
    task.woken.store(true, Ordering::SeqCst);
    let mut first_panic = None;
    while still_woken(task) {
        let mut slot = match task.future.try_lock() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // The poller sees `woken` once it lets go.
            Err(TryLockError::WouldBlock) => break,
        };
        task.woken.store(false, Ordering::SeqCst);
        let Some(future) = slot.as_mut() else {
            break;
        };
        let waker = Waker::from(Arc::clone(task));
        let mut context = Context::from_waker(&waker);
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut context))) {
            Ok(Poll::Pending) => {}
            Ok(Poll::Ready(())) => *slot = None,
            Err(panic) => {
                *slot = None;
                first_panic.get_or_insert(panic);
            }
        }
        drop(slot);
    }
    first_panic
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use std::sync::PoisonError;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_ready_future_runs_to_its_end_on_the_calling_thread() {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);

        let panic = run(async move { flag.store(true, Ordering::SeqCst) }.boxed());

        assert!(panic.is_none());
        assert!(done.load(Ordering::SeqCst));
    }

    #[test]
    fn a_pending_future_finishes_on_the_thread_that_wakes_it() {
        let (send, receive) = futures::channel::oneshot::channel::<u8>();
        let seen = Arc::new(Mutex::new(None));
        let out = Arc::clone(&seen);

        let panic = run(async move {
            let value = receive.await.ok();
            *out.lock().unwrap_or_else(PoisonError::into_inner) = value;
        }
        .boxed());
        let before = *seen.lock().unwrap_or_else(PoisonError::into_inner);
        std::thread::spawn(move || send.send(7))
            .join()
            .expect("no panic")
            .expect("receiver alive");

        assert!(panic.is_none());
        assert_eq!(before, None, "pending until woken");
        assert_eq!(
            *seen.lock().unwrap_or_else(PoisonError::into_inner),
            Some(7)
        );
    }

    #[test]
    fn a_future_that_wakes_itself_by_reference_while_polled_is_polled_again() {
        let polls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&polls);

        let panic = run(futures::future::poll_fn(move |context| {
            if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                context.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(())
        })
        .boxed());

        assert!(panic.is_none());
        assert_eq!(polls.load(Ordering::SeqCst), 2, "the wake-up was not lost");
    }

    #[test]
    fn a_panic_in_the_first_poll_is_returned() {
        let panic = run(async { panic!("dispose panic (expected by the test)") }.boxed());

        assert!(panic.is_some());
    }
}
