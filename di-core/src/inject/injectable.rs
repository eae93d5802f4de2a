//! [`Injectable`]: a type that declares its own injected constructor.

use crate::dispose::Disposer;
use crate::inject::dependency::Dependency;

/// A type that knows how to construct itself from its dependencies, so it can be registered
/// without a closure ([`ServiceCollection::add_injectable`](crate::ServiceCollection::add_injectable)).
///
/// Hosting uses it: `add_hosted_service::<W>()` registers a `W: Injectable`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Injectable, ServiceCollection, ServiceLifetime};
///
/// struct Db;
/// struct Repo { db: Arc<Db> }
///
/// impl Injectable for Repo {
///     type Dependencies = (Arc<Db>,);
///     fn inject((db,): Self::Dependencies) -> Self {
///         Repo { db }
///     }
/// }
///
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_injectable::<Repo>(ServiceLifetime::Scoped);
/// let provider = services.build()?;
/// let repo = provider.create_scope()?.get::<Repo>()?;
/// # let _ = &repo.db;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "the container cannot construct `{Self}`: it does not implement `Injectable`",
    label = "not `Injectable`",
    note = "add `#[derive(Injectable)]` to `{Self}` (its fields are its dependencies), or register it with a factory instead: `add_singleton(|db: Arc<Db>| Arc::new(...))` (`add_hosted_service_with` for a hosted service)"
)]
pub trait Injectable: Sized + Send + Sync + 'static {
    /// The constructor's arguments: one [`Dependency`] or a tuple of them.
    type Dependencies: Dependency;

    /// Builds the value from its resolved dependencies.
    fn inject(dependencies: Self::Dependencies) -> Self;

    /// How the container disposes the type, if it implements [`AsyncDispose`](crate::AsyncDispose): then
    /// [`add_injectable`](crate::ServiceCollection::add_injectable) registers it disposable
    /// without a `.disposable()` call. `#[derive(Injectable)]` implements this by detecting
    /// `AsyncDispose`; a hand-written implementation returns `Some(Disposer::new())` itself.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{AsyncDispose, Disposer, Injectable};
    ///
    /// struct Pool;
    /// #[async_trait::async_trait]
    /// impl AsyncDispose for Pool { async fn dispose(&self) {} }
    /// impl Injectable for Pool {
    ///     type Dependencies = ();
    ///     fn inject((): ()) -> Self { Pool }
    ///     fn disposer() -> Option<Disposer<Self>> { Some(Disposer::new()) }
    /// }
    /// assert!(Pool::disposer().is_some());
    /// ```
    fn disposer() -> Option<Disposer<Self>> {
        None
    }
}
