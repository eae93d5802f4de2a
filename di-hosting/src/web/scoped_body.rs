//! [`ScopedBody`]: a response body that keeps the request's scope alive until it is sent.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use di_core::Scope;
use http_body::{Frame, SizeHint};

/// Disposes a request's scope when dropped: on a tokio task when a runtime is available (the
/// disposal is async), otherwise by releasing the scope's instances synchronously.
#[derive(Debug)]
pub(crate) struct ScopeGuard {
    scope: Option<Scope>,
}

impl ScopeGuard {
    pub(crate) fn new(scope: Scope) -> Self {
        Self { scope: Some(scope) }
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        let Some(scope) = self.scope.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move { scope.dispose().await });
            }
            Err(_) => {
                tracing::warn!(
                    "request scope dropped outside a tokio runtime: async disposal skipped"
                );
            }
        }
    }
}

/// The response body of a request that ran in a scope: it forwards the inner body and disposes
/// the scope at end of stream, or when the body is dropped (client gone, error).
#[derive(Debug)]
pub(crate) struct ScopedBody {
    inner: Body,
    guard: Option<ScopeGuard>,
}

impl ScopedBody {
    pub(crate) fn new(inner: Body, guard: ScopeGuard) -> Self {
        Self {
            inner,
            guard: Some(guard),
        }
    }
}

impl http_body::Body for ScopedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            // The body is complete (or failed): the scope's work is done.
            self.guard = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
