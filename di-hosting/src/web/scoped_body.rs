//! [`ScopedBody`]: a response body that keeps the request's scope alive until it is sent.

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::web::scope_guard::ScopeGuard;

pin_project! {
    /// The response body of a request that ran in a scope: it forwards the inner body and
    /// disposes the scope at end of stream, or when the body is dropped (client gone, error).
    #[derive(Debug)]
    pub(crate) struct ScopedBody<B> {
        #[pin]
        inner: B,
        guard: Option<ScopeGuard>,
    }
}

impl<B> ScopedBody<B> {
    pub(crate) fn new(inner: B, guard: ScopeGuard) -> Self {
        Self {
            inner,
            guard: Some(guard),
        }
    }
}

impl<B: http_body::Body> http_body::Body for ScopedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            // The body is complete (or failed): the scope's work is done.
            *this.guard = None;
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
