//! Case 5: throughput of cases (b)–(e) on two threads vs one, for the baseline and the
//! container.
//!
//! One criterion iteration is [`BATCH`] resolutions on *each* thread, so the throughput ratio
//! is `2 × median(1 thread) / median(2 threads)`. Threads are spawned once per sample and start
//! together behind a barrier; the clock runs from the barrier to the last join.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use benches::baseline::Baseline;
use benches::container;
use benches::model::{Plain, Request, Root, Service};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use di_core::ServiceProvider;

/// Resolutions per thread per criterion iteration.
const BATCH: u64 = 1_000;

/// Runs `work` `iters × BATCH` times on each of `threads` threads; the wall time of the run.
fn run<R>(threads: usize, iters: u64, work: &(impl Fn() -> R + Sync)) -> Duration {
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    for _ in 0..iters * BATCH {
                        black_box(work());
                    }
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        for worker in workers {
            worker.join().expect("a worker panicked");
        }
        start.elapsed()
    })
}

fn case<R>(
    c: &mut Criterion,
    name: &str,
    baseline: &(impl Fn() -> R + Sync),
    ours: &(impl Fn() -> R + Sync),
) {
    let mut group = c.benchmark_group(name);
    for threads in [1_usize, 2] {
        group.throughput(Throughput::Elements(threads as u64 * BATCH));
        group.bench_function(BenchmarkId::new("baseline", threads), |b| {
            b.iter_custom(|iters| run(threads, iters, baseline))
        });
        group.bench_function(BenchmarkId::new("ours", threads), |b| {
            b.iter_custom(|iters| run(threads, iters, ours))
        });
    }
    group.finish();
}

fn threads(c: &mut Criterion) {
    let base = Baseline::new();
    let provider: ServiceProvider = container::services()
        .build()
        .expect("the case services build");
    let p = &provider;
    case(c, "threads_b_transient", &|| base.transient(), &|| {
        p.get::<Plain>().expect("resolves")
    });
    case(c, "threads_c_transient_deps", &|| base.service(), &|| {
        p.get::<Service>().expect("resolves")
    });
    case(c, "threads_d_scope", &|| base.scoped(), &|| {
        p.create_scope()
            .expect("the provider is not disposed")
            .get::<Request>()
            .expect("resolves")
    });
    case(c, "threads_e_complex", &|| base.complex(), &|| {
        p.get::<Root>().expect("resolves")
    });
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
    targets = threads
}
criterion_main!(benches);
