//! [`ScopeGuard`]: disposes a request's scope when dropped, without a task when it can.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::{Context, Poll, Waker};

use di_core::Scope;

/// Disposes a request's scope when released or dropped (an empty guard does nothing).
///
/// Inside a tokio runtime the disposal future is polled once, in place: a scope whose instances
/// have nothing asynchronous to wait for (the common case) is disposed there and then, without
/// spawning a task. Only a disposal that is still pending after that poll is handed to a tokio
/// task, which finishes it. Outside a runtime the scope's instances are released synchronously
/// and the async disposal is skipped (it may need the runtime).
#[derive(Debug)]
pub(crate) struct ScopeGuard {
    scope: Option<Scope>,
}

impl ScopeGuard {
    pub(crate) fn new(scope: Scope) -> Self {
        Self { scope: Some(scope) }
    }

    /// A guard of no scope (the request has none, or it moved on).
    pub(crate) fn empty() -> Self {
        Self { scope: None }
    }

    /// Moves the scope out into a new guard, leaving this one empty.
    pub(crate) fn take(&mut self) -> Self {
        Self {
            scope: self.scope.take(),
        }
    }

    /// Disposes the scope now (see the type's docs); the guard is empty afterwards.
    pub(crate) fn release(&mut self) {
        let Some(scope) = self.scope.take() else {
            return;
        };
        // The common case: nothing in the scope has an async `dispose`.
        if scope.try_dispose_now() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("request scope dropped outside a tokio runtime: async disposal skipped");
            return;
        };
        let mut disposal = Box::pin(async move { scope.dispose().await });
        // A panic while unwinding aborts the process, even under `catch_unwind`: while the
        // thread panics, leave the user's `dispose` code to the task, as before.
        if !std::thread::panicking() {
            let mut cx = Context::from_waker(Waker::noop());
            match catch_unwind(AssertUnwindSafe(|| disposal.as_mut().poll(&mut cx))) {
                Ok(Poll::Ready(())) => return,
                Ok(Poll::Pending) => {}
                Err(_) => {
                    // The scope has disposed everything else (di-core rethrows the first
                    // panic at the end); like a panicking disposal task, it fails nobody else.
                    tracing::error!("disposing a request scope panicked");
                    return;
                }
            }
        }
        // Still waiting on an async `dispose`: the task polls it with a real waker.
        runtime.spawn(disposal);
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        self.release();
    }
}
