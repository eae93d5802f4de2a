//! The `di-core` registrations of cases (a)–(e) and of the `get_all` / keyed case.
//!
//! # Examples
//!
//! ```
//! use benches::{container, model::Root};
//!
//! let provider = container::services().build()?;
//! assert_eq!(provider.get::<Root>()?.b.config.value, 7);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use di_core::ServiceCollection;

use crate::model::{
    Clock, Config, Filler, Handler, PartA, PartB, PartC, Plain, Request, Root, Service,
};

/// How many registrations `get_all` resolves, and how many keys the keyed case has.
pub const HANDLERS: usize = 8;

/// The keys of the keyed case.
pub const KEYS: [&str; HANDLERS] = ["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7"];

/// Every service of cases (a)–(e): singletons `Config` and `Clock`, transients `Plain`,
/// `Service`, `PartA`–`PartC` and `Root`, scoped `Request`.
pub fn services() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config { value: 7 }));
    services.add_singleton(|| Arc::new(Clock { tick: 1 }));
    services.add_transient(|| Arc::new(Plain::default()));
    services.add_transient(|config: Arc<Config>, plain: Arc<Plain>| {
        Arc::new(Service { config, plain })
    });
    services.add_scoped(|config: Arc<Config>| Arc::new(Request { config }));
    services.add_transient(|config: Arc<Config>, clock: Arc<Clock>, leaf: Arc<Plain>| {
        Arc::new(PartA {
            config,
            clock,
            leaf,
        })
    });
    services
        .add_transient(|config: Arc<Config>, leaf: Arc<Plain>| Arc::new(PartB { config, leaf }));
    services.add_transient(|clock: Arc<Clock>, leaf: Arc<Plain>| Arc::new(PartC { clock, leaf }));
    services
        .add_transient(|a: Arc<PartA>, b: Arc<PartB>, c: Arc<PartC>| Arc::new(Root { a, b, c }));
    services
}

/// `n` scoped registrations of `Filler`, each with its own scope slot (the worst case for a
/// scope's storage); resolving `Filler` returns the last one.
pub fn scoped_fillers(n: usize) -> ServiceCollection {
    let mut services = ServiceCollection::new();
    for _ in 0..n {
        services.add_scoped(|| Arc::new(Filler));
    }
    services
}

/// [`HANDLERS`] unkeyed singleton registrations of `Handler`, and as many keyed ones.
pub fn handlers() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    for (index, key) in KEYS.into_iter().enumerate() {
        services.add_singleton(move || Arc::new(Handler { index }));
        services.add_keyed_singleton(key, move || Arc::new(Handler { index }));
    }
    services
}
