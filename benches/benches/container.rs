//! Case 1, (a)–(e): resolution from a built provider vs the hand-written baseline.
//!
//! Every group has a `baseline` function; the report divides the other medians by it. The
//! `*_owned` groups resolve owned transients (`get_owned`): `baseline` builds the objects by
//! value (struct literals), `baseline_boxed` with a `Box` per object; `ours` and `ours_boxed`
//! are the container doing the same.

use std::hint::black_box;
use std::time::Duration;

use benches::baseline::Baseline;
use benches::container;
use benches::model::{Config, Plain, Request, Root, Service};
use benches::owned;
use criterion::{Criterion, criterion_group, criterion_main};

fn resolve(c: &mut Criterion) {
    let baseline = Baseline::new();
    let provider = container::services()
        .build()
        .expect("the case services build");
    provider
        .get::<Config>()
        .expect("the singleton is created before measuring");

    let mut group = c.benchmark_group("a_singleton");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).singleton()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<Config>().expect("resolves"))
    });
    // The other ways a caller holds the provider: shared behind an `Arc`, or a local the
    // compiler sees through.
    let shared = std::sync::Arc::new(provider.clone());
    group.bench_function("ours_arc", |b| {
        b.iter(|| black_box(&shared).get::<Config>().expect("resolves"))
    });
    group.bench_function("ours_local", |b| {
        b.iter(|| provider.get::<Config>().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("b_transient");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).transient()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<Plain>().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("c_transient_deps");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).service()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<Service>().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("d_scope");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).scoped()));
    group.bench_function("manual_scope", |b| {
        b.iter(|| black_box(&baseline).manual_scope())
    });
    group.bench_function("erased_scope", |b| {
        b.iter(|| black_box(&baseline).erased_scope())
    });
    group.bench_function("contract_scope", |b| {
        b.iter(|| black_box(&baseline).contract_scope())
    });
    group.bench_function("ours", |b| {
        b.iter(|| {
            let scope = black_box(&provider)
                .create_scope()
                .expect("the provider is not disposed");
            scope.get::<Request>().expect("resolves")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("e_complex");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).complex()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<Root>().expect("resolves"))
    });
    group.finish();
}

fn resolve_owned(c: &mut Criterion) {
    let base = Baseline::new();
    let p = owned::services().build().expect("the owned services build");
    p.get::<Config>()
        .expect("the singleton is created before measuring");

    let mut group = c.benchmark_group("b_owned");
    group.bench_function("baseline", |b| b.iter(|| black_box(Plain::default())));
    group.bench_function("baseline_boxed", |b| b.iter(Box::<Plain>::default));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&p).get_owned::<Plain>().expect("resolves"))
    });
    group.bench_function("ours_boxed", |b| {
        b.iter(|| black_box(&p).get_owned::<Box<Plain>>().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("c_owned");
    group.bench_function("baseline", |b| b.iter(|| owned::service(black_box(&base))));
    group.bench_function("baseline_boxed", |b| {
        b.iter(|| owned::boxed_service(black_box(&base)))
    });
    group.bench_function("ours", |b| {
        b.iter(|| {
            black_box(&p)
                .get_owned::<owned::Service>()
                .expect("resolves")
        })
    });
    group.bench_function("ours_boxed", |b| {
        b.iter(|| {
            black_box(&p)
                .get_owned::<Box<owned::BoxedService>>()
                .expect("resolves")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("e_owned");
    group.bench_function("baseline", |b| b.iter(|| owned::by_value(black_box(&base))));
    group.bench_function("baseline_boxed", |b| {
        b.iter(|| owned::boxed(black_box(&base)))
    });
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&p).get_owned::<owned::Root>().expect("resolves"))
    });
    group.bench_function("ours_boxed", |b| {
        b.iter(|| {
            black_box(&p)
                .get_owned::<Box<owned::BoxedRoot>>()
                .expect("resolves")
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = resolve, resolve_owned
}
criterion_main!(benches);
