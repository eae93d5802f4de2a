//! [`RequestScopeLayer`]: one DI scope per request, disposed after the response body.

use std::convert::Infallible;
use std::fmt;
use std::task::{Context, Poll};

use di_core::ScopeFactory;
use http::Request;
use tower::{Layer, Service};

use crate::web::scope_future::RequestScopeFuture;
use crate::web::scope_guard::ScopeGuard;
use crate::web::scoped_body::ScopedBody;

/// A tower layer that opens one [`Scope`](di_core::Scope) per request, stores it in the
/// request's extensions (where [`Inject`](crate::web::Inject) finds it) and disposes it once the
/// response body has been sent or dropped: in place when no async `dispose` has to wait, on a
/// tokio task otherwise.
///
/// Apply it with `Router::layer`, so that every route, including the fallback, gets a scope;
/// or, cheaper, around the whole router (`layer.layer(router)`, or
/// [`WebServer::with_request_scopes`](crate::web::WebServer::with_request_scopes)): axum then
/// boxes no route future for it, and the response keeps its [`ScopedBody`] type instead of
/// being boxed into axum's `Body`. `axum::serve` needs axum's response type: there, map the
/// response with `tower::ServiceExt::map_response(IntoResponse::into_response)` (the second
/// example; the service takes any request body, so the adapters name axum's `Request`).
///
/// If no scope can be created (the provider was dropped or disposed), the request is answered
/// with an opaque JSON `500` and the cause is logged.
///
/// # Examples
///
/// On the router's routes:
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::get};
/// use di_core::ServiceCollection;
/// use di_hosting::web::{Inject, RequestScopeLayer};
///
/// struct RequestId(u64);
///
/// async fn handler(Inject(id): Inject<RequestId>) -> String {
///     id.0.to_string()
/// }
///
/// let mut services = ServiceCollection::new();
/// services.add_scoped(|| Arc::new(RequestId(7)));
/// let provider = services.build()?;
/// let app: Router = Router::new()
///     .route("/", get(handler))
///     .layer(RequestScopeLayer::new(provider.scope_factory()));
/// # drop(app);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Around the whole router, served by `axum::serve`:
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, extract::Request, response::IntoResponse, routing::get};
/// use di_core::ServiceCollection;
/// use di_hosting::web::{Inject, RequestScopeLayer};
/// use tower::Layer;
///
/// struct RequestId(u64);
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut services = ServiceCollection::new();
/// services.add_scoped(|| Arc::new(RequestId(7)));
/// let provider = services.build()?;
/// let router: Router = Router::new()
///     .route("/", get(|Inject(id): Inject<RequestId>| async move { id.0.to_string() }));
/// let scoped = RequestScopeLayer::new(provider.scope_factory()).layer(router);
/// let app = tower::ServiceExt::<Request>::map_response(scoped, IntoResponse::into_response);
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let server = axum::serve(listener, axum::ServiceExt::<Request>::into_make_service(app));
/// # drop(server);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RequestScopeLayer {
    scopes: ScopeFactory,
}

impl RequestScopeLayer {
    /// A layer that creates each request's scope with `scopes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::RequestScopeLayer;
    ///
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// let layer = RequestScopeLayer::new(provider.scope_factory());
    /// # drop(layer);
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn new(scopes: ScopeFactory) -> Self {
        Self { scopes }
    }
}

impl fmt::Debug for RequestScopeLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestScopeLayer").finish_non_exhaustive()
    }
}

impl<S> Layer<S> for RequestScopeLayer {
    type Service = RequestScope<S>;

    fn layer(&self, inner: S) -> RequestScope<S> {
        RequestScope {
            inner,
            scopes: self.scopes.clone(),
        }
    }
}

/// The service [`RequestScopeLayer`] wraps around a router or handler: it answers the inner
/// service's response with a [`ScopedBody`] around its body.
///
/// # Examples
///
/// ```
/// use di_hosting::web::{RequestScope, RequestScopeLayer};
/// use tower::Layer;
///
/// let provider = di_core::ServiceCollection::new().build()?;
/// let service: RequestScope<()> = RequestScopeLayer::new(provider.scope_factory()).layer(());
/// # drop(service);
/// # Ok::<(), di_core::BuildError>(())
/// ```
#[derive(Clone)]
pub struct RequestScope<S> {
    inner: S,
    scopes: ScopeFactory,
}

impl<S> fmt::Debug for RequestScope<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestScope").finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequestScope<S>
where
    S: Service<Request<ReqBody>, Response = http::Response<ResBody>>,
{
    type Response = http::Response<ScopedBody<ResBody>>;
    type Error = S::Error;
    type Future = RequestScopeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let scope = match self.scopes.create_scope() {
            Ok(scope) => scope,
            Err(error) => {
                tracing::error!(%error, "cannot create the request scope");
                return RequestScopeFuture::no_scope();
            }
        };
        // Dropping the guard (future cancelled, inner error, body done) disposes the scope.
        let guard = ScopeGuard::new(scope.clone());
        request.extensions_mut().insert(scope);
        // `inner` was polled ready by our `poll_ready`, and its future does not borrow it: call
        // it directly (no clone, no boxed future).
        RequestScopeFuture::called(self.inner.call(request), guard)
    }
}

/// `Router::layer` requires `Error: Into<Infallible>` and a response that is `IntoResponse`;
/// this keeps the layer usable there.
const _: fn() = || {
    fn assert_router_compatible<T>()
    where
        T: Service<Request<axum::body::Body>, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: axum::response::IntoResponse,
        T::Future: Send + 'static,
    {
    }
    assert_router_compatible::<RequestScope<axum::routing::Route>>();
};
