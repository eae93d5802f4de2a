//! A dependency-injection container for tokio applications: typed registrations, a build step
//! that validates the whole graph, flat scopes and async-aware disposal.
//!
//! The data flow follows the folder tree:
//!
//! 1. **registration** ([`ServiceCollection`]): factories whose *arguments are their
//!    dependencies* are erased into descriptors, exactly once.
//! 2. **plan** ([`ServiceCollection::build`]): every factory's arguments are planned against an
//!    index of the registrations, the graph is validated (missing services, cycles, captive
//!    dependencies — all reported at once) and frozen into call sites addressed by index.
//! 3. **provider** ([`ServiceProvider`], [`Scope`]): resolution follows precomputed indices; one
//!    `TypeId` lookup happens at the public entry point and nowhere else.
//! 4. **dispose** ([`AsyncDispose`]): scopes and the provider dispose what they created in
//!    reverse creation order, once.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use di_core::ServiceCollection;
//!
//! struct Config { greeting: &'static str }
//! struct Greeter { config: Arc<Config> }
//! struct RequestId(u32);
//!
//! let mut services = ServiceCollection::new();
//! services.add_instance(Arc::new(Config { greeting: "hello" }));
//! services.add_singleton(|config: Arc<Config>| Arc::new(Greeter { config }));
//! services.add_scoped(|| Arc::new(RequestId(7)));
//!
//! let provider = services.build()?;
//! let scope = provider.create_scope()?;
//! let greeter = scope.get::<Greeter>()?;
//! assert_eq!(greeter.config.greeting, "hello");
//! assert_eq!(scope.get::<RequestId>()?.0, 7);
//! // Scoped services cannot come from the root provider.
//! assert!(provider.get::<RequestId>().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod dispose;
mod error;
mod graph;
mod inject;
mod key;
mod lifetime;
mod plan;
mod provider;
mod registered;
mod registration;
mod sync;
mod type_name;

/// `#[derive(Injectable)]`: a struct whose fields are its dependencies (see [`di_macros`]).
#[cfg(feature = "derive")]
pub use di_macros::Injectable;
#[doc(hidden)]
pub use dispose::probe as __dispose_probe;
pub use dispose::{AsyncDispose, Disposer};
pub use error::{BoxError, BuildError, BuildProblem, ResolveError};
pub use graph::{EdgeKind, GraphEdge, GraphNode, ServiceGraph};
pub use inject::{
    Dependency, Injectable, Keyed, KeyedServices, Lazy, Owned, OwnedKeyed, ServiceFactory,
};
pub use key::{ServiceKey, StaticKey};
pub use lifetime::ServiceLifetime;
pub use plan::{KeySource, KeyedSite, Planner};
pub use provider::{OwnedSiteRef, Resolver, Scope, ScopeFactory, ServiceProvider, SiteRef};
pub use registered::Registrations;
pub use registration::{
    AsyncFactory, AsyncFactoryFn, Decorator, DecoratorFn, Factory, FactoryFn, FactoryOutput,
    OwnedFactory, ServiceCollection, ServiceDescriptor, ServiceRegistration,
};
pub use type_name::ShortTypeName;
