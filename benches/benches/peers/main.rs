//! Peers: the cases of `container.rs` and `scaling.rs` for the crates a user would otherwise
//! pick, each group with the hand-written baseline and `di-core` in the same run.
//!
//! Built only with `--features peers`. Every contender builds the same objects per iteration
//! (same structs, one `Arc` or `Box` allocation per transient object, `Arc` clones for
//! singletons). A contender that lacks a case is left out of that group and listed in
//! `BENCHMARKS.md`; where a case has to be imitated, the module says how.

mod dependency_injector;
mod dill;
mod ferrunix;
mod froodi;
mod host_rs;
mod more_di;
mod owned;
mod shaku;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use benches::baseline::Baseline;
use benches::container::{self, KEYS};
use benches::model::{Config, Handler, Plain, Request, Root, Service};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

/// The cases every peer module is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// (a) an already-created singleton.
    Singleton,
    /// (b) a transient with no dependencies.
    Transient,
    /// (c) a transient with a singleton and a transient dependency.
    TransientDeps,
    /// (d) create a scope, resolve one scoped service, drop the scope.
    Scope,
    /// (e) the complex graph.
    Complex,
    /// `get_all` of 8 singleton registrations.
    GetAll,
    /// A keyed singleton among 8.
    Keyed,
}

impl Case {
    const ALL: [Case; 7] = [
        Case::Singleton,
        Case::Transient,
        Case::TransientDeps,
        Case::Scope,
        Case::Complex,
        Case::GetAll,
        Case::Keyed,
    ];

    fn group(self) -> &'static str {
        match self {
            Case::Singleton => "peers_a_singleton",
            Case::Transient => "peers_b_transient",
            Case::TransientDeps => "peers_c_transient_deps",
            Case::Scope => "peers_d_scope",
            Case::Complex => "peers_e_complex",
            Case::GetAll => "peers_get_all_8",
            Case::Keyed => "peers_keyed",
        }
    }
}

/// A benchmark group of one case.
pub(crate) type Group<'a> = BenchmarkGroup<'a, WallTime>;

fn ours_and_baseline(case: Case, group: &mut Group<'_>) {
    let base = Baseline::new();
    let p = container::services()
        .build()
        .expect("the case services build");
    p.get::<Config>().expect("creates the singleton");
    let handlers = container::handlers().build().expect("the handlers build");
    let all = handlers
        .get_all::<Handler>()
        .expect("creates the singletons");
    handlers
        .get_keyed::<Handler>(KEYS[3])
        .expect("creates the keyed singleton");
    match case {
        Case::Singleton => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&base).singleton()));
            group.bench_function("ours", |b| {
                b.iter(|| black_box(&p).get::<Config>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&base).transient()));
            group.bench_function("ours", |b| {
                b.iter(|| black_box(&p).get::<Plain>().expect("resolves"))
            });
        }
        Case::TransientDeps => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&base).service()));
            group.bench_function("ours", |b| {
                b.iter(|| black_box(&p).get::<Service>().expect("resolves"))
            });
        }
        Case::Scope => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&base).scoped()));
            group.bench_function("ours", |b| {
                b.iter(|| {
                    black_box(&p)
                        .create_scope()
                        .expect("the provider is not disposed")
                        .get::<Request>()
                        .expect("resolves")
                })
            });
        }
        Case::Complex => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&base).complex()));
            group.bench_function("ours", |b| {
                b.iter(|| black_box(&p).get::<Root>().expect("resolves"))
            });
        }
        Case::GetAll => {
            group.bench_function("baseline", |b| b.iter(|| black_box(&all).to_vec()));
            group.bench_function("ours", |b| {
                b.iter(|| black_box(&handlers).get_all::<Handler>().expect("resolves"))
            });
        }
        Case::Keyed => {
            group.bench_function("baseline", |b| b.iter(|| Arc::clone(&black_box(&all)[3])));
            group.bench_function("ours", |b| {
                b.iter(|| {
                    black_box(&handlers)
                        .get_keyed::<Handler>(black_box(KEYS[3]))
                        .expect("resolves")
                })
            });
        }
    }
}

fn peers(c: &mut Criterion) {
    for case in Case::ALL {
        let mut group = c.benchmark_group(case.group());
        ours_and_baseline(case, &mut group);
        shaku::bench(case, &mut group);
        more_di::bench(case, &mut group);
        dill::bench(case, &mut group);
        froodi::bench(case, &mut group);
        dependency_injector::bench(case, &mut group);
        host_rs::bench(case, &mut group);
        ferrunix::bench(case, &mut group);
        group.finish();
    }
    owned::bench(c);
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
    targets = peers
}
criterion_main!(benches);
