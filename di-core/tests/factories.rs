//! Factories: fallible factories, async singletons created during `build_async`, and panics
//! that reach the caller without poisoning the container.

mod common;

use std::any::type_name;
use std::error::Error as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::{Log, Tracked};
use di_core::{BuildError, ResolveError, ServiceCollection};

#[derive(Debug, thiserror::Error)]
#[error("connection refused")]
struct ConnectError;

#[derive(Debug)]
struct Pool;
struct Repo;

#[test]
fn a_failing_factory_surfaces_a_factory_error_naming_the_service_with_its_source() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| -> Result<Arc<Pool>, ConnectError> { Err(ConnectError) });
    let provider = services.build().expect("valid collection");

    let error = provider.get::<Pool>().expect_err("the factory fails");

    assert!(
        matches!(&error, ResolveError::Factory { service, .. } if *service == type_name::<Pool>())
    );
    assert!(error.to_string().contains(type_name::<Pool>()), "{error}");
    let source = error.source().expect("the factory's error is the source");
    assert!(source.downcast_ref::<ConnectError>().is_some());
    assert_eq!(source.to_string(), "connection refused");
    assert!(
        !error.to_string().contains("connection refused"),
        "the source is not repeated in the message"
    );
}

#[test]
fn a_dependencys_factory_error_reaches_the_dependent_resolution() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| -> Result<Arc<Pool>, ConnectError> { Err(ConnectError) });
    services.add_transient(|_pool: Arc<Pool>| Arc::new(Repo));
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");

    let result = scope.get::<Repo>();

    assert!(matches!(
        result,
        Err(ResolveError::Factory { service, ref source })
            if service == type_name::<Pool>() && source.downcast_ref::<ConnectError>().is_some()
    ));
}

#[test]
fn a_factory_may_return_a_boxed_error() {
    let mut services = ServiceCollection::new();
    services.add_transient(|| -> Result<Arc<Pool>, di_core::BoxError> { Err("no pool".into()) });
    let provider = services.build().expect("valid collection");

    let error = provider.get::<Pool>().expect_err("the factory fails");

    assert_eq!(
        error.source().map(ToString::to_string).as_deref(),
        Some("no pool")
    );
}

#[test]
fn a_failed_singleton_is_not_cached_and_the_next_resolution_retries() -> Result<(), ResolveError> {
    let attempts = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    let counter = Arc::clone(&attempts);
    services.add_singleton(move || -> Result<Arc<Pool>, ConnectError> {
        match counter.fetch_add(1, Ordering::SeqCst) {
            0 => Err(ConnectError),
            _ => Ok(Arc::new(Pool)),
        }
    });
    let provider = services.build().expect("valid collection");

    let first = provider.get::<Pool>();
    let second = provider.get::<Pool>()?;
    let third = provider.get::<Pool>()?;

    assert!(first.is_err());
    assert!(Arc::ptr_eq(&second, &third));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    Ok(())
}

struct Config;
struct Cache;

#[tokio::test]
async fn async_singletons_are_created_during_build_async_in_dependency_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    // Registered dependents first, so registration order is the opposite of dependency order.
    let l = log.clone();
    services.add_singleton_async(move |_pool: Arc<Pool>, _cache: Arc<Cache>| {
        let l = l.clone();
        async move {
            l.push("create Repo");
            Ok::<_, ConnectError>(Arc::new(Repo))
        }
    });
    let l = log.clone();
    services.add_singleton_async(move |_config: Arc<Config>| {
        let l = l.clone();
        async move {
            tokio::task::yield_now().await;
            l.push("create Pool");
            Ok::<_, ConnectError>(Arc::new(Pool))
        }
    });
    let l = log.clone();
    services.add_singleton(move |_pool: Arc<Pool>| {
        l.push("create Cache");
        Arc::new(Cache)
    });
    let l = log.clone();
    services.add_singleton(move || {
        l.push("create Config");
        Arc::new(Config)
    });

    let provider = services.build_async().await.expect("valid collection");
    let created_at_build = log.events();
    provider.get::<Repo>().expect("created by the build");
    provider.get::<Pool>().expect("created by the build");

    assert_eq!(
        created_at_build,
        [
            "create Config",
            "create Pool",
            "create Cache",
            "create Repo"
        ]
    );
    assert_eq!(
        log.events().len(),
        4,
        "resolution did not run a factory again"
    );
}

#[tokio::test]
async fn an_async_singleton_is_shared_by_the_root_and_scopes() {
    let mut services = ServiceCollection::new();
    services.add_singleton_async(|| async { Ok::<_, ConnectError>(Arc::new(Pool)) });
    services.add_scoped(|_pool: Arc<Pool>| Arc::new(Repo));
    let provider = services.build_async().await.expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let from_root = provider.get::<Pool>().expect("resolves");
    let from_scope = scope.get::<Pool>().expect("resolves");

    assert!(Arc::ptr_eq(&from_root, &from_scope));
    assert!(scope.get::<Repo>().is_ok());
}

#[tokio::test]
async fn build_async_without_async_registrations_builds_normally() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));

    let provider = services.build_async().await;

    assert!(provider.is_ok_and(|p| p.get::<Config>().is_ok()));
}

#[tokio::test]
async fn build_async_still_validates_the_collection() {
    let mut services = ServiceCollection::new();
    services.add_singleton_async(|_c: Arc<Config>| async { Ok::<_, ConnectError>(Arc::new(Pool)) });

    let result = services.build_async().await;

    assert!(matches!(result, Err(BuildError::Invalid { ref problems }) if problems.len() == 1));
}

#[tokio::test]
async fn a_failing_async_singleton_fails_the_build_naming_it_with_the_factory_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton_async(|| async { Err::<Arc<Pool>, _>(ConnectError) });

    let result = services.build_async().await;

    let Err(error) = result else {
        panic!("the build should fail");
    };
    assert!(
        matches!(&error, BuildError::AsyncInitialization { service, .. } if *service == type_name::<Pool>())
    );
    assert!(error.to_string().contains(type_name::<Pool>()), "{error}");
    let source = error.source().expect("the resolve error is the source");
    let root = source.source().expect("the factory's error is its source");
    assert!(root.downcast_ref::<ConnectError>().is_some());
}

#[tokio::test]
async fn a_failing_async_singleton_disposes_what_the_build_already_created() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services
        .add_singleton_async(move || {
            let l = l.clone();
            async move { Ok::<_, ConnectError>(Tracked::<'P'>::new(&l)) }
        })
        .disposable();
    services
        .add_singleton_async(|_p: Arc<Tracked<'P'>>| async { Err::<Arc<Pool>, _>(ConnectError) });

    let result = services.build_async().await;

    assert!(result.is_err());
    assert_eq!(log.with_prefix("dispose "), ["P"]);
}

#[test]
fn a_panicking_singleton_factory_reaches_the_caller_and_the_next_resolution_succeeds() {
    let armed = Arc::new(AtomicBool::new(true));
    let calls = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    let (panics, counter) = (Arc::clone(&armed), Arc::clone(&calls));
    services.add_singleton(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        assert!(
            !panics.swap(false, Ordering::SeqCst),
            "factory panic (expected by the test)"
        );
        Arc::new(Pool)
    });
    let provider = services.build().expect("valid collection");

    let first = catch_unwind(AssertUnwindSafe(|| provider.get::<Pool>()));
    let second = provider
        .get::<Pool>()
        .expect("the container is not poisoned");
    let third = provider.get::<Pool>().expect("cached now");

    assert!(first.is_err(), "the panic reaches the caller");
    assert!(Arc::ptr_eq(&second, &third));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_panicking_scoped_factory_reaches_the_caller_and_the_next_resolution_succeeds() {
    let armed = Arc::new(AtomicBool::new(true));
    let mut services = ServiceCollection::new();
    let panics = Arc::clone(&armed);
    services.add_scoped(move || {
        assert!(
            !panics.swap(false, Ordering::SeqCst),
            "factory panic (expected by the test)"
        );
        Arc::new(Pool)
    });
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");

    let first = catch_unwind(AssertUnwindSafe(|| scope.get::<Pool>()));
    let second = scope.get::<Pool>().expect("the scope is not poisoned");
    let third = scope.get::<Pool>().expect("cached now");

    assert!(first.is_err(), "the panic reaches the caller");
    assert!(Arc::ptr_eq(&second, &third));
}

#[test]
fn a_panic_in_a_dependency_does_not_poison_its_dependents() {
    let armed = Arc::new(AtomicBool::new(true));
    let mut services = ServiceCollection::new();
    let panics = Arc::clone(&armed);
    services.add_singleton(move || {
        assert!(
            !panics.swap(false, Ordering::SeqCst),
            "factory panic (expected by the test)"
        );
        Arc::new(Pool)
    });
    services.add_singleton(|_pool: Arc<Pool>| Arc::new(Repo));
    let provider = services.build().expect("valid collection");

    let first = catch_unwind(AssertUnwindSafe(|| provider.get::<Repo>()));
    let second = provider.get::<Repo>();

    assert!(first.is_err());
    assert!(second.is_ok());
}

#[tokio::test]
async fn an_async_singleton_may_depend_on_a_sync_singleton_that_needs_another_async_one() {
    struct Migrations;
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_singleton_async(move |_repo: Arc<Repo>| {
        let l = l.clone();
        async move {
            l.push("create Migrations");
            Ok::<_, ConnectError>(Arc::new(Migrations))
        }
    });
    let l = log.clone();
    services.add_singleton(move |_pool: Arc<Pool>| {
        l.push("create Repo");
        Arc::new(Repo)
    });
    let l = log.clone();
    services.add_singleton_async(move || {
        let l = l.clone();
        async move {
            l.push("create Pool");
            Ok::<_, ConnectError>(Arc::new(Pool))
        }
    });

    let provider = services.build_async().await.expect("valid collection");

    assert_eq!(
        log.events(),
        ["create Pool", "create Repo", "create Migrations"]
    );
    assert!(provider.get::<Migrations>().is_ok());
}
