//! Creating types that are not registered from a provider's or scope's services (.NET's
//! `ActivatorUtilities.CreateInstance`): their dependencies are planned when asked, validated
//! like a registration's, then resolved.

use std::any::type_name;

use crate::error::ResolveError;
use crate::inject::dependency::Dependency;
use crate::inject::injectable::Injectable;
use crate::plan::Planner;
use crate::provider::{Resolver, Scope, ServiceProvider};

/// Plans `D` against the provider's registrations, then resolves it.
fn resolve_unregistered<D: Dependency>(
    resolver: &Resolver<'_>,
    subject: &'static str,
) -> Result<D, ResolveError> {
    let (mut edges, mut problems) = (Vec::new(), Vec::new());
    let state = {
        let mut planner = Planner::detached(
            resolver.index(),
            resolver.cells(),
            subject,
            &mut edges,
            &mut problems,
        );
        D::plan(&mut planner)
    };
    if !problems.is_empty() {
        return Err(ResolveError::CannotCreate {
            service: subject,
            problems: problems.into_boxed_slice(),
        });
    }
    resolver.check_live::<D>()?;
    resolver.check_scope_needs(&edges)?;
    D::resolve(&state, resolver)
}

macro_rules! activation_methods {
    ($owner:literal) => {
        /// Creates a `T` that is not registered, its dependencies resolved from
        #[doc = concat!("this ", $owner, ".")]
        /// The container does not keep it, cache it or dispose it. Its dependencies are
        /// planned on every call; to create many, register `T` as a transient instead.
        ///
        /// # Errors
        ///
        /// [`ResolveError::CannotCreate`] listing every dependency that is not registered; as
        /// [`get`](Self::get) for resolving them.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// use di_core::{Injectable, ServiceCollection};
        ///
        /// struct Db;
        /// struct Migration { db: Arc<Db> }
        /// impl Injectable for Migration {
        ///     type Dependencies = (Arc<Db>,);
        ///     fn inject((db,): (Arc<Db>,)) -> Self { Migration { db } }
        /// }
        ///
        /// let mut services = ServiceCollection::new();
        /// services.add_singleton(|| Arc::new(Db));
        /// let provider = services.build()?;
        /// let migration: Migration = provider.create_instance()?;
        /// assert!(Arc::ptr_eq(&migration.db, &provider.get::<Db>()?));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn create_instance<T: Injectable>(&self) -> Result<T, ResolveError> {
            let dependencies =
                resolve_unregistered::<T::Dependencies>(&self.resolver(), type_name::<T>())?;
            Ok(T::inject(dependencies))
        }

        /// Calls `f` with its argument resolved from
        #[doc = concat!("this ", $owner, ":")]
        /// any [`Dependency`], or a tuple of them. Values that do not come from the container
        /// (a request's payload, a year) are captured by the closure.
        ///
        /// # Errors
        ///
        /// As [`create_instance`](Self::create_instance).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::Arc;
        /// use di_core::ServiceCollection;
        ///
        /// struct Db { name: &'static str }
        /// struct Clock { year: u32 }
        /// struct Report { title: String }
        ///
        /// let mut services = ServiceCollection::new();
        /// services.add_singleton(|| Arc::new(Db { name: "sales" }));
        /// services.add_singleton(|| Arc::new(Clock { year: 2026 }));
        /// let provider = services.build()?;
        /// let quarter = 3; // an explicit argument
        /// let report = provider.invoke(|(db, clock): (Arc<Db>, Arc<Clock>)| Report {
        ///     title: format!("{} Q{quarter} {}", db.name, clock.year),
        /// })?;
        /// assert_eq!(report.title, "sales Q3 2026");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn invoke<D: Dependency, R>(&self, f: impl FnOnce(D) -> R) -> Result<R, ResolveError> {
            let dependencies = resolve_unregistered::<D>(&self.resolver(), type_name::<R>())?;
            Ok(f(dependencies))
        }
    };
}

impl ServiceProvider {
    activation_methods!("provider (its root)");
}

impl Scope {
    activation_methods!("scope");
}
