//! A factory that asks for its own instance through an injected scope factory gets an error
//! instead of deadlocking.

use std::sync::Arc;

use di_core::{ResolveError, ScopeFactory, ServiceCollection};

struct Narcissist;

#[test]
fn singleton_factory_resolving_itself_through_a_scope_factory_fails_instead_of_deadlocking() {
    let mut services = ServiceCollection::new();
    services.add_singleton(
        |scopes: ScopeFactory| -> Result<Arc<Narcissist>, ResolveError> {
            let scope = scopes.create_scope()?;
            scope.get::<Narcissist>()
        },
    );
    let provider = services.build().expect("the graph is valid");

    let error = match provider.get::<Narcissist>() {
        Ok(_) => panic!("a self-resolving factory must fail"),
        Err(error) => error,
    };

    let ResolveError::Factory { source, .. } = &error else {
        panic!("expected the factory's error, got {error:?}");
    };
    let inner = source
        .downcast_ref::<ResolveError>()
        .expect("the factory returned a ResolveError");
    assert!(
        matches!(inner, ResolveError::Reentrant { service } if service.ends_with("Narcissist"))
    );
}

#[test]
fn a_scoped_factory_may_open_sibling_scopes_without_tripping_the_reentrancy_check() {
    let mut services = ServiceCollection::new();
    services.add_scoped(
        |scopes: ScopeFactory| -> Result<Arc<Narcissist>, ResolveError> {
            // Resolving a different scope's instance is fine: scopes are siblings.
            let other = scopes.create_scope()?;
            drop(other);
            Ok(Arc::new(Narcissist))
        },
    );
    let provider = services.build().expect("the graph is valid");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let first = scope.get::<Narcissist>().expect("first resolution");
    let second = scope.get::<Narcissist>().expect("second resolution");

    assert!(Arc::ptr_eq(&first, &second));
}
