//! The [`OwnedFactory`] trait: functions and closures of up to twelve [`Dependency`] arguments
//! that return a value, for owned transients.

use crate::inject::Dependency;

/// A factory of an owned transient: a function or closure whose arguments are [`Dependency`]
/// types and which returns the value itself (`T`, or `Result<T, E>` for
/// [`add_owned_fallible`](crate::ServiceCollection::add_owned_fallible)).
///
/// `Args` is the tuple of argument types; it exists only to select the implementation.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::OwnedFactory;
///
/// struct Db;
/// struct Query { db: Arc<Db>, text: String }
/// impl Query {
///     fn new(db: Arc<Db>) -> Self { Query { db, text: String::new() } }
/// }
/// fn assert_owned_factory<F: OwnedFactory<Args>, Args>(_: F) {}
/// assert_owned_factory(Query::new);
/// let query = OwnedFactory::call(&Query::new, (Arc::new(Db),));
/// # let _ = (&query.db, &query.text);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an owned-transient factory",
    label = "not a factory",
    note = "an owned factory is a function or closure whose arguments implement `Dependency` (e.g. `Arc<T>`, `Owned<T>`, `Option<Arc<T>>`) and that returns the value",
    note = "closure arguments need type annotations: `|db: Arc<Db>| ...`"
)]
pub trait OwnedFactory<Args>: Send + Sync + 'static {
    /// What the factory returns.
    type Output;

    /// Runs the factory with its resolved arguments.
    fn call(&self, args: Args) -> Self::Output;
}

macro_rules! impl_owned_factories {
    ($($arg:ident),*) => {
        impl<Func, Out, $($arg,)*> OwnedFactory<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Out + Send + Sync + 'static,
            $($arg: Dependency,)*
        {
            type Output = Out;

            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            #[inline]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Out {
                (self)($($arg),*)
            }
        }
    };
}

impl_owned_factories!();
impl_owned_factories!(A);
impl_owned_factories!(A, B);
impl_owned_factories!(A, B, C);
impl_owned_factories!(A, B, C, D);
impl_owned_factories!(A, B, C, D, E);
impl_owned_factories!(A, B, C, D, E, F);
impl_owned_factories!(A, B, C, D, E, F, G);
impl_owned_factories!(A, B, C, D, E, F, G, H);
impl_owned_factories!(A, B, C, D, E, F, G, H, I);
impl_owned_factories!(A, B, C, D, E, F, G, H, I, J);
impl_owned_factories!(A, B, C, D, E, F, G, H, I, J, K);
impl_owned_factories!(A, B, C, D, E, F, G, H, I, J, K, L);
