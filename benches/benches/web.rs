//! Case 7: one request through an axum handler, in-process with `oneshot`: the handler takes
//! `Inject<Repo>` (a scoped service, behind `RequestScopeLayer`) vs the same handler taking axum
//! `State`.
//!
//! `state` shares one `Repo` (what the issue compares against); `state_new_repo` builds the
//! `Repo` per request from `State<Arc<Config>>`, the hand-written equivalent of a scoped
//! service. Each request's body is read to the end, and the loop yields once per request so
//! the scope's disposal task (spawned when the body ends) runs inside the measurement; the
//! `State` variants yield too.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use benches::model::Config;
use criterion::{Criterion, criterion_group, criterion_main};
use di_core::{ServiceCollection, ServiceProvider};
use di_hosting::web::{Inject, RequestScopeLayer};
use http::StatusCode;
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The scoped service of the handler.
struct Repo {
    config: Arc<Config>,
}

async fn handler(repo: &Repo) -> String {
    repo.config.value.to_string()
}

/// The router and the provider: the scope layer holds the provider weakly, so it must outlive
/// the requests.
fn inject_router() -> (Router, ServiceProvider) {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config { value: 7 }));
    services.add_scoped(|config: Arc<Config>| Arc::new(Repo { config }));
    let provider = services.build().expect("the web services build");
    let router = Router::new()
        .route(
            "/",
            get(|Inject(repo): Inject<Repo>| async move { handler(&repo).await }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()))
        // Turn the handlers into routes once, as `axum::serve` and `WebServer` do (the
        // `State` routers get the same from their `with_state`).
        .with_state(());
    (router, provider)
}

fn state_router() -> Router {
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

fn state_new_repo_router() -> Router {
    Router::new()
        .route(
            "/",
            get(|State(config): State<Arc<Config>>| async move {
                handler(&Arc::new(Repo { config })).await
            }),
        )
        .with_state(Arc::new(Config { value: 7 }))
}

async fn requests(router: &Router, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let request = http::Request::new(Body::empty());
        let response = router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "the handler answers");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body is read");
        black_box(body);
        tokio::task::yield_now().await;
    }
    start.elapsed()
}

fn web(c: &mut Criterion) {
    let runtime: Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (inject, _provider) = inject_router();
    let routers = [
        ("state", state_router()),
        ("state_new_repo", state_new_repo_router()),
        ("inject", inject),
    ];
    let mut group = c.benchmark_group("web_request");
    for (name, router) in &routers {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| runtime.block_on(requests(router, iters)))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = web
}
criterion_main!(benches);
