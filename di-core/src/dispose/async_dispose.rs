//! Asynchronous disposal: detected for derived types, opted into for factories.

use async_trait::async_trait;

/// A service that needs asynchronous clean-up (flushing, closing connections) when the scope or
/// provider that created it is disposed.
///
/// # Registering a disposable type
///
/// - **Derived types** (`#[derive(Injectable)]`, registered with
///   [`add_injectable`](crate::ServiceCollection::add_injectable)) need nothing: the derive
///   detects at compile time whether the type implements `AsyncDispose` (autoref
///   specialization on the concrete type, no `unsafe`) and the registration is disposable.
///   This is the registration form to prefer for types that own resources.
/// - **Factories** (closures and functions) name their output type only generically, and
///   stable Rust cannot ask a generic type whether it implements a trait, so they opt in with
///   [`ServiceRegistration::disposable`](crate::ServiceRegistration::disposable).
///   [`ServiceCollection::descriptors`](crate::ServiceCollection::descriptors) shows which
///   registrations are disposable, for a test that checks none was forgotten.
///
/// The container calls [`dispose`](AsyncDispose::dispose) exactly once, in reverse creation
/// order, from [`Scope::dispose`](crate::Scope::dispose) or
/// [`ServiceProvider::dispose`](crate::ServiceProvider::dispose). Instances registered with
/// [`ServiceCollection::add_instance`](crate::ServiceCollection::add_instance) are never disposed
/// by the container: their owner is whoever made them.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
/// use di_core::{AsyncDispose, ServiceCollection};
///
/// struct Connection { closed: AtomicBool }
///
/// #[async_trait::async_trait]
/// impl AsyncDispose for Connection {
///     async fn dispose(&self) {
///         self.closed.store(true, Ordering::SeqCst);
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut services = ServiceCollection::new();
/// services.add_scoped(|| Arc::new(Connection { closed: AtomicBool::new(false) })).disposable();
/// let provider = services.build()?;
/// let scope = provider.create_scope()?;
/// let connection = scope.get::<Connection>()?;
/// scope.dispose().await;
/// assert!(connection.closed.load(Ordering::SeqCst));
/// # Ok(()) }
/// ```
#[async_trait]
pub trait AsyncDispose: Send + Sync {
    /// Releases the resources this service holds. Called at most once by the container.
    async fn dispose(&self);
}
