//! Case 4: `build()` (indexing, planning and validation) of 100, 1,000 and 10,000
//! registrations with 3 dependencies each, against a hand-written index of the same number of
//! boxed factories (no planning, no validation).

use std::hint::black_box;
use std::time::Duration;

use benches::graph;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    for n in [100, 1_000, 10_000] {
        let erased = graph::erased(n);
        group.bench_with_input(BenchmarkId::new("baseline", n), &erased, |b, erased| {
            b.iter_with_large_drop(|| graph::index(black_box(erased)))
        });
        let services = graph::collection(n);
        group.bench_with_input(BenchmarkId::new("ours", n), &services, |b, services| {
            b.iter_with_large_drop(|| black_box(services).build().expect("the graph builds"))
        });
    }
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
    targets = build
}
criterion_main!(benches);
