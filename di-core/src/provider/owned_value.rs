//! [`Owned<T>`]: an owned transient's value as its consumer receives it, and the type owned
//! registrations are indexed under. Defined here, where values are handed out; the inject layer
//! makes `Owned<T>` a factory argument.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// The type an owned registration of `T` is indexed under. Nobody outside the crate can name
/// it, so a shared lookup (`get::<X>()`, `Arc<X>`) can never find an owned registration and
/// expect an `Arc` from it.
/// `?Sized` so that a failed shared lookup of any `T`, trait objects included, can ask whether
/// `T` has owned registrations instead.
pub(crate) struct OwnedService<T: ?Sized>(PhantomData<fn() -> Box<T>>);

/// A dependency on an owned transient (registered with
/// [`add_owned`](crate::ServiceCollection::add_owned)): a new `T` created for this consumer
/// and moved into it — no reference count, mutable by its owner.
///
/// Validated at build like `Arc<T>`: the owned registration must exist, a cycle through it is
/// an error, and a singleton that receives an `Owned<T>` needing a scoped service is a captive
/// dependency. The container never keeps or disposes the value: it is the consumer's.
/// `Option<Owned<T>>` is injectable too.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Owned, ServiceCollection};
///
/// struct Config { retries: u32 }
/// struct Attempts { left: u32 }
/// struct Job { attempts: Attempts }
///
/// let mut services = ServiceCollection::new();
/// services.add_instance(Arc::new(Config { retries: 3 }));
/// services.add_owned(|config: Arc<Config>| Attempts { left: config.retries });
/// services.add_owned(|mut attempts: Owned<Attempts>| {
///     attempts.left -= 1; // the job's own copy
///     Job { attempts: attempts.into_inner() }
/// });
/// let provider = services.build()?;
/// let job: Job = provider.get_owned()?;
/// assert_eq!(job.attempts.left, 2);
/// assert_eq!(provider.get_owned::<Attempts>()?.left, 3, "every resolution is a new value");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Owned<T>(T);

impl<T> Owned<T> {
    /// Wraps a value, for tests and hand-written [`Dependency`](crate::Dependency) implementations.
    ///
    /// # Examples
    ///
    /// ```
    /// let owned = di_core::Owned::new(5);
    /// assert_eq!(*owned, 5);
    /// ```
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, moved out.
    ///
    /// # Examples
    ///
    /// ```
    /// let owned = di_core::Owned::new(String::from("mine"));
    /// let value: String = owned.into_inner();
    /// assert_eq!(value, "mine");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Owned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Owned<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Owned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Owned").field(&self.0).finish()
    }
}
