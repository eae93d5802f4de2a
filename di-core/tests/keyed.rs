//! Keyed services: string and enum keys, no fallback between keyed and unkeyed registrations,
//! resolve-all by key in registration order, and `Keyed<T, K>` arguments validated at build.

use std::any::type_name;
use std::sync::Arc;

use di_core::{BuildProblem, Keyed, ResolveError, ServiceCollection, ServiceKey, service_key};

#[derive(Debug)]
struct Db(&'static str);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Region {
    Eu,
    Us,
}

service_key!(Primary = "primary");
service_key!(Replica = "replica");
service_key!(EuKey = Region::Eu);

fn names(all: &[Arc<Db>]) -> Vec<&'static str> {
    all.iter().map(|db| db.0).collect()
}

#[test]
fn string_keys_select_their_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(Db("primary")));
    services.add_keyed_singleton(String::from("replica"), || Arc::new(Db("replica")));
    let provider = services.build().expect("valid collection");

    let primary = provider.get_keyed::<Db>("primary")?;
    let replica = provider.get_keyed::<Db>(String::from("replica"))?;

    assert_eq!((primary.0, replica.0), ("primary", "replica"));
    Ok(())
}

#[test]
fn enum_keys_select_their_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::new(Region::Eu), || Arc::new(Db("eu")));
    services.add_keyed_singleton(ServiceKey::new(Region::Us), || Arc::new(Db("us")));
    let provider = services.build().expect("valid collection");

    let eu = provider.get_keyed::<Db>(ServiceKey::new(Region::Eu))?;
    let us = provider.get_keyed::<Db>(ServiceKey::new(Region::Us))?;

    assert_eq!((eu.0, us.0), ("eu", "us"));
    Ok(())
}

#[test]
fn a_string_key_and_an_enum_key_with_the_same_text_are_different_keys() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::new(Region::Eu), || Arc::new(Db("eu")));
    let provider = services.build().expect("valid collection");

    let by_text = provider.get_keyed::<Db>("Eu");

    assert!(matches!(
        by_text,
        Err(ResolveError::KeyedNotRegistered { .. })
    ));
}

#[test]
fn keyed_lookup_never_falls_back_to_an_unkeyed_registration() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("unkeyed")));
    let provider = services.build().expect("valid collection");

    let keyed = provider.get_keyed::<Db>("primary");
    let keyed_all = provider.get_all_keyed::<Db>("primary");

    assert!(
        matches!(keyed, Err(ResolveError::KeyedNotRegistered { service, .. }) if service == type_name::<Db>())
    );
    assert!(keyed_all.is_ok_and(|all| all.is_empty()));
}

#[test]
fn unkeyed_lookup_never_falls_back_to_a_keyed_registration() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(Db("keyed")));
    let provider = services.build().expect("valid collection");

    let unkeyed = provider.get::<Db>();
    let unkeyed_all = provider.get_all::<Db>();

    assert!(matches!(unkeyed, Err(ResolveError::NotRegistered { .. })));
    assert!(unkeyed_all.is_ok_and(|all| all.is_empty()));
}

#[test]
fn keyed_and_unkeyed_registrations_of_one_type_coexist() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("unkeyed")));
    services.add_keyed_singleton("primary", || Arc::new(Db("keyed")));
    let provider = services.build().expect("valid collection");

    let unkeyed = provider.get::<Db>()?;
    let keyed = provider.get_keyed::<Db>("primary")?;

    assert_eq!((unkeyed.0, keyed.0), ("unkeyed", "keyed"));
    Ok(())
}

#[test]
fn keyed_get_all_is_in_registration_order_and_single_resolution_is_the_last()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("plugins", || Arc::new(Db("one")));
    services.add_keyed_singleton("other", || Arc::new(Db("elsewhere")));
    services.add_keyed_transient("plugins", || Arc::new(Db("two")));
    services.add_keyed_instance("plugins", Arc::new(Db("three")));
    services.add_singleton(|| Arc::new(Db("unkeyed")));
    let provider = services.build().expect("valid collection");

    let all = provider.get_all_keyed::<Db>("plugins")?;
    let single = provider.get_keyed::<Db>("plugins")?;

    assert_eq!(names(&all), ["one", "two", "three"]);
    assert_eq!(single.0, "three");
    Ok(())
}

#[test]
fn keyed_scoped_service_is_shared_within_a_scope_and_differs_between_scopes()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped("tenant", || Arc::new(Db("tenant")));
    let provider = services.build().expect("valid collection");
    let (first, second) = (provider.create_scope()?, provider.create_scope()?);

    let a = first.get_keyed::<Db>("tenant")?;
    let b = first.get_keyed::<Db>("tenant")?;
    let c = second.get_keyed::<Db>("tenant")?;

    assert!(Arc::ptr_eq(&a, &b));
    assert!(!Arc::ptr_eq(&a, &c));
    assert_eq!(first.get_all_keyed::<Db>("tenant")?.len(), 1);
    Ok(())
}

struct Repo {
    primary: Arc<Db>,
    replica: Option<Arc<Db>>,
}

#[test]
fn keyed_arguments_resolve_the_registration_with_their_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("unkeyed")));
    services.add_keyed_singleton("primary", || Arc::new(Db("primary")));
    services.add_keyed_singleton("replica", || Arc::new(Db("replica")));
    services.add_transient(|primary: Keyed<Db, Primary>, replica: Keyed<Db, Replica>| {
        Arc::new(Repo {
            primary: primary.into_inner(),
            replica: Some(replica.into_inner()),
        })
    });
    let provider = services.build().expect("valid collection");

    let repo = provider.get::<Repo>()?;

    assert!(Arc::ptr_eq(
        &repo.primary,
        &provider.get_keyed::<Db>("primary")?
    ));
    assert_eq!(repo.replica.as_ref().map(|db| db.0), Some("replica"));
    Ok(())
}

#[test]
fn enum_keyed_arguments_resolve_their_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::new(Region::Eu), || Arc::new(Db("eu")));
    services.add_keyed_singleton(ServiceKey::new(Region::Us), || Arc::new(Db("us")));
    services.add_transient(|db: Keyed<Db, EuKey>| {
        Arc::new(Repo {
            primary: db.into_inner(),
            replica: None,
        })
    });
    let provider = services.build().expect("valid collection");

    let repo = provider.get::<Repo>()?;

    assert_eq!(repo.primary.0, "eu");
    Ok(())
}

#[test]
fn a_missing_keyed_argument_is_a_build_error_naming_the_key() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("unkeyed, does not count")));
    services.add_transient(|primary: Keyed<Db, Primary>| {
        Arc::new(Repo {
            primary: primary.into_inner(),
            replica: None,
        })
    });

    let error = services.build().expect_err("no `primary` Db");

    let [
        BuildProblem::MissingDependency {
            service,
            dependency,
            key,
            registered,
        },
    ] = error.problems()
    else {
        panic!("expected one missing dependency, got {error:?}");
    };
    assert_eq!(
        (*service, *dependency),
        (type_name::<Repo>(), type_name::<Db>())
    );
    assert_eq!(key.as_deref(), Some("\"primary\""));
    assert!(registered.has_unkeyed() && registered.keys().is_empty());
    assert_eq!(
        error.to_string(),
        "the service collection is invalid: no service of type `keyed::Db` is registered with \
         key \"primary\", but `keyed::Repo` requires it; `keyed::Db` is registered without a key"
    );
}

#[test]
fn optional_and_vec_keyed_arguments_follow_their_key() -> Result<(), ResolveError> {
    struct Catalog {
        primary: Option<Keyed<Db, Primary>>,
        replicas: Vec<Keyed<Db, Replica>>,
    }
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("replica", || Arc::new(Db("r1")));
    services.add_keyed_transient("replica", || Arc::new(Db("r2")));
    services.add_transient(
        |primary: Option<Keyed<Db, Primary>>, replicas: Vec<Keyed<Db, Replica>>| {
            Arc::new(Catalog { primary, replicas })
        },
    );
    let provider = services
        .build()
        .expect("optional keyed arguments may be missing");

    let catalog = provider.get::<Catalog>()?;

    assert!(catalog.primary.is_none());
    let replicas: Vec<&str> = catalog.replicas.iter().map(|db| db.0).collect();
    assert_eq!(replicas, ["r1", "r2"]);
    Ok(())
}

#[test]
fn an_optional_keyed_argument_is_the_registration_under_its_key_when_there_is_one()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(Db("p")));
    services.add_transient(|primary: Option<Keyed<Db, Primary>>| Arc::new(primary.map(|db| db.0)));
    let provider = services.build().expect("valid collection");

    let primary = provider.get::<Option<&'static str>>()?;

    assert_eq!(*primary, Some("p"));
    Ok(())
}

#[test]
fn remove_all_keyed_removes_only_that_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("a", || Arc::new(Db("a")));
    services.add_keyed_singleton("b", || Arc::new(Db("b")));
    services.add_singleton(|| Arc::new(Db("unkeyed")));

    let removed = services.remove_all_keyed::<Db>("a");

    assert_eq!(removed, 1);
    let provider = services.build().expect("valid collection");
    assert!(provider.get_keyed::<Db>("a").is_err());
    assert_eq!(provider.get_keyed::<Db>("b")?.0, "b");
    assert_eq!(provider.get::<Db>()?.0, "unkeyed");
    Ok(())
}
