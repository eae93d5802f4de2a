//! Owned transients at run time: [`OwnedCallSite`] creates a value `T` on every resolution and
//! hands it over, moved, to its consumer.
//!
//! # Invariants
//!
//! - The container never keeps, caches or disposes an owned value: nothing here touches a
//!   scope's or the provider's storage. Whoever receives the value owns it, so an owned
//!   transient that implements [`AsyncDispose`](crate::AsyncDispose) is disposed by its owner.
//! - The only `TypeId` lookup is at the public entry point ([`Resolver::get_owned`]); an
//!   injected `Owned<T>` reaches its site through a planned, typed reference.

use std::any::{TypeId, type_name};
use std::sync::Arc;

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::provider::index::Entry;
use crate::provider::owned_value::{Owned, OwnedService};
use crate::provider::resolver::Resolver;
use crate::registered::OtherForm;

/// Runs an owned transient's factory: resolves its planned arguments and calls it.
pub(crate) type OwnedCreateFn<T> =
    Box<dyn Fn(&Resolver<'_>) -> Result<T, ResolveError> + Send + Sync>;

/// One owned-transient registration, ready to resolve.
pub(crate) struct OwnedCallSite<T> {
    pub(crate) service: &'static str,
    pub(crate) create: OwnedCreateFn<T>,
    /// The scoped service this site needs (directly or through transients): it cannot be
    /// resolved from the root provider.
    pub(crate) requires_scope: Option<&'static str>,
}

impl Resolver<'_> {
    /// Creates the value of an owned transient's call site.
    #[inline]
    pub(crate) fn resolve_owned<T: Send + 'static>(
        &self,
        site: &OwnedCallSite<T>,
    ) -> Result<T, ResolveError> {
        if let (None, Some(scoped)) = (self.scope, site.requires_scope) {
            return Err(ResolveError::ScopedFromRoot {
                service: site.service,
                scoped,
            });
        }
        (site.create)(self)
    }

    /// Public entry: a new value of the last unkeyed owned registration of `T`, found in the
    /// lookup table of last registrations as [`get`](Resolver::get) finds shared ones; the
    /// errors are [`get_owned_slow`](Self::get_owned_slow).
    #[inline]
    pub(crate) fn get_owned<T: Send + 'static>(&self) -> Result<T, ResolveError> {
        if !self.is_closed()
            && let Some(site) = self.provider.last.get_owned::<T>()
        {
            return self.resolve_owned(site);
        }
        self.get_owned_slow::<T>()
    }

    /// [`get_owned`](Self::get_owned) of an unregistered value, or from a disposed owner.
    #[inline(never)]
    fn get_owned_slow<T: Send + 'static>(&self) -> Result<T, ResolveError> {
        self.check_live::<T>()?;
        match self.provider.last.get_owned::<T>() {
            Some(site) => self.resolve_owned(site),
            None => Err(self.owned_not_registered::<T>(None)),
        }
    }

    /// Public entry: a new value of the last unkeyed owned registration of `T`, `None` if there
    /// is none.
    pub(crate) fn try_get_owned<T: Send + 'static>(&self) -> Result<Option<T>, ResolveError> {
        self.check_live::<T>()?;
        self.provider
            .index
            .unkeyed(TypeId::of::<OwnedService<T>>())
            .map(|entry| self.resolve_owned(self.owned_site::<T>(entry)))
            .transpose()
    }

    /// Public entry: a new value of the last owned registration of `T` under `key`.
    pub(crate) fn get_owned_keyed<T: Send + 'static>(
        &self,
        key: &ServiceKey,
    ) -> Result<T, ResolveError> {
        self.check_live::<T>()?;
        let entry = self
            .provider
            .index
            .keyed(TypeId::of::<OwnedService<T>>(), key);
        match entry {
            Some(entry) => self.resolve_owned(self.owned_site::<T>(entry)),
            None => Err(self.owned_not_registered::<T>(Some(key))),
        }
    }

    /// The owned call site of an index entry of `OwnedService<T>`.
    #[inline]
    fn owned_site<T: Send + 'static>(&self, entry: &Entry) -> &OwnedCallSite<T> {
        match self.provider.sites[entry.last as usize].downcast_ref::<Arc<OwnedCallSite<T>>>() {
            Some(site) => site,
            // The index maps `OwnedService<T>` to owned registrations of `T` only.
            None => unreachable!("call site {} owns `{}`", entry.last, type_name::<T>()),
        }
    }

    /// The error of an owned lookup that found nothing. It names `Owned<T>`, so that it is not
    /// mistaken for a missing shared registration of `T`, and the keys `T` is owned under.
    #[cold]
    #[inline(never)]
    fn owned_not_registered<T: Send + 'static>(&self, key: Option<&ServiceKey>) -> ResolveError {
        let service = type_name::<Owned<T>>();
        let registered = self.provider.index.registrations_or_other(
            TypeId::of::<OwnedService<T>>(),
            TypeId::of::<T>(),
            OtherForm::Shared(type_name::<T>()),
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
}
