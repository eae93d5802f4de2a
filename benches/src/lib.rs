//! Shared fixtures of the benchmark suite (the benchmarks themselves live in `benches/`).
//!
//! Every case has three parts that do the same work per iteration: the service types
//! ([`model`]), a hand-written [`baseline`] that builds them with `Arc::new` and cloned fields,
//! and the `di-core` registrations ([`container`]). [`graph`] generates the large collections
//! of the `build()` and scope-scaling cases; [`features`] those of the registration features
//! (catch-all keys, `Lazy<T>`, decorators); [`owned`] the owned-transient shapes of (b), (c), (e).

pub mod baseline;
pub mod container;
pub mod features;
pub mod graph;
pub mod model;
pub mod owned;
