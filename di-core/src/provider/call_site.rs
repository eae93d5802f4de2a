//! [`CallSite`]: how one registration is resolved, typed by its service.

use std::sync::Arc;

use crate::sync::OnceLock;

use futures::future::BoxFuture;

use crate::dispose::{DisposeFn, ErasedInstance};
use crate::error::ResolveError;
use crate::lifetime::ServiceLifetime;
use crate::provider::resolver::Resolver;
use crate::provider::site_config::SiteConfig;

/// Runs a factory: resolves its planned arguments and calls it.
pub(crate) type CreateFn<S> =
    Box<dyn Fn(&Resolver<'_>) -> Result<Arc<S>, ResolveError> + Send + Sync>;

/// Resolves an async factory's arguments and starts it.
pub(crate) type AsyncCreateFn<S> = Box<
    dyn Fn(&Resolver<'_>) -> Result<BoxFuture<'static, Result<Arc<S>, ResolveError>>, ResolveError>
        + Send
        + Sync,
>;

/// An async singleton's initializer, with its service type erased, run by `build_async`.
pub(crate) type AsyncInit = Box<
    dyn FnOnce(
            &Resolver<'_>,
        )
            -> Result<BoxFuture<'static, Result<ErasedInstance, ResolveError>>, ResolveError>
        + Send,
>;

/// How a call site produces its instance.
pub(crate) enum SiteKind<S: ?Sized> {
    /// A ready-made instance.
    Instance(Arc<S>),
    /// Cached in the provider's root slot `slot`, and typed in `cached` once created.
    Singleton {
        slot: usize,
        create: CreateFn<S>,
        cached: Cached<S>,
    },
    /// Created by `build_async` into the provider's root slot `slot`, typed in `cached` once read.
    AsyncSingleton { slot: usize, cached: Cached<S> },
    /// Cached in each scope's slot `slot`.
    Scoped { slot: usize, create: CreateFn<S> },
    /// Created on every resolution.
    Transient { create: CreateFn<S> },
    /// A catch-all keyed registration ([`ServiceKey::any`](crate::ServiceKey::any)): one
    /// instance per requested key, cached (for singletons and scoped services) in a map kept in
    /// the owner's slot `slot`.
    CatchAll {
        lifetime: ServiceLifetime,
        slot: usize,
        create: CreateFn<S>,
    },
}

/// A singleton's instance, typed, beside the erased root slot that owns its creation order and
/// disposal: a resolved singleton is one load and a reference-count increment away, with no
/// slot lookup and no downcast.
///
/// The provider drops its call sites before its root slots, so the slots still hold the last
/// reference and release singletons newest first.
pub(crate) type Cached<S> = OnceLock<Arc<S>>;

/// One registration, ready to resolve.
pub(crate) struct CallSite<S: ?Sized> {
    pub(crate) service: &'static str,
    pub(crate) kind: SiteKind<S>,
    pub(crate) dispose: Option<DisposeFn>,
    /// The scoped service this site is or needs through transients: it cannot be resolved from
    /// the root provider.
    pub(crate) requires_scope: Option<&'static str>,
}

impl<S: ?Sized> CallSite<S> {
    pub(crate) fn new(config: &SiteConfig, kind: SiteKind<S>) -> Self {
        Self {
            service: config.service,
            kind,
            dispose: config.dispose,
            requires_scope: None,
        }
    }
}
