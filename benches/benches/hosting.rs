//! Case 6: build, start and stop a host of 1,000 background services, each waiting on its
//! stopping token; against a hand-written floor (1,000 tokio tasks waiting on child tokens of
//! one `CancellationToken`, cancelled and joined) and, with `--features peers`,
//! `tokio-graceful-shutdown` starting and stopping 1,000 subsystems.
//!
//! Everything runs on the same 2-worker multi-thread runtime, one `block_on` per iteration.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use di_core::BoxError;
use di_hosting::{BackgroundService, Host};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// How many services every contender starts and stops.
const SERVICES: usize = 1_000;

/// A background service that only waits to be stopped.
struct Waiter;

#[async_trait]
impl BackgroundService for Waiter {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        stopping.cancelled().await;
        Ok(())
    }
}

async fn ours() {
    let running = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(|services| {
            for _ in 0..SERVICES {
                services.add_hosted_service_with(|| Arc::new(Waiter));
            }
        })
        .start()
        .await
        .expect("the host starts");
    running.stop().await.expect("the host stops");
}

async fn baseline() {
    let stopping = CancellationToken::new();
    let mut tasks = JoinSet::new();
    for _ in 0..SERVICES {
        let token = stopping.child_token();
        tasks.spawn(async move { token.cancelled().await });
    }
    stopping.cancel();
    while let Some(joined) = tasks.join_next().await {
        joined.expect("a task panicked");
    }
}

#[cfg(feature = "peers")]
async fn graceful_shutdown() {
    use tokio_graceful_shutdown::{SubsystemBuilder, SubsystemHandle, Toplevel};

    Toplevel::new(async |s: &mut SubsystemHandle| {
        for i in 0..SERVICES {
            s.start(SubsystemBuilder::new(
                format!("waiter{i}"),
                async |h: &mut SubsystemHandle| {
                    h.on_shutdown_requested().await;
                    Ok::<(), std::convert::Infallible>(())
                },
            ));
        }
        s.request_shutdown();
    })
    .handle_shutdown_requests(Duration::from_secs(10))
    .await
    .expect("the subsystems stop");
}

fn hosting(c: &mut Criterion) {
    let runtime: Runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut group = c.benchmark_group("host_1000");
    group.bench_function("baseline", |b| b.iter(|| runtime.block_on(baseline())));
    group.bench_function("ours", |b| b.iter(|| runtime.block_on(ours())));
    #[cfg(feature = "peers")]
    group.bench_function("tokio_graceful_shutdown", |b| {
        b.iter(|| runtime.block_on(graceful_shutdown()))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = hosting
}
criterion_main!(benches);
