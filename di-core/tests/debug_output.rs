//! What `{:?}` shows of the provider, its scopes and scope factories: the state a user
//! debugging a disposal or a dropped provider needs, and nothing internal.

use std::sync::Arc;

use di_core::ServiceCollection;

#[tokio::test]
async fn a_provider_shows_its_registration_count_and_whether_it_is_disposed() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(1_u8));
    services.add_scoped(|| Arc::new(2_u16));
    let provider = services.build().expect("valid collection");

    let before = format!("{provider:?}");
    provider.dispose().await;
    let after = format!("{provider:?}");

    assert_eq!(
        before,
        "ServiceProvider { registrations: 2, disposed: false }"
    );
    assert_eq!(
        after,
        "ServiceProvider { registrations: 2, disposed: true }"
    );
}

#[tokio::test]
async fn a_scope_shows_whether_it_is_disposed() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let before = format!("{scope:?}");
    scope.dispose().await;
    let after = format!("{scope:?}");

    assert_eq!(before, "Scope { disposed: false, .. }");
    assert_eq!(after, "Scope { disposed: true, .. }");
}

#[test]
fn a_scope_factory_shows_whether_its_provider_is_still_alive() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let factory = provider.scope_factory();

    let alive = format!("{factory:?}");
    drop(provider);
    let dropped = format!("{factory:?}");

    assert_eq!(alive, "ScopeFactory { provider_alive: true }");
    assert_eq!(dropped, "ScopeFactory { provider_alive: false }");
}
