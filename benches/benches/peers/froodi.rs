//! `froodi` (default features: thread-safe, `Arc`).
//!
//! `get` caches per scope, `get_transient` builds a fresh value *by value*; to build the same
//! objects as everyone else, transient factories wrap their transient arguments in `Arc::new`
//! and the benchmark wraps the returned value in `Arc::new`. A scope is
//! `container.clone().enter_build()` (the `Request` scope). No `get_all` and no keys in the
//! registry API; both cases are left out.

use std::hint::black_box;
use std::sync::Arc;

use benches::model::{Clock, Config, PartA, PartB, PartC, Plain, Request, Root, Service};
use froodi::DefaultScope::{App, Request as RequestScope};
use froodi::{Container, Inject, InjectTransient, registry};

use crate::{Case, Group};

fn container() -> Container {
    Container::new(registry! {
        scope(App) [
            provide(|| Ok(Config { value: 7 })),
            provide(|| Ok(Clock { tick: 1 })),
            provide(|| Ok(Plain::default())),
            provide(|Inject(config): Inject<Config>, InjectTransient(plain): InjectTransient<Plain>| {
                Ok(Service { config, plain: Arc::new(plain) })
            }),
            provide(|Inject(config): Inject<Config>,
                     Inject(clock): Inject<Clock>,
                     InjectTransient(leaf): InjectTransient<Plain>| {
                Ok(PartA { config, clock, leaf: Arc::new(leaf) })
            }),
            provide(|Inject(config): Inject<Config>, InjectTransient(leaf): InjectTransient<Plain>| {
                Ok(PartB { config, leaf: Arc::new(leaf) })
            }),
            provide(|Inject(clock): Inject<Clock>, InjectTransient(leaf): InjectTransient<Plain>| {
                Ok(PartC { clock, leaf: Arc::new(leaf) })
            }),
            provide(|InjectTransient(a): InjectTransient<PartA>,
                     InjectTransient(b): InjectTransient<PartB>,
                     InjectTransient(c): InjectTransient<PartC>| {
                Ok(Root { a: Arc::new(a), b: Arc::new(b), c: Arc::new(c) })
            }),
        ],
        scope(RequestScope) [
            provide(|Inject(config): Inject<Config>| Ok(Request { config })),
        ],
    })
}

/// Adds `froodi` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let c = container();
    let _ = c.get::<Config>();
    let _ = c.get::<Clock>();
    match case {
        Case::Singleton => {
            group.bench_function("froodi", |b| {
                b.iter(|| black_box(&c).get::<Config>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("froodi", |b| {
                b.iter(|| {
                    black_box(&c)
                        .get_transient::<Plain>()
                        .map(Arc::new)
                        .expect("resolves")
                })
            });
        }
        Case::TransientDeps => {
            group.bench_function("froodi", |b| {
                b.iter(|| {
                    black_box(&c)
                        .get_transient::<Service>()
                        .map(Arc::new)
                        .expect("resolves")
                })
            });
        }
        Case::Scope => {
            group.bench_function("froodi", |b| {
                b.iter(|| {
                    let scope = black_box(&c).clone().enter_build().expect("enters Request");
                    scope.get::<Request>().expect("resolves")
                })
            });
        }
        Case::Complex => {
            group.bench_function("froodi", |b| {
                b.iter(|| {
                    black_box(&c)
                        .get_transient::<Root>()
                        .map(Arc::new)
                        .expect("resolves")
                })
            });
        }
        Case::GetAll | Case::Keyed => {}
    }
}
