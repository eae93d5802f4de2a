//! Compile-time guarantees: the public handles and errors are `Send + Sync + 'static`, and the
//! handles promised to be cheap to clone are `Clone`. These tests fail to compile, not at run
//! time, if a guarantee is lost.

use std::error::Error;
use std::fmt::Debug;

use di_core::{
    BuildError, BuildProblem, Keyed, ResolveError, Scope, ScopeFactory, ServiceCollection,
    ServiceGraph, ServiceKey, ServiceLifetime, ServiceProvider,
};

fn assert_send_sync_static<T: Send + Sync + 'static>() {}
fn assert_clone<T: Clone>() {}
fn assert_error<T: Error + Send + Sync + 'static>() {}
fn assert_debug<T: Debug>() {}

#[test]
fn provider_scope_and_scope_factory_are_send_sync_static_and_clone() {
    assert_send_sync_static::<ServiceProvider>();
    assert_send_sync_static::<Scope>();
    assert_send_sync_static::<ScopeFactory>();
    assert_clone::<ServiceProvider>();
    assert_clone::<Scope>();
    assert_clone::<ScopeFactory>();
}

#[test]
fn service_collection_is_send_sync_static_and_clone() {
    assert_send_sync_static::<ServiceCollection>();
    assert_clone::<ServiceCollection>();
}

#[test]
fn errors_are_send_sync_static_errors() {
    assert_error::<ResolveError>();
    assert_error::<BuildError>();
    assert_send_sync_static::<BuildProblem>();
    assert_clone::<BuildProblem>();
}

#[test]
fn errors_convert_into_boxed_errors_for_question_mark() {
    fn boxed(error: impl Into<Box<dyn Error + Send + Sync>>) -> Box<dyn Error + Send + Sync> {
        error.into()
    }
    let provider = ServiceCollection::new().build().map_err(boxed);

    let missing = provider.map(|p| p.get::<u8>().map_err(boxed));

    assert!(matches!(missing, Ok(Err(_))));
}

#[test]
fn keys_graphs_and_keyed_arguments_are_send_sync_static() {
    struct Marker;
    assert_send_sync_static::<ServiceKey>();
    assert_send_sync_static::<ServiceGraph>();
    assert_send_sync_static::<ServiceLifetime>();
    assert_send_sync_static::<Keyed<dyn Debug + Send + Sync, Marker>>();
    assert_clone::<ServiceKey>();
    assert_clone::<Keyed<str, Marker>>();
}

#[test]
fn public_types_implement_debug() {
    assert_debug::<ServiceProvider>();
    assert_debug::<Scope>();
    assert_debug::<ScopeFactory>();
    assert_debug::<ServiceCollection>();
    assert_debug::<ResolveError>();
    assert_debug::<BuildError>();
    assert_debug::<ServiceKey>();
}

#[test]
fn handles_can_move_into_spawned_threads() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    let factory = provider.scope_factory();

    let handle = std::thread::spawn(move || {
        let sibling = factory.create_scope();
        (scope.is_disposed(), provider.is_disposed(), sibling.is_ok())
    });

    assert_eq!(handle.join().expect("thread ran"), (false, false, true));
}
