//! Disposal of a [`CreationLog`]: closing it, and the passes that dispose what it created, newest
//! first, each instance once.
//!
//! A pass runs under the `disposal` lock. It is either awaited ([`CreationLog::dispose_all`], from
//! `dispose().await`) or run by a synchronous resolution whose instance was published after the
//! owner closed ([`CreationLog::dispose_late`]). Whoever wants a pass sets `pass_wanted` and tries the
//! lock; the holder, after releasing it, looks at `pass_wanted` again. So a late instance is
//! disposed by the pass that is running, or by its finder when none is.
//!
//! # Memory ordering
//!
//! Requests and the lock form a store-buffering pattern (request then try the lock; release the
//! lock then read the requests), so a sequentially consistent fence separates each side's write
//! from its read ([`CreationLog::pass_still_wanted`]); requests are set and taken with read-modify-
//! writes so that a pass synchronizes with every requester. Found by `tests/loom_models.rs`: with
//! plain stores and no fence, a pass could start after a request, reset it and still miss the
//! late instance, and the requester, seeing no request left, would not run one either.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;

use crate::dispose::created::{Created, CreatedSlots};
use crate::dispose::detached::run as run_detached;
use crate::dispose::erased::DisposeFn;
use crate::dispose::log::{CreationLog, lock};
use crate::dispose::order::{Chain, NewestFirst};
use crate::sync::{Ordering, fence};

impl CreationLog {
    /// Closes the owner: every later resolution fails, and every later creation is disposed
    /// at once.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        // Pairs with the fence in `published`; see the docs of `Slots`.
        fence(Ordering::SeqCst);
    }

    /// Whether [`close`](CreationLog::close) was called.
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes the owner if nothing it created has an async `dispose` to run (or if it was
    /// closed already), and says whether it is closed.
    pub(crate) fn close_unless_disposables(&self, slots: &dyn CreatedSlots) -> bool {
        if self.is_closed() {
            return true;
        }
        if self.has_disposables(slots) {
            return false;
        }
        self.close();
        // A disposable published between the check and the close: its creation may have seen
        // the owner open, so dispose it here (each instance is disposed once either way).
        if self.has_disposables(slots) {
            self.dispose_late(slots);
        }
        true
    }

    /// Whether anything the owner created has an async `dispose` to run.
    pub(crate) fn has_disposables(&self, slots: &dyn CreatedSlots) -> bool {
        if !lock(&self.transients).is_empty() {
            return true;
        }
        self.chain(slots).any(|created| created.dispose.is_some())
    }

    /// Closes the owner and disposes every disposable instance not disposed yet, newest first.
    /// A panicking `dispose` does not stop the others; the first panic is resumed once all
    /// have run.
    ///
    /// Resumable: if the returned future is dropped midway, the next call disposes what is
    /// left (an interrupted `dispose` is not started again). A call made while a pass is
    /// running returns at once, as re-entrant calls (a `dispose` disposing its own owner) must;
    /// the running pass then makes one more pass.
    pub(crate) async fn dispose_all(&self, slots: &dyn CreatedSlots) {
        self.close();
        let disposal = self.disposal.get_or_init(Box::default);
        let mut first_panic = None;
        self.want_pass();
        while self.pass_still_wanted() {
            let Some(mut handed_over) = disposal.try_lock() else {
                break;
            };
            self.take_pass_requests();
            self.hand_over(&mut handed_over);
            for created in self.newest_first(slots, &handed_over) {
                let Some(dispose) = claim(created) else {
                    continue;
                };
                let outcome = AssertUnwindSafe(dispose(&*created.instance))
                    .catch_unwind()
                    .await;
                if let Err(panic) = outcome {
                    first_panic.get_or_insert(panic);
                }
            }
        }
        if let Some(panic) = first_panic {
            std::panic::resume_unwind(panic);
        }
    }

    /// Disposes, without awaiting, what was created after the owner closed: called by the
    /// resolution that published such an instance. If a pass is running, it is asked for one
    /// more and this returns at once; otherwise this runs the pass: each `dispose` is polled
    /// here and, if it does not finish at once, is driven to its end by its own wake-ups
    /// (`detached.rs`), so no runtime is needed and none is blocked.
    ///
    /// # Panics
    ///
    /// Resumes the first panic of a `dispose` polled here, after the others were started.
    pub(crate) fn dispose_late(&self, slots: &dyn CreatedSlots) {
        let disposal = self.disposal.get_or_init(Box::default);
        let mut first_panic: Option<Box<dyn Any + Send>> = None;
        self.want_pass();
        while self.pass_still_wanted() {
            let Some(mut handed_over) = disposal.try_lock() else {
                break;
            };
            self.take_pass_requests();
            self.hand_over(&mut handed_over);
            for created in self.newest_first(slots, &handed_over) {
                if let Some(dispose) = claim(created)
                    && let Some(panic) = run_detached(dispose(&*created.instance))
                {
                    first_panic.get_or_insert(panic);
                }
            }
        }
        if let Some(panic) = first_panic {
            std::panic::resume_unwind(panic);
        }
    }

    /// Asks for a disposal pass. A read-modify-write, so that the requests form one release
    /// sequence: the pass that takes them sees what every requester published before asking.
    fn want_pass(&self) {
        self.pass_wanted.swap(true, Ordering::AcqRel);
    }

    /// Whether a pass is wanted, read after asking for one or after releasing the `disposal`
    /// lock. The fence pairs a request (written before the requester tries the lock) with the
    /// release of the lock (written before its holder reads the request): at least one side
    /// sees the other, so the requester takes the lock or the holder makes another pass.
    fn pass_still_wanted(&self) -> bool {
        fence(Ordering::SeqCst);
        self.pass_wanted.load(Ordering::Relaxed)
    }

    /// Takes the pending requests at the start of a pass. A read-modify-write, not a store: it
    /// reads the latest request, so the pass sees what the requesters published (a plain store
    /// of `false` could hide a request whose instance the pass then misses).
    fn take_pass_requests(&self) {
        self.pass_wanted.swap(false, Ordering::AcqRel);
    }

    /// Moves the tracked transients to the list a pass walks, in creation order.
    fn hand_over(&self, handed_over: &mut Vec<Created>) {
        handed_over.append(&mut lock(&self.transients));
        handed_over.sort_unstable_by_key(|c| c.seq);
    }

    /// The filled slots, newest first.
    fn chain<'a>(&self, slots: &'a dyn CreatedSlots) -> Chain<'a> {
        Chain::new(slots, self.newest(Ordering::Acquire))
    }

    /// Everything created, newest first: the filled slots interleaved with `transients`.
    fn newest_first<'a>(
        &self,
        slots: &'a dyn CreatedSlots,
        transients: &'a [Created],
    ) -> impl Iterator<Item = &'a Created> {
        NewestFirst::new(self.chain(slots), transients.iter().rev())
    }
}

/// The `dispose` of `created` if it has one and nobody started it yet; marks it started.
fn claim(created: &Created) -> Option<DisposeFn> {
    let dispose = created.dispose?;
    (!created.disposal_started.swap(true, Ordering::AcqRel)).then_some(dispose)
}
