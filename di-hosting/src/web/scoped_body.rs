//! [`ScopedBody`]: a response body that keeps the request's scope alive until it is sent.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::web::error_response::INTERNAL_ERROR_JSON;
use crate::web::scope_guard::ScopeGuard;

pin_project! {
    /// The response body of [`RequestScope`](crate::web::RequestScope): the inner service's
    /// body, which holds the request's scope and disposes it at the end of the stream, or when
    /// the body is dropped (client gone, error).
    ///
    /// It is generic over the inner body so that nothing is boxed when the layer wraps a whole
    /// router from outside and the server accepts any body (as [`WebServer`] does). Under
    /// `Router::layer`, or with `axum::serve`, axum converts it into its `Body` (one box).
    ///
    /// When no scope can be created, it carries the opaque JSON `500` instead of an inner body.
    ///
    /// [`WebServer`]: crate::web::WebServer
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum::{Router, body::Body, routing::get};
    /// use di_hosting::web::{RequestScopeLayer, ScopedBody};
    /// use tower::{Layer, ServiceExt};
    ///
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let router: Router = Router::new().route("/", get(|| async { "hello" }));
    /// let app = RequestScopeLayer::new(provider.scope_factory()).layer(router);
    ///
    /// let response: http::Response<ScopedBody<Body>> =
    ///     app.oneshot(http::Request::new(Body::empty())).await?;
    /// let bytes = axum::body::to_bytes(Body::new(response.into_body()), 1024).await?;
    /// assert_eq!(&bytes[..], b"hello");
    /// # Ok(()) }
    /// ```
    pub struct ScopedBody<B> {
        #[pin]
        content: Content<B>,
        guard: ScopeGuard,
    }
}

pin_project! {
    // One small error variant, so that the enum is no larger than `B` when `B` has a niche
    // (axum's `Body` does): the response moves through a few futures by value.
    #[project = ContentProjection]
    enum Content<B> {
        /// The inner service's body.
        Inner {
            #[pin]
            body: B,
        },
        /// The opaque error answered without calling the inner service; `sent` once polled.
        Error {
            sent: bool,
        },
    }
}

impl<B> ScopedBody<B> {
    /// `body`, disposing the scope of `guard` (if any) when it ends or is dropped.
    pub(crate) fn new(body: B, guard: ScopeGuard) -> Self {
        Self {
            content: Content::Inner { body },
            guard,
        }
    }

    /// The body of the opaque error, in no scope (none could be created).
    pub(crate) fn error() -> Self {
        Self {
            content: Content::Error { sent: false },
            guard: ScopeGuard::empty(),
        }
    }
}

impl<B> fmt::Debug for ScopedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedBody").finish_non_exhaustive()
    }
}

impl<B: http_body::Body<Data = Bytes>> http_body::Body for ScopedBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        match this.content.project() {
            ContentProjection::Inner { body } => {
                let polled = body.poll_frame(cx);
                if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
                    // The body is complete (or failed): the scope's work is done.
                    this.guard.release();
                }
                polled
            }
            ContentProjection::Error { sent } if !*sent => {
                *sent = true;
                let json = Bytes::from_static(INTERNAL_ERROR_JSON.as_bytes());
                Poll::Ready(Some(Ok(Frame::data(json))))
            }
            ContentProjection::Error { .. } => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.content {
            Content::Inner { body } => body.is_end_stream(),
            Content::Error { sent } => *sent,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.content {
            Content::Inner { body } => body.size_hint(),
            Content::Error { sent: false } => {
                SizeHint::with_exact(INTERNAL_ERROR_JSON.len() as u64)
            }
            Content::Error { sent: true } => SizeHint::with_exact(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_axum_body_is_no_larger_than_the_body_and_the_scope() {
        // The response moves by value through several futures: keep the wrapper to the inner
        // body plus one pointer.
        assert_eq!(
            std::mem::size_of::<ScopedBody<axum::body::Body>>(),
            std::mem::size_of::<axum::body::Body>() + std::mem::size_of::<usize>()
        );
    }
}
