//! Decorators: wrap every registration of a service (logging, caching, retries) keeping its
//! lifetime.

use std::any::TypeId;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::FutureExt;

use crate::error::{BoxError, ResolveError};
use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::plan::{ErasedFactory, PlannedCreate, PlannedSite, Planner};
use crate::provider::{AsyncCreateFn, CreateFn, SiteCell, SiteConfig, TypedSiteCell};
use crate::registration::collection::ServiceCollection;
use crate::registration::erase::{async_site, sync_site};
use crate::registration::factory::FactoryOutput;

/// A decorator of `S`: a function or closure taking the decorated `Arc<S>` first, then any
/// [`Dependency`] arguments, and returning `Arc<S>` (or `Result<Arc<S>, E>`).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::Decorator;
///
/// trait Store: Send + Sync {}
/// struct Logged(#[allow(dead_code, reason = "an example")] Arc<dyn Store>);
/// impl Store for Logged {}
/// fn logged(inner: Arc<dyn Store>) -> Arc<dyn Store> { Arc::new(Logged(inner)) }
/// fn assert_decorator<D: Decorator<dyn Store, Args>, Args>(_: D) {}
/// assert_decorator(logged);
/// ```
pub trait Decorator<S: ?Sized, Args>: Send + Sync + 'static {
    /// Wraps `inner`.
    ///
    /// # Errors
    ///
    /// The error a fallible decorator returned, boxed.
    fn decorate(&self, inner: Arc<S>, args: Args) -> Result<Arc<S>, BoxError>;
}

/// The shape of a decorator of `S`: a function or closure taking `Arc<S>` and up to six more
/// arguments. Checked alone, as [`FactoryFn`](crate::FactoryFn) is, so that an argument that is
/// not a [`Dependency`] or an output that is not `Arc<S>` is reported by itself.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::DecoratorFn;
///
/// fn assert_shape<D: DecoratorFn<str, Args>, Args>(_: D) {}
/// assert_shape(|inner: Arc<str>, _suffix: u8| inner.len());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a decorator of `{S}`",
    note = "a decorator takes the decorated `Arc<S>` first, then `Dependency` arguments, and returns `Arc<S>` or `Result<Arc<S>, E>`"
)]
pub trait DecoratorFn<S: ?Sized, Args> {
    /// What the function returns.
    type Output;

    /// Calls the function with the decorated instance and its other arguments as a tuple.
    fn call(&self, inner: Arc<S>, args: Args) -> Self::Output;
}

impl<Func, S, Args> Decorator<S, Args> for Func
where
    S: ?Sized + Send + Sync + 'static,
    Func: DecoratorFn<S, Args> + Send + Sync + 'static,
    Func::Output: FactoryOutput<Service = S>,
    Args: Dependency,
{
    fn decorate(&self, inner: Arc<S>, args: Args) -> Result<Arc<S>, BoxError> {
        DecoratorFn::call(self, inner, args).into_service()
    }
}

macro_rules! impl_decorator_shapes {
    ($($arg:ident),*) => {
        impl<Func, Out, S: ?Sized, $($arg,)*> DecoratorFn<S, ($($arg,)*)> for Func
        where
            Func: Fn(Arc<S>, $($arg),*) -> Out,
        {
            type Output = Out;

            #[allow(non_snake_case, reason = "argument names come from the type parameters")]
            fn call(&self, inner: Arc<S>, ($($arg,)*): ($($arg,)*)) -> Out {
                (self)(inner, $($arg),*)
            }
        }
    };
}

impl_decorator_shapes!();
impl_decorator_shapes!(A);
impl_decorator_shapes!(A, B);
impl_decorator_shapes!(A, B, C);
impl_decorator_shapes!(A, B, C, D);
impl_decorator_shapes!(A, B, C, D, E);
impl_decorator_shapes!(A, B, C, D, E, F);

impl ServiceCollection {
    /// Wraps every unkeyed registration of `S` made so far with `decorator`, keeping each one's
    /// lifetime: a singleton's decorated instance is created once, a transient's on every
    /// resolution. The decorator's own arguments are dependencies, validated at build like a
    /// factory's.
    ///
    /// When several decorators apply, the first one registered is innermost: after
    /// `decorate(a)` then `decorate(b)`, resolving `S` gives `b(a(original))` (as Scrutor).
    /// Registrations added after `decorate` are not decorated. A decorated instance
    /// (`add_instance`) becomes a singleton created from it; the container still does not
    /// dispose the instance, and disposes the decorator's output only if marked
    /// [`disposable`](crate::ServiceRegistration::disposable) — which applies to the original
    /// registration's output, now the decorated value.
    ///
    /// Returns how many registrations were decorated.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// trait Greeter: Send + Sync { fn greet(&self) -> String; }
    /// struct Plain;
    /// impl Greeter for Plain { fn greet(&self) -> String { "hello".into() } }
    /// struct Loud(Arc<dyn Greeter>);
    /// impl Greeter for Loud { fn greet(&self) -> String { self.0.greet().to_uppercase() } }
    /// struct Suffix(Arc<dyn Greeter>, Arc<String>);
    /// impl Greeter for Suffix { fn greet(&self) -> String { format!("{}{}", self.0.greet(), self.1) } }
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_instance(Arc::new(String::from("!")));
    /// services.add_singleton(|| -> Arc<dyn Greeter> { Arc::new(Plain) });
    /// services.decorate(|inner: Arc<dyn Greeter>| -> Arc<dyn Greeter> { Arc::new(Loud(inner)) });
    /// services.decorate(|inner: Arc<dyn Greeter>, suffix: Arc<String>| -> Arc<dyn Greeter> {
    ///     Arc::new(Suffix(inner, suffix))
    /// });
    /// assert_eq!(services.build()?.get::<dyn Greeter>()?.greet(), "HELLO!");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decorate<S, D, Args>(&mut self, decorator: D) -> usize
    where
        S: ?Sized + Send + Sync + 'static,
        D: Decorator<S, Args>,
        Args: Dependency,
    {
        self.decorate_where(None, decorator)
    }

    /// Wraps every registration of `S` under `key` made so far with `decorator`:
    /// [`decorate`](Self::decorate) for keyed registrations. Registrations under other keys and
    /// unkeyed ones are left alone. Returns how many registrations were decorated.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Db(String);
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_singleton("reports", || Arc::new(Db("postgres".into())));
    /// services.add_keyed_singleton("billing", || Arc::new(Db("postgres".into())));
    /// let decorated = services
    ///     .decorate_keyed("reports", |inner: Arc<Db>| Arc::new(Db(format!("logged {}", inner.0))));
    /// assert_eq!(decorated, 1);
    /// let provider = services.build()?;
    /// assert_eq!(provider.get_keyed::<Db>("reports")?.0, "logged postgres");
    /// assert_eq!(provider.get_keyed::<Db>("billing")?.0, "postgres");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decorate_keyed<S, D, Args>(&mut self, key: impl Into<ServiceKey>, decorator: D) -> usize
    where
        S: ?Sized + Send + Sync + 'static,
        D: Decorator<S, Args>,
        Args: Dependency,
    {
        self.decorate_where(Some(&key.into()), decorator)
    }

    /// Decorates every registration of `S` under `key` (`None`: unkeyed).
    fn decorate_where<S, D, Args>(&mut self, key: Option<&ServiceKey>, decorator: D) -> usize
    where
        S: ?Sized + Send + Sync + 'static,
        D: Decorator<S, Args>,
        Args: Dependency,
    {
        let decorator = Arc::new(decorator);
        let mut decorated = 0;
        for descriptor in &mut self.descriptors {
            if descriptor.type_id != TypeId::of::<S>() || descriptor.key.as_ref() != key {
                continue;
            }
            descriptor.factory = Arc::new(DecoratedFactory::<S, D, Args> {
                inner: Arc::clone(&descriptor.factory),
                decorator: Arc::clone(&decorator),
                types: PhantomData,
            });
            descriptor.is_instance = false;
            decorated += 1;
        }
        decorated
    }
}

/// A registration's factory wrapped by a decorator.
struct DecoratedFactory<S: ?Sized, D, Args> {
    inner: Arc<dyn ErasedFactory>,
    decorator: Arc<D>,
    types: PhantomData<fn(Args) -> Arc<S>>,
}

impl<S, D, Args> ErasedFactory for DecoratedFactory<S, D, Args>
where
    S: ?Sized + Send + Sync + 'static,
    D: Decorator<S, Args>,
    Args: Dependency,
{
    fn new_cell(&self) -> SiteCell {
        Arc::new(TypedSiteCell::<S>::new())
    }

    fn plan(&self, planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite> {
        match self.plan_create(planner, &config) {
            PlannedCreate::Sync(create) => match create.downcast::<CreateFn<S>>() {
                Ok(create) => sync_site(&config, *create),
                Err(_) => unreachable!("a factory of `{}` creates it", config.service),
            },
            PlannedCreate::Async(create) => match create.downcast::<AsyncCreateFn<S>>() {
                Ok(create) => async_site(&config, *create),
                Err(_) => unreachable!("a factory of `{}` creates it", config.service),
            },
        }
    }

    fn plan_create(&self, planner: &mut Planner<'_>, config: &SiteConfig) -> PlannedCreate {
        let inner = self.inner.plan_create(planner, config);
        let state = Args::plan(planner);
        let (decorator, service) = (Arc::clone(&self.decorator), config.service);
        let failed = move |source| ResolveError::Factory { service, source };
        match inner {
            PlannedCreate::Sync(create) => {
                let Ok(create) = create.downcast::<CreateFn<S>>() else {
                    unreachable!("a factory of `{service}` creates it")
                };
                let wrapped: CreateFn<S> = Box::new(move |resolver| {
                    let inner = create(resolver)?;
                    let args = Args::resolve(&state, resolver)?;
                    decorator.decorate(inner, args).map_err(failed)
                });
                PlannedCreate::Sync(Box::new(wrapped))
            }
            PlannedCreate::Async(create) => {
                let Ok(create) = create.downcast::<AsyncCreateFn<S>>() else {
                    unreachable!("a factory of `{service}` creates it")
                };
                let wrapped: AsyncCreateFn<S> = Box::new(move |resolver| {
                    let inner = create(resolver)?;
                    let args = Args::resolve(&state, resolver)?;
                    let decorator = Arc::clone(&decorator);
                    Ok(
                        async move { decorator.decorate(inner.await?, args).map_err(failed) }
                            .boxed(),
                    )
                });
                PlannedCreate::Async(Box::new(wrapped))
            }
        }
    }
}
