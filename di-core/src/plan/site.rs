//! Planned call sites: typed at registration, finished once validation has run.

use std::any::Any;
use std::sync::Arc;

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
}

/// A call site whose factory arguments are planned but whose graph facts are not known yet.
pub(crate) trait PlannedSite: Send + Sync {
    /// Adds what validation learned and erases the site for the provider.
    fn finish(self: Box<Self>, requires_scope: Option<&'static str>) -> FinishedSite;
}

/// A call site ready for the provider, and its async initializer for async singletons.
pub(crate) struct FinishedSite {
    pub(crate) site: Box<dyn Any + Send + Sync>,
    pub(crate) async_init: Option<AsyncInit>,
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
    fn finish(self: Box<Self>, requires_scope: Option<&'static str>) -> FinishedSite {
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
        FinishedSite {
            site: Box::new(site),
            async_init,
        }
    }
}
