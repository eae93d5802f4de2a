//! `shaku` (compile-time modules; types are local mirrors of `benches::model` behind
//! interfaces, as shaku requires).
//!
//! Components are singletons created when the module is built; providers are transients and
//! return `Box<dyn Interface>` (one allocation per object, like an `Arc`). shaku has no scopes,
//! no multiple registrations of an interface and no keys: cases (d), `get_all` and keyed are
//! left out.

#![allow(
    dead_code,
    reason = "the fields mirror `benches::model`: built, never read"
)]

use std::hint::black_box;
use std::sync::Arc;

use shaku::{Component, HasComponent, HasProvider, Interface, Module, Provider, module};

use crate::{Case, Group};

trait IConfig: Interface {}
trait IClock: Interface {}
trait IPlain {}
trait IService {}
trait IPart {}
trait IPartB {}
trait IPartC {}
trait IRoot {}

#[derive(Component)]
#[shaku(interface = IConfig)]
struct SConfig {
    #[shaku(default = 7)]
    value: u64,
}
impl IConfig for SConfig {}

#[derive(Component)]
#[shaku(interface = IClock)]
struct SClock {
    #[shaku(default = 1)]
    tick: u64,
}
impl IClock for SClock {}

/// Written by hand: the derive does not allow a plain field in a provider.
struct SPlain {
    id: u64,
}
impl IPlain for SPlain {}
impl<M: Module> Provider<M> for SPlain {
    type Interface = dyn IPlain;

    fn provide(_: &M) -> Result<Box<dyn IPlain>, Box<dyn std::error::Error>> {
        Ok(Box::new(SPlain { id: 0 }))
    }
}

#[derive(Provider)]
#[shaku(interface = IService)]
struct SService {
    #[shaku(inject)]
    config: Arc<dyn IConfig>,
    #[shaku(provide)]
    plain: Box<dyn IPlain>,
}
impl IService for SService {}

#[derive(Provider)]
#[shaku(interface = IPart)]
struct SPartA {
    #[shaku(inject)]
    config: Arc<dyn IConfig>,
    #[shaku(inject)]
    clock: Arc<dyn IClock>,
    #[shaku(provide)]
    leaf: Box<dyn IPlain>,
}
impl IPart for SPartA {}

#[derive(Provider)]
#[shaku(interface = IPartB)]
struct SPartB {
    #[shaku(inject)]
    config: Arc<dyn IConfig>,
    #[shaku(provide)]
    leaf: Box<dyn IPlain>,
}
impl IPartB for SPartB {}

#[derive(Provider)]
#[shaku(interface = IPartC)]
struct SPartC {
    #[shaku(inject)]
    clock: Arc<dyn IClock>,
    #[shaku(provide)]
    leaf: Box<dyn IPlain>,
}
impl IPartC for SPartC {}

#[derive(Provider)]
#[shaku(interface = IRoot)]
struct SRoot {
    #[shaku(provide)]
    a: Box<dyn IPart>,
    #[shaku(provide)]
    b: Box<dyn IPartB>,
    #[shaku(provide)]
    c: Box<dyn IPartC>,
}
impl IRoot for SRoot {}

module! {
    Cases {
        components = [SConfig, SClock],
        providers = [SPlain, SService, SPartA, SPartB, SPartC, SRoot]
    }
}

/// Adds `shaku` to the group of `case`.
pub(crate) fn bench(case: Case, group: &mut Group<'_>) {
    let m = Cases::builder().build();
    match case {
        Case::Singleton => {
            group.bench_function("shaku", |b| {
                b.iter(|| HasComponent::<dyn IConfig>::resolve(black_box(&m)))
            });
        }
        Case::Transient => {
            group.bench_function("shaku", |b| {
                b.iter(|| HasProvider::<dyn IPlain>::provide(black_box(&m)).expect("resolves"))
            });
        }
        Case::TransientDeps => {
            group.bench_function("shaku", |b| {
                b.iter(|| HasProvider::<dyn IService>::provide(black_box(&m)).expect("resolves"))
            });
        }
        Case::Complex => {
            group.bench_function("shaku", |b| {
                b.iter(|| HasProvider::<dyn IRoot>::provide(black_box(&m)).expect("resolves"))
            });
        }
        Case::Scope | Case::GetAll | Case::Keyed => {}
    }
}
