//! The services of case 7, shared by `benches/web.rs` and `examples/callgrind.rs`: one handler
//! that reads a `Repo`, reached five ways.
//!
//! - `state`: axum `State` holding one shared `Repo` (the reference);
//! - `state_new_repo`: `State<Arc<Config>>`, a new `Repo` per request (the hand-written
//!   equivalent of a scoped service, without a scope object);
//! - `hand_scope`: a hand-written request scope, the floor for `Inject`: a minimal tower layer
//!   around the whole router puts an `Arc` of a per-request context (a `OnceLock<Arc<Repo>>`)
//!   in the request's extensions, and the handler takes it with `Extension`, creating the
//!   `Repo` on first use;
//! - `inject`: `Inject<Repo>` (scoped) with `Router::layer(RequestScopeLayer)`;
//! - `inject_outer`: `Inject<Repo>` with the `RequestScopeLayer` around the whole router, as
//!   `WebServer::with_request_scopes` serves it.
//!
//! Every request asserts `200` and reads the body to its end (frame by frame, so that no body
//! is boxed or collected into a buffer by the driver).

use std::convert::Infallible;
use std::future::poll_fn;
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use benches::model::Config;
use di_core::{ServiceCollection, ServiceProvider};
use di_hosting::web::{Inject, RequestScope, RequestScopeLayer};
use http::{Request, Response, StatusCode};
use tower::{Layer, Service, ServiceExt};

/// The service of the handler: scoped in the `inject` variants.
pub(crate) struct Repo {
    config: Arc<Config>,
}

async fn handler(repo: &Repo) -> String {
    repo.config.value.to_string()
}

/// The scoped services, and the provider the scope layer holds weakly (keep it alive).
fn provider() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config { value: 7 }));
    services.add_scoped(|config: Arc<Config>| Arc::new(Repo { config }));
    services.build().expect("the web services build")
}

/// The `Inject` router, its handlers turned into routes once (`with_state(())`), as
/// `axum::serve` and `WebServer` do.
fn inject_routes() -> Router {
    Router::new()
        .route(
            "/",
            get(|Inject(repo): Inject<Repo>| async move { handler(&repo).await }),
        )
        .with_state(())
}

pub(crate) fn state() -> Router {
    let repo = Arc::new(Repo {
        config: Arc::new(Config { value: 7 }),
    });
    Router::new()
        .route(
            "/",
            get(|State(repo): State<Arc<Repo>>| async move { handler(&repo).await }),
        )
        .with_state(repo)
}

pub(crate) fn state_new_repo() -> Router {
    Router::new()
        .route(
            "/",
            get(|State(config): State<Arc<Config>>| async move {
                handler(&Arc::new(Repo { config })).await
            }),
        )
        .with_state(Arc::new(Config { value: 7 }))
}

/// `Router::layer(RequestScopeLayer)`: axum wraps every route.
pub(crate) fn inject() -> (Router, ServiceProvider) {
    let provider = provider();
    let router = Router::new()
        .route(
            "/",
            get(|Inject(repo): Inject<Repo>| async move { handler(&repo).await }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()))
        .with_state(());
    (router, provider)
}

/// The `RequestScopeLayer` around the whole router.
pub(crate) fn inject_outer() -> (RequestScope<Router>, ServiceProvider) {
    let provider = provider();
    let service = RequestScopeLayer::new(provider.scope_factory()).layer(inject_routes());
    (service, provider)
}

/// The hand-written request scope: what a request needs, created on first use.
struct RequestContext {
    config: Arc<Config>,
    repo: OnceLock<Arc<Repo>>,
}

impl RequestContext {
    fn repo(&self) -> &Repo {
        self.repo.get_or_init(|| {
            Arc::new(Repo {
                config: Arc::clone(&self.config),
            })
        })
    }
}

/// A minimal tower service that gives each request a [`RequestContext`].
#[derive(Clone)]
pub(crate) struct HandScope<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S, B> Service<Request<B>> for HandScope<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        request.extensions_mut().insert(Arc::new(RequestContext {
            config: Arc::clone(&self.config),
            repo: OnceLock::new(),
        }));
        self.inner.call(request)
    }
}

pub(crate) fn hand_scope() -> HandScope<Router> {
    let router = Router::new()
        .route(
            "/",
            get(
                |Extension(context): Extension<Arc<RequestContext>>| async move {
                    handler(context.repo()).await
                },
            ),
        )
        .with_state(());
    HandScope {
        inner: router,
        config: Arc::new(Config { value: 7 }),
    }
}

/// One request through a clone of `service` (as a server does per request): asserts `200` and
/// reads the body to its end.
pub(crate) async fn request<S, B>(service: &S)
where
    S: Service<Request<Body>, Response = Response<B>, Error = Infallible> + Clone,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let response = service
        .clone()
        .oneshot(Request::new(Body::empty()))
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK, "the handler answers");
    let mut body = pin!(response.into_body());
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        black_box(frame.expect("the body is read"));
    }
}
