//! [`ServiceKey`] as a factory argument: the key the service is resolved under.

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::key::ServiceKey;
use crate::plan::{KeySource, Planner};
use crate::provider::Resolver;

/// A keyed registration's factory can take its key: the registration's own key, or, for a
/// catch-all registration ([`ServiceKey::any`]), the key it is being created for. So one
/// registration can build the `reports` and the `billing` database. An unkeyed registration
/// taking a `ServiceKey` is a build error.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{ServiceCollection, ServiceKey};
///
/// struct Db { name: String }
/// let mut services = ServiceCollection::new();
/// services.add_keyed_singleton(ServiceKey::any(), |key: ServiceKey| Arc::new(Db { name: key.to_string() }));
/// let provider = services.build()?;
/// // A key decided at run time, e.g. read from configuration:
/// let configured = String::from("billing");
/// assert_eq!(provider.get_keyed::<Db>(configured)?.name, "billing");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Dependency for ServiceKey {
    type State = KeySource;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.key_source()
    }

    fn resolve(state: &Self::State, _resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        // `None` is unreachable after a successful build, which rejects a key argument of an
        // unkeyed registration, and creates a catch-all only with its requested key.
        state.key().ok_or(ResolveError::NotInitialized {
            service: "di_core::ServiceKey",
        })
    }
}
