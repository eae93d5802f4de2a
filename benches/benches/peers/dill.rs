//! `dill` (components declared with `#[dill::component]`, so the types are local mirrors of
//! `benches::model` with the same fields).
//!
//! Singletons use `#[dill::scope(dill::Singleton)]`, transients are the default. A scope is a
//! chained catalog holding a `TransactionCache`, the way dill documents transactions, and the
//! scoped service uses `#[dill::scope(dill::scopes::Transaction)]`. `AllOf` resolves every
//! implementation of an interface (`dyn HandlerLike`). dill has no keys; that case is left out.

#![allow(
    dead_code,
    reason = "the fields mirror `benches::model`: built, never read"
)]

use std::hint::black_box;
use std::sync::Arc;

use dill::{AllOf, Catalog, CatalogBuilder};

use crate::{Case, Group};

#[dill::component]
#[dill::scope(dill::Singleton)]
struct DConfig {
    #[dill::component(explicit)]
    value: u64,
}

#[dill::component]
#[dill::scope(dill::Singleton)]
struct DClock {
    #[dill::component(explicit)]
    tick: u64,
}

#[dill::component]
struct DPlain {}

#[dill::component]
struct DService {
    config: Arc<DConfig>,
    plain: Arc<DPlain>,
}

#[dill::component]
#[dill::scope(dill::scopes::Transaction)]
struct DRequest {
    config: Arc<DConfig>,
}

#[dill::component]
struct DPartA {
    config: Arc<DConfig>,
    clock: Arc<DClock>,
    leaf: Arc<DPlain>,
}

#[dill::component]
struct DPartB {
    config: Arc<DConfig>,
    leaf: Arc<DPlain>,
}

#[dill::component]
struct DPartC {
    clock: Arc<DClock>,
    leaf: Arc<DPlain>,
}

#[dill::component]
struct DRoot {
    a: Arc<DPartA>,
    b: Arc<DPartB>,
    c: Arc<DPartC>,
}

trait HandlerLike: Send + Sync {}

macro_rules! handlers {
    ($($name:ident),*) => {$(
        #[dill::component]
        #[dill::scope(dill::Singleton)]
        #[dill::interface(dyn HandlerLike)]
        struct $name {}
        impl HandlerLike for $name {}
    )*};
}
handlers!(H0, H1, H2, H3, H4, H5, H6, H7);

fn catalog() -> Catalog {
    let mut builder = CatalogBuilder::new();
    builder
        .add_builder(DConfig::builder(7))
        .add_builder(DClock::builder(1))
        .add::<DPlain>()
        .add::<DService>()
        .add::<DRequest>()
        .add::<DPartA>()
        .add::<DPartB>()
        .add::<DPartC>()
        .add::<DRoot>()
        .add::<H0>()
        .add::<H1>()
        .add::<H2>()
        .add::<H3>()
        .add::<H4>()
        .add::<H5>()
        .add::<H6>()
        .add::<H7>();
    builder.build()
}

/// Adds `dill` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let c = catalog();
    let _ = c.get_one::<DConfig>();
    let _ = c.get_one::<DClock>();
    let _ = c.get::<AllOf<dyn HandlerLike>>();
    match case {
        Case::Singleton => {
            group.bench_function("dill", |b| {
                b.iter(|| black_box(&c).get_one::<DConfig>().expect("resolves"))
            });
        }
        Case::Transient => {
            group.bench_function("dill", |b| {
                b.iter(|| black_box(&c).get_one::<DPlain>().expect("resolves"))
            });
        }
        Case::TransientDeps => {
            group.bench_function("dill", |b| {
                b.iter(|| black_box(&c).get_one::<DService>().expect("resolves"))
            });
        }
        Case::Scope => {
            group.bench_function("dill", |b| {
                b.iter(|| {
                    let scope = black_box(&c)
                        .builder_chained()
                        .add_value(dill::scopes::TransactionCache::new())
                        .build();
                    scope.get_one::<DRequest>().expect("resolves")
                })
            });
        }
        Case::Complex => {
            group.bench_function("dill", |b| {
                b.iter(|| black_box(&c).get_one::<DRoot>().expect("resolves"))
            });
        }
        Case::GetAll => {
            group.bench_function("dill", |b| {
                b.iter(|| {
                    black_box(&c)
                        .get::<AllOf<dyn HandlerLike>>()
                        .expect("resolves")
                })
            });
        }
        Case::Keyed => {}
    }
}
