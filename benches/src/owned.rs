//! Owned transients (cases (b), (c), (e) resolved by value): the service types, the
//! hand-written code and the `di-core` registrations.
//!
//! Two shapes of the same objects, each with its own hand-written floor:
//!
//! - **by value**: every transient is a plain struct moved into its consumer (no allocation);
//!   the floor is a struct literal per object ([`by_value`]).
//! - **boxed**: every transient is a `Box` (one allocation per object, as `shaku` hands out
//!   `Box<dyn Interface>`); the floor is a `Box::new` per object ([`boxed`]).
//!
//! Singletons stay shared (`Arc<Config>`, `Arc<Clock>`) in both.
//!
//! # Examples
//!
//! ```
//! use benches::{baseline::Baseline, owned};
//!
//! let provider = owned::services().build()?;
//! let root: owned::Root = provider.get_owned()?;
//! assert_eq!(root.b.config.value, owned::by_value(&Baseline::new()).b.config.value);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use di_core::{Owned, ServiceCollection};

use crate::baseline::Baseline;
use crate::model::{Clock, Config, Plain};

/// Case (c) by value: a singleton and an owned transient.
#[derive(Debug)]
pub struct Service {
    /// The singleton dependency.
    pub config: Arc<Config>,
    /// The owned transient dependency.
    pub plain: Plain,
}

/// Case (e) by value: two singletons and an owned transient.
#[derive(Debug)]
pub struct PartA {
    /// A singleton.
    pub config: Arc<Config>,
    /// A singleton.
    pub clock: Arc<Clock>,
    /// An owned transient.
    pub leaf: Plain,
}

/// Case (e) by value: one singleton and an owned transient.
#[derive(Debug)]
pub struct PartB {
    /// A singleton.
    pub config: Arc<Config>,
    /// An owned transient.
    pub leaf: Plain,
}

/// Case (e) by value: one singleton and an owned transient.
#[derive(Debug)]
pub struct PartC {
    /// A singleton.
    pub clock: Arc<Clock>,
    /// An owned transient.
    pub leaf: Plain,
}

/// Case (e) by value: the root, owning its three parts.
#[derive(Debug)]
pub struct Root {
    /// An owned transient.
    pub a: PartA,
    /// An owned transient.
    pub b: PartB,
    /// An owned transient.
    pub c: PartC,
}

/// Case (c) boxed: every transient behind its own `Box`.
#[derive(Debug)]
pub struct BoxedService {
    /// The singleton dependency.
    pub config: Arc<Config>,
    /// The owned transient dependency.
    pub plain: Box<Plain>,
}

/// Case (e) boxed, part A.
#[derive(Debug)]
pub struct BoxedPartA {
    /// A singleton.
    pub config: Arc<Config>,
    /// A singleton.
    pub clock: Arc<Clock>,
    /// An owned transient.
    pub leaf: Box<Plain>,
}

/// Case (e) boxed, part B.
#[derive(Debug)]
pub struct BoxedPartB {
    /// A singleton.
    pub config: Arc<Config>,
    /// An owned transient.
    pub leaf: Box<Plain>,
}

/// Case (e) boxed, part C.
#[derive(Debug)]
pub struct BoxedPartC {
    /// A singleton.
    pub clock: Arc<Clock>,
    /// An owned transient.
    pub leaf: Box<Plain>,
}

/// Case (e) boxed: the root.
#[derive(Debug)]
pub struct BoxedRoot {
    /// An owned transient.
    pub a: Box<BoxedPartA>,
    /// An owned transient.
    pub b: Box<BoxedPartB>,
    /// An owned transient.
    pub c: Box<BoxedPartC>,
}

/// Case (c) by value, written by hand.
#[inline]
pub fn service(base: &Baseline) -> Service {
    Service {
        config: Arc::clone(&base.config),
        plain: Plain::default(),
    }
}

/// Case (e) by value, written by hand: a struct literal per object.
#[inline]
pub fn by_value(base: &Baseline) -> Root {
    Root {
        a: PartA {
            config: Arc::clone(&base.config),
            clock: Arc::clone(&base.clock),
            leaf: Plain::default(),
        },
        b: PartB {
            config: Arc::clone(&base.config),
            leaf: Plain::default(),
        },
        c: PartC {
            clock: Arc::clone(&base.clock),
            leaf: Plain::default(),
        },
    }
}

/// Case (c) boxed, written by hand.
#[inline]
pub fn boxed_service(base: &Baseline) -> Box<BoxedService> {
    Box::new(BoxedService {
        config: Arc::clone(&base.config),
        plain: Box::default(),
    })
}

/// Case (e) boxed, written by hand: a `Box::new` per object.
#[inline]
pub fn boxed(base: &Baseline) -> Box<BoxedRoot> {
    Box::new(BoxedRoot {
        a: Box::new(BoxedPartA {
            config: Arc::clone(&base.config),
            clock: Arc::clone(&base.clock),
            leaf: Box::default(),
        }),
        b: Box::new(BoxedPartB {
            config: Arc::clone(&base.config),
            leaf: Box::default(),
        }),
        c: Box::new(BoxedPartC {
            clock: Arc::clone(&base.clock),
            leaf: Box::default(),
        }),
    })
}

/// The singletons `Config` and `Clock`, and every owned transient of both shapes: `Plain`,
/// `Service`, `PartA`–`PartC`, `Root` by value, and `Box<Plain>`, `Box<BoxedService>`,
/// `Box<BoxedPartA>`–`Box<BoxedPartC>`, `Box<BoxedRoot>`.
pub fn services() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config { value: 7 }));
    services.add_singleton(|| Arc::new(Clock { tick: 1 }));
    add_by_value(&mut services);
    add_boxed(&mut services);
    services
}

fn add_by_value(services: &mut ServiceCollection) {
    services.add_owned(Plain::default);
    services.add_owned(|config: Arc<Config>, plain: Owned<Plain>| Service {
        config,
        plain: plain.into_inner(),
    });
    services.add_owned(
        |config: Arc<Config>, clock: Arc<Clock>, leaf: Owned<Plain>| PartA {
            config,
            clock,
            leaf: leaf.into_inner(),
        },
    );
    services.add_owned(|config: Arc<Config>, leaf: Owned<Plain>| PartB {
        config,
        leaf: leaf.into_inner(),
    });
    services.add_owned(|clock: Arc<Clock>, leaf: Owned<Plain>| PartC {
        clock,
        leaf: leaf.into_inner(),
    });
    services.add_owned(|a: Owned<PartA>, b: Owned<PartB>, c: Owned<PartC>| Root {
        a: a.into_inner(),
        b: b.into_inner(),
        c: c.into_inner(),
    });
}

fn add_boxed(services: &mut ServiceCollection) {
    services.add_owned(Box::<Plain>::default);
    services.add_owned(|config: Arc<Config>, plain: Owned<Box<Plain>>| {
        Box::new(BoxedService {
            config,
            plain: plain.into_inner(),
        })
    });
    services.add_owned(
        |config: Arc<Config>, clock: Arc<Clock>, leaf: Owned<Box<Plain>>| {
            Box::new(BoxedPartA {
                config,
                clock,
                leaf: leaf.into_inner(),
            })
        },
    );
    services.add_owned(|config: Arc<Config>, leaf: Owned<Box<Plain>>| {
        Box::new(BoxedPartB {
            config,
            leaf: leaf.into_inner(),
        })
    });
    services.add_owned(|clock: Arc<Clock>, leaf: Owned<Box<Plain>>| {
        Box::new(BoxedPartC {
            clock,
            leaf: leaf.into_inner(),
        })
    });
    services.add_owned(
        |a: Owned<Box<BoxedPartA>>, b: Owned<Box<BoxedPartB>>, c: Owned<Box<BoxedPartC>>| {
            Box::new(BoxedRoot {
                a: a.into_inner(),
                b: b.into_inner(),
                c: c.into_inner(),
            })
        },
    );
}
