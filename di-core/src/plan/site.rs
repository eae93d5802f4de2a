//! Planned call sites: typed at registration, finished once validation has run.

use std::any::Any;
use std::sync::{Arc, OnceLock};

use crate::error::ResolveError;
use crate::lifetime::ServiceLifetime;
use crate::provider::{AsyncCreateFn, AsyncInit, CallSite, DisposeFn, ErasedInstance};

/// What the builder tells a factory about the call site it plans.
#[derive(Clone, Copy)]
pub(crate) struct SiteConfig {
    pub(crate) service: &'static str,
    pub(crate) lifetime: ServiceLifetime,
    pub(crate) slot: usize,
    pub(crate) dispose: Option<DisposeFn>,
    /// Registered under [`ServiceKey::any`](crate::ServiceKey::any): one instance per key.
    pub(crate) catch_all: bool,
}

/// Where a registration's finished call site will be found: a `OnceLock<Arc<CallSite<S>>>`
/// behind an erased `Arc`, created before planning so that factory arguments can hold a typed
/// reference to it (a [`SiteRef`](crate::SiteRef)) and reach the site without any downcast at
/// run time.
pub(crate) type SiteCell = Arc<dyn Any + Send + Sync>;

/// The typed content of a [`SiteCell`].
pub(crate) type TypedSiteCell<S> = OnceLock<Arc<CallSite<S>>>;

/// A finished call site with its service type erased: a `CallSite<S>`, found by the public
/// entry points with one downcast.
pub(crate) type ErasedSite = Arc<dyn Any + Send + Sync>;

/// A call site whose factory arguments are planned but whose graph facts are not known yet.
pub(crate) trait PlannedSite: Send + Sync {
    /// Adds what validation learned, publishes the site in its cell and returns it, with the
    /// async initializer of an async singleton.
    fn finish(
        self: Box<Self>,
        requires_scope: Option<&'static str>,
        cell: &SiteCell,
    ) -> (ErasedSite, Option<AsyncInit>);
}

/// The typed [`PlannedSite`].
pub(crate) struct PlannedCallSite<S: ?Sized> {
    site: CallSite<S>,
    async_create: Option<AsyncCreateFn<S>>,
}

impl<S: ?Sized + Send + Sync + 'static> PlannedCallSite<S> {
    pub(crate) fn new(site: CallSite<S>, async_create: Option<AsyncCreateFn<S>>) -> Self {
        Self { site, async_create }
    }
}

impl<S: ?Sized + Send + Sync + 'static> PlannedSite for PlannedCallSite<S> {
    fn finish(
        self: Box<Self>,
        requires_scope: Option<&'static str>,
        cell: &SiteCell,
    ) -> (ErasedSite, Option<AsyncInit>) {
        let Self {
            mut site,
            async_create,
        } = *self;
        site.requires_scope = requires_scope;
        let async_init = async_create.map(|create| -> AsyncInit {
            Box::new(move |resolver| {
                let future = create(resolver)?;
                Ok(Box::pin(async move {
                    let instance: Arc<S> = future.await?;
                    Ok::<ErasedInstance, ResolveError>(Box::new(instance))
                }))
            })
        });
        let site = Arc::new(site);
        if let Some(cell) = cell.downcast_ref::<TypedSiteCell<S>>() {
            let _ = cell.set(Arc::clone(&site));
        }
        (site, async_init)
    }
}
