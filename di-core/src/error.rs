//! The errors of building a provider and of resolving a service.

use std::fmt;

use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::registered::Registrations;
use crate::type_name::ShortTypeName as Short;

/// A boxed error returned by a fallible factory.
///
/// # Examples
///
/// ```
/// let error: di_core::BoxError = "the database is unreachable".into();
/// assert_eq!(error.to_string(), "the database is unreachable");
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a service could not be resolved.
///
/// # Examples
///
/// ```
/// use di_core::{ResolveError, ServiceCollection};
///
/// #[derive(Debug)]
/// struct Unregistered;
/// let provider = ServiceCollection::new().build()?;
/// let error = provider.get::<Unregistered>().unwrap_err();
/// assert!(matches!(error, ResolveError::NotRegistered { .. }));
/// assert!(error.to_string().contains("Unregistered"));
/// # Ok::<(), di_core::BuildError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// No unkeyed registration provides the requested type.
    #[error("no service of type `{}` is registered{}", Short::new(service), registered.hint(service))]
    NotRegistered {
        /// The requested type.
        service: &'static str,
        /// What is registered for the type instead (keyed registrations only, if any).
        registered: Registrations,
    },
    /// No registration provides the requested type under the requested key. Keyed lookups
    /// never fall back to unkeyed registrations.
    #[error("no service of type `{}` is registered with key {key:?}{}", Short::new(service), registered.hint(service))]
    KeyedNotRegistered {
        /// The requested type.
        service: &'static str,
        /// The requested key (boxed, to keep every resolution's `Result` small).
        key: Box<ServiceKey>,
        /// What is registered for the type instead: unkeyed registrations and other keys.
        registered: Registrations,
    },
    /// A scoped service, or a service that needs one, was requested from the root provider.
    #[error(
        "cannot resolve `{}` from the root provider: it requires the scoped service `{}`; create a scope first",
        Short::new(service),
        Short::new(scoped)
    )]
    ScopedFromRoot {
        /// The requested type.
        service: &'static str,
        /// The scoped service it is, or depends on.
        scoped: &'static str,
    },
    /// A factory returned an error.
    #[error("the factory of `{}` failed", Short::new(service))]
    Factory {
        /// The service whose factory failed.
        service: &'static str,
        /// What the factory returned.
        #[source]
        source: BoxError,
    },
    /// The scope (or the provider behind it) was disposed.
    #[error(
        "cannot resolve `{}`: the {owner} has been disposed",
        Short::new(service)
    )]
    Disposed {
        /// The requested type.
        service: &'static str,
        /// `"scope"` or `"provider"`.
        owner: &'static str,
    },
    /// An async singleton was resolved before `build_async` created it (only possible from
    /// another async singleton's factory arguments during the build, which the build orders
    /// to prevent).
    #[error("async singleton `{}` is not initialized yet", Short::new(service))]
    NotInitialized {
        /// The async singleton.
        service: &'static str,
    },
    /// A factory asked, on its own thread, for the very instance it is creating (through an
    /// injected scope factory), which would otherwise deadlock.
    #[error(
        "`{}` was requested while its own factory was running (a cycle through a scope factory)",
        Short::new(service)
    )]
    Reentrant {
        /// The service whose factory re-entered.
        service: &'static str,
    },
    /// A scope factory outlived the provider it came from.
    #[error("cannot create a scope: the service provider has been dropped")]
    ProviderDropped,
    /// `create_instance` or `invoke` was asked for a type whose dependencies are not all
    /// registered (or that takes a `ServiceKey`, which only keyed registrations have).
    #[error("cannot create `{}`{}", Short::new(service), Numbered(problems))]
    CannotCreate {
        /// The type to create.
        service: &'static str,
        /// Every problem, as `build()` would report it.
        problems: Box<[BuildProblem]>,
    },
}

/// One problem found while validating a service collection.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{BuildError, BuildProblem, ServiceCollection};
///
/// struct Db;
/// struct Repo;
/// let mut services = ServiceCollection::new();
/// services.add_scoped(|_db: Arc<Db>| Arc::new(Repo));
/// let Err(BuildError::Invalid { problems }) = services.build() else { panic!() };
/// assert!(matches!(problems[0], BuildProblem::MissingDependency { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildProblem {
    /// A factory requires a service that is not registered.
    MissingDependency {
        /// The service whose factory has the argument.
        service: &'static str,
        /// The type that is missing.
        dependency: &'static str,
        /// The key of the missing registration (debug-formatted), for keyed arguments.
        key: Option<String>,
        /// What is registered for the missing type instead: other keys, or unkeyed
        /// registrations for a keyed argument.
        registered: Registrations,
    },
    /// Services depend on each other in a circle.
    Cycle {
        /// The services on the cycle, the first repeated at the end.
        path: Vec<&'static str>,
    },
    /// A singleton depends on a scoped service, directly or through transients, so it would keep
    /// one scope's instance alive forever.
    CaptiveDependency {
        /// The singleton.
        singleton: &'static str,
        /// The scoped service it would capture.
        scoped: &'static str,
        /// The chain from the singleton to the scoped service.
        path: Vec<&'static str>,
    },
    /// A factory takes the requested [`ServiceKey`](crate::ServiceKey) as an argument, but its
    /// registration has no key.
    KeyOfUnkeyed {
        /// The service whose factory takes the key.
        service: &'static str,
    },
    /// An async singleton was registered but the collection was built synchronously.
    AsyncRequiresBuildAsync {
        /// The async singleton.
        service: &'static str,
    },
    /// More registrations of one lifetime cache an instance (singletons in the provider,
    /// scoped services in each scope) than one owner can hold: 16,777,215 of each.
    TooManyCached {
        /// `Singleton` or `Scoped`.
        lifetime: ServiceLifetime,
        /// How many registrations of that lifetime there are.
        count: usize,
        /// The most one owner holds.
        max: usize,
    },
}

impl fmt::Display for BuildProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingDependency {
                service,
                dependency,
                key,
                registered,
            } => {
                write!(
                    f,
                    "no service of type `{}` is registered",
                    Short::new(dependency)
                )?;
                if let Some(key) = key {
                    write!(f, " with key {key}")?;
                }
                write!(
                    f,
                    ", but `{}` requires it{}",
                    Short::new(service),
                    registered.hint(dependency)
                )
            }
            Self::Cycle { path } => write!(f, "dependency cycle: {}", Path(path)),
            Self::CaptiveDependency {
                singleton,
                scoped,
                path,
            } => write!(
                f,
                "singleton `{singleton}` depends on scoped service `{scoped}` ({}); make `{singleton}` scoped or inject a `ScopeFactory`",
                Path(path),
                singleton = Short::new(singleton),
                scoped = Short::new(scoped),
            ),
            Self::KeyOfUnkeyed { service } => write!(
                f,
                "the factory of `{}` takes a `ServiceKey` argument but is registered without a key; register it with `add_keyed_*`",
                Short::new(service)
            ),
            Self::AsyncRequiresBuildAsync { service } => write!(
                f,
                "`{}` has an async factory; build the provider with `build_async().await`",
                Short::new(service)
            ),
            Self::TooManyCached {
                lifetime,
                count,
                max,
            } => write!(
                f,
                "{count} {lifetime} registrations each cache an instance, more than one owner holds ({max}); register fewer, or make some of them transient"
            ),
        }
    }
}

struct Path<'a>(&'a [&'static str]);

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" -> ")?;
            }
            write!(f, "`{}`", Short::new(name))?;
        }
        Ok(())
    }
}

/// Why a [`ServiceCollection`](crate::ServiceCollection) could not be built into a provider.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::ServiceCollection;
///
/// struct A;
/// struct B;
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|_b: Arc<B>| Arc::new(A));
/// services.add_singleton(|_a: Arc<A>| Arc::new(B));
/// let error = services.build().unwrap_err();
/// let message = error.to_string();
/// assert!(message.contains("dependency cycle: `"), "{message}");
/// assert!(message.contains("::A` -> `") && message.contains("::B` -> `"), "{message}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Validation found problems; all of them are listed: one on the same line, several
    /// numbered, one per line.
    #[error("the service collection is invalid{}", Numbered(problems))]
    Invalid {
        /// Every problem found, in registration order.
        problems: Vec<BuildProblem>,
    },
    /// An async singleton's factory failed during `build_async`.
    #[error("async singleton `{}` failed to initialize", Short::new(service))]
    AsyncInitialization {
        /// The async singleton.
        service: &'static str,
        /// Why it failed.
        #[source]
        source: ResolveError,
    },
}

impl BuildError {
    /// The validation problems, empty for other kinds of failure.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Missing;
    /// struct A;
    /// let mut services = ServiceCollection::new();
    /// services.add_transient(|_m: Arc<Missing>| Arc::new(A));
    /// assert_eq!(services.build().unwrap_err().problems().len(), 1);
    /// ```
    pub fn problems(&self) -> &[BuildProblem] {
        match self {
            Self::Invalid { problems } => problems,
            Self::AsyncInitialization { .. } => &[],
        }
    }
}

struct Numbered<'a>(&'a [BuildProblem]);

impl fmt::Display for Numbered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [problem] = self.0 {
            return write!(f, ": {problem}");
        }
        write!(f, " ({} problems):", self.0.len())?;
        for (i, problem) in self.0.iter().enumerate() {
            write!(f, "\n  {}. {problem}", i + 1)?;
        }
        Ok(())
    }
}
