//! [`Scope`]: a unit of work that owns its scoped services.

use std::fmt;
use std::sync::Arc;

use crate::error::ResolveError;
use crate::key::ServiceKey;
use crate::provider::entry_points::entry_points;
use crate::provider::inner::ProviderInner;
use crate::provider::resolver::Resolver;
use crate::provider::scope_factory::ScopeFactory;
use crate::provider::scope_state::ScopeState;

/// A unit of work (a request, a job): scoped services resolved through it are created once per
/// scope and disposed with it; singletons come from the provider.
///
/// Cheap to clone (one `Arc`), `Send + Sync + 'static`. A scope keeps its provider alive.
/// Dropping the last clone releases its instances in reverse creation order;
/// [`dispose`](Scope::dispose) also runs their async disposal.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// struct Db;
/// struct UnitOfWork;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_scoped(|| Arc::new(UnitOfWork));
/// let provider = services.build()?;
/// let (first, second) = (provider.create_scope()?, provider.create_scope()?);
/// assert!(Arc::ptr_eq(&first.get::<Db>()?, &second.get::<Db>()?));
/// assert!(!Arc::ptr_eq(&first.get::<UnitOfWork>()?, &second.get::<UnitOfWork>()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Scope {
    state: Arc<ScopeState>,
}

impl Scope {
    /// A new scope of `provider`, or [`ResolveError::Disposed`] if the provider's disposal
    /// began: the one check behind both `create_scope`s.
    #[inline]
    pub(crate) fn open(provider: Arc<ProviderInner>) -> Result<Self, ResolveError> {
        if provider.root.is_closed() {
            return Err(ResolveError::Disposed {
                service: "Scope",
                owner: "provider",
            });
        }
        // `new_cyclic` allocates first and builds the state in place: `Arc::new` built it on
        // the stack and copied its 368 bytes into the allocation (a sixth of creating a scope).
        Ok(Self {
            state: Arc::new_cyclic(|_| ScopeState::new(provider)),
        })
    }

    pub(crate) fn resolver(&self) -> Resolver<'_> {
        Resolver::scoped(&self.state.provider, &self.state)
    }

    entry_points! {
        owner: "scope",
        within: " within this scope",
        make: "services.build()?.create_scope()?",
        get_errors: "[`ResolveError::NotRegistered`]; [`ResolveError::Factory`] if a factory failed; [`ResolveError::Disposed`] once [`dispose`](Scope::dispose) (or the provider's) began, also when it began while a factory of this resolution was running.",
    }

    /// Disposes what this scope created, newest first, each instance once. Resolving from the
    /// scope afterwards is an error.
    ///
    /// Cancellation-safe: if the returned future is dropped midway (a shutdown deadline), a
    /// later call disposes what is left; the `dispose` that was interrupted is not restarted.
    /// A call made while another is running (or from inside a service's own `dispose`) returns
    /// at once without waiting for it.
    ///
    /// A resolution whose factory was still running when disposal began does not hand its
    /// instance out: the instance is disposed at once (by the disposal that is running, or by
    /// the resolving thread if none is) and the resolution fails with
    /// [`ResolveError::Disposed`](crate::ResolveError::Disposed).
    ///
    /// # Panics
    ///
    /// Resumes the first panic of a service's [`AsyncDispose::dispose`](crate::AsyncDispose),
    /// after every other service was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(1_u8));
    /// let scope = services.build()?.create_scope()?;
    /// scope.dispose().await;
    /// assert!(scope.get::<u8>().is_err());
    /// # Ok(()) }
    /// ```
    pub async fn dispose(&self) {
        self.state.slots.dispose_all().await;
    }

    /// Disposes the scope at once, without awaiting, when nothing it created has an async
    /// [`AsyncDispose::dispose`](crate::AsyncDispose) to run; returns `false` (and leaves the
    /// scope as it is) otherwise, so the caller can `dispose().await` instead. Lets a caller
    /// that must not block (a `Drop`, a response body) skip spawning a task for the common case.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mut services = di_core::ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(1_u8));
    /// let scope = services.build()?.create_scope()?;
    /// scope.get::<u8>()?;
    /// assert!(scope.try_dispose_now());
    /// assert!(scope.is_disposed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_dispose_now(&self) -> bool {
        self.state.slots.close_unless_disposables()
    }

    /// Whether [`dispose`](Scope::dispose) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let scope = di_core::ServiceCollection::new().build()?.create_scope()?;
    /// assert!(!scope.is_disposed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.state.slots.is_closed()
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("disposed", &self.is_disposed())
            .finish_non_exhaustive()
    }
}
