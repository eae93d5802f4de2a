//! `decorate_keyed`, `replace_keyed` and `replace_keyed_instance`: decorators and test
//! overrides of keyed registrations, touching only the registrations under their key.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{BuildProblem, ResolveError, ServiceCollection, ServiceLifetime};

#[derive(Debug)]
struct Db(String);

fn db(name: &str) -> Arc<Db> {
    Arc::new(Db(name.to_owned()))
}

fn names(all: &[Arc<Db>]) -> Vec<&str> {
    all.iter().map(|db| db.0.as_str()).collect()
}

#[test]
fn decorate_keyed_wraps_only_the_registrations_under_its_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("reports", || db("first"));
    services.add_keyed_singleton("reports", || db("second"));
    services.add_keyed_singleton("billing", || db("billing"));
    services.add_singleton(|| db("unkeyed"));

    let decorated = services.decorate_keyed("reports", |inner: Arc<Db>| {
        Arc::new(Db(format!("[{}]", inner.0)))
    });
    let provider = services.build().expect("valid collection");

    assert_eq!(decorated, 2);
    assert_eq!(
        names(&provider.get_all_keyed::<Db>("reports")?),
        ["[first]", "[second]"]
    );
    assert_eq!(provider.get_keyed::<Db>("billing")?.0, "billing");
    assert_eq!(provider.get::<Db>()?.0, "unkeyed");
    Ok(())
}

#[test]
fn decorate_keyed_keeps_the_lifetime_of_the_decorated_registration() -> Result<(), ResolveError> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("reports", || db("singleton"));
    services.add_keyed_transient("fresh", || db("transient"));
    services.decorate_keyed("reports", move |inner: Arc<Db>| {
        counter.fetch_add(1, Ordering::SeqCst);
        inner
    });
    services.decorate_keyed("fresh", |inner: Arc<Db>| inner);
    let provider = services.build().expect("valid collection");

    let first = provider.get_keyed::<Db>("reports")?;
    let second = provider.get_keyed::<Db>("reports")?;
    let transients = (
        provider.get_keyed::<Db>("fresh")?,
        provider.get_keyed::<Db>("fresh")?,
    );

    assert!(Arc::ptr_eq(&first, &second));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a singleton is decorated once"
    );
    assert!(!Arc::ptr_eq(&transients.0, &transients.1));
    Ok(())
}

struct Audit;

#[test]
fn a_keyed_decorators_missing_dependency_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("reports", || db("reports"));
    services.decorate_keyed("reports", |inner: Arc<Db>, _audit: Arc<Audit>| inner);

    let error = services.build().expect_err("the decorator needs `Audit`");

    assert!(
        matches!(error.problems(), [BuildProblem::MissingDependency { dependency, .. }]
            if *dependency == std::any::type_name::<Audit>()),
        "{error}"
    );
}

#[test]
fn decorate_keyed_decorates_nothing_when_the_key_is_not_registered() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| db("unkeyed"));

    let decorated = services.decorate_keyed("reports", |inner: Arc<Db>| inner);

    assert_eq!(decorated, 0);
}

#[test]
fn replace_keyed_replaces_the_last_registration_under_its_key_only() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("reports", || db("first"));
    services.add_keyed_singleton("reports", || db("second"));
    services.add_keyed_singleton("billing", || db("billing"));
    services.add_singleton(|| db("unkeyed"));

    services.replace_keyed("reports", ServiceLifetime::Transient, || db("fake"));
    let provider = services.build().expect("valid collection");

    assert_eq!(services.len(), 4);
    assert_eq!(
        names(&provider.get_all_keyed::<Db>("reports")?),
        ["first", "fake"]
    );
    let (a, b) = (
        provider.get_keyed::<Db>("reports")?,
        provider.get_keyed::<Db>("reports")?,
    );
    assert!(!Arc::ptr_eq(&a, &b), "the replacement has its own lifetime");
    assert_eq!(provider.get_keyed::<Db>("billing")?.0, "billing");
    assert_eq!(provider.get::<Db>()?.0, "unkeyed");
    Ok(())
}

#[test]
fn replace_keyed_adds_the_registration_when_the_key_has_none() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| db("unkeyed"));

    services.replace_keyed("reports", ServiceLifetime::Singleton, || db("added"));
    let provider = services.build().expect("valid collection");

    assert_eq!(services.len(), 2);
    assert_eq!(provider.get_keyed::<Db>("reports")?.0, "added");
    assert_eq!(provider.get::<Db>()?.0, "unkeyed");
    Ok(())
}

#[test]
fn replace_keyed_instance_swaps_the_instance_under_its_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_instance("reports", db("production"));
    services.add_keyed_instance("billing", db("billing"));
    let fake = db("fake");

    services.replace_keyed_instance("reports", Arc::clone(&fake));
    let provider = services.build().expect("valid collection");

    assert_eq!(services.len(), 2);
    assert!(Arc::ptr_eq(&provider.get_keyed::<Db>("reports")?, &fake));
    assert_eq!(provider.get_keyed::<Db>("billing")?.0, "billing");
    Ok(())
}

#[test]
fn unkeyed_replace_still_leaves_keyed_registrations_alone() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| db("unkeyed"));
    services.add_keyed_singleton("reports", || db("reports"));

    services.replace(ServiceLifetime::Singleton, || db("fake"));
    let provider = services.build().expect("valid collection");

    assert_eq!(services.len(), 2);
    assert_eq!(provider.get::<Db>()?.0, "fake");
    assert_eq!(provider.get_keyed::<Db>("reports")?.0, "reports");
    Ok(())
}
