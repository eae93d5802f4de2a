//! [`Resolver`]: resolution within one owner — the root provider or a scope.

use std::any::{TypeId, type_name};
use std::fmt;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::graph::EdgeKind;
use crate::key::ServiceKey;
use crate::provider::call_site::{CallSite, SiteKind};
use crate::provider::index::{Entry, ServiceIndex};
use crate::provider::inner::ProviderInner;
use crate::provider::owned_value::OwnedService;
use crate::provider::scope_state::ScopeState;
use crate::provider::site_cell::SiteCell;
use crate::provider::site_ref::SiteRef;
use crate::provider::storage::Slots;
use crate::registered::{OtherForm, Registrations};

/// Resolves planned dependencies for one resolution, from the root provider or from a scope.
///
/// Handed to [`Dependency::resolve`](crate::Dependency::resolve).
///
/// # Examples
///
/// See [`Dependency`](crate::Dependency) for a user type resolved through it.
///
/// ```
/// use di_core::Resolver;
/// fn assert_debug<T: std::fmt::Debug>() {}
/// assert_debug::<Resolver<'_>>();
/// ```
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    pub(super) provider: &'a ProviderInner,
    pub(super) scope: Option<&'a Arc<ScopeState>>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn root(provider: &'a ProviderInner) -> Self {
        Self {
            provider,
            scope: None,
        }
    }

    pub(crate) fn scoped(provider: &'a ProviderInner, scope: &'a Arc<ScopeState>) -> Self {
        Self {
            provider,
            scope: Some(scope),
        }
    }

    /// Resolves a planned dependency.
    ///
    /// # Errors
    ///
    /// [`ResolveError::ScopedFromRoot`] when the site needs a scope and this resolver is the
    /// root's; any error of the site's factory or of its dependencies.
    ///
    /// # Examples
    ///
    /// See [`Dependency`](crate::Dependency).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use di_core::{Resolver, ResolveError, SiteRef};
    /// fn fetch(resolver: &Resolver<'_>, site: &SiteRef<str>) -> Result<Arc<str>, ResolveError> {
    ///     resolver.resolve(site)
    /// }
    /// # let _ = fetch;
    /// ```
    #[inline]
    pub fn resolve<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &SiteRef<T>,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolve_cached_first(site.site(self.provider))
    }

    /// Resolves planned dependencies into a vector allocated once at its final size.
    pub(crate) fn resolve_all<T: ?Sized + Send + Sync + 'static>(
        &self,
        sites: &[SiteRef<T>],
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        let mut all = Vec::with_capacity(sites.len());
        for site in sites {
            all.push(self.resolve(site)?);
        }
        Ok(all)
    }

    /// Whether this resolution happens inside a scope (rather than at the root).
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::Resolver;
    /// fn in_scope(resolver: &Resolver<'_>) -> bool { resolver.is_scoped() }
    /// # let _ = in_scope;
    /// ```
    pub fn is_scoped(&self) -> bool {
        self.scope.is_some()
    }

    /// Whether the owner keeps what `site` resolves to (a singleton, a scoped service, an
    /// instance), so a holder may keep it weakly; not for transients.
    pub(crate) fn owner_keeps<T: ?Sized + Send + Sync + 'static>(&self, site: &SiteRef<T>) -> bool {
        match &site.site(self.provider).kind {
            // A `Lazy` targets an unkeyed registration, never a catch-all one; keeping
            // strongly is the safe answer for either.
            SiteKind::Transient { .. } | SiteKind::CatchAll { .. } => false,
            SiteKind::Instance(_)
            | SiteKind::Singleton { .. }
            | SiteKind::AsyncSingleton { .. }
            | SiteKind::Scoped { .. } => true,
        }
    }

    #[inline]
    pub(crate) fn resolve_index<T: ?Sized + Send + Sync + 'static>(
        &self,
        index: usize,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolve_cached_first(self.provider.site::<T>(index))
    }

    /// [`resolve_site`](Self::resolve_site), with a created singleton handed out inline, without
    /// a call into the general path (a singleton never requires a scope): most resolutions in a
    /// running application are of singletons already created.
    #[inline(always)]
    pub(super) fn resolve_cached_first<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &CallSite<T>,
    ) -> Result<Arc<T>, ResolveError> {
        if let SiteKind::Singleton { cached, .. } = &site.kind
            && let Some(instance) = cached.get()
        {
            return Ok(Arc::clone(instance));
        }
        self.resolve_site_outlined(site)
    }

    /// [`resolve_site`](Self::resolve_site), never inlined: so that the inline fast path of
    /// [`resolve_cached_first`](Self::resolve_cached_first) stays small enough to be inlined
    /// into every factory without its registers' saves.
    #[inline(never)]
    fn resolve_site_outlined<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &CallSite<T>,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolve_site(site)
    }

    #[inline]
    pub(super) fn resolve_site<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &CallSite<T>,
    ) -> Result<Arc<T>, ResolveError> {
        if let (None, Some(scoped)) = (self.scope, site.requires_scope) {
            return Err(ResolveError::ScopedFromRoot {
                service: site.service,
                scoped,
            });
        }
        match &site.kind {
            SiteKind::Instance(instance) => Ok(Arc::clone(instance)),
            SiteKind::Singleton {
                slot,
                create,
                cached,
            } => match cached.get() {
                Some(instance) => Ok(Arc::clone(instance)),
                None => {
                    let root = Resolver::root(self.provider);
                    let instance = self.provider.root.get_or_create(
                        *slot,
                        site.service,
                        site.dispose,
                        || create(&root),
                    )?;
                    Ok(Arc::clone(cached.get_or_init(|| instance)))
                }
            },
            SiteKind::AsyncSingleton { slot, cached } => match cached.get() {
                Some(instance) => Ok(Arc::clone(instance)),
                None => {
                    let instance =
                        self.provider
                            .root
                            .get(*slot)
                            .ok_or(ResolveError::NotInitialized {
                                service: site.service,
                            })?;
                    Ok(Arc::clone(cached.get_or_init(|| instance)))
                }
            },
            SiteKind::Scoped { slot, create } => match self.scope {
                Some(scope) => scope
                    .slots
                    .get_or_create(*slot, site.service, site.dispose, || create(self)),
                None => Err(ResolveError::ScopedFromRoot {
                    service: site.service,
                    scoped: site.service,
                }),
            },
            SiteKind::Transient { create } => {
                let instance = create(self)?;
                if let Some(dispose) = site.dispose {
                    self.owner().track(site.service, &instance, dispose)?;
                }
                Ok(instance)
            }
            // Unkeyed lookups never reach a catch-all registration; keyed ones go through
            // `resolve_keyed`.
            SiteKind::CatchAll { .. } => Err(ResolveError::NotRegistered {
                service: site.service,
                registered: Registrations::default(),
            }),
        }
    }

    /// The storage of what this resolver creates: the scope's, or the provider's at the root.
    pub(super) fn owner(&self) -> &'a Slots {
        match self.scope {
            Some(scope) => &scope.slots,
            None => &self.provider.root,
        }
    }

    /// The index of the registrations, for planning a type created on demand.
    pub(crate) fn index(&self) -> &'a ServiceIndex {
        &self.provider.index
    }

    /// The cells of the call sites, for planning a type created on demand.
    pub(crate) fn cells(&self) -> &'a [SiteCell] {
        &self.provider.cells
    }

    /// Fails with [`ResolveError::ScopedFromRoot`] if this is the root and one of `edges`
    /// (the planned dependencies of a type created on demand) needs a scope: checked before
    /// any factory runs, naming the dependency as its consumer wrote it. Lazy edges resolve
    /// later and are checked then.
    pub(crate) fn check_scope_needs(&self, edges: &[(u32, EdgeKind)]) -> Result<(), ResolveError> {
        if self.scope.is_some() {
            return Ok(());
        }
        for &(target, kind) in edges {
            if kind != EdgeKind::Lazy
                && let Some(scoped) = self.provider.scope_needs[target as usize]
            {
                return Err(ResolveError::ScopedFromRoot {
                    service: self.provider.graph.service(target as usize),
                    scoped,
                });
            }
        }
        Ok(())
    }

    /// Fails if the scope or the provider was disposed.
    pub(crate) fn check_live<T: ?Sized>(&self) -> Result<(), ResolveError> {
        let disposed = |owner| ResolveError::Disposed {
            service: type_name::<T>(),
            owner,
        };
        if self.scope.is_some_and(|s| s.slots.is_closed()) {
            return Err(disposed("scope"));
        }
        if self.provider.root.is_closed() {
            return Err(disposed("provider"));
        }
        Ok(())
    }

    /// Public entry: the last unkeyed registration of `T`.
    ///
    /// Always inlined, into the caller's crate: out of line, its `Result` (seven words) is
    /// returned through memory and the call costs more than the lookup. Inline is only what a
    /// created singleton needs; anything else found is one call to
    /// [`resolve_site`](Self::resolve_site), and the errors are [`get_slow`](Self::get_slow).
    #[inline(always)]
    pub(crate) fn get<T: ?Sized + Send + Sync + 'static>(self) -> Result<Arc<T>, ResolveError> {
        if !self.is_closed()
            && let Some(site) = self.provider.last.get::<T>()
        {
            if let SiteKind::Singleton { cached, .. } = &site.kind
                && let Some(instance) = cached.get()
            {
                return Ok(Arc::clone(instance));
            }
            return self.resolve_site(site);
        }
        self.get_slow::<T>()
    }

    /// [`get`](Self::get) of an unregistered service, or from a disposed owner: the errors.
    #[inline(never)]
    fn get_slow<T: ?Sized + Send + Sync + 'static>(self) -> Result<Arc<T>, ResolveError> {
        self.check_live::<T>()?;
        match self.provider.last.get::<T>() {
            Some(site) => self.resolve_site(site),
            None => Err(self.not_registered::<T>(None)),
        }
    }

    /// Whether the scope (if any) or the provider was disposed.
    #[inline(always)]
    pub(super) fn is_closed(self) -> bool {
        self.scope.is_some_and(|s| s.slots.is_closed()) || self.provider.root.is_closed()
    }

    /// Public entry: every unkeyed registration of `T`, in registration order.
    pub(crate) fn get_all<T: ?Sized + Send + Sync + 'static>(
        &self,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        self.all(self.provider.index.unkeyed(TypeId::of::<T>()))
    }

    /// Public entry: the last registration of `T` under `key`, or the catch-all's instance
    /// for `key`.
    pub(crate) fn get_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: &ServiceKey,
    ) -> Result<Arc<T>, ResolveError> {
        self.check_live::<T>()?;
        match self.keyed_entry::<T>(key) {
            Some(found) => self.resolve_found(found, key),
            None => Err(self.not_registered::<T>(Some(key))),
        }
    }

    /// Public entry: every registration of `T` under `key`, in registration order, then the
    /// catch-all registrations' instances for `key`.
    pub(crate) fn get_all_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: &ServiceKey,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        self.check_live::<T>()?;
        self.all_keyed(key)
    }

    /// Public entry: the last unkeyed registration of `T`, `None` if there is none.
    pub(crate) fn try_get<T: ?Sized + Send + Sync + 'static>(
        &self,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.last_if_any(self.provider.index.unkeyed(TypeId::of::<T>()))
    }

    /// Public entry: the last registration of `T` under `key`, `None` if there is none.
    pub(crate) fn try_get_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: &ServiceKey,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.check_live::<T>()?;
        self.keyed_entry::<T>(key)
            .map(|found| self.resolve_found(found, key))
            .transpose()
    }

    /// Public entry: whether `T` has an unkeyed registration.
    pub(crate) fn is_service<T: ?Sized + 'static>(&self) -> bool {
        self.provider.index.unkeyed(TypeId::of::<T>()).is_some()
    }

    /// Public entry: whether `T` has a registration under `key`.
    pub(crate) fn is_keyed_service<T: ?Sized + 'static>(&self, key: &ServiceKey) -> bool {
        self.keyed_entry::<T>(key).is_some()
    }

    /// The last registration of an index entry if there is one; a disposed owner is reported
    /// first.
    fn last_if_any<T: ?Sized + Send + Sync + 'static>(
        &self,
        entry: Option<&Entry>,
    ) -> Result<Option<Arc<T>>, ResolveError> {
        self.check_live::<T>()?;
        entry
            .map(|entry| self.resolve_index(entry.last as usize))
            .transpose()
    }

    /// The last registration of an index entry; a disposed owner is reported first.
    #[cold]
    #[inline(never)]
    pub(super) fn not_registered<T: ?Sized + 'static>(
        &self,
        key: Option<&ServiceKey>,
    ) -> ResolveError {
        let service = type_name::<T>();
        let registered = self.provider.index.registrations_or_other(
            TypeId::of::<T>(),
            TypeId::of::<OwnedService<T>>(),
            OtherForm::Owned(service),
        );
        match key {
            None => ResolveError::NotRegistered {
                service,
                registered,
            },
            Some(key) => ResolveError::KeyedNotRegistered {
                service,
                key: Box::new(key.clone()),
                registered,
            },
        }
    }

    /// Every registration of an index entry; a disposed owner is reported first.
    fn all<T: ?Sized + Send + Sync + 'static>(
        &self,
        entry: Option<&Entry>,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        self.check_live::<T>()?;
        let indices = entry.map_or(&[][..], |e| &e.all[..]);
        self.resolve_many(indices.iter().map(|&i| i as usize))
    }

    /// Resolves call sites by index into a vector allocated once at its final size.
    fn resolve_many<T: ?Sized + Send + Sync + 'static>(
        &self,
        indices: impl ExactSizeIterator<Item = usize>,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        let mut all = Vec::with_capacity(indices.len());
        for index in indices {
            all.push(self.resolve_index(index)?);
        }
        Ok(all)
    }
}

impl fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("scoped", &self.is_scoped())
            .finish_non_exhaustive()
    }
}
