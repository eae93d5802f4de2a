//! Disposal: reverse creation order for scopes and the provider, idempotence, resolving after
//! dispose, instances never disposed, release on drop in reverse order, and no leaks.

mod common;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use common::{Log, Tracked};
use di_core::{AsyncDispose, ResolveError, ScopeFactory, ServiceCollection};
use futures::FutureExt as _;

type A = Tracked<'A'>;
type B = Tracked<'B'>;
type C = Tracked<'C'>;

/// `A` depends on `B`; `C` is independent. All three disposable, with `lifetime` chosen by
/// the caller through `add`.
fn register(
    services: &mut ServiceCollection,
    log: &Log,
    add: fn(&mut ServiceCollection, Log, char),
) {
    add(services, log.clone(), 'A');
    add(services, log.clone(), 'B');
    add(services, log.clone(), 'C');
}

fn add_scoped(services: &mut ServiceCollection, log: Log, name: char) {
    match name {
        'A' => services
            .add_scoped(move |_b: Arc<B>| A::new(&log))
            .disposable(),
        'B' => services.add_scoped(move || B::new(&log)).disposable(),
        _ => services.add_scoped(move || C::new(&log)).disposable(),
    }
}

fn add_singleton(services: &mut ServiceCollection, log: Log, name: char) {
    match name {
        'A' => services
            .add_singleton(move |_b: Arc<B>| A::new(&log))
            .disposable(),
        'B' => services.add_singleton(move || B::new(&log)).disposable(),
        _ => services.add_singleton(move || C::new(&log)).disposable(),
    }
}

#[tokio::test]
async fn a_scope_disposes_what_it_created_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    register(&mut services, &log, add_scoped);
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<C>().expect("resolves");
    scope.get::<A>().expect("resolves (creates B first)");

    scope.dispose().await;

    assert_eq!(log.with_prefix("create "), ["C", "B", "A"]);
    assert_eq!(log.with_prefix("dispose "), ["A", "B", "C"]);
}

#[tokio::test]
async fn the_provider_disposes_its_singletons_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    register(&mut services, &log, add_singleton);
    let provider = services.build().expect("valid collection");
    provider.get::<A>().expect("resolves (creates B first)");
    provider
        .create_scope()
        .expect("the provider is not disposed")
        .get::<C>()
        .expect("resolves through a scope");

    provider.dispose().await;

    assert_eq!(log.with_prefix("create "), ["B", "A", "C"]);
    assert_eq!(log.with_prefix("dispose "), ["C", "A", "B"]);
}

#[tokio::test]
async fn only_created_services_are_disposed() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    register(&mut services, &log, add_scoped);
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<C>().expect("resolves");

    scope.dispose().await;

    assert_eq!(log.with_prefix("dispose "), ["C"]);
}

#[tokio::test]
async fn disposable_transients_are_disposed_with_the_scope_that_resolved_them() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_transient(move || A::new(&l)).disposable();
    let l = log.clone();
    services.add_scoped(move || B::new(&l)).disposable();
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    let other = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<A>().expect("resolves");
    scope.get::<B>().expect("resolves");
    scope.get::<A>().expect("resolves");
    other.get::<A>().expect("resolves in another scope");

    scope.dispose().await;

    assert_eq!(log.with_prefix("dispose "), ["A", "B", "A"]);
}

#[tokio::test]
async fn disposable_transients_resolved_from_the_root_are_disposed_with_the_provider() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_transient(move || A::new(&l)).disposable();
    let provider = services.build().expect("valid collection");
    let first = provider.get::<A>().expect("resolves");
    let second = provider.get::<A>().expect("resolves");

    provider.dispose().await;

    assert_eq!((first.disposals(), second.disposals()), (1, 1));
}

#[tokio::test]
async fn services_not_marked_disposable_are_not_disposed() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_scoped(move || A::new(&l));
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    let a = scope.get::<A>().expect("resolves");

    scope.dispose().await;

    assert_eq!(a.disposals(), 0);
}

#[tokio::test]
async fn async_singletons_are_disposed_with_the_provider() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services
        .add_singleton_async(move || {
            let l = l.clone();
            async move { Ok::<_, std::io::Error>(A::new(&l)) }
        })
        .disposable();
    let l = log.clone();
    services.add_singleton(move || B::new(&l)).disposable();
    let provider = services.build_async().await.expect("valid collection");
    provider.get::<B>().expect("resolves");

    provider.dispose().await;

    assert_eq!(log.with_prefix("dispose "), ["B", "A"]);
}

#[tokio::test]
async fn disposing_a_scope_twice_disposes_once() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_scoped(move || A::new(&l)).disposable();
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    let a = scope.get::<A>().expect("resolves");

    scope.dispose().await;
    scope.dispose().await;
    scope.clone().dispose().await;

    assert_eq!(a.disposals(), 1);
    assert!(scope.is_disposed());
}

#[tokio::test]
async fn disposing_the_provider_twice_and_concurrently_disposes_once() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_singleton(move || A::new(&l)).disposable();
    let provider = services.build().expect("valid collection");
    let a = provider.get::<A>().expect("resolves");
    let clone = provider.clone();

    tokio::join!(provider.dispose(), clone.dispose());
    provider.dispose().await;

    assert_eq!(a.disposals(), 1);
    assert!(provider.is_disposed());
}

#[tokio::test]
async fn resolving_from_a_disposed_scope_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(1_u8));
    services.add_singleton(|| Arc::new(2_u16));
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<u8>().expect("resolves before dispose");

    scope.dispose().await;

    assert!(matches!(
        scope.get::<u8>(),
        Err(ResolveError::Disposed { owner: "scope", .. })
    ));
    assert!(matches!(
        scope.get::<u16>(),
        Err(ResolveError::Disposed { owner: "scope", .. })
    ));
    assert!(matches!(
        scope.get_all::<u8>(),
        Err(ResolveError::Disposed { .. })
    ));
}

#[tokio::test]
async fn resolving_from_a_disposed_provider_or_its_scopes_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(1_u8));
    services.add_scoped(|| Arc::new(2_u16));
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    provider.get::<u8>().expect("resolves before dispose");

    provider.dispose().await;

    let error = provider.get::<u8>().expect_err("disposed");
    assert!(matches!(
        error,
        ResolveError::Disposed {
            owner: "provider",
            ..
        }
    ));
    assert!(error.to_string().contains("disposed"), "{error}");
    assert!(matches!(
        scope.get::<u16>(),
        Err(ResolveError::Disposed {
            owner: "provider",
            ..
        })
    ));
    assert!(matches!(
        provider.scope_factory().create_scope(),
        Err(ResolveError::Disposed { .. })
    ));
}

#[tokio::test]
async fn both_ways_of_creating_a_scope_fail_alike_once_the_provider_is_disposed() {
    let provider = ServiceCollection::new().build().expect("valid collection");

    provider.dispose().await;

    let direct = provider.create_scope().expect_err("disposed");
    let through_factory = provider
        .scope_factory()
        .create_scope()
        .expect_err("disposed");
    assert_eq!(direct.to_string(), through_factory.to_string());
    assert!(matches!(
        direct,
        ResolveError::Disposed {
            service: "Scope",
            owner: "provider"
        }
    ));
}

#[tokio::test]
async fn instances_are_never_disposed_by_the_container() {
    let log = Log::default();
    let instance = A::new(&log);
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::clone(&instance));
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<A>().expect("resolves");
    provider.get::<A>().expect("resolves");

    scope.dispose().await;
    provider.dispose().await;
    drop((scope, provider));

    assert_eq!(instance.disposals(), 0);
    assert!(
        log.with_prefix("drop ").is_empty(),
        "the caller still owns it"
    );
}

#[test]
fn dropping_a_scope_without_dispose_releases_its_instances_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    register(&mut services, &log, add_scoped);
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    drop(scope.get::<C>().expect("resolves"));
    drop(scope.get::<A>().expect("resolves (creates B first)"));

    drop(scope);

    assert_eq!(log.with_prefix("drop "), ["A", "B", "C"]);
    assert!(log.with_prefix("dispose ").is_empty());
}

#[test]
fn dropping_the_provider_without_dispose_releases_singletons_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    register(&mut services, &log, add_singleton);
    let provider = services.build().expect("valid collection");
    drop(provider.get::<C>().expect("resolves"));
    drop(provider.get::<A>().expect("resolves (creates B first)"));
    // Cached resolutions hold no reference that outlives the provider's slots.
    drop(provider.get::<C>().expect("resolves from the cache"));
    drop(provider.get::<B>().expect("resolves from the cache"));

    drop(provider);

    assert_eq!(log.with_prefix("drop "), ["A", "B", "C"]);
    assert!(log.with_prefix("dispose ").is_empty());
}

#[test]
fn a_scope_outliving_the_provider_handle_releases_its_instances_before_the_singletons() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_singleton(move || A::new(&l));
    let l = log.clone();
    services.add_scoped(move || B::new(&l));
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    drop(scope.get::<A>().expect("resolves"));
    drop(scope.get::<B>().expect("resolves"));

    drop(provider);
    let after_provider = log.with_prefix("drop ");
    drop(scope);

    assert!(
        after_provider.is_empty(),
        "the scope keeps the provider alive"
    );
    assert_eq!(log.with_prefix("drop "), ["B", "A"]);
}

struct Worker {
    _scopes: ScopeFactory,
    _log: Arc<A>,
}

#[test]
fn dropping_the_provider_drops_every_singleton_including_one_holding_a_scope_factory() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_singleton(move || A::new(&l));
    let l = log.clone();
    services.add_singleton(move |_a: Arc<A>| B::new(&l));
    services
        .add_singleton(|_scopes: ScopeFactory, _log: Arc<A>| Arc::new(Worker { _scopes, _log }));
    let l = log.clone();
    services.add_scoped(move |_w: Arc<Worker>| C::new(&l));
    let provider = services.build().expect("valid collection");
    let worker = provider.get::<Worker>().expect("resolves");
    provider.get::<B>().expect("resolves");
    let scope = worker._scopes.create_scope().expect("provider alive");
    scope.get::<C>().expect("resolves");
    drop((worker, scope));

    drop(provider);

    let mut dropped = log.with_prefix("drop ");
    dropped.sort();
    assert_eq!(dropped, ["A", "B", "C"], "nothing leaked");
}

#[test]
fn a_scope_factory_cannot_create_scopes_after_the_provider_is_dropped() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let factory = provider.scope_factory();
    let from_scope = provider
        .create_scope()
        .expect("the provider is not disposed")
        .scope_factory();

    drop(provider);

    assert!(matches!(
        factory.create_scope(),
        Err(ResolveError::ProviderDropped)
    ));
    assert!(matches!(
        from_scope.create_scope(),
        Err(ResolveError::ProviderDropped)
    ));
}

struct Exploding;

#[async_trait::async_trait]
impl AsyncDispose for Exploding {
    async fn dispose(&self) {
        panic!("dispose panic (expected by the test)");
    }
}

#[tokio::test]
async fn a_panicking_dispose_does_not_stop_the_others_and_is_resumed_afterwards() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_scoped(move || A::new(&l)).disposable();
    services.add_scoped(|| Arc::new(Exploding)).disposable();
    let l = log.clone();
    services.add_scoped(move || C::new(&l)).disposable();
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<A>().expect("resolves");
    scope.get::<Exploding>().expect("resolves");
    scope.get::<C>().expect("resolves");

    let outcome = AssertUnwindSafe(scope.dispose()).catch_unwind().await;

    assert!(outcome.is_err(), "the panic is resumed");
    assert_eq!(log.with_prefix("dispose "), ["C", "A"]);
}

/// Ten disposable scoped services, more than a scope stores inline, resolved out of order,
/// interleaved with disposable transients.
#[tokio::test]
async fn many_scoped_services_and_transients_are_disposed_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    macro_rules! scoped {
        ($($name:literal),*) => {$({
            let l = log.clone();
            services.add_scoped(move || Tracked::<$name>::new(&l)).disposable();
        })*};
    }
    scoped!('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    let l = log.clone();
    services
        .add_transient(move || Tracked::<'t'>::new(&l))
        .disposable();
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    macro_rules! resolve {
        ($($name:literal),*) => {$(
            scope.get::<Tracked<$name>>().expect("resolves");
        )*};
    }
    resolve!(
        '7', '2', 't', '9', '0', '5', 't', '1', '8', '3', '6', 't', '4'
    );
    resolve!('7', '4', '0');

    scope.dispose().await;

    let created = log.with_prefix("create ");
    let mut disposed = log.with_prefix("dispose ");
    disposed.reverse();
    assert_eq!(created.len(), 13);
    assert_eq!(disposed, created);
}

#[test]
fn many_scoped_services_are_dropped_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    macro_rules! scoped {
        ($($name:literal),*) => {$({
            let l = log.clone();
            services.add_scoped(move || Tracked::<$name>::new(&l));
        })*};
    }
    scoped!('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    macro_rules! resolve {
        ($($name:literal),*) => {$(
            drop(scope.get::<Tracked<$name>>().expect("resolves"));
        )*};
    }
    resolve!('7', '2', '9', '0', '5', '1', '8', '3', '6', '4');

    drop(scope);

    let created = log.with_prefix("create ");
    let mut dropped = log.with_prefix("drop ");
    dropped.reverse();
    assert_eq!(dropped, created);
}

mod dispose_now {
    use std::sync::Arc;

    use di_core::{AsyncDispose, ServiceCollection};

    struct Plain;
    struct Connection;

    #[async_trait::async_trait]
    impl AsyncDispose for Connection {
        async fn dispose(&self) {}
    }

    #[test]
    fn a_scope_without_async_disposables_is_disposed_at_once() {
        let mut services = ServiceCollection::new();
        services.add_scoped(|| Arc::new(Plain));
        let scope = services
            .build()
            .expect("valid")
            .create_scope()
            .expect("the provider is not disposed");
        scope.get::<Plain>().expect("plain");

        assert!(scope.try_dispose_now());
        assert!(scope.is_disposed());
        assert!(scope.get::<Plain>().is_err());
    }

    #[test]
    fn a_scope_holding_an_async_disposable_is_left_for_dispose_to_await() {
        let mut services = ServiceCollection::new();
        services.add_scoped(|| Arc::new(Plain));
        services.add_scoped(|| Arc::new(Connection)).disposable();
        let scope = services
            .build()
            .expect("valid")
            .create_scope()
            .expect("the provider is not disposed");
        scope.get::<Plain>().expect("plain");
        scope.get::<Connection>().expect("connection");

        assert!(!scope.try_dispose_now());
        assert!(!scope.is_disposed());
        assert!(scope.get::<Plain>().is_ok());
    }

    #[test]
    fn a_disposable_transient_also_needs_the_async_path() {
        let mut services = ServiceCollection::new();
        services.add_transient(|| Arc::new(Connection)).disposable();
        let scope = services
            .build()
            .expect("valid")
            .create_scope()
            .expect("the provider is not disposed");
        scope.get::<Connection>().expect("connection");

        assert!(!scope.try_dispose_now());
    }
}

/// A disposable whose `dispose` never finishes: stands for one cut off by a deadline.
struct Hanging {
    log: Log,
}

#[async_trait::async_trait]
impl AsyncDispose for Hanging {
    async fn dispose(&self) {
        self.log.push("dispose started Hanging");
        futures::future::pending::<()>().await;
    }
}

/// `A` (needing `B`) and, created last, `Hanging`, all scoped or all singletons.
fn with_hanging_newest(scoped: bool, log: &Log) -> ServiceCollection {
    let mut services = ServiceCollection::new();
    let add = if scoped { add_scoped } else { add_singleton };
    register(&mut services, log, add);
    let l = log.clone();
    let hanging = move || Arc::new(Hanging { log: l.clone() });
    if scoped {
        services.add_scoped(hanging).disposable();
    } else {
        services.add_singleton(hanging).disposable();
    }
    services
}

#[tokio::test]
async fn a_scope_disposal_dropped_midway_is_resumed_by_the_next_call() {
    let log = Log::default();
    let scope = with_hanging_newest(true, &log)
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<A>().expect("resolves (creates B first)");
    scope.get::<Hanging>().expect("resolves");

    assert!(
        scope.dispose().now_or_never().is_none(),
        "the newest instance's dispose hangs, and the caller gives up on it"
    );
    assert!(
        log.with_prefix("dispose ")
            .iter()
            .all(|e| e.contains("Hanging"))
    );
    scope.dispose().await;

    assert_eq!(log.with_prefix("dispose "), ["started Hanging", "A", "B"]);
    assert!(scope.is_disposed());
}

#[tokio::test]
async fn a_provider_disposal_dropped_midway_is_resumed_by_the_next_call() {
    let log = Log::default();
    let provider = with_hanging_newest(false, &log)
        .build()
        .expect("valid collection");
    provider.get::<C>().expect("resolves");
    provider.get::<A>().expect("resolves (creates B first)");
    provider.get::<Hanging>().expect("resolves");

    assert!(provider.dispose().now_or_never().is_none());
    provider.dispose().await;
    provider.dispose().await;

    assert_eq!(
        log.with_prefix("dispose "),
        ["started Hanging", "A", "B", "C"],
        "each instance disposed once, newest first, the interrupted one not restarted"
    );
}

#[tokio::test]
async fn a_dispose_that_disposes_its_own_scope_does_not_wait_for_itself() {
    struct Closer {
        scopes: std::sync::Mutex<Option<di_core::Scope>>,
        log: Log,
    }
    #[async_trait::async_trait]
    impl AsyncDispose for Closer {
        async fn dispose(&self) {
            let scope = self.scopes.lock().expect("not poisoned").take();
            if let Some(scope) = scope {
                scope.dispose().await;
            }
            self.log.push("dispose Closer");
        }
    }
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services
        .add_scoped(move || {
            Arc::new(Closer {
                scopes: std::sync::Mutex::new(None),
                log: l.clone(),
            })
        })
        .disposable();
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    let closer = scope.get::<Closer>().expect("resolves");
    *closer.scopes.lock().expect("not poisoned") = Some(scope.clone());

    let finished = tokio::time::timeout(std::time::Duration::from_secs(30), scope.dispose()).await;

    assert!(
        finished.is_ok(),
        "watchdog: a re-entrant dispose deadlocked"
    );
    assert_eq!(log.with_prefix("dispose "), ["Closer"]);
}
