//! The [`Factory`] and [`AsyncFactory`] traits, implemented for functions and closures of up to
//! twelve [`Dependency`] arguments, over the shape traits [`FactoryFn`] and [`AsyncFactoryFn`].

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

/// The shape of a synchronous factory: a function or closure of up to twelve arguments.
///
/// Only the function shape is checked here, so that the compiler settles the argument types first
/// and then reports each unmet requirement of [`Factory`] on its own (an argument that is not a
/// [`Dependency`], an output that is not an `Arc`, a closure that is not `Send`) instead of one
/// vague "not a factory". You never name this trait; bound on [`Factory`].
///
/// # Examples
///
/// ```
/// use di_core::FactoryFn;
///
/// fn assert_shape<F: FactoryFn<Args>, Args>(_: F) {}
/// let next = |port: u16| port + 1;
/// assert_shape(next);
/// assert_eq!(FactoryFn::<(u16,)>::call(&next, (8079,)), 8080);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a service factory",
    label = "not a factory",
    note = "a factory is a function or closure of up to twelve arguments that implement `Dependency` (e.g. `Arc<T>`, `Option<Arc<T>>`, `Vec<Arc<T>>`, `ScopeFactory`) and that returns `Arc<S>` or `Result<Arc<S>, E>`",
    note = "closure arguments need type annotations: `|db: Arc<Db>| ...`"
)]
pub trait FactoryFn<Args> {
    /// What the function returns.
    type Output;

    /// Calls the function with its arguments as a tuple.
    fn call(&self, args: Args) -> Self::Output;
}

/// A synchronous factory: a function or closure whose arguments are [`Dependency`] types and
/// which returns a [`FactoryOutput`].
///
/// `Args` is the tuple of argument types; it exists only to select the implementation, as in
/// axum's `Handler`. Every function shape ([`FactoryFn`]) that meets these requirements is a
/// factory; each unmet one is reported by itself, naming the argument or output at fault.
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
pub trait Factory<Args>: Send + Sync + 'static {
    /// What the factory returns.
    type Output: FactoryOutput;

    /// Runs the factory with its resolved arguments.
    fn call(&self, args: Args) -> Self::Output;
}

impl<Func, Args> Factory<Args> for Func
where
    Func: FactoryFn<Args> + Send + Sync + 'static,
    Func::Output: FactoryOutput,
    Args: Dependency,
{
    type Output = Func::Output;

    #[inline]
    fn call(&self, args: Args) -> Self::Output {
        FactoryFn::call(self, args)
    }
}

/// The shape of an asynchronous factory: a function or closure of up to twelve arguments that
/// returns a future. Checked alone for the same reason as [`FactoryFn`]; bound on
/// [`AsyncFactory`].
///
/// # Examples
///
/// ```
/// use di_core::AsyncFactoryFn;
///
/// async fn double(n: u32) -> u32 { n * 2 }
/// fn assert_shape<F: AsyncFactoryFn<Args>, Args>(_: F) {}
/// assert_shape(double);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an async service factory",
    note = "an async factory is an `async fn` or a closure returning a `Send` future, whose arguments implement `Dependency` and whose output is `Arc<S>` or `Result<Arc<S>, E>`"
)]
pub trait AsyncFactoryFn<Args> {
    /// The future the function returns.
    type Future: Future;

    /// Calls the function with its arguments as a tuple.
    fn call(&self, args: Args) -> Self::Future;
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
pub trait AsyncFactory<Args>: Send + Sync + 'static {
    /// What the future resolves to.
    type Output: FactoryOutput;
    /// The future the factory returns.
    type Future: Future<Output = Self::Output> + Send + 'static;

    /// Runs the factory with its resolved arguments.
    fn call(&self, args: Args) -> Self::Future;
}

impl<Func, Args> AsyncFactory<Args> for Func
where
    Func: AsyncFactoryFn<Args> + Send + Sync + 'static,
    Func::Future: Send + 'static,
    <Func::Future as Future>::Output: FactoryOutput,
    Args: Dependency,
{
    type Output = <Func::Future as Future>::Output;
    type Future = Func::Future;

    #[inline]
    fn call(&self, args: Args) -> Self::Future {
        AsyncFactoryFn::call(self, args)
    }
}

macro_rules! impl_factory_shapes {
    ($($arg:ident),*) => {
        impl<Func, Out, $($arg,)*> FactoryFn<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Out,
        {
            type Output = Out;

            #[inline]
            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Out {
                (self)($($arg),*)
            }
        }

        impl<Func, Fut, $($arg,)*> AsyncFactoryFn<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Fut,
            Fut: Future,
        {
            type Future = Fut;

            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Fut {
                (self)($($arg),*)
            }
        }
    };
}

impl_factory_shapes!();
impl_factory_shapes!(A);
impl_factory_shapes!(A, B);
impl_factory_shapes!(A, B, C);
impl_factory_shapes!(A, B, C, D);
impl_factory_shapes!(A, B, C, D, E);
impl_factory_shapes!(A, B, C, D, E, F);
impl_factory_shapes!(A, B, C, D, E, F, G);
impl_factory_shapes!(A, B, C, D, E, F, G, H);
impl_factory_shapes!(A, B, C, D, E, F, G, H, I);
impl_factory_shapes!(A, B, C, D, E, F, G, H, I, J);
impl_factory_shapes!(A, B, C, D, E, F, G, H, I, J, K);
impl_factory_shapes!(A, B, C, D, E, F, G, H, I, J, K, L);
