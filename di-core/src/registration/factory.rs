//! The [`Factory`] and [`AsyncFactory`] traits, implemented for functions and closures of up to
//! twelve [`Dependency`] arguments.

use std::future::Future;
use std::sync::Arc;

use crate::error::BoxError;
use crate::inject::Dependency;

/// What a factory returns: `Arc<S>`, or `Result<Arc<S>, E>` for a fallible factory.
///
/// `S` may be unsized, so a factory can register an implementation as `dyn Trait`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::FactoryOutput;
///
/// let ok: Result<Arc<str>, std::io::Error> = Ok(Arc::from("ready"));
/// assert_eq!(&*ok.into_service()?, "ready");
/// # Ok::<(), di_core::BoxError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a factory must return `Arc<S>` or `Result<Arc<S>, E>`, not `{Self}`",
    note = "wrap the value: `Arc::new(value)`"
)]
pub trait FactoryOutput: Send + 'static {
    /// The registered service type.
    type Service: ?Sized + Send + Sync + 'static;

    /// Turns the output into the service or the factory's error.
    ///
    /// # Errors
    ///
    /// The error a fallible factory returned, boxed.
    fn into_service(self) -> Result<Arc<Self::Service>, BoxError>;
}

impl<S: ?Sized + Send + Sync + 'static> FactoryOutput for Arc<S> {
    type Service = S;

    fn into_service(self) -> Result<Arc<S>, BoxError> {
        Ok(self)
    }
}

impl<S, E> FactoryOutput for Result<Arc<S>, E>
where
    S: ?Sized + Send + Sync + 'static,
    E: Into<BoxError> + Send + 'static,
{
    type Service = S;

    fn into_service(self) -> Result<Arc<S>, BoxError> {
        self.map_err(Into::into)
    }
}

/// A synchronous factory: a function or closure whose arguments are [`Dependency`] types and
/// which returns a [`FactoryOutput`].
///
/// `Args` is the tuple of argument types; it exists only to select the implementation, as in
/// axum's `Handler`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{Factory, FactoryOutput};
///
/// struct Db;
/// struct Repo { db: Arc<Db> }
/// impl Repo {
///     fn new(db: Arc<Db>) -> Arc<Self> { Arc::new(Repo { db }) }
/// }
/// fn assert_factory<F: Factory<Args>, Args>(_: F) {}
/// assert_factory(Repo::new);
/// let repo = Factory::call(&Repo::new, (Arc::new(Db),)).into_service()?;
/// # let _ = &repo.db;
/// # Ok::<(), di_core::BoxError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a service factory",
    label = "not a factory",
    note = "a factory is a function or closure whose arguments implement `Dependency` (e.g. `Arc<T>`, `Option<Arc<T>>`, `Vec<Arc<T>>`, `ScopeFactory`) and that returns `Arc<S>` or `Result<Arc<S>, E>`",
    note = "closure arguments need type annotations: `|db: Arc<Db>| ...`"
)]
pub trait Factory<Args>: Send + Sync + 'static {
    /// What the factory returns.
    type Output: FactoryOutput;

    /// Runs the factory with its resolved arguments.
    fn call(&self, args: Args) -> Self::Output;
}

/// An asynchronous factory for a singleton created during
/// [`ServiceCollection::build_async`](crate::ServiceCollection::build_async).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::AsyncFactory;
///
/// struct Pool;
/// async fn connect() -> Result<Arc<Pool>, std::io::Error> { Ok(Arc::new(Pool)) }
/// fn assert_async_factory<F: AsyncFactory<Args>, Args>(_: F) {}
/// assert_async_factory(connect);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an async service factory",
    note = "an async factory is an `async fn` or a closure returning a `Send` future, whose arguments implement `Dependency` and whose output is `Arc<S>` or `Result<Arc<S>, E>`"
)]
pub trait AsyncFactory<Args>: Send + Sync + 'static {
    /// What the future resolves to.
    type Output: FactoryOutput;
    /// The future the factory returns.
    type Future: Future<Output = Self::Output> + Send + 'static;

    /// Runs the factory with its resolved arguments.
    fn call(&self, args: Args) -> Self::Future;
}

macro_rules! impl_factories {
    ($($arg:ident),*) => {
        impl<Func, Out, $($arg,)*> Factory<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Out + Send + Sync + 'static,
            Out: FactoryOutput,
            $($arg: Dependency,)*
        {
            type Output = Out;

            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Out {
                (self)($($arg),*)
            }
        }

        impl<Func, Fut, $($arg,)*> AsyncFactory<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: FactoryOutput,
            $($arg: Dependency,)*
        {
            type Output = Fut::Output;
            type Future = Fut;

            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Fut {
                (self)($($arg),*)
            }
        }
    };
}

impl_factories!();
impl_factories!(A);
impl_factories!(A, B);
impl_factories!(A, B, C);
impl_factories!(A, B, C, D);
impl_factories!(A, B, C, D, E);
impl_factories!(A, B, C, D, E, F);
impl_factories!(A, B, C, D, E, F, G);
impl_factories!(A, B, C, D, E, F, G, H);
impl_factories!(A, B, C, D, E, F, G, H, I);
impl_factories!(A, B, C, D, E, F, G, H, I, J);
impl_factories!(A, B, C, D, E, F, G, H, I, J, K);
impl_factories!(A, B, C, D, E, F, G, H, I, J, K, L);
