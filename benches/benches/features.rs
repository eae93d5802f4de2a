//! The registration features against hand-written code: a created catch-all keyed singleton,
//! `Lazy<T>` (injected, and read once resolved) and a decorated transient.

use std::hint::black_box;
use std::time::Duration;

use benches::features::{self, Baseline, Db, Greeter, Holder, Plain};
use criterion::{Criterion, criterion_group, criterion_main};

fn resolve(c: &mut Criterion) {
    let baseline = Baseline::default();
    let provider = features::services().build().expect("the services build");
    provider
        .get_keyed::<Db>("reports")
        .expect("created before measuring");
    baseline.keyed("reports");

    let mut group = c.benchmark_group("catch_all_keyed");
    group.bench_function("baseline", |b| {
        b.iter(|| black_box(&baseline).keyed("reports"))
    });
    group.bench_function("ours", |b| {
        b.iter(|| {
            black_box(&provider)
                .get_keyed::<Db>("reports")
                .expect("resolves")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("lazy_inject");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).holder()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<Holder>().expect("resolves"))
    });
    group.finish();

    let hand = baseline.holder();
    let holder = provider.get::<Holder>().expect("resolves");
    hand.get();
    holder.db.get().expect("resolves");
    let mut group = c.benchmark_group("lazy_get");
    group.bench_function("baseline", |b| b.iter(|| black_box(&hand).get()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&holder).db.get().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("decorated_transient");
    group.bench_function("baseline", |b| b.iter(|| black_box(&baseline).decorated()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get::<dyn Greeter>().expect("resolves"))
    });
    group.bench_function("ours_undecorated", |b| {
        b.iter(|| black_box(&provider).get::<Plain>().expect("resolves"))
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
    targets = resolve
}
criterion_main!(benches);
