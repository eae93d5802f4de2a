//! Resolving a scoped service, or anything that needs one, from the root provider is an error
//! naming both the requested type and the scoped one.

use std::any::type_name;
use std::sync::Arc;

use di_core::{ResolveError, ServiceCollection};

struct Session;
struct Handler;
struct Endpoint;
struct Config;

fn assert_scoped_from_root<T>(result: Result<T, ResolveError>, service: &str, scoped: &str) {
    match result {
        Err(
            ref error @ ResolveError::ScopedFromRoot {
                service: found_service,
                scoped: found_scoped,
            },
        ) => {
            assert_eq!((found_service, found_scoped), (service, scoped));
            let text = error.to_string();
            assert!(text.contains(&format!("`{service}`")), "{text}");
            assert!(text.contains(&format!("`{scoped}`")), "{text}");
        }
        Err(other) => panic!("expected `ScopedFromRoot`, got {other:?}"),
        Ok(_) => panic!("expected `ScopedFromRoot`, got a service"),
    }
}

#[test]
fn resolving_a_scoped_service_from_the_root_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Session));
    let provider = services.build().expect("valid collection");

    let result = provider.get::<Session>();

    assert_scoped_from_root(result, type_name::<Session>(), type_name::<Session>());
}

#[test]
fn resolving_a_transient_that_needs_a_scoped_service_from_the_root_names_both() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Session));
    services.add_transient(|_session: Arc<Session>| Arc::new(Handler));
    let provider = services.build().expect("valid collection");

    let result = provider.get::<Handler>();

    assert_scoped_from_root(result, type_name::<Handler>(), type_name::<Session>());
}

#[test]
fn resolving_a_transient_that_needs_a_scoped_service_through_transients_names_both() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_scoped(|| Arc::new(Session));
    services.add_transient(|_session: Arc<Session>| Arc::new(Handler));
    services.add_transient(|_c: Arc<Config>, _h: Arc<Handler>| Arc::new(Endpoint));
    let provider = services.build().expect("valid collection");

    let result = provider.get::<Endpoint>();

    assert_scoped_from_root(result, type_name::<Endpoint>(), type_name::<Session>());
}

#[test]
fn an_optional_scoped_dependency_also_needs_a_scope() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Session));
    services.add_transient(|_session: Option<Arc<Session>>| Arc::new(Handler));
    let provider = services.build().expect("valid collection");

    let result = provider.get::<Handler>();

    assert_scoped_from_root(result, type_name::<Handler>(), type_name::<Session>());
}

#[test]
fn get_all_of_scoped_registrations_from_the_root_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Session));
    let provider = services.build().expect("valid collection");

    let result = provider.get_all::<Session>();

    assert_scoped_from_root(result, type_name::<Session>(), type_name::<Session>());
}

#[test]
fn a_keyed_scoped_service_from_the_root_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped("admin", || Arc::new(Session));
    let provider = services.build().expect("valid collection");

    let result = provider.get_keyed::<Session>("admin");

    assert_scoped_from_root(result, type_name::<Session>(), type_name::<Session>());
}

#[test]
fn the_same_services_resolve_from_a_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_scoped(|| Arc::new(Session));
    services.add_transient(|_session: Arc<Session>| Arc::new(Handler));
    services.add_transient(|_c: Arc<Config>, _h: Arc<Handler>| Arc::new(Endpoint));
    let scope = services.build().expect("valid collection").create_scope()?;

    scope.get::<Session>()?;
    scope.get::<Handler>()?;
    scope.get::<Endpoint>()?;
    Ok(())
}

#[test]
fn transients_that_need_no_scoped_service_resolve_from_the_root() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_scoped(|| Arc::new(Session));
    services.add_transient(|_c: Arc<Config>| Arc::new(Handler));
    let provider = services.build().expect("valid collection");

    let handler = provider.get::<Handler>();

    assert!(handler.is_ok());
    Ok(())
}
