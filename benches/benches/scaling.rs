//! Cases 2 and 3: scope creation with 1 vs 1,000 registrations (and resolving the last one: 1,
//! 100, 1,000 and 10,000, the last three past the scope's inline slots), `get_all` of 8 registrations
//! and keyed resolution, each against a hand-written baseline.

use std::hint::black_box;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use benches::container::{self, HANDLERS, KEYS};
use benches::model::{Filler, Handler};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// What a hand-written scope is: an `Arc`'d struct with a lazily created field.
#[derive(Default)]
struct ManualScope {
    filler: OnceLock<Arc<Filler>>,
}

fn scopes(c: &mut Criterion) {
    let mut group = c.benchmark_group("scope_create");
    group.bench_function("baseline", |b| {
        b.iter(|| Arc::new(black_box(ManualScope::default())))
    });
    for n in [1, 1_000] {
        let provider = container::scoped_fillers(n)
            .build()
            .expect("the fillers build");
        group.bench_with_input(BenchmarkId::new("ours", n), &provider, |b, provider| {
            b.iter(|| {
                black_box(provider)
                    .create_scope()
                    .expect("the provider is not disposed")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("scope_create_resolve");
    group.bench_function("baseline", |b| {
        b.iter(|| {
            let scope = Arc::new(black_box(ManualScope::default()));
            Arc::clone(scope.filler.get_or_init(|| Arc::new(Filler)))
        })
    });
    for n in [1, 100, 1_000, 10_000] {
        let provider = container::scoped_fillers(n)
            .build()
            .expect("the fillers build");
        group.bench_with_input(BenchmarkId::new("ours", n), &provider, |b, provider| {
            b.iter(|| {
                let scope = black_box(provider)
                    .create_scope()
                    .expect("the provider is not disposed");
                scope.get::<Filler>().expect("resolves")
            })
        });
    }
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let provider = container::handlers().build().expect("the handlers build");
    let all = provider
        .get_all::<Handler>()
        .expect("creates the singletons");
    for key in KEYS {
        provider
            .get_keyed::<Handler>(key)
            .expect("creates the keyed singletons");
    }
    assert_eq!(all.len(), HANDLERS);

    let mut group = c.benchmark_group("get_all_8");
    group.bench_function("baseline", |b| b.iter(|| black_box(&all).to_vec()));
    group.bench_function("ours", |b| {
        b.iter(|| black_box(&provider).get_all::<Handler>().expect("resolves"))
    });
    group.finish();

    let mut group = c.benchmark_group("keyed");
    group.bench_function("baseline", |b| b.iter(|| Arc::clone(&black_box(&all)[3])));
    group.bench_function("ours", |b| {
        b.iter(|| {
            black_box(&provider)
                .get_keyed::<Handler>(black_box(KEYS[3]))
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
    targets = scopes, lookups
}
criterion_main!(benches);
