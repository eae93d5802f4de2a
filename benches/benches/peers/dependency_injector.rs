//! `dependency-injector` (default features off, so no `tracing` calls on the hot path).
//!
//! Factories are `Fn() -> T` closures, so dependencies are fetched from a captured clone of the
//! container; nothing is validated before the first resolution. It has no scoped lifetime: a
//! scope is a child container, so case (d) is imitated by creating a child, registering the
//! scoped service's factory in it as a lazy singleton, resolving it and dropping the child.
//! It has no `get_all` and no keys; both cases are left out.

use std::hint::black_box;

use benches::model::{Clock, Config, PartA, PartB, PartC, Plain, Request, Root, Service};
use dependency_injector::Container;

use crate::{Case, Group};

fn container() -> Container {
    let container = Container::new();
    container.lazy(|| Config { value: 7 });
    container.lazy(|| Clock { tick: 1 });
    container.transient(Plain::default);
    let c = container.clone();
    container.transient(move || Service {
        config: c.get().expect("registered"),
        plain: c.get().expect("registered"),
    });
    let c = container.clone();
    container.transient(move || PartA {
        config: c.get().expect("registered"),
        clock: c.get().expect("registered"),
        leaf: c.get().expect("registered"),
    });
    let c = container.clone();
    container.transient(move || PartB {
        config: c.get().expect("registered"),
        leaf: c.get().expect("registered"),
    });
    let c = container.clone();
    container.transient(move || PartC {
        clock: c.get().expect("registered"),
        leaf: c.get().expect("registered"),
    });
    let c = container.clone();
    container.transient(move || Root {
        a: c.get().expect("registered"),
        b: c.get().expect("registered"),
        c: c.get().expect("registered"),
    });
    container
}

/// Adds `dependency-injector` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let c = container();
    let _ = c.get::<Config>();
    let _ = c.get::<Clock>();
    match case {
        Case::Singleton => {
            group.bench_function("dependency_injector", |b| {
                b.iter(|| black_box(&c).get::<Config>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("dependency_injector", |b| {
                b.iter(|| black_box(&c).get::<Plain>().expect("resolves"))
            });
        }
        Case::TransientDeps => {
            group.bench_function("dependency_injector", |b| {
                b.iter(|| black_box(&c).get::<Service>().expect("resolves"))
            });
        }
        Case::Scope => {
            group.bench_function("dependency_injector", |b| {
                b.iter(|| {
                    let scope = black_box(&c).scope();
                    let root = c.clone();
                    scope.lazy(move || Request {
                        config: root.get().expect("registered"),
                    });
                    scope.get::<Request>().expect("resolves")
                })
            });
        }
        Case::Complex => {
            group.bench_function("dependency_injector", |b| {
                b.iter(|| black_box(&c).get::<Root>().expect("resolves"))
            });
        }
        Case::GetAll | Case::Keyed => {}
    }
}
