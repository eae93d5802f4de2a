//! Owned transients against `shaku`: cases (b), (c), (e) with every transient handed over by
//! value (`get_owned`), next to the hand-written by-value code (struct literals), the
//! hand-written boxed code (a `Box` per object, what shaku's `Box<dyn Interface>` costs at
//! least) and shaku, in one group per case.

use std::hint::black_box;

use benches::baseline::Baseline;
use benches::model::{Config, Plain};
use benches::owned;
use criterion::Criterion;

use crate::Case;

/// The owned groups: `peers_b_owned`, `peers_c_owned`, `peers_e_owned`.
pub(crate) fn bench(c: &mut Criterion) {
    let base = Baseline::new();
    let p = owned::services().build().expect("the owned services build");
    p.get::<Config>().expect("creates the singleton");
    for (case, name) in [
        (Case::Transient, "peers_b_owned"),
        (Case::TransientDeps, "peers_c_owned"),
        (Case::Complex, "peers_e_owned"),
    ] {
        let mut group = c.benchmark_group(name);
        match case {
            Case::Transient => {
                group.bench_function("baseline", |b| b.iter(|| black_box(Plain::default())));
                group.bench_function("baseline_boxed", |b| b.iter(Box::<Plain>::default));
                group.bench_function("ours", |b| {
                    b.iter(|| black_box(&p).get_owned::<Plain>().expect("resolves"))
                });
                group.bench_function("ours_boxed", |b| {
                    b.iter(|| black_box(&p).get_owned::<Box<Plain>>().expect("resolves"))
                });
            }
            Case::TransientDeps => {
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
            }
            _ => {
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
            }
        }
        crate::shaku::bench(case, &mut group);
        group.finish();
    }
}
