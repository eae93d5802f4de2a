//! Deferred dependencies: `Lazy<T>`, `ServiceFactory<T>` and `KeyedServices<T>`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{
    BuildProblem, EdgeKind, KeyedServices, Lazy, ResolveError, ServiceCollection, ServiceFactory,
    ServiceKey, ServiceLifetime, ServiceProvider,
};

#[derive(Debug)]
struct Db;
struct Holder {
    db: Lazy<Db>,
}

#[test]
fn a_lazy_is_resolved_on_first_use_once() -> Result<(), ResolveError> {
    let created = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&created);
    let mut services = ServiceCollection::new();
    services.add_transient(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Arc::new(Db)
    });
    services.add_singleton(|db: Lazy<Db>| Arc::new(Holder { db }));
    let provider = services.build().expect("valid");
    let holder = provider.get::<Holder>()?;
    let before = created.load(Ordering::SeqCst);

    let (first, second) = (holder.db.get()?, holder.db.get()?);

    assert_eq!(before, 0);
    assert_eq!(
        created.load(Ordering::SeqCst),
        1,
        "a transient behind a Lazy is kept"
    );
    assert!(Arc::ptr_eq(&first, &second));
    drop((first, second));
    holder.db.get()?;
    assert_eq!(
        created.load(Ordering::SeqCst),
        1,
        "kept by the Lazy itself, also when nobody else holds it"
    );
    Ok(())
}

#[test]
fn a_lazy_resolves_from_the_scope_that_created_its_holder() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Db));
    services.add_scoped(|db: Lazy<Db>| Arc::new(Holder { db }));
    let provider = services.build().expect("valid");
    let (first, second) = (provider.create_scope()?, provider.create_scope()?);

    let holder = first.get::<Holder>()?;

    assert!(Arc::ptr_eq(&holder.db.get()?, &first.get::<Db>()?));
    assert!(!Arc::ptr_eq(&holder.db.get()?, &second.get::<Db>()?));
    Ok(())
}

#[test]
fn a_lazy_fails_once_its_scope_is_gone() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Db));
    services.add_scoped(|db: Lazy<Db>| Arc::new(Holder { db }));
    let provider = services.build().expect("valid");
    let scope = provider.create_scope()?;
    let holder = scope.get::<Holder>()?;

    drop(scope);

    let result = holder.db.get();
    assert!(
        matches!(result, Err(ResolveError::Disposed { owner: "scope", .. })),
        "{result:?}"
    );
    Ok(())
}

#[test]
fn a_singleton_holding_a_lazy_scoped_service_is_a_captive_dependency() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Db));
    services.add_singleton(|db: Lazy<Db>| Arc::new(Holder { db }));

    let problems = services.build().expect_err("captive").problems().to_vec();

    assert!(
        matches!(
            problems.as_slice(),
            [BuildProblem::CaptiveDependency { .. }]
        ),
        "{problems:?}"
    );
}

/// A transient between the singleton's lazy edge and the scoped service, registered after the
/// singleton: validation must still see the transient's need for a scope before judging the
/// singleton (the order it checks lifetimes in follows lazy edges too).
struct Repo;

#[test]
fn a_singleton_lazily_needing_a_scoped_service_through_a_later_transient_is_a_captive_dependency() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_repo: Lazy<Repo>| Arc::new(Holder2));
    services.add_transient(|_db: Arc<Db>| Arc::new(Repo));
    services.add_scoped(|| Arc::new(Db));

    let problems = services.build().expect_err("captive").problems().to_vec();

    assert!(
        matches!(
            problems.as_slice(),
            [BuildProblem::CaptiveDependency { .. }]
        ),
        "{problems:?}"
    );
}

struct Holder2;

#[test]
fn a_transient_holding_a_lazy_scoped_service_needs_a_scope() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Db));
    services.add_transient(|db: Lazy<Db>| Arc::new(Holder { db }));
    let provider = services.build().expect("valid");

    let from_root = provider.get::<Holder>();

    assert!(matches!(
        from_root,
        Err(ResolveError::ScopedFromRoot { .. })
    ));
    assert!(
        provider
            .create_scope()
            .expect("the provider is not disposed")
            .get::<Holder>()
            .is_ok()
    );
}

#[test]
fn a_lazy_of_an_unregistered_service_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|db: Lazy<Db>| Arc::new(Holder { db }));

    let problems = services.build().expect_err("missing").problems().to_vec();

    assert!(matches!(
        problems.as_slice(),
        [BuildProblem::MissingDependency { .. }]
    ));
}

struct Parent {
    child: Lazy<Child>,
}
struct Child {
    parent: Arc<Parent>,
}

#[test]
fn a_cycle_through_a_lazy_is_allowed_and_drawn_as_a_lazy_edge() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|child: Lazy<Child>| Arc::new(Parent { child }));
    services.add_singleton(|parent: Arc<Parent>| Arc::new(Child { parent }));
    let provider = services.build().expect("a cycle through Lazy is allowed");

    let parent = provider.get::<Parent>()?;
    let child = parent.child.get()?;

    assert!(Arc::ptr_eq(&child.parent, &parent));
    let kinds: Vec<_> = provider
        .graph()
        .edges()
        .iter()
        .map(|e| (e.from, e.to, e.kind))
        .collect();
    assert_eq!(kinds, [(0, 1, EdgeKind::Lazy), (1, 0, EdgeKind::Required)]);
    assert!(
        provider
            .graph()
            .to_dot()
            .contains("n0 -> n1 [style=dotted, label=lazy];")
    );
    Ok(())
}

/// Counts the drops of one test's services.
#[derive(Clone, Default)]
struct Drops(Arc<AtomicUsize>);

impl Drops {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Both sides of a cycle through a `Lazy`, counting their drops.
struct Front {
    back: Lazy<Back>,
    drops: Drops,
}
struct Back {
    _front: Arc<Front>,
    drops: Drops,
}
impl Drop for Front {
    fn drop(&mut self) {
        self.drops.0.fetch_add(1, Ordering::SeqCst);
    }
}
impl Drop for Back {
    fn drop(&mut self) {
        self.drops.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A provider of `Front` and `Back` (of `lifetime`), which a `Lazy` makes a cycle: allowed.
fn front_and_back(drops: &Drops, lifetime: ServiceLifetime) -> ServiceProvider {
    let (front, back) = (drops.clone(), drops.clone());
    let mut services = ServiceCollection::new();
    let front = move |back: Lazy<Back>| {
        let drops = front.clone();
        Arc::new(Front { back, drops })
    };
    let back = move |front: Arc<Front>| {
        let drops = back.clone();
        Arc::new(Back {
            _front: front,
            drops,
        })
    };
    match lifetime {
        ServiceLifetime::Scoped => {
            services.add_scoped(front);
            services.add_scoped(back);
        }
        _ => {
            services.add_singleton(front);
            services.add_singleton(back);
        }
    }
    services.build().expect("a cycle through Lazy is allowed")
}

#[test]
fn dropping_a_provider_releases_both_singletons_of_a_cycle_through_a_lazy()
-> Result<(), ResolveError> {
    let drops = Drops::default();
    let provider = front_and_back(&drops, ServiceLifetime::Singleton);
    let front = provider.get::<Front>()?;
    assert!(Arc::ptr_eq(&front.back.get()?._front, &front));
    drop(front);

    drop(provider);

    assert_eq!(drops.count(), 2, "neither the sites nor the Lazy keep them");
    Ok(())
}

#[test]
fn dropping_a_scope_releases_both_scoped_services_of_a_cycle_through_a_lazy()
-> Result<(), ResolveError> {
    let drops = Drops::default();
    let provider = front_and_back(&drops, ServiceLifetime::Scoped);
    let scope = provider.create_scope()?;
    let front = scope.get::<Front>()?;
    let back = front.back.get()?;
    assert!(
        Arc::ptr_eq(&back, &scope.get::<Back>()?),
        "the scope's instance"
    );
    drop((front, back));

    drop(scope);

    assert_eq!(drops.count(), 2);
    drop(provider);
    Ok(())
}

#[test]
fn a_lazy_of_a_singleton_fails_once_the_provider_and_every_other_holder_let_it_go()
-> Result<(), ResolveError> {
    let drops = Drops::default();
    let provider = front_and_back(&drops, ServiceLifetime::Singleton);
    let front = provider.get::<Front>()?;
    let back = front.back.get()?;
    drop(provider);

    assert!(
        Arc::ptr_eq(&front.back.get()?, &back),
        "still held here: the same instance"
    );
    drop(back);
    assert!(matches!(
        front.back.get(),
        Err(ResolveError::ProviderDropped)
    ));
    Ok(())
}

#[test]
fn a_cycle_made_only_of_lazy_edges_is_allowed() -> Result<(), ResolveError> {
    struct Ping {
        pong: Lazy<Pong>,
    }
    struct Pong {
        ping: Lazy<Ping>,
    }
    let mut services = ServiceCollection::new();
    services.add_singleton(|pong: Lazy<Pong>| Arc::new(Ping { pong }));
    services.add_singleton(|ping: Lazy<Ping>| Arc::new(Pong { ping }));
    let provider = services.build().expect("no eager edge closes the cycle");

    let ping = provider.get::<Ping>()?;

    assert!(Arc::ptr_eq(&ping.pong.get()?.ping.get()?, &ping));
    Ok(())
}

#[test]
fn a_cycle_without_a_lazy_edge_is_still_an_error_when_a_lazy_edge_exists_elsewhere() {
    struct A;
    struct B;
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Arc<B>, _lazy: Lazy<Db>| Arc::new(A));
    services.add_singleton(|_a: Arc<A>| Arc::new(B));
    services.add_singleton(|| Arc::new(Db));

    let problems = services.build().expect_err("cycle").problems().to_vec();

    assert!(
        matches!(problems.as_slice(), [BuildProblem::Cycle { .. }]),
        "{problems:?}"
    );
}

struct Command;

#[test]
fn a_deferred_dependency_fails_once_the_provider_is_dropped() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|| Arc::new(Command));
    services.add_singleton(|make: ServiceFactory<Command>| Arc::new(make));
    let make = services
        .build()
        .expect("valid")
        .get::<ServiceFactory<Command>>()?;

    let result = make.get();

    assert!(matches!(result, Err(ResolveError::ProviderDropped)));
    Ok(())
}

#[test]
fn a_service_factory_resolves_on_every_call() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|| Arc::new(Command));
    services.add_singleton(|make: ServiceFactory<Command>| Arc::new(make));
    let provider = services.build().expect("valid");
    let make = provider.get::<ServiceFactory<Command>>()?;

    let (one, two) = (make.get()?, make.clone().get()?);

    assert!(!Arc::ptr_eq(&one, &two));
    Ok(())
}

struct Tenant(String);

#[test]
fn keyed_services_resolve_keys_chosen_at_run_time_from_the_holders_scope()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped(ServiceKey::any(), |key: ServiceKey| {
        Arc::new(Tenant(key.to_string()))
    });
    services.add_scoped(|tenants: KeyedServices<Tenant>| Arc::new(tenants));
    let provider = services.build().expect("valid");
    let scope = provider.create_scope()?;
    let lookup = scope.get::<KeyedServices<Tenant>>()?;
    let configured = String::from("acme");

    let tenant = lookup.get(configured)?;

    assert_eq!(tenant.0, "acme");
    assert!(Arc::ptr_eq(&tenant, &scope.get_keyed::<Tenant>("acme")?));
    Ok(())
}

#[test]
fn keyed_services_over_a_scoped_registration_anywhere_in_the_collection_are_captive_in_a_singleton()
{
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db));
    services.add_keyed_singleton("ok", || Arc::new(Tenant("ok".into())));
    services.add_keyed_scoped("acme", || Arc::new(Tenant("acme".into())));
    services.add_singleton(|tenants: KeyedServices<Tenant>| Arc::new(tenants));

    let problems = services.build().expect_err("captive").problems().to_vec();

    assert!(
        matches!(
            problems.as_slice(),
            [BuildProblem::CaptiveDependency { .. }]
        ),
        "{problems:?}"
    );
}

#[test]
fn keyed_services_list_every_registration_under_a_key_in_order() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_instance("eu", Arc::new(Tenant("first".into())));
    services.add_keyed_instance("us", Arc::new(Tenant("other".into())));
    services.add_keyed_instance("eu", Arc::new(Tenant("second".into())));
    services.add_singleton(|tenants: KeyedServices<Tenant>| Arc::new(tenants));
    let provider = services.build().expect("valid");
    let lookup = provider.get::<KeyedServices<Tenant>>()?;

    let eu: Vec<String> = lookup.get_all("eu")?.iter().map(|t| t.0.clone()).collect();

    assert_eq!(eu, ["first", "second"]);
    assert!(lookup.get_all("asia")?.is_empty());
    Ok(())
}

#[test]
fn a_singleton_holding_keyed_services_of_a_scoped_keyed_service_is_a_captive_dependency() {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped("acme", || Arc::new(Tenant("acme".into())));
    services.add_singleton(|tenants: KeyedServices<Tenant>| Arc::new(tenants));

    let problems = services.build().expect_err("captive").problems().to_vec();

    assert!(
        matches!(
            problems.as_slice(),
            [BuildProblem::CaptiveDependency { .. }]
        ),
        "{problems:?}"
    );
}
