//! Case 7: one request through an axum handler, in-process with `oneshot`: the handler takes
//! `Inject<Repo>` (a scoped service, behind `RequestScopeLayer`) vs the same handler taking axum
//! `State`, next to a hand-written request scope (the floor for `Inject`); see [`routers`] for
//! the variants.
//!
//! Each request's body is read to the end, and the loop yields once per request so that a
//! disposal task, if one is spawned, runs inside the measurement; every variant yields too.

#[path = "web/routers.rs"]
mod routers;

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::Body;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use http::{Request, Response};
use tokio::runtime::Runtime;
use tower::Service;

async fn requests<S, B>(service: &S, iters: u64) -> Duration
where
    S: Service<Request<Body>, Response = Response<B>, Error = Infallible> + Clone,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let start = Instant::now();
    for _ in 0..iters {
        routers::request(service).await;
        tokio::task::yield_now().await;
    }
    start.elapsed()
}

fn bench<S, B>(group: &mut BenchmarkGroup<'_, WallTime>, runtime: &Runtime, name: &str, service: S)
where
    S: Service<Request<Body>, Response = Response<B>, Error = Infallible> + Clone,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    group.bench_function(name, |b| {
        b.iter_custom(|iters| runtime.block_on(requests(&service, iters)))
    });
}

fn web(c: &mut Criterion) {
    let runtime: Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // The scope layers hold their provider weakly: keep the providers alive.
    let (inject, _inject_provider) = routers::inject();
    let (inject_outer, _outer_provider) = routers::inject_outer();
    let mut group = c.benchmark_group("web_request");
    bench(&mut group, &runtime, "state", routers::state());
    bench(
        &mut group,
        &runtime,
        "state_new_repo",
        routers::state_new_repo(),
    );
    bench(&mut group, &runtime, "hand_scope", routers::hand_scope());
    bench(&mut group, &runtime, "inject", inject);
    bench(&mut group, &runtime, "inject_outer", inject_outer);
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
