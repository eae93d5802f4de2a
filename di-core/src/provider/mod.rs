//! Run time: resolve services by precomputed index, cache them per provider or per scope, and
//! dispose them in reverse creation order.
//!
//! # Invariants
//!
//! - The only `TypeId` lookup happens at the public entry points ([`ServiceProvider::get`],
//!   [`Scope::get`], …). Factory arguments reach their dependencies by the call-site index that
//!   was planned at build time.
//! - A call site's cache slot is filled at most once per owner (the provider for singletons, a
//!   scope for scoped services). Concurrent first resolutions block on that one slot only, so
//!   the factory runs exactly once; a factory that panics leaves the slot empty and the next
//!   resolution runs it again.
//! - Nothing escapes disposal: a creation that finishes after its owner (scope or provider)
//!   began disposing is disposed at once and its resolution fails with
//!   [`ResolveError::Disposed`](crate::ResolveError::Disposed) (see `dispose/passes.rs`).
//!   The check costs nothing on the path of an instance already created.
//!
//! # Deadlock safety
//!
//! No lock is held while user code runs. The only waits are on a slot that another thread is
//! filling; since `build()` rejects cycles, the slots a factory waits on form a DAG and waits
//! cannot form a ring. The transient list's mutex is only held to push or take the list. The
//! disposal lock is held by a disposal pass while it runs `dispose`s, but it is only ever
//! *tried*: nobody waits for it (a call that finds it taken asks the holder for another pass).

mod call_site;
mod catch_all;
mod entry_points;
mod index;
mod inner;
mod last_sites;
mod owned;
mod owned_entry;
mod owned_site_ref;
mod owned_value;
mod owner;
mod resolver;
mod scope;
mod scope_factory;
mod scope_state;
mod service_provider;
mod site_cell;
mod site_config;
mod site_ref;
mod storage;

pub(crate) use call_site::{AsyncCreateFn, AsyncInit, CallSite, CreateFn, SiteKind};
pub(crate) use catch_all::requested_key;
pub(crate) use index::ServiceIndex;
pub(crate) use inner::{FrozenSites, ProviderInner, SlotCounts};
pub(crate) use owned::{OwnedCallSite, OwnedCreateFn};
pub(crate) use owned_site_ref::OwnedCell;
pub use owned_site_ref::OwnedSiteRef;
pub use owned_value::Owned;
pub(crate) use owned_value::OwnedService;
pub(crate) use owner::OwnerHandle;
pub use resolver::Resolver;
pub use scope::Scope;
pub use scope_factory::ScopeFactory;
pub use service_provider::ServiceProvider;
pub(crate) use site_cell::{ErasedSite, SiteCell, TypedSiteCell};
pub(crate) use site_config::SiteConfig;
pub use site_ref::SiteRef;
