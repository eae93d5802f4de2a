//! The [`Dependency`] trait and its implementations for `Arc<T>`, `Option<Arc<T>>`,
//! `Vec<Arc<T>>` and the scope factory.

use std::any::type_name;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::plan::Planner;
use crate::provider::{Resolver, ScopeFactory, SiteRef};
use crate::registered::Registrations;

/// A type that can be a factory argument: it declares what it needs at build time and fetches it
/// at resolution time.
///
/// Implemented for `Arc<T>` (required), `Option<Arc<T>>` (optional), `Vec<Arc<T>>` (every
/// registration of `T`, in registration order), [`ScopeFactory`], [`Keyed<T, K>`](crate::Keyed),
/// [`Owned<T>`](crate::Owned) (an owned transient, by value) and tuples of dependencies.
/// Implement it for your own types to inject them as arguments.
///
/// # Examples
///
/// A user type that bundles two dependencies:
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Dependency, Planner, ResolveError, Resolver, ServiceCollection};
///
/// struct Db;
/// struct Cache;
/// struct Storage { db: Arc<Db>, cache: Arc<Cache> }
///
/// impl Dependency for Storage {
///     type State = (<Arc<Db> as Dependency>::State, <Arc<Cache> as Dependency>::State);
///     fn plan(planner: &mut Planner<'_>) -> Self::State {
///         (Arc::<Db>::plan(planner), Arc::<Cache>::plan(planner))
///     }
///     fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
///         Ok(Storage {
///             db: Arc::<Db>::resolve(&state.0, resolver)?,
///             cache: Arc::<Cache>::resolve(&state.1, resolver)?,
///         })
///     }
/// }
///
/// struct Repo;
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_singleton(|| Arc::new(Cache));
/// services.add_transient(|_storage: Storage| Arc::new(Repo));
/// assert!(services.build()?.get::<Repo>().is_ok());
/// # let _ = |s: Storage| (s.db, s.cache);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be injected as a factory argument",
    label = "not an injectable argument",
    note = "injectable arguments are `Arc<T>`, `Option<Arc<T>>`, `Vec<Arc<T>>`, `Lazy<T>`, `ServiceFactory<T>`, `ScopeFactory`, `Keyed<T, K>` and tuples of them",
    note = "to inject a value `T`, register it and take `Arc<T>`"
)]
pub trait Dependency: Sized + Send + 'static {
    /// What [`plan`](Dependency::plan) computes once at build time, typically call-site indices.
    type State: Send + Sync + 'static;

    /// Declares this argument's needs to the planner, which records the graph edges and any
    /// missing registration.
    fn plan(planner: &mut Planner<'_>) -> Self::State;

    /// Fetches the argument's value for one resolution.
    ///
    /// # Errors
    ///
    /// Returns the [`ResolveError`] of any dependency that could not be resolved.
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError>;
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for Arc<T> {
    type State = Option<SiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.require::<T>()
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        match state {
            Some(site) => resolver.resolve(site),
            // Unreachable after a successful build, which rejects missing dependencies.
            None => Err(ResolveError::NotRegistered {
                service: type_name::<T>(),
                registered: Registrations::default(),
            }),
        }
    }
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for Option<Arc<T>> {
    type State = Option<SiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.optional::<T>()
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        state
            .as_ref()
            .map(|site| resolver.resolve(site))
            .transpose()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Dependency for Vec<Arc<T>> {
    type State = Box<[SiteRef<T>]>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.all::<T>().into_boxed_slice()
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        resolver.resolve_all(state)
    }
}

impl Dependency for ScopeFactory {
    type State = ();

    fn plan(_planner: &mut Planner<'_>) -> Self::State {}

    fn resolve(_state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(resolver.scope_factory())
    }
}

/// Never implemented: it exists so that a factory argument `&T` is reported with its fix.
#[diagnostic::on_unimplemented(
    message = "a factory cannot borrow `&{Self}`: take `Arc<{Self}>` instead",
    label = "borrowed argument",
    note = "services are shared and outlive the call, so factories receive them as `Arc<T>`"
)]
pub trait NotBorrowed {}

/// A borrowed argument is never injectable; this implementation only exists to name the fix
/// (`Arc<T>`) when a factory takes `&T`.
///
/// # Examples
///
/// ```compile_fail
/// use std::sync::Arc;
/// struct Db;
/// struct Repo;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_singleton(|_db: &Db| Arc::new(Repo)); // error: take `Arc<Db>` instead
/// ```
impl<T: ?Sized + NotBorrowed + Sync + 'static> Dependency for &'static T {
    type State = ();

    fn plan(_planner: &mut Planner<'_>) -> Self::State {}

    fn resolve(_state: &Self::State, _resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        unreachable!("`NotBorrowed` has no implementations")
    }
}
