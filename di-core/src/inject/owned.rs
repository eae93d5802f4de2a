//! [`Owned<T>`]: a factory argument that receives an owned transient by value.

use std::any::type_name;

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::plan::Planner;
use crate::provider::{Owned, OwnedSiteRef, Resolver};
use crate::registered::Registrations;

impl<T: Send + 'static> Dependency for Owned<T> {
    type State = Option<OwnedSiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.require_owned::<T>(None)
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        match state {
            Some(site) => site.resolve(resolver).map(Owned::new),
            // Unreachable after a successful build, which rejects missing dependencies.
            None => Err(ResolveError::NotRegistered {
                service: type_name::<Self>(),
                registered: Registrations::default(),
            }),
        }
    }
}

impl<T: Send + 'static> Dependency for Option<Owned<T>> {
    type State = Option<OwnedSiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.optional_owned::<T>(None)
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        state
            .as_ref()
            .map(|site| site.resolve(resolver).map(Owned::new))
            .transpose()
    }
}
