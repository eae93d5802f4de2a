//! Lifetimes and identity: singleton, scoped and transient instances, the root provider versus
//! scopes, singletons always coming from the root, and flat sibling scopes.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Log, Tracked};
use di_core::{ResolveError, ScopeFactory, ServiceCollection};

struct Config;
struct UnitOfWork;
struct Command;

#[test]
fn singleton_is_one_instance_across_the_root_and_every_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    let provider = services.build().expect("valid collection");
    let (first, second) = (provider.create_scope()?, provider.create_scope()?);

    let from_root = provider.get::<Config>()?;
    let from_first = first.get::<Config>()?;
    let from_second = second.get::<Config>()?;

    assert!(Arc::ptr_eq(&from_root, &from_first));
    assert!(Arc::ptr_eq(&from_root, &from_second));
    Ok(())
}

#[test]
fn singleton_factory_runs_once_per_provider() -> Result<(), ResolveError> {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    let counter = Arc::clone(&calls);
    services.add_singleton(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Arc::new(Config)
    });
    let provider = services.build().expect("valid collection");

    for _ in 0..3 {
        provider.get::<Config>()?;
        provider.create_scope()?.get::<Config>()?;
    }

    assert_eq!(calls.load(Ordering::SeqCst), 1);
    Ok(())
}

#[test]
fn singleton_is_created_on_first_use_not_at_build() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut services = ServiceCollection::new();
    let counter = Arc::clone(&calls);
    services.add_singleton(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Arc::new(Config)
    });

    let _provider = services.build().expect("valid collection");

    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn scoped_service_is_shared_within_a_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    let scope = services.build().expect("valid collection").create_scope()?;

    let first = scope.get::<UnitOfWork>()?;
    let second = scope.get::<UnitOfWork>()?;
    let through_clone = scope.clone().get::<UnitOfWork>()?;

    assert!(Arc::ptr_eq(&first, &second));
    assert!(Arc::ptr_eq(&first, &through_clone));
    Ok(())
}

#[test]
fn scoped_service_differs_between_scopes() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    let provider = services.build().expect("valid collection");

    let first = provider.create_scope()?.get::<UnitOfWork>()?;
    let second = provider.create_scope()?.get::<UnitOfWork>()?;

    assert!(!Arc::ptr_eq(&first, &second));
    Ok(())
}

#[test]
fn transient_is_a_new_instance_on_every_resolution() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|| Arc::new(Command));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let (a, b) = (provider.get::<Command>()?, provider.get::<Command>()?);
    let (c, d) = (scope.get::<Command>()?, scope.get::<Command>()?);

    assert!(!Arc::ptr_eq(&a, &b));
    assert!(!Arc::ptr_eq(&c, &d));
    assert!(!Arc::ptr_eq(&a, &c));
    Ok(())
}

struct Repo {
    unit: Arc<UnitOfWork>,
    config: Arc<Config>,
}

#[test]
fn transient_gets_the_scopes_scoped_instance_and_the_roots_singleton() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_scoped(|| Arc::new(UnitOfWork));
    services.add_transient(|unit: Arc<UnitOfWork>, config: Arc<Config>| {
        Arc::new(Repo { unit, config })
    });
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let repo = scope.get::<Repo>()?;

    assert!(Arc::ptr_eq(&repo.unit, &scope.get::<UnitOfWork>()?));
    assert!(Arc::ptr_eq(&repo.config, &provider.get::<Config>()?));
    Ok(())
}

struct Clock {
    command: Arc<Command>,
}

#[test]
fn singleton_resolved_first_through_a_scope_is_the_roots_instance() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|| Arc::new(Command));
    services.add_singleton(|command: Arc<Command>| Arc::new(Clock { command }));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let through_scope = scope.get::<Clock>()?;
    drop(scope);

    assert!(Arc::ptr_eq(&through_scope, &provider.get::<Clock>()?));
    assert!(Arc::ptr_eq(
        &through_scope.command,
        &provider.get::<Clock>()?.command
    ));
    Ok(())
}

#[tokio::test]
async fn singleton_resolved_through_a_scope_is_not_disposed_with_the_scope() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let factory_log = log.clone();
    services
        .add_singleton(move || Tracked::<'S'>::new(&factory_log))
        .disposable();
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    let singleton = scope.get::<Tracked<'S'>>().expect("resolves");

    scope.dispose().await;
    let after_scope = singleton.disposals();
    provider.dispose().await;

    assert_eq!(after_scope, 0);
    assert_eq!(singleton.disposals(), 1);
}

#[tokio::test]
async fn singletons_dependencies_come_from_the_root_even_when_resolved_through_a_scope() {
    // The singleton's transient dependency is created by the root, so it is disposed with the
    // provider, not with the scope that happened to trigger the singleton's creation.
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let factory_log = log.clone();
    services
        .add_transient(move || Tracked::<'T'>::new(&factory_log))
        .disposable();
    services.add_singleton(|dependency: Arc<Tracked<'T'>>| Arc::new(Holder(dependency)));
    let provider = services.build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    let holder = scope.get::<Holder>().expect("resolves");

    scope.dispose().await;
    let after_scope = holder.0.disposals();
    provider.dispose().await;

    assert_eq!(
        after_scope, 0,
        "the scope must not own the singleton's dependency"
    );
    assert_eq!(holder.0.disposals(), 1, "the provider owns it");
}

struct Holder(Arc<Tracked<'T'>>);

#[test]
fn scope_factory_from_a_scope_creates_a_sibling_with_its_own_scoped_instances()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    let provider = services.build().expect("valid collection");
    let first = provider.create_scope()?;

    let sibling = first.scope_factory().create_scope()?;

    assert!(!Arc::ptr_eq(
        &first.get::<UnitOfWork>()?,
        &sibling.get::<UnitOfWork>()?
    ));
    Ok(())
}

#[tokio::test]
async fn disposing_a_scope_does_not_affect_a_sibling_created_from_it() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let factory_log = log.clone();
    services
        .add_scoped(move || Tracked::<'U'>::new(&factory_log))
        .disposable();
    let provider = services.build().expect("valid collection");
    let first = provider
        .create_scope()
        .expect("the provider is not disposed");
    let sibling = first
        .scope_factory()
        .create_scope()
        .expect("provider alive");
    let siblings_instance = sibling.get::<Tracked<'U'>>().expect("resolves");

    first.dispose().await;

    assert!(first.is_disposed());
    assert!(!sibling.is_disposed());
    assert_eq!(siblings_instance.disposals(), 0);
    let again = sibling
        .get::<Tracked<'U'>>()
        .expect("sibling still resolves");
    assert!(Arc::ptr_eq(&again, &siblings_instance));
}

#[tokio::test]
async fn disposing_a_scope_does_not_affect_the_scope_that_created_it() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    let provider = services.build().expect("valid collection");
    let parent = provider
        .create_scope()
        .expect("the provider is not disposed");
    let child = parent
        .scope_factory()
        .create_scope()
        .expect("provider alive");

    child.dispose().await;

    assert!(!parent.is_disposed());
    assert!(parent.get::<UnitOfWork>().is_ok());
}

struct Worker {
    scopes: ScopeFactory,
}

#[test]
fn scope_factory_is_injectable_into_a_singleton_and_creates_independent_scopes()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    services.add_singleton(|scopes: ScopeFactory| Arc::new(Worker { scopes }));
    let provider = services.build().expect("valid collection");
    let worker = provider.get::<Worker>()?;

    let first = worker.scopes.create_scope()?;
    let second = worker.scopes.create_scope()?;

    assert!(!Arc::ptr_eq(
        &first.get::<UnitOfWork>()?,
        &second.get::<UnitOfWork>()?
    ));
    Ok(())
}

struct Handler {
    scopes: ScopeFactory,
}

#[test]
fn scope_factory_is_injectable_into_scoped_and_transient_services() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(UnitOfWork));
    services.add_scoped(|scopes: ScopeFactory| Arc::new(Handler { scopes }));
    services.add_transient(|scopes: ScopeFactory| Arc::new(Worker { scopes }));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let from_scoped = scope.get::<Handler>()?.scopes.create_scope()?;
    let from_transient = provider.get::<Worker>()?.scopes.create_scope()?;

    assert!(!Arc::ptr_eq(
        &from_scoped.get::<UnitOfWork>()?,
        &scope.get::<UnitOfWork>()?
    ));
    assert!(from_transient.get::<UnitOfWork>().is_ok());
    Ok(())
}

#[test]
fn each_provider_built_from_one_collection_has_its_own_singletons() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));

    let first = services.build().expect("valid collection");
    let second = services.build().expect("valid collection");

    assert!(!Arc::ptr_eq(
        &first.get::<Config>()?,
        &second.get::<Config>()?
    ));
    Ok(())
}

#[test]
fn provider_clones_share_their_singletons() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    let provider = services.build().expect("valid collection");

    let clone = provider.clone();

    assert!(Arc::ptr_eq(
        &provider.get::<Config>()?,
        &clone.get::<Config>()?
    ));
    Ok(())
}
