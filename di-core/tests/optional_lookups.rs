//! Optional lookups (`try_get`, `try_get_keyed`) and registration queries (`is_service`,
//! `is_keyed_service`) on the built provider and its scopes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{BoxError, ResolveError, ServiceCollection};

struct Db(&'static str);
struct Request;
struct Unregistered;
struct Broken;

fn collection() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("unkeyed first")));
    services.add_singleton(|| Arc::new(Db("unkeyed last")));
    services.add_keyed_singleton("primary", || Arc::new(Db("primary")));
    services.add_scoped(|| Arc::new(Request));
    services.add_singleton(|| -> Result<Arc<Broken>, BoxError> { Err("no connection".into()) });
    services
}

#[test]
fn try_get_returns_the_last_registration_like_get() -> Result<(), ResolveError> {
    let provider = collection().build().expect("valid collection");

    let found = provider.try_get::<Db>()?;
    let scoped = provider.create_scope()?.try_get::<Db>()?;

    assert_eq!(found.as_ref().map(|db| db.0), Some("unkeyed last"));
    assert!(Arc::ptr_eq(
        &found.expect("registered"),
        &scoped.expect("registered")
    ));
    Ok(())
}

#[test]
fn try_get_of_an_unregistered_or_only_keyed_type_is_none() -> Result<(), ResolveError> {
    let mut services = collection();
    services.add_keyed_singleton("only", || Arc::new(1_u8));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    assert!(provider.try_get::<Unregistered>()?.is_none());
    assert!(scope.try_get::<Unregistered>()?.is_none());
    assert!(
        provider.try_get::<u8>()?.is_none(),
        "keyed registrations never answer an unkeyed lookup"
    );
    Ok(())
}

#[test]
fn try_get_keyed_follows_the_key_and_never_falls_back() -> Result<(), ResolveError> {
    let provider = collection().build().expect("valid collection");
    let scope = provider.create_scope()?;

    let primary = provider.try_get_keyed::<Db>("primary")?;
    let missing = scope.try_get_keyed::<Db>("replica")?;

    assert_eq!(primary.map(|db| db.0), Some("primary"));
    assert!(missing.is_none(), "an unkeyed `Db` exists but is not used");
    Ok(())
}

#[test]
fn try_get_still_reports_failures_other_than_not_registered() {
    let provider = collection().build().expect("valid collection");

    let failed = provider.try_get::<Broken>();
    let scoped_from_root = provider.try_get::<Request>();

    assert!(matches!(failed, Err(ResolveError::Factory { .. })));
    assert!(matches!(
        scoped_from_root,
        Err(ResolveError::ScopedFromRoot { .. })
    ));
}

#[tokio::test]
async fn try_get_from_a_disposed_scope_or_provider_is_the_disposed_error() {
    let provider = collection().build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    scope.dispose().await;
    let from_scope = scope.try_get::<Unregistered>().map(|found| found.is_some());
    provider.dispose().await;
    let from_provider = provider
        .try_get_keyed::<Db>("primary")
        .map(|found| found.is_some());

    assert!(matches!(
        from_scope,
        Err(ResolveError::Disposed { owner: "scope", .. })
    ));
    assert!(matches!(
        from_provider,
        Err(ResolveError::Disposed {
            owner: "provider",
            ..
        })
    ));
}

#[test]
fn is_service_answers_without_running_any_factory() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut services = collection();
    let counter = Arc::clone(&calls);
    services.add_transient(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Arc::new(1_u16)
    });
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let answers = [
        provider.is_service::<Db>(),
        provider.is_service::<Request>(),
        provider.is_service::<u16>(),
        provider.is_service::<Unregistered>(),
        scope.is_service::<Request>(),
        scope.is_service::<Unregistered>(),
    ];

    assert_eq!(answers, [true, true, true, false, true, false]);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn is_keyed_service_answers_for_its_key_only() {
    let provider = collection().build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let answers = [
        provider.is_keyed_service::<Db>("primary"),
        provider.is_keyed_service::<Db>("replica"),
        scope.is_keyed_service::<Db>("primary"),
        scope.is_keyed_service::<Request>("primary"),
    ];

    assert_eq!(answers, [true, false, true, false]);
}
