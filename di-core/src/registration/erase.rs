//! Typed factories turned into [`ErasedFactory`] trait objects.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::sync::OnceLock;

use futures::FutureExt;

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::lifetime::ServiceLifetime;
use crate::plan::{ErasedFactory, PlannedCallSite, PlannedCreate, PlannedSite, Planner};
use crate::provider::{
    AsyncCreateFn, CallSite, CreateFn, SiteCell, SiteConfig, SiteKind, TypedSiteCell,
};
use crate::registration::factory::{AsyncFactory, Factory, FactoryOutput};

type ServiceOf<F, Args> = <<F as Factory<Args>>::Output as FactoryOutput>::Service;
type AsyncServiceOf<F, Args> = <<F as AsyncFactory<Args>>::Output as FactoryOutput>::Service;

/// A synchronous factory and its argument tuple.
pub(crate) struct SyncFactory<F, Args> {
    factory: Arc<F>,
    args: PhantomData<fn(Args)>,
}

impl<F, Args> SyncFactory<F, Args> {
    pub(crate) fn new(factory: F) -> Self {
        Self {
            factory: Arc::new(factory),
            args: PhantomData,
        }
    }
}

impl<F: Factory<Args>, Args: Dependency> ErasedFactory for SyncFactory<F, Args> {
    fn new_cell(&self) -> SiteCell {
        Arc::new(TypedSiteCell::<ServiceOf<F, Args>>::new())
    }

    fn plan(&self, planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite> {
        sync_site(&config, self.sync_create(planner, &config))
    }

    fn plan_create(&self, planner: &mut Planner<'_>, config: &SiteConfig) -> PlannedCreate {
        PlannedCreate::Sync(Box::new(self.sync_create(planner, config)))
    }
}

impl<F: Factory<Args>, Args: Dependency> SyncFactory<F, Args> {
    fn sync_create(
        &self,
        planner: &mut Planner<'_>,
        config: &SiteConfig,
    ) -> CreateFn<ServiceOf<F, Args>> {
        let state = Args::plan(planner);
        let factory = Arc::clone(&self.factory);
        let service = config.service;
        Box::new(move |resolver| {
            let args = Args::resolve(&state, resolver)?;
            factory
                .call(args)
                .into_service()
                .map_err(|source| ResolveError::Factory { service, source })
        })
    }
}

/// The call site of a synchronous factory with the configured lifetime.
pub(crate) fn sync_site<S: ?Sized + Send + Sync + 'static>(
    config: &SiteConfig,
    create: CreateFn<S>,
) -> Box<dyn PlannedSite> {
    let kind = match config.lifetime {
        lifetime if config.catch_all => SiteKind::CatchAll {
            lifetime,
            slot: config.slot,
            create,
        },
        ServiceLifetime::Singleton => SiteKind::Singleton {
            slot: config.slot,
            create,
            cached: OnceLock::new(),
        },
        ServiceLifetime::Scoped => SiteKind::Scoped {
            slot: config.slot,
            create,
        },
        ServiceLifetime::Transient => SiteKind::Transient { create },
    };
    Box::new(PlannedCallSite::new(CallSite::new(config, kind), None))
}

/// The call site of an async singleton.
pub(crate) fn async_site<S: ?Sized + Send + Sync + 'static>(
    config: &SiteConfig,
    create: AsyncCreateFn<S>,
) -> Box<dyn PlannedSite> {
    let kind = SiteKind::AsyncSingleton {
        slot: config.slot,
        cached: OnceLock::new(),
    };
    Box::new(PlannedCallSite::new(
        CallSite::new(config, kind),
        Some(create),
    ))
}

/// An async singleton factory and its argument tuple.
pub(crate) struct AsyncSingletonFactory<F, Args> {
    factory: Arc<F>,
    args: PhantomData<fn(Args)>,
}

impl<F, Args> AsyncSingletonFactory<F, Args> {
    pub(crate) fn new(factory: F) -> Self {
        Self {
            factory: Arc::new(factory),
            args: PhantomData,
        }
    }
}

impl<F: AsyncFactory<Args>, Args: Dependency> ErasedFactory for AsyncSingletonFactory<F, Args> {
    fn new_cell(&self) -> SiteCell {
        Arc::new(TypedSiteCell::<AsyncServiceOf<F, Args>>::new())
    }

    fn plan(&self, planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite> {
        async_site(&config, self.async_create(planner, &config))
    }

    fn plan_create(&self, planner: &mut Planner<'_>, config: &SiteConfig) -> PlannedCreate {
        PlannedCreate::Async(Box::new(self.async_create(planner, config)))
    }
}

impl<F: AsyncFactory<Args>, Args: Dependency> AsyncSingletonFactory<F, Args> {
    fn async_create(
        &self,
        planner: &mut Planner<'_>,
        config: &SiteConfig,
    ) -> AsyncCreateFn<AsyncServiceOf<F, Args>> {
        let state = Args::plan(planner);
        let factory = Arc::clone(&self.factory);
        let service = config.service;
        Box::new(move |resolver| {
            let args = Args::resolve(&state, resolver)?;
            let future = factory.call(args);
            Ok(async move {
                future
                    .await
                    .into_service()
                    .map_err(|source| ResolveError::Factory { service, source })
            }
            .boxed())
        })
    }
}

/// A ready-made instance.
pub(crate) struct InstanceFactory<S: ?Sized>(pub(crate) Arc<S>);

impl<S: ?Sized + Send + Sync + 'static> ErasedFactory for InstanceFactory<S> {
    fn new_cell(&self) -> SiteCell {
        Arc::new(TypedSiteCell::<S>::new())
    }

    fn plan(&self, _planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite> {
        let kind = SiteKind::Instance(Arc::clone(&self.0));
        Box::new(PlannedCallSite::new(CallSite::new(&config, kind), None))
    }

    fn plan_create(&self, _planner: &mut Planner<'_>, _config: &SiteConfig) -> PlannedCreate {
        let instance = Arc::clone(&self.0);
        let create: CreateFn<S> = Box::new(move |_| Ok(Arc::clone(&instance)));
        PlannedCreate::Sync(Box::new(create))
    }
}
