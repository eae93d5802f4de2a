//! Registration: last registration wins, resolve-all in registration order with duplicates,
//! `try_add_*` and `remove_all`, trait objects, plain functions, `Injectable`, user
//! `Dependency` types, optional / all / tuple arguments, and providers copying registrations.

use std::any::type_name;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{
    Dependency, Injectable, Planner, ResolveError, Resolver, ServiceCollection, ServiceLifetime,
};

#[derive(Debug, PartialEq)]
struct Name(&'static str);

fn names(all: &[Arc<Name>]) -> Vec<&'static str> {
    all.iter().map(|n| n.0).collect()
}

#[test]
fn single_resolution_returns_the_last_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("first")));
    services.add_singleton(|| Arc::new(Name("second")));
    services.add_singleton(|| Arc::new(Name("last")));
    let provider = services.build().expect("valid collection");

    let resolved = provider.get::<Name>()?;

    assert_eq!(resolved.0, "last");
    Ok(())
}

#[test]
fn last_registration_wins_across_lifetimes() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("singleton")));
    services.add_transient(|| Arc::new(Name("transient")));
    let provider = services.build().expect("valid collection");

    let first = provider.get::<Name>()?;
    let second = provider.get::<Name>()?;

    assert_eq!(first.0, "transient");
    assert!(!Arc::ptr_eq(&first, &second), "the last one is transient");
    Ok(())
}

#[test]
fn get_all_returns_every_registration_in_registration_order() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("a")));
    services.add_instance(Arc::new(Name("b")));
    services.add_transient(|| Arc::new(Name("c")));
    services.add_singleton(|| Arc::new(Name("a")));
    let provider = services.build().expect("valid collection");

    let all = provider.get_all::<Name>()?;

    assert_eq!(names(&all), ["a", "b", "c", "a"]);
    Ok(())
}

#[test]
fn get_all_of_an_unregistered_type_is_empty() -> Result<(), ResolveError> {
    let provider = ServiceCollection::new().build().expect("valid collection");

    let all = provider.get_all::<Name>()?;
    let all_in_scope = provider.create_scope()?.get_all::<Name>()?;

    assert!(all.is_empty());
    assert!(all_in_scope.is_empty());
    Ok(())
}

#[derive(Debug)]
struct Session;

#[test]
fn identical_scoped_registrations_each_have_their_own_instance_within_a_scope()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    for _ in 0..3 {
        services.add_scoped(|| Arc::new(Session));
    }
    let scope = services.build().expect("valid collection").create_scope()?;

    let all = scope.get_all::<Session>()?;
    let again = scope.get_all::<Session>()?;
    let single = scope.get::<Session>()?;

    assert_eq!(all.len(), 3);
    assert!(!Arc::ptr_eq(&all[0], &all[1]));
    assert!(!Arc::ptr_eq(&all[1], &all[2]));
    assert!(!Arc::ptr_eq(&all[0], &all[2]));
    for (first, second) in all.iter().zip(&again) {
        assert!(Arc::ptr_eq(first, second), "each element keeps its slot");
    }
    assert!(
        Arc::ptr_eq(&single, &all[2]),
        "single resolution is the last"
    );
    Ok(())
}

#[test]
fn identical_singleton_registrations_each_have_their_own_instance() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Session));
    services.add_singleton(|| Arc::new(Session));
    let provider = services.build().expect("valid collection");

    let all = provider.get_all::<Session>()?;
    let from_scope = provider.create_scope()?.get_all::<Session>()?;

    assert!(!Arc::ptr_eq(&all[0], &all[1]));
    assert!(Arc::ptr_eq(&all[0], &from_scope[0]));
    assert!(Arc::ptr_eq(&all[1], &from_scope[1]));
    assert!(Arc::ptr_eq(&provider.get::<Session>()?, &all[1]));
    Ok(())
}

#[test]
fn try_add_does_not_replace_an_existing_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("test double")));

    let singleton = services
        .try_add_singleton(|| Arc::new(Name("default")))
        .is_some();
    let scoped = services
        .try_add_scoped(|| Arc::new(Name("default")))
        .is_some();
    let transient = services
        .try_add_transient(|| Arc::new(Name("default")))
        .is_some();
    let instance = services.try_add_instance(Arc::new(Name("default")));

    assert_eq!(
        (singleton, scoped, transient, instance),
        (false, false, false, false)
    );
    assert_eq!(services.len(), 1);
    let provider = services.build().expect("valid collection");
    assert_eq!(provider.get::<Name>()?.0, "test double");
    Ok(())
}

#[test]
fn try_add_registers_when_the_type_has_no_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();

    let added = services
        .try_add_singleton(|| Arc::new(Name("default")))
        .is_some();

    assert!(added);
    assert_eq!(services.build().expect("valid").get::<Name>()?.0, "default");
    Ok(())
}

#[test]
fn try_add_ignores_keyed_registrations_of_the_type() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("special", || Arc::new(Name("keyed")));

    let added = services
        .try_add_singleton(|| Arc::new(Name("default")))
        .is_some();

    assert!(
        added,
        "a keyed registration is not a registration of the unkeyed type"
    );
}

#[test]
fn remove_all_then_add_overrides_a_default() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("default one")));
    services.add_singleton(|| Arc::new(Name("default two")));

    let removed = services.remove_all::<Name>();
    services.add_singleton(|| Arc::new(Name("override")));

    assert_eq!(removed, 2);
    let provider = services.build().expect("valid collection");
    assert_eq!(names(&provider.get_all::<Name>()?), ["override"]);
    Ok(())
}

#[test]
fn remove_all_leaves_keyed_and_other_registrations() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("unkeyed")));
    services.add_keyed_singleton("k", || Arc::new(Name("keyed")));
    services.add_singleton(|| Arc::new(Session));

    let removed = services.remove_all::<Name>();

    assert_eq!(removed, 1);
    let provider = services.build().expect("valid collection");
    assert!(matches!(
        provider.get::<Name>(),
        Err(ResolveError::NotRegistered { .. })
    ));
    assert_eq!(provider.get_keyed::<Name>("k")?.0, "keyed");
    assert!(provider.get::<Session>().is_ok());
    Ok(())
}

#[test]
fn remove_all_of_an_unregistered_type_removes_nothing() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Session));

    assert_eq!(services.remove_all::<Name>(), 0);
    assert_eq!(services.len(), 1);
}

trait Clock: Send + Sync {
    fn now(&self) -> u64;
}

struct Config {
    start: u64,
}

struct FixedClock(u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

#[test]
fn a_trait_object_is_registered_with_a_closure_returning_arc_dyn() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::new(Config { start: 42 }));
    services
        .add_singleton(|cfg: Arc<Config>| -> Arc<dyn Clock> { Arc::new(FixedClock(cfg.start)) });
    let provider = services.build().expect("valid collection");

    let clock = provider.get::<dyn Clock>()?;

    assert_eq!(clock.now(), 42);
    assert!(
        provider.get::<FixedClock>().is_err(),
        "only `dyn Clock` is registered"
    );
    Ok(())
}

#[test]
fn every_implementation_of_a_trait_is_injected_as_a_vec() -> Result<(), ResolveError> {
    struct Dashboard(Vec<Arc<dyn Clock>>);
    let mut services = ServiceCollection::new();
    services.add_singleton(|| -> Arc<dyn Clock> { Arc::new(FixedClock(1)) });
    services.add_transient(|| -> Arc<dyn Clock> { Arc::new(FixedClock(2)) });
    services.add_instance::<dyn Clock>(Arc::new(FixedClock(3)));
    services.add_singleton(|clocks: Vec<Arc<dyn Clock>>| Arc::new(Dashboard(clocks)));
    let provider = services.build().expect("valid collection");

    let dashboard = provider.get::<Dashboard>()?;

    let times: Vec<u64> = dashboard.0.iter().map(|c| c.now()).collect();
    assert_eq!(times, [1, 2, 3]);
    Ok(())
}

#[derive(Debug)]
struct Db;

struct Repo {
    db: Arc<Db>,
}

impl Repo {
    fn new(db: Arc<Db>) -> Arc<Self> {
        Arc::new(Self { db })
    }
}

fn make_db() -> Arc<Db> {
    Arc::new(Db)
}

#[test]
fn plain_functions_are_factories() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_scoped(Repo::new);
    let provider = services.build().expect("valid collection");

    let repo = provider.create_scope()?.get::<Repo>()?;

    assert!(Arc::ptr_eq(&repo.db, &provider.get::<Db>()?));
    Ok(())
}

struct Mailer {
    db: Arc<Db>,
    config: Arc<Config>,
}

impl Injectable for Mailer {
    type Dependencies = (Arc<Db>, Arc<Config>);

    fn inject((db, config): Self::Dependencies) -> Self {
        Self { db, config }
    }
}

#[test]
fn an_injectable_type_is_registered_without_a_closure() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_instance(Arc::new(Config { start: 7 }));
    services.add_injectable::<Mailer>(ServiceLifetime::Transient);
    let provider = services.build().expect("valid collection");

    let first = provider.get::<Mailer>()?;
    let second = provider.get::<Mailer>()?;

    assert_eq!(first.config.start, 7);
    assert!(Arc::ptr_eq(&first.db, &provider.get::<Db>()?));
    assert!(!Arc::ptr_eq(&first, &second), "registered as transient");
    Ok(())
}

#[test]
fn an_injectable_types_missing_dependency_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_injectable::<Mailer>(ServiceLifetime::Singleton);

    let error = services.build().expect_err("`Config` is missing");

    assert!(error.to_string().contains(type_name::<Config>()));
    assert!(error.to_string().contains(type_name::<Mailer>()));
}

/// A user type injected as one argument: it bundles two dependencies.
struct Storage {
    db: Arc<Db>,
    config: Option<Arc<Config>>,
}

impl Dependency for Storage {
    type State = (
        <Arc<Db> as Dependency>::State,
        <Option<Arc<Config>> as Dependency>::State,
    );

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        (
            Arc::<Db>::plan(planner),
            Option::<Arc<Config>>::plan(planner),
        )
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self {
            db: Arc::<Db>::resolve(&state.0, resolver)?,
            config: Option::<Arc<Config>>::resolve(&state.1, resolver)?,
        })
    }
}

struct Archive(Storage);

#[test]
fn a_user_type_implementing_dependency_is_injected() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_transient(|storage: Storage| Arc::new(Archive(storage)));
    let provider = services.build().expect("valid collection");

    let archive = provider.get::<Archive>()?;

    assert!(Arc::ptr_eq(&archive.0.db, &provider.get::<Db>()?));
    assert!(archive.0.config.is_none());
    Ok(())
}

#[test]
fn a_user_dependency_types_needs_are_validated_at_build() {
    let mut services = ServiceCollection::new();
    services.add_transient(|storage: Storage| Arc::new(Archive(storage)));

    let error = services.build().expect_err("`Db` is missing");

    assert_eq!(error.problems().len(), 1, "{error}");
    assert!(error.to_string().contains(type_name::<Db>()), "{error}");
}

struct Report {
    config: Option<Arc<Config>>,
    names: Vec<Arc<Name>>,
}

#[test]
fn optional_argument_is_none_when_unregistered_and_vec_is_empty() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|config: Option<Arc<Config>>, names: Vec<Arc<Name>>| {
        Arc::new(Report { config, names })
    });
    let provider = services
        .build()
        .expect("an optional argument may be missing");

    let report = provider.get::<Report>()?;

    assert!(report.config.is_none());
    assert!(report.names.is_empty());
    Ok(())
}

#[test]
fn optional_argument_is_the_last_registration_and_vec_has_all_in_order() -> Result<(), ResolveError>
{
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::new(Config { start: 1 }));
    services.add_instance(Arc::new(Config { start: 2 }));
    services.add_singleton(|| Arc::new(Name("x")));
    services.add_transient(|| Arc::new(Name("y")));
    services.add_transient(|config: Option<Arc<Config>>, names: Vec<Arc<Name>>| {
        Arc::new(Report { config, names })
    });
    let provider = services.build().expect("valid collection");

    let report = provider.get::<Report>()?;

    assert_eq!(report.config.as_ref().map(|c| c.start), Some(2));
    assert_eq!(names(&report.names), ["x", "y"]);
    Ok(())
}

#[test]
fn tuple_arguments_are_injected() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_instance(Arc::new(Config { start: 5 }));
    services.add_transient(|(db, config): (Arc<Db>, Arc<Config>)| Arc::new(Mailer { db, config }));
    let provider = services.build().expect("valid collection");

    let mailer = provider.get::<Mailer>()?;

    assert_eq!(mailer.config.start, 5);
    assert!(Arc::ptr_eq(&mailer.db, &provider.get::<Db>()?));
    Ok(())
}

#[test]
fn a_built_provider_ignores_later_changes_to_its_collection() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("original")));
    let provider = services.build().expect("valid collection");

    services.add_singleton(|| Arc::new(Name("added later")));
    services.add_singleton(|| Arc::new(Session));
    let rebuilt = services.build().expect("valid collection");
    services.remove_all::<Name>();

    assert_eq!(names(&provider.get_all::<Name>()?), ["original"]);
    assert!(provider.get::<Session>().is_err());
    assert_eq!(
        names(&rebuilt.get_all::<Name>()?),
        ["original", "added later"]
    );
    assert!(rebuilt.get::<Session>().is_ok());
    Ok(())
}

#[test]
fn a_built_provider_outlives_its_collection() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Name("kept")));
    let provider = services.build().expect("valid collection");

    drop(services);

    assert_eq!(provider.get::<Name>()?.0, "kept");
    Ok(())
}

#[test]
fn instance_registration_returns_the_same_arc() -> Result<(), ResolveError> {
    let config = Arc::new(Config { start: 3 });
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::clone(&config));
    let provider = services.build().expect("valid collection");

    let from_root = provider.get::<Config>()?;
    let from_scope = provider.create_scope()?.get::<Config>()?;

    assert!(Arc::ptr_eq(&from_root, &config));
    assert!(Arc::ptr_eq(&from_scope, &config));
    Ok(())
}

#[test]
fn unregistered_type_is_a_not_registered_error_naming_it() {
    let provider = ServiceCollection::new().build().expect("valid collection");

    let error = provider.get::<Db>().expect_err("nothing is registered");

    assert!(
        matches!(error, ResolveError::NotRegistered { service, .. } if service == type_name::<Db>())
    );
    assert!(error.to_string().contains(type_name::<Db>()));
}

static PLANS: AtomicUsize = AtomicUsize::new(0);
static RESOLUTIONS: AtomicUsize = AtomicUsize::new(0);

/// A user dependency that counts how often it is planned and resolved.
struct Counted(Arc<Db>);

impl Dependency for Counted {
    type State = <Arc<Db> as Dependency>::State;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        PLANS.fetch_add(1, Ordering::SeqCst);
        Arc::<Db>::plan(planner)
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        RESOLUTIONS.fetch_add(1, Ordering::SeqCst);
        Arc::<Db>::resolve(state, resolver).map(Counted)
    }
}

#[test]
fn arguments_are_planned_once_at_build_and_only_resolved_afterwards() -> Result<(), ResolveError> {
    struct Job(Counted);
    let mut services = ServiceCollection::new();
    services.add_singleton(make_db);
    services.add_transient(|counted: Counted| Arc::new(Job(counted)));

    let provider = services.build().expect("valid collection");
    let planned_at_build = PLANS.load(Ordering::SeqCst);
    let scope = provider.create_scope()?;
    for _ in 0..10 {
        let job = provider.get::<Job>()?;
        assert!(Arc::ptr_eq(&job.0.0, &scope.get::<Job>()?.0.0));
    }

    assert_eq!(planned_at_build, 1);
    assert_eq!(PLANS.load(Ordering::SeqCst), 1);
    assert_eq!(RESOLUTIONS.load(Ordering::SeqCst), 20);
    Ok(())
}

/// A user dependency that records whether it was resolved within a scope, and how its
/// resolver shows itself.
struct WhereResolved(bool, String);

impl Dependency for WhereResolved {
    type State = ();

    fn plan(_planner: &mut Planner<'_>) -> Self::State {}

    fn resolve(_state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self(resolver.is_scoped(), format!("{resolver:?}")))
    }
}

#[test]
fn a_user_dependency_can_tell_a_scope_from_the_root() -> Result<(), ResolveError> {
    struct Report(WhereResolved);
    let mut services = ServiceCollection::new();
    services.add_transient(|here: WhereResolved| Arc::new(Report(here)));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let from_root = provider.get::<Report>()?;
    let from_scope = scope.get::<Report>()?;

    assert!(!from_root.0.0);
    assert!(from_scope.0.0);
    assert_eq!(from_root.0.1, "Resolver { scoped: false, .. }");
    assert_eq!(from_scope.0.1, "Resolver { scoped: true, .. }");
    Ok(())
}

#[test]
fn a_collection_counts_its_registrations() {
    let mut services = ServiceCollection::new();
    assert!(services.is_empty());
    assert_eq!(services.len(), 0);

    services.add_singleton(|| Arc::new(Name("first")));
    services.add_keyed_singleton("k", || Arc::new(Name("keyed")));

    assert!(!services.is_empty());
    assert_eq!(services.len(), 2);
}

#[test]
fn try_add_scoped_transient_and_instance_register_only_an_absent_type() -> Result<(), ResolveError>
{
    struct Session;
    struct Id;
    let mut services = ServiceCollection::new();

    let scoped = services
        .try_add_scoped(|| Arc::new(Session))
        .map(|registration| format!("{registration:?}"));
    let transient = services
        .try_add_transient(|| Arc::new(Id))
        .map(|registration| format!("{registration:?}"));
    let instance = services.try_add_instance(Arc::new(Name("first")));

    assert!(scoped.is_some_and(|shown| shown.contains("Scoped")));
    assert!(transient.is_some_and(|shown| shown.contains("Transient")));
    assert!(instance);
    assert!(services.try_add_scoped(|| Arc::new(Session)).is_none());
    assert!(services.try_add_transient(|| Arc::new(Id)).is_none());
    assert!(!services.try_add_instance(Arc::new(Name("second"))));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;
    assert!(!Arc::ptr_eq(&scope.get::<Id>()?, &scope.get::<Id>()?));
    assert!(Arc::ptr_eq(
        &scope.get::<Session>()?,
        &scope.get::<Session>()?
    ));
    assert_eq!(*provider.get::<Name>()?, Name("first"));
    Ok(())
}
