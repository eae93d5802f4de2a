//! [`RequestScopeFuture`]: the response future of [`RequestScope`](crate::web::RequestScope).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderValue, StatusCode, header};
use pin_project_lite::pin_project;

use crate::web::scope_guard::ScopeGuard;
use crate::web::scoped_body::ScopedBody;

pin_project! {
    /// The response future of [`RequestScope`](crate::web::RequestScope): the inner service's
    /// future, whose response body then carries the request's scope until it is sent (see
    /// [`ScopedBody`](crate::web::ScopedBody)).
    ///
    /// Dropping it before it completes (the request was cancelled) disposes the scope.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum::{Router, body::Body, routing::get};
    /// use di_hosting::web::{RequestScopeFuture, RequestScopeLayer};
    /// use tower::{Layer, Service, ServiceExt};
    ///
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let router: Router = Router::new().route("/", get(|| async { "hello" }));
    /// let mut service = RequestScopeLayer::new(provider.scope_factory()).layer(router);
    /// let ready = ServiceExt::<http::Request<Body>>::ready(&mut service).await?;
    /// let future: RequestScopeFuture<_> = ready.call(http::Request::new(Body::empty()));
    /// assert_eq!(future.await?.status(), http::StatusCode::OK);
    /// # Ok(()) }
    /// ```
    pub struct RequestScopeFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F> {
        /// The inner service was called; `guard` moves into the response body.
        Called {
            #[pin]
            future: F,
            guard: ScopeGuard,
        },
        /// No scope could be created: the answer is an opaque `500`.
        NoScope,
    }
}

impl<F> RequestScopeFuture<F> {
    pub(crate) fn called(future: F, guard: ScopeGuard) -> Self {
        Self {
            state: State::Called { future, guard },
        }
    }

    pub(crate) fn no_scope() -> Self {
        Self {
            state: State::NoScope,
        }
    }
}

impl<F> fmt::Debug for RequestScopeFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestScopeFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for RequestScopeFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
{
    type Output = Result<http::Response<ScopedBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Called { future, guard } => {
                let output = ready!(future.poll(cx));
                // On an error the guard is dropped here, which disposes the scope.
                let guard = guard.take();
                // (Empty only when polled again after completion: the scope is released.)
                Poll::Ready(
                    output.map(|response| response.map(|body| ScopedBody::new(body, guard))),
                )
            }
            StateProjection::NoScope => Poll::Ready(Ok(no_scope_response())),
        }
    }
}

/// The opaque JSON `500` (the body of [`JsonError::internal`](crate::web::JsonError::internal)) of a request that got no scope.
fn no_scope_response<B>() -> http::Response<ScopedBody<B>> {
    let mut response = http::Response::new(ScopedBody::error());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert(header::CONTENT_TYPE, json);
    response
}
