//! `hosting` (host-rs, 0.1.0): a container modelled on Microsoft.Extensions.DependencyInjection.
//!
//! Factories are `Fn(&Resolver) -> Result<T, BoxError>` (opaque to validation, like more-di's);
//! the container wraps `T` in an `Arc`. Scopes are `create_scope()`, `resolve_all` gives every
//! registration. It has no keys (that case is left out) and no hosted services yet (its README
//! lists them as planned), so it is not in case 6.

use std::hint::black_box;

use benches::container::HANDLERS;
use benches::model::{Clock, Config, Handler, PartA, PartB, PartC, Plain, Request, Root, Service};
use hosting::{ServiceCollection, ServiceProvider};

use crate::{Case, Group};

fn provider() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services
        .add_singleton_with(|_| Ok(Config { value: 7 }))
        .add_singleton_with(|_| Ok(Clock { tick: 1 }))
        .add_transient_with(|_| Ok(Plain::default()))
        .add_transient_with(|r| {
            Ok(Service {
                config: r.resolve()?,
                plain: r.resolve()?,
            })
        })
        .add_scoped_with(|r| {
            Ok(Request {
                config: r.resolve()?,
            })
        })
        .add_transient_with(|r| {
            Ok(PartA {
                config: r.resolve()?,
                clock: r.resolve()?,
                leaf: r.resolve()?,
            })
        })
        .add_transient_with(|r| {
            Ok(PartB {
                config: r.resolve()?,
                leaf: r.resolve()?,
            })
        })
        .add_transient_with(|r| {
            Ok(PartC {
                clock: r.resolve()?,
                leaf: r.resolve()?,
            })
        })
        .add_transient_with(|r| {
            Ok(Root {
                a: r.resolve()?,
                b: r.resolve()?,
                c: r.resolve()?,
            })
        });
    for index in 0..HANDLERS {
        services.add_singleton_with(move |_| Ok(Handler { index }));
    }
    services.build().expect("the host-rs services build")
}

/// Adds `hosting` (host-rs) to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let p = provider();
    p.resolve::<Config>().expect("creates the singleton");
    p.resolve_all::<Handler>().expect("creates the singletons");
    match case {
        Case::Singleton => {
            group.bench_function("host_rs", |b| {
                b.iter(|| black_box(&p).resolve::<Config>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("host_rs", |b| {
                b.iter(|| black_box(&p).resolve::<Plain>().expect("resolves"))
            });
        }
        Case::TransientDeps => {
            group.bench_function("host_rs", |b| {
                b.iter(|| black_box(&p).resolve::<Service>().expect("resolves"))
            });
        }
        Case::Scope => {
            group.bench_function("host_rs", |b| {
                b.iter(|| {
                    black_box(&p)
                        .create_scope()
                        .resolve::<Request>()
                        .expect("resolves")
                })
            });
        }
        Case::Complex => {
            group.bench_function("host_rs", |b| {
                b.iter(|| black_box(&p).resolve::<Root>().expect("resolves"))
            });
        }
        Case::GetAll => {
            group.bench_function("host_rs", |b| {
                b.iter(|| black_box(&p).resolve_all::<Handler>().expect("resolves"))
            });
        }
        Case::Keyed => {}
    }
}
