//! `ferrunix` (feature `multithread`, so singletons are `Arc`).
//!
//! Dependencies are declared with `with_deps::<T, (Singleton<_>, Transient<_>)>()`; transients
//! are returned *by value*, so transient factories wrap their transient arguments in `Arc::new`
//! and the benchmark wraps the result (the same allocations as everyone). It has no scoped
//! lifetime, no multiple registrations of a type and no keys: (d), `get_all` and keyed are left
//! out.

use std::hint::black_box;
use std::sync::Arc;

use benches::model::{Clock, Config, PartA, PartB, PartC, Plain, Root, Service};
use ferrunix::{Registry, Singleton, Transient};

use crate::{Case, Group};

fn registry() -> Registry {
    let registry = Registry::empty();
    registry.register_singleton(|| Config { value: 7 });
    registry.register_singleton(|| Clock { tick: 1 });
    registry.register_transient(Plain::default);
    registry
        .with_deps::<Service, (Singleton<Config>, Transient<Plain>)>()
        .register_transient(|(config, plain)| Service {
            config: config.get(),
            plain: Arc::new(plain.get()),
        });
    registry
        .with_deps::<PartA, (Singleton<Config>, Singleton<Clock>, Transient<Plain>)>()
        .register_transient(|(config, clock, leaf)| PartA {
            config: config.get(),
            clock: clock.get(),
            leaf: Arc::new(leaf.get()),
        });
    registry
        .with_deps::<PartB, (Singleton<Config>, Transient<Plain>)>()
        .register_transient(|(config, leaf)| PartB {
            config: config.get(),
            leaf: Arc::new(leaf.get()),
        });
    registry
        .with_deps::<PartC, (Singleton<Clock>, Transient<Plain>)>()
        .register_transient(|(clock, leaf)| PartC {
            clock: clock.get(),
            leaf: Arc::new(leaf.get()),
        });
    registry
        .with_deps::<Root, (Transient<PartA>, Transient<PartB>, Transient<PartC>)>()
        .register_transient(|(a, b, c)| Root {
            a: Arc::new(a.get()),
            b: Arc::new(b.get()),
            c: Arc::new(c.get()),
        });
    registry
}

/// Adds `ferrunix` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let r = registry();
    r.validate_all().expect("the ferrunix registry validates");
    r.singleton::<Config>().expect("creates the singleton");
    r.singleton::<Clock>().expect("creates the singleton");
    match case {
        Case::Singleton => {
            group.bench_function("ferrunix", |b| {
                b.iter(|| black_box(&r).singleton::<Config>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("ferrunix", |b| {
                b.iter(|| Arc::new(black_box(&r).transient::<Plain>().expect("resolves")))
            });
        }
        Case::TransientDeps => {
            group.bench_function("ferrunix", |b| {
                b.iter(|| Arc::new(black_box(&r).transient::<Service>().expect("resolves")))
            });
        }
        Case::Complex => {
            group.bench_function("ferrunix", |b| {
                b.iter(|| Arc::new(black_box(&r).transient::<Root>().expect("resolves")))
            });
        }
        Case::Scope | Case::GetAll | Case::Keyed => {}
    }
}
