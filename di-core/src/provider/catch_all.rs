//! Keyed resolution with catch-all registrations ([`ServiceKey::any`]): an exact key first,
//! else the catch-all, whose instances are cached per requested key.
//!
//! # Deadlock safety
//!
//! A catch-all's instances live in a [`KeyedInstances`] map stored in the owner's slot. The map's
//! guard is held only to find or insert a key's cell, never while the factory runs; concurrent
//! first resolutions of one key wait on that key's cell only, so the factory runs once per key.
//! A factory that resolves its own key again (only possible through a run-time key lookup:
//! build rejects the cycle of a planned one) would wait on itself.

use std::any::TypeId;
use std::cell::RefCell;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::provider::call_site::{CallSite, CreateFn, SiteKind};
use crate::provider::index::Entry;
use crate::provider::resolver::Resolver;
use crate::provider::site_ref::SiteRef;
use crate::provider::storage::Slots;
use crate::sync::{KeyedMap, OnceCell};

/// A catch-all registration's instances, one per requested key.
pub(crate) struct KeyedInstances<S: ?Sized> {
    by_key: KeyedMap<ServiceKey, Arc<OnceCell<Arc<S>>>>,
}

impl<S: ?Sized> KeyedInstances<S> {
    fn new() -> Self {
        Self {
            by_key: KeyedMap::new(),
        }
    }

    /// The instance for `key`, created by `create` once; `created` tells whether this call
    /// created it.
    fn get_or_create(
        &self,
        key: &ServiceKey,
        create: impl FnOnce() -> Result<Arc<S>, ResolveError>,
    ) -> Result<(Arc<S>, bool), ResolveError> {
        // Created: no user code runs under the guard, only a reference-count increment.
        let found = self.by_key.with(key, |cell| match cell.get() {
            Some(instance) => Ok(Arc::clone(instance)),
            None => Err(Arc::clone(cell)),
        });
        let cell = match found {
            Some(Ok(instance)) => return Ok((instance, false)),
            Some(Err(cell)) => cell,
            None => self
                .by_key
                .get_or_insert_with(key, || Arc::new(OnceCell::new())),
        };
        // The map's guard is released: the factory may resolve other keys.
        let mut created = false;
        let instance = cell.get_or_try_init(|| {
            created = true;
            create()
        })?;
        Ok((Arc::clone(instance), created))
    }
}

/// An index entry found for a keyed lookup: exact, or the catch-all's.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a> {
    entry: &'a Entry,
    catch_all: bool,
}

crate::sync::thread_local! {
    /// The key the innermost catch-all factory running on this thread is creating an instance
    /// for. A thread-local rather than a field of [`Resolver`], which every resolution copies:
    /// only catch-all creations pay for it. Set around the factory call, restored afterwards,
    /// so nested creations of other catch-alls see their own key.
    #[allow(
        clippy::missing_const_for_thread_local,
        reason = "loom's `thread_local!` takes no `const` initializer"
    )]
    static REQUESTED_KEY: RefCell<Option<ServiceKey>> = RefCell::new(None);
}

/// Runs `create` with `key` as the requested key of [`requested_key`].
fn with_requested_key<R>(key: &ServiceKey, create: impl FnOnce() -> R) -> R {
    struct Restore(Option<ServiceKey>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            REQUESTED_KEY.with(|current| *current.borrow_mut() = previous);
        }
    }
    let _restore = Restore(REQUESTED_KEY.with(|current| current.replace(Some(key.clone()))));
    create()
}

/// The key the catch-all factory running on this thread creates an instance for.
pub(crate) fn requested_key() -> Option<ServiceKey> {
    REQUESTED_KEY.with(|current| current.borrow().clone())
}

impl<'a> Resolver<'a> {
    /// The registrations of `T` under `key`: its own, else the catch-all's. The catch-all key
    /// itself finds nothing.
    #[inline]
    pub(super) fn keyed_entry<T: ?Sized + 'static>(&self, key: &ServiceKey) -> Option<Found<'a>> {
        if key.is_any() {
            return None;
        }
        let index = &self.provider.index;
        let type_id = TypeId::of::<T>();
        if let Some(entry) = index.keyed(type_id, key) {
            return Some(Found {
                entry,
                catch_all: false,
            });
        }
        let entry = index.catch_all(type_id)?;
        Some(Found {
            entry,
            catch_all: true,
        })
    }

    /// Resolves the last registration of a found entry for `key`.
    #[inline]
    pub(super) fn resolve_found<T: ?Sized + Send + Sync + 'static>(
        &self,
        found: Found<'_>,
        key: &ServiceKey,
    ) -> Result<Arc<T>, ResolveError> {
        let site = self.provider.site::<T>(found.entry.last as usize);
        if found.catch_all {
            self.resolve_keyed_site(site, key)
        } else {
            self.resolve_cached_first(site)
        }
    }

    /// Every registration of `T` under `key`, then every catch-all's instance for `key`.
    pub(super) fn all_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: &ServiceKey,
    ) -> Result<Vec<Arc<T>>, ResolveError> {
        if key.is_any() {
            return Ok(Vec::new());
        }
        let index = &self.provider.index;
        let type_id = TypeId::of::<T>();
        let exact = index.keyed(type_id, key).map_or(&[][..], |e| &e.all[..]);
        let any = index.catch_all(type_id).map_or(&[][..], |e| &e.all[..]);
        let mut all = Vec::with_capacity(exact.len() + any.len());
        for &i in exact.iter().chain(any) {
            all.push(self.resolve_keyed_site(self.provider.site::<T>(i as usize), key)?);
        }
        Ok(all)
    }

    /// Resolves a planned keyed dependency: `key` reaches a catch-all registration's factory.
    ///
    /// # Errors
    ///
    /// As [`Resolver::resolve`].
    pub(crate) fn resolve_keyed<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &SiteRef<T>,
        key: &ServiceKey,
    ) -> Result<Arc<T>, ResolveError> {
        self.resolve_keyed_site(site.site(self.provider), key)
    }

    fn resolve_keyed_site<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &CallSite<T>,
        key: &ServiceKey,
    ) -> Result<Arc<T>, ResolveError> {
        match &site.kind {
            SiteKind::CatchAll {
                lifetime,
                slot,
                create,
            } => self.resolve_catch_all(site, *lifetime, *slot, create, key),
            _ => self.resolve_site(site),
        }
    }

    #[inline(never)]
    fn resolve_catch_all<T: ?Sized + Send + Sync + 'static>(
        &self,
        site: &CallSite<T>,
        lifetime: ServiceLifetime,
        slot: usize,
        create: &CreateFn<T>,
        key: &ServiceKey,
    ) -> Result<Arc<T>, ResolveError> {
        let scope_error = |scoped| ResolveError::ScopedFromRoot {
            service: site.service,
            scoped,
        };
        if let (None, Some(scoped)) = (self.scope, site.requires_scope) {
            return Err(scope_error(scoped));
        }
        let (owner, resolver) = match lifetime {
            ServiceLifetime::Singleton => (&self.provider.root, Resolver::root(self.provider)),
            ServiceLifetime::Scoped => match self.scope {
                Some(scope) => (&scope.slots, Resolver::scoped(self.provider, scope)),
                None => return Err(scope_error(site.service)),
            },
            ServiceLifetime::Transient => (self.owner(), *self),
        };
        if lifetime == ServiceLifetime::Transient {
            let instance = with_requested_key(key, || create(&resolver))?;
            self.track_created(owner, site, &instance)?;
            return Ok(instance);
        }
        let instances = owner.get_or_create(slot, site.service, None, || {
            Ok(Arc::new(KeyedInstances::<T>::new()))
        })?;
        let (instance, created) =
            instances.get_or_create(key, || with_requested_key(key, || create(&resolver)))?;
        if created {
            self.track_created(owner, site, &instance)?;
        }
        Ok(instance)
    }

    /// Has a disposable catch-all instance disposed with its owner.
    fn track_created<T: ?Sized + Send + Sync + 'static>(
        &self,
        owner: &Slots,
        site: &CallSite<T>,
        instance: &Arc<T>,
    ) -> Result<(), ResolveError> {
        match site.dispose {
            Some(dispose) => owner.track(site.service, instance, dispose),
            None => Ok(()),
        }
    }
}
