//! The service types of cases (a)–(e), shared by the baseline and the container.
//!
//! Fields are public and read nowhere: they exist so that every contender builds the same
//! objects (same sizes, same `Arc` clones).
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use benches::model::{Config, Plain, Service};
//!
//! let service = Service { config: Arc::new(Config { value: 1 }), plain: Arc::new(Plain::default()) };
//! assert_eq!(service.config.value, 1);
//! ```

use std::sync::Arc;

/// Case (a): a singleton, created once and then only resolved.
#[derive(Debug)]
pub struct Config {
    /// A payload, so that the type is not zero-sized.
    pub value: u64,
}

/// A second singleton, used by case (e).
#[derive(Debug)]
pub struct Clock {
    /// A payload, so that the type is not zero-sized.
    pub tick: u64,
}

/// Case (b): a transient with no dependencies; also the leaf transient of (c) and (e).
#[derive(Debug, Default)]
pub struct Plain {
    /// A payload, so that the type is not zero-sized.
    pub id: u64,
}

/// Case (c): a transient depending on one singleton and one transient.
#[derive(Debug)]
pub struct Service {
    /// The singleton dependency.
    pub config: Arc<Config>,
    /// The transient dependency.
    pub plain: Arc<Plain>,
}

/// Case (d): a scoped service depending on one singleton.
#[derive(Debug)]
pub struct Request {
    /// The singleton dependency.
    pub config: Arc<Config>,
}

/// Case (e): a transient part taking two singletons and a transient.
#[derive(Debug)]
pub struct PartA {
    /// A singleton.
    pub config: Arc<Config>,
    /// A singleton.
    pub clock: Arc<Clock>,
    /// A transient.
    pub leaf: Arc<Plain>,
}

/// Case (e): a transient part taking one singleton and a transient.
#[derive(Debug)]
pub struct PartB {
    /// A singleton.
    pub config: Arc<Config>,
    /// A transient.
    pub leaf: Arc<Plain>,
}

/// Case (e): a transient part taking one singleton and a transient.
#[derive(Debug)]
pub struct PartC {
    /// A singleton.
    pub clock: Arc<Clock>,
    /// A transient.
    pub leaf: Arc<Plain>,
}

/// Case (e): the root transient, taking three transients (7 allocations and 4 singleton clones
/// per resolution, about 10 objects in all).
#[derive(Debug)]
pub struct Root {
    /// A transient.
    pub a: Arc<PartA>,
    /// A transient.
    pub b: Arc<PartB>,
    /// A transient.
    pub c: Arc<PartC>,
}

/// Case 3: the service type of `get_all` and keyed resolution.
#[derive(Debug)]
pub struct Handler {
    /// Which registration this is.
    pub index: usize,
}

/// Filler scoped registrations of the scope-scaling case.
#[derive(Debug)]
pub struct Filler;
