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
//! Nothing here runs at resolution time.

mod build;
mod deferred;
mod graph;
mod keyed_site;
mod owned_site;
mod planner;
mod site;
mod validate;

pub(crate) use graph::GraphSource;
pub use graph::{EdgeKind, GraphEdge, GraphNode, ServiceGraph};
pub use keyed_site::{KeySource, KeyedSite};
pub use owned_site::OwnedSiteRef;
pub(crate) use owned_site::{OwnedCell, PlannedOwnedSite};
pub use planner::{Planner, SiteRef};
pub(crate) use site::{
    ErasedSite, PlannedCallSite, PlannedSite, SiteCell, SiteConfig, TypedSiteCell,
};
