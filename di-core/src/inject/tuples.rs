//! [`Dependency`] for tuples, so a factory's argument list (or a user type) can group them.

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::plan::Planner;
use crate::provider::Resolver;

macro_rules! impl_dependency_for_tuple {
    ($($ty:ident . $idx:tt),*) => {
        impl<$($ty: Dependency,)*> Dependency for ($($ty,)*) {
            type State = ($($ty::State,)*);

            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple plans nothing")]
            fn plan(planner: &mut Planner<'_>) -> Self::State {
                ($($ty::plan(planner),)*)
            }

            #[allow(unused_variables, reason = "the empty tuple resolves nothing")]
            #[inline(always)]
            fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
                Ok(($($ty::resolve(&state.$idx, resolver)?,)*))
            }
        }
    };
}

impl_dependency_for_tuple!();
impl_dependency_for_tuple!(A.0);
impl_dependency_for_tuple!(A.0, B.1);
impl_dependency_for_tuple!(A.0, B.1, C.2);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10);
impl_dependency_for_tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11);
