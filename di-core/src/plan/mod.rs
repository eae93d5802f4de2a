//! Build time: turn descriptors into validated call sites, once.
//!
//! `build()` runs in four steps:
//!
//! 1. **index** the registrations by type (and key) and give every singleton a slot in the root
//!    storage and every scoped service a slot in each scope's storage;
//! 2. **plan** each factory: its [`Dependency`](crate::Dependency) arguments ask the
//!    [`Planner`] for the call sites they need, which records the graph's edges and any missing
//!    registration;
//! 3. **validate** the graph iteratively (no recursion, so deep graphs cannot overflow the stack):
//!    cycles, captive dependencies, and which services need a scope;
//! 4. **freeze** the planned call sites into a provider.
//!
//! `build.rs` runs the steps (`slots.rs`, `planner.rs`, `edges.rs` and `validate.rs`,
//! `site.rs`); the descriptors it reads are defined here (`descriptor.rs`), the provider it
//! assembles in `provider/`.
//!
//! Nothing here runs at resolution time.

mod build;
mod deferred;
mod descriptor;
mod edges;
mod keyed_site;
mod owned_site;
mod planner;
mod site;
mod slots;
mod validate;

pub(crate) use build::{build, build_async};
pub(crate) use descriptor::{Descriptor, ErasedFactory, PlannedCreate};
pub use keyed_site::{KeySource, KeyedSite};
pub(crate) use owned_site::PlannedOwnedSite;
pub use planner::Planner;
pub(crate) use site::{PlannedCallSite, PlannedSite};
