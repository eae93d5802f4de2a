//! Planned call sites: typed at registration, finished once validation has run.

use std::sync::Arc;

use crate::dispose::ErasedInstance;
use crate::error::ResolveError;
use crate::provider::{AsyncCreateFn, AsyncInit, CallSite, ErasedSite, SiteCell, TypedSiteCell};

/// A finished call site: erased for the provider's list of sites and, for the last unkeyed
/// registration of a service, once more for the entry points' lookup table; and the
/// initializer of an async singleton.
pub(crate) struct FinishedSite {
    pub(crate) site: ErasedSite,
    pub(crate) lookup: Option<ErasedSite>,
    pub(crate) async_init: Option<AsyncInit>,
}

/// A call site whose factory arguments are planned but whose graph facts are not known yet.
pub(crate) trait PlannedSite: Send + Sync {
    /// Adds what validation learned, publishes the site in its cell and returns it, with the
    /// async initializer of an async singleton, and erased once more for the entry points'
    /// lookup table if `looked_up` (the last unkeyed registration of its service).
    fn finish(
        self: Box<Self>,
        requires_scope: Option<&'static str>,
        cell: &SiteCell,
        looked_up: bool,
    ) -> FinishedSite;
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
        looked_up: bool,
    ) -> FinishedSite {
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
        FinishedSite {
            lookup: looked_up.then(|| -> ErasedSite { Box::new(Arc::clone(&site)) }),
            site: Box::new(site),
            async_init,
        }
    }
}
