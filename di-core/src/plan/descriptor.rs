//! The erased form of one registration.

use std::any::{Any, TypeId};
use std::sync::Arc;

use crate::dispose::DisposeFn;
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::planner::Planner;
use crate::plan::site::PlannedSite;
use crate::provider::{SiteCell, SiteConfig};

/// One registration, with its factory type erased.
#[derive(Clone)]
pub(crate) struct Descriptor {
    pub(crate) type_id: TypeId,
    pub(crate) service: &'static str,
    pub(crate) key: Option<ServiceKey>,
    pub(crate) lifetime: ServiceLifetime,
    pub(crate) is_async: bool,
    pub(crate) is_instance: bool,
    pub(crate) dispose: Option<DisposeFn>,
    pub(crate) factory: Arc<dyn ErasedFactory>,
    /// The identity of what creates the instances: the factory's type (a closure's or
    /// function's own type), or the instance's type; `try_add_all` de-duplicates by it.
    pub(crate) implementation: TypeId,
    /// The name of [`implementation`](Self::implementation)'s type, for diagnostics.
    pub(crate) implementation_name: &'static str,
}

/// A typed factory behind a trait object: the one place where a registration's types meet the
/// planner.
pub(crate) trait ErasedFactory: Send + Sync {
    /// An empty cell for this registration's call site, typed by its service.
    fn new_cell(&self) -> SiteCell;

    /// Plans the factory's arguments and returns its call site, not yet finished.
    fn plan(&self, planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite>;

    /// Plans the factory's arguments and returns the function that creates an instance, for a
    /// decorator to wrap.
    fn plan_create(&self, planner: &mut Planner<'_>, config: &SiteConfig) -> PlannedCreate;
}

/// A planned creation function with its service type erased: a boxed
/// `CreateFn<S>` or `AsyncCreateFn<S>`.
pub(crate) enum PlannedCreate {
    Sync(Box<dyn Any + Send + Sync>),
    Async(Box<dyn Any + Send + Sync>),
}
