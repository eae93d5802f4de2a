//! Owned-transient factories turned into [`ErasedFactory`] trait objects.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::{BoxError, ResolveError};
use crate::inject::Dependency;
use crate::plan::{ErasedFactory, PlannedCreate, PlannedOwnedSite, PlannedSite, Planner};
use crate::provider::{OwnedCallSite, OwnedCell, OwnedCreateFn, SiteCell, SiteConfig};
use crate::registration::owned_factory::OwnedFactory;

/// How a factory's output becomes the owned value: as it is, or out of a `Result`.
pub(crate) trait Conversion<Out>: 'static {
    /// The owned service type.
    type Value: Send + 'static;

    /// The value, or the factory's error.
    fn convert(out: Out) -> Result<Self::Value, BoxError>;
}

/// The factory returns the value.
pub(crate) struct Infallible;

impl<T: Send + 'static> Conversion<T> for Infallible {
    type Value = T;

    #[inline(always)]
    fn convert(out: T) -> Result<T, BoxError> {
        Ok(out)
    }
}

/// The factory returns `Result<T, E>`.
pub(crate) struct Fallible;

impl<T: Send + 'static, E: Into<BoxError>> Conversion<Result<T, E>> for Fallible {
    type Value = T;

    #[inline(always)]
    fn convert(out: Result<T, E>) -> Result<T, BoxError> {
        out.map_err(Into::into)
    }
}

/// The value type an owned factory `F` registers through conversion `C`.
pub(crate) type ValueOf<F, Args, C> = <C as Conversion<<F as OwnedFactory<Args>>::Output>>::Value;

/// An owned-transient factory, its argument tuple and its output conversion.
pub(crate) struct OwnedErasedFactory<F, Args, C> {
    factory: Arc<F>,
    types: PhantomData<fn(Args) -> C>,
}

impl<F, Args, C> OwnedErasedFactory<F, Args, C> {
    pub(crate) fn new(factory: F) -> Self {
        Self {
            factory: Arc::new(factory),
            types: PhantomData,
        }
    }
}

impl<F, Args, C> ErasedFactory for OwnedErasedFactory<F, Args, C>
where
    F: OwnedFactory<Args>,
    Args: Dependency,
    C: Conversion<F::Output>,
{
    fn new_cell(&self) -> SiteCell {
        Arc::new(OwnedCell::<ValueOf<F, Args, C>>::new())
    }

    fn plan(&self, planner: &mut Planner<'_>, config: SiteConfig) -> Box<dyn PlannedSite> {
        let state = Args::plan(planner);
        let factory = Arc::clone(&self.factory);
        let service = config.service;
        let create: OwnedCreateFn<ValueOf<F, Args, C>> = Box::new(move |resolver| {
            let args = Args::resolve(&state, resolver)?;
            C::convert(factory.call(args))
                .map_err(|source| ResolveError::Factory { service, source })
        });
        Box::new(PlannedOwnedSite::new(OwnedCallSite {
            service,
            create,
            requires_scope: None,
        }))
    }

    /// Never called: decorators select registrations by their shared service type, and owned
    /// registrations are indexed under a type no caller can name.
    fn plan_create(&self, _planner: &mut Planner<'_>, _config: &SiteConfig) -> PlannedCreate {
        PlannedCreate::Sync(Box::new(()))
    }
}
