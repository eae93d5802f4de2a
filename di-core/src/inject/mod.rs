//! Factory arguments: the extractor-style [`Dependency`] trait and its implementations.
//!
//! A factory's argument types *are* its dependency declaration. Each argument type plans its
//! needs once, at build time ([`Dependency::plan`] turns a type into call-site indices), and
//! fetches them cheaply on every resolution ([`Dependency::resolve`] follows those indices).
//! This is what lets `build()` see — and validate — every edge of the graph.

mod activate;
mod deferred;
mod dependency;
mod injectable;
mod key_argument;
mod keyed;
mod keyed_services;
mod owned;
mod owned_keyed;
mod tuples;

pub use crate::provider::Owned;
pub use deferred::{Lazy, ServiceFactory};
pub use dependency::Dependency;
pub use injectable::Injectable;
pub use keyed::Keyed;
pub use keyed_services::KeyedServices;
pub use owned_keyed::OwnedKeyed;
