//! Deferred dependencies: [`Lazy<T>`] (resolved once, on first use) and [`ServiceFactory<T>`]
//! (resolved on every call), both from the scope (or root) that created their holder.

use std::any::type_name;
use std::fmt;
use std::sync::{Arc, OnceLock, Weak};

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::plan::Planner;
use crate::provider::{OwnerHandle, Resolver, SiteRef};
use crate::registered::Registrations;

/// A dependency on `T` resolved on first use, then kept: for an expensive service a holder
/// rarely needs, or to break a construction cycle.
///
/// Validated at build like `Arc<T>`: `T` must be registered, and a singleton holding a
/// `Lazy<Scoped>` is a captive dependency. A cycle through a `Lazy` is allowed (it is drawn as
/// a `lazy` edge in the [graph](crate::ServiceProvider::graph)), and is no reference cycle:
/// a `Lazy` of a singleton or a scoped service keeps it weakly (its owner keeps it), so dropping
/// the provider or the scope releases both sides. A `Lazy` of a transient keeps the one
/// instance it made: a cycle through a transient is a reference cycle; inject a
/// [`ServiceFactory`] there instead. It resolves from the scope that
/// created its holder (the root for singletons) and holds that scope and the provider weakly,
/// like a [`ScopeFactory`](crate::ScopeFactory): once the scope is gone [`get`](Lazy::get)
/// fails with [`ResolveError::Disposed`], once the provider is,
/// with [`ResolveError::ProviderDropped`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use di_core::{Lazy, ServiceCollection};
///
/// static CREATED: AtomicUsize = AtomicUsize::new(0);
/// struct Expensive;
/// struct Handler { expensive: Lazy<Expensive> }
///
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| { CREATED.fetch_add(1, Ordering::SeqCst); Arc::new(Expensive) });
/// services.add_transient(|expensive: Lazy<Expensive>| Arc::new(Handler { expensive }));
/// let provider = services.build()?;
/// let handler = provider.get::<Handler>()?;
/// assert_eq!(CREATED.load(Ordering::SeqCst), 0, "not created yet");
/// let first = handler.expensive.get()?;
/// assert!(Arc::ptr_eq(&first, &handler.expensive.get()?));
/// assert_eq!(CREATED.load(Ordering::SeqCst), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Lazy<T: ?Sized> {
    target: Deferred<T>,
    value: OnceLock<Kept<T>>,
}

/// What a [`Lazy`] keeps once resolved.
enum Kept<T: ?Sized> {
    /// A transient: the `Lazy` is its only keeper.
    Own(Arc<T>),
    /// A singleton or scoped service: its owner keeps it, so a strong reference here would
    /// turn a cycle through the `Lazy` into a reference cycle.
    Owners(Weak<T>),
}

impl<T: ?Sized> Kept<T> {
    fn new(value: &Arc<T>, owner_keeps: bool) -> Self {
        if owner_keeps {
            Self::Owners(Arc::downgrade(value))
        } else {
            Self::Own(Arc::clone(value))
        }
    }

    #[inline]
    fn get(&self) -> Option<Arc<T>> {
        match self {
            Self::Own(value) => Some(Arc::clone(value)),
            Self::Owners(value) => value.upgrade(),
        }
    }
}

impl<T: ?Sized + Send + Sync + 'static> Lazy<T> {
    /// The service, resolved on the first call and kept.
    ///
    /// # Errors
    ///
    /// As [`Scope::get`](crate::Scope::get); [`ResolveError::Disposed`] or
    /// [`ResolveError::ProviderDropped`] if the owner is gone (and, for a singleton or a
    /// scoped service, nobody else holds the instance). An error is not kept: the next call
    /// tries again.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{Lazy, ServiceCollection};
    /// struct Db;
    /// let mut services = ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Db));
    /// services.add_scoped(|db: Lazy<Db>| Arc::new(db));
    /// let scope = services.build()?.create_scope()?;
    /// let lazy = scope.get::<Lazy<Db>>()?;
    /// assert!(Arc::ptr_eq(&lazy.get()?, &scope.get::<Db>()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get(&self) -> Result<Arc<T>, ResolveError> {
        if let Some(value) = self.value.get().and_then(Kept::get) {
            return Ok(value);
        }
        self.resolve_and_keep()
    }

    /// First use, or the owner let a weakly kept instance go: resolving says why.
    #[inline(never)]
    fn resolve_and_keep(&self) -> Result<Arc<T>, ResolveError> {
        let (value, owner_keeps) = self.target.resolve_kept()?;
        let kept = self.value.get_or_init(|| Kept::new(&value, owner_keeps));
        Ok(kept.get().unwrap_or(value))
    }
}

impl<T: ?Sized> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lazy")
            .field("service", &type_name::<T>())
            .field("resolved", &self.value.get().is_some())
            .finish()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for Lazy<T> {
    type State = Option<SiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.deferred::<T>()
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self {
            target: Deferred::new(state, resolver)?,
            value: OnceLock::new(),
        })
    }
}

/// A dependency that resolves `T` on every [`get`](ServiceFactory::get): a new instance each
/// time for a transient `T`, the scope's or root's cached one otherwise. .NET's `Func<T>`.
///
/// Validated at build like [`Lazy<T>`]; resolves from the scope that created its holder.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{ServiceCollection, ServiceFactory};
///
/// struct Command;
/// struct Dispatcher { commands: ServiceFactory<Command> }
///
/// let mut services = ServiceCollection::new();
/// services.add_transient(|| Arc::new(Command));
/// services.add_singleton(|commands: ServiceFactory<Command>| Arc::new(Dispatcher { commands }));
/// let provider = services.build()?;
/// let dispatcher = provider.get::<Dispatcher>()?;
/// assert!(!Arc::ptr_eq(&dispatcher.commands.get()?, &dispatcher.commands.get()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ServiceFactory<T: ?Sized> {
    target: Deferred<T>,
}

impl<T: ?Sized + Send + Sync + 'static> ServiceFactory<T> {
    /// Resolves `T` now.
    ///
    /// # Errors
    ///
    /// As [`Lazy::get`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{ServiceCollection, ServiceFactory};
    /// let mut services = ServiceCollection::new();
    /// services.add_instance(Arc::new(3_u8));
    /// services.add_singleton(|make: ServiceFactory<u8>| Arc::new(make));
    /// let provider = services.build()?;
    /// assert_eq!(*provider.get::<ServiceFactory<u8>>()?.get()?, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self) -> Result<Arc<T>, ResolveError> {
        self.target.resolve()
    }
}

impl<T: ?Sized> Clone for ServiceFactory<T> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
        }
    }
}

impl<T: ?Sized> fmt::Debug for ServiceFactory<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceFactory")
            .field("service", &type_name::<T>())
            .finish()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for ServiceFactory<T> {
    type State = Option<SiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.deferred::<T>()
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self {
            target: Deferred::new(state, resolver)?,
        })
    }
}

/// A planned site and the owner to resolve it from later.
struct Deferred<T: ?Sized> {
    owner: OwnerHandle,
    site: SiteRef<T>,
}

impl<T: ?Sized + Send + Sync + 'static> Deferred<T> {
    fn new(state: &Option<SiteRef<T>>, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        match state {
            Some(site) => Ok(Self {
                owner: resolver.owner_handle(),
                site: site.clone(),
            }),
            // Unreachable after a successful build, which rejects missing dependencies.
            None => Err(ResolveError::NotRegistered {
                service: type_name::<T>(),
                registered: Registrations::default(),
            }),
        }
    }

    fn resolve(&self) -> Result<Arc<T>, ResolveError> {
        self.owner
            .with(type_name::<T>(), |resolver| resolver.resolve(&self.site))
    }

    /// Resolves, and says whether the owner keeps the instance.
    fn resolve_kept(&self) -> Result<(Arc<T>, bool), ResolveError> {
        self.owner.with(type_name::<T>(), |resolver| {
            Ok((
                resolver.resolve(&self.site)?,
                resolver.owner_keeps(&self.site),
            ))
        })
    }
}

impl<T: ?Sized> Clone for Deferred<T> {
    fn clone(&self) -> Self {
        Self {
            owner: self.owner.clone(),
            site: self.site.clone(),
        }
    }
}
