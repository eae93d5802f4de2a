//! `more-di` (crate `di`, feature `async` so that `Ref` is `Arc` like everyone else's).
//!
//! Factories are closures over the provider, with `depends_on` declared so that
//! `build_provider` validates the graph. A scope is `create_scope()`. Keys are types.

use std::hint::black_box;

use benches::container::HANDLERS;
use benches::model::{Clock, Config, Handler, PartA, PartB, PartC, Plain, Request, Root, Service};
use di::{
    ServiceCollection, ServiceProvider, exactly_one, scoped, singleton, singleton_with_key,
    transient,
};

use crate::{Case, Group};

/// The key of the keyed case (keys are types in `more-di`).
struct Key3;
/// The other keys.
struct OtherKey;

fn provider() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services
        .add(singleton::<Config, Config>().from(|_| di::Ref::new(Config { value: 7 })))
        .add(singleton::<Clock, Clock>().from(|_| di::Ref::new(Clock { tick: 1 })))
        .add(transient::<Plain, Plain>().from(|_| di::Ref::new(Plain::default())))
        .add(
            transient::<Service, Service>()
                .depends_on(exactly_one::<Config>())
                .depends_on(exactly_one::<Plain>())
                .from(|sp| {
                    di::Ref::new(Service {
                        config: sp.get_required::<Config>(),
                        plain: sp.get_required::<Plain>(),
                    })
                }),
        )
        .add(
            scoped::<Request, Request>()
                .depends_on(exactly_one::<Config>())
                .from(|sp| {
                    di::Ref::new(Request {
                        config: sp.get_required::<Config>(),
                    })
                }),
        )
        .add(
            transient::<PartA, PartA>()
                .depends_on(exactly_one::<Config>())
                .depends_on(exactly_one::<Clock>())
                .depends_on(exactly_one::<Plain>())
                .from(|sp| {
                    di::Ref::new(PartA {
                        config: sp.get_required::<Config>(),
                        clock: sp.get_required::<Clock>(),
                        leaf: sp.get_required::<Plain>(),
                    })
                }),
        )
        .add(
            transient::<PartB, PartB>()
                .depends_on(exactly_one::<Config>())
                .depends_on(exactly_one::<Plain>())
                .from(|sp| {
                    di::Ref::new(PartB {
                        config: sp.get_required::<Config>(),
                        leaf: sp.get_required::<Plain>(),
                    })
                }),
        )
        .add(
            transient::<PartC, PartC>()
                .depends_on(exactly_one::<Clock>())
                .depends_on(exactly_one::<Plain>())
                .from(|sp| {
                    di::Ref::new(PartC {
                        clock: sp.get_required::<Clock>(),
                        leaf: sp.get_required::<Plain>(),
                    })
                }),
        )
        .add(
            transient::<Root, Root>()
                .depends_on(exactly_one::<PartA>())
                .depends_on(exactly_one::<PartB>())
                .depends_on(exactly_one::<PartC>())
                .from(|sp| {
                    di::Ref::new(Root {
                        a: sp.get_required::<PartA>(),
                        b: sp.get_required::<PartB>(),
                        c: sp.get_required::<PartC>(),
                    })
                }),
        );
    for index in 0..HANDLERS {
        services
            .add(singleton::<Handler, Handler>().from(move |_| di::Ref::new(Handler { index })));
        if index == 3 {
            services.add(
                singleton_with_key::<Key3, Handler, Handler>()
                    .from(move |_| di::Ref::new(Handler { index })),
            );
        } else {
            services.add(
                singleton_with_key::<OtherKey, Handler, Handler>()
                    .from(move |_| di::Ref::new(Handler { index })),
            );
        }
    }
    services
        .build_provider()
        .expect("the more-di services validate")
}

/// Adds `more-di` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let p = provider();
    let _ = p.get_required::<Config>();
    let _: Vec<_> = p.get_all::<Handler>().collect();
    let _ = p.get_required_by_key::<Key3, Handler>();
    match case {
        Case::Singleton => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_required::<Config>())
        }),
        Case::Transient => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_required::<Plain>())
        }),
        Case::TransientDeps => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_required::<Service>())
        }),
        Case::Scope => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).create_scope().get_required::<Request>())
        }),
        Case::Complex => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_required::<Root>())
        }),
        Case::GetAll => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_all::<Handler>().collect::<Vec<_>>())
        }),
        Case::Keyed => group.bench_function("more_di", |b| {
            b.iter(|| black_box(&p).get_required_by_key::<Key3, Handler>())
        }),
    };
}
