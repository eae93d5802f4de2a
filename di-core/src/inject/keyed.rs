//! [`Keyed<T, K>`]: a factory argument resolved from a keyed registration.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::graph::EdgeKind;
use crate::inject::Dependency;
use crate::key::StaticKey;
use crate::plan::{KeyedSite, Planner};
use crate::provider::Resolver;
use crate::registered::Registrations;

/// A dependency on the registration of `T` under the key `K` (a [`StaticKey`]).
///
/// Keyed arguments are validated at build like any other: a missing keyed registration is a
/// build error. A keyed lookup never falls back to an unkeyed registration of `T`.
/// `Option<Keyed<T, K>>` and `Vec<Keyed<T, K>>` are injectable too.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{service_key, Keyed, ServiceCollection};
///
/// service_key!(Primary = "primary");
/// struct Db(&'static str);
/// struct Repo { db: Arc<Db> }
///
/// let mut services = ServiceCollection::new();
/// services.add_keyed_singleton("primary", || Arc::new(Db("main")));
/// services.add_keyed_singleton("replica", || Arc::new(Db("copy")));
/// services.add_transient(|db: Keyed<Db, Primary>| Arc::new(Repo { db: db.into_inner() }));
/// let provider = services.build()?;
/// assert_eq!(provider.get::<Repo>()?.db.0, "main");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Keyed<T: ?Sized, K> {
    service: Arc<T>,
    key: PhantomData<fn() -> K>,
}

impl<T: ?Sized, K> Keyed<T, K> {
    /// The resolved service.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{service_key, Keyed, ServiceCollection};
    ///
    /// service_key!(Main = "main");
    /// struct Db;
    /// struct Repo(Arc<Db>);
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_singleton("main", || Arc::new(Db));
    /// services.add_transient(|db: Keyed<Db, Main>| Arc::new(Repo(db.into_inner())));
    /// assert!(services.build()?.get::<Repo>().is_ok_and(|repo| Arc::strong_count(&repo.0) > 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_inner(self) -> Arc<T> {
        self.service
    }

    fn new(service: Arc<T>) -> Self {
        Self {
            service,
            key: PhantomData,
        }
    }
}

impl<T: ?Sized, K> Deref for Keyed<T, K> {
    type Target = Arc<T>;

    fn deref(&self) -> &Arc<T> {
        &self.service
    }
}

impl<T: ?Sized, K> Clone for Keyed<T, K> {
    fn clone(&self) -> Self {
        Self::new(self.service.clone())
    }
}

/// Shows the key's value (`"primary"`), not the name of its marker type.
impl<T: ?Sized, K: StaticKey> fmt::Debug for Keyed<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyed")
            .field("service", &std::any::type_name::<T>())
            .field("key", &K::key())
            .finish()
    }
}

impl<T: ?Sized + Send + Sync + 'static, K: StaticKey> Dependency for Keyed<T, K> {
    type State = Option<KeyedSite<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        let key = K::key();
        let site = planner.keyed_site::<T>(&key, EdgeKind::Required);
        if site.is_none() {
            planner.missing_keyed::<T>(&key);
        }
        site
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        match state {
            Some(site) => site.resolve(resolver).map(Self::new),
            // Unreachable after a successful build, which rejects missing dependencies.
            None => Err(ResolveError::KeyedNotRegistered {
                service: std::any::type_name::<T>(),
                key: Box::new(K::key()),
                registered: Registrations::default(),
            }),
        }
    }
}

impl<T: ?Sized + Send + Sync + 'static, K: StaticKey> Dependency for Option<Keyed<T, K>> {
    type State = Option<KeyedSite<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.keyed_site::<T>(&K::key(), EdgeKind::Optional)
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        state
            .as_ref()
            .map(|site| site.resolve(resolver).map(Keyed::new))
            .transpose()
    }
}

impl<T: ?Sized + Send + Sync + 'static, K: StaticKey> Dependency for Vec<Keyed<T, K>> {
    type State = Box<[KeyedSite<T>]>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.all_keyed_sites::<T>(&K::key()).into_boxed_slice()
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        let mut all = Vec::with_capacity(state.len());
        for site in state.iter() {
            all.push(Keyed::new(site.resolve(resolver)?));
        }
        Ok(all)
    }
}
