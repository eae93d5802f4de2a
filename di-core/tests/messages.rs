//! The exact texts of "not registered" and build errors: keyed lookups name their key and what
//! is registered instead, this crate's types are named by their public path, and a build error
//! lists its problems without nesting one numbering in another.

use std::sync::Arc;

use di_core::{
    BuildError, Keyed, ResolveError, Scope, ServiceCollection, ServiceKey, ServiceProvider,
    service_key,
};

struct Db;
struct Repo;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Region {
    Eu,
    Us,
}

service_key!(Primary = "primary");

fn resolve_error(result: Result<Arc<Db>, ResolveError>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

fn build_error(services: &ServiceCollection) -> BuildError {
    match services.build() {
        Ok(_) => panic!("expected a build error"),
        Err(error) => error,
    }
}

#[test]
fn a_keyed_lookup_names_its_key_and_the_unkeyed_and_keyed_registrations_instead() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("replica", || Arc::new(Db));
    services.add_singleton(|| Arc::new(Db));
    services.add_keyed_singleton("primary", || Arc::new(Db));
    services.add_keyed_transient("replica", || Arc::new(Db));
    let provider = services.build().expect("valid collection");

    let text = resolve_error(provider.get_keyed::<Db>("missing"));

    assert_eq!(
        text,
        "no service of type `messages::Db` is registered with key \"missing\"; \
         `messages::Db` is registered without a key and with the keys \"replica\", \"primary\""
    );
}

#[test]
fn a_keyed_lookup_of_a_type_registered_only_without_a_key_says_so() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db));
    let provider = services.build().expect("valid collection");

    let text = resolve_error(provider.get_keyed::<Db>(ServiceKey::new(Region::Eu)));

    assert_eq!(
        text,
        "no service of type `messages::Db` is registered with key Eu; \
         `messages::Db` is registered without a key"
    );
}

#[test]
fn a_keyed_lookup_of_a_type_registered_under_one_other_key_names_it() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::new(Region::Us), || Arc::new(Db));
    let provider = services.build().expect("valid collection");

    let error = provider
        .get_keyed::<Db>(ServiceKey::new(Region::Eu))
        .err()
        .expect("no `Eu` key");

    let ResolveError::KeyedNotRegistered {
        key, registered, ..
    } = &error
    else {
        panic!("expected a keyed not-registered error, got {error}");
    };
    assert_eq!(**key, ServiceKey::new(Region::Eu));
    assert_eq!(registered.keys(), [ServiceKey::new(Region::Us)]);
    assert_eq!(
        error.to_string(),
        "no service of type `messages::Db` is registered with key Eu; \
         `messages::Db` is registered with the key Us"
    );
}

#[test]
fn a_keyed_lookup_of_an_unknown_type_names_only_the_key() {
    let provider = ServiceCollection::new().build().expect("valid collection");

    let text = resolve_error(provider.get_keyed::<Db>("primary"));

    assert_eq!(
        text,
        "no service of type `messages::Db` is registered with key \"primary\""
    );
}

#[test]
fn an_unkeyed_lookup_of_a_type_registered_only_under_keys_names_the_keys() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(Db));
    let provider = services.build().expect("valid collection");

    let text = resolve_error(
        provider
            .create_scope()
            .expect("the provider is not disposed")
            .get::<Db>(),
    );

    assert_eq!(
        text,
        "no service of type `messages::Db` is registered; \
         `messages::Db` is registered with the key \"primary\""
    );
}

#[test]
fn a_missing_keyed_dependency_names_its_key_and_the_keys_registered_instead() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("replica", || Arc::new(Db));
    services.add_singleton(|_db: Keyed<Db, Primary>| Arc::new(Repo));

    let text = build_error(&services).to_string();

    assert_eq!(
        text,
        "the service collection is invalid: no service of type `messages::Db` is registered \
         with key \"primary\", but `messages::Repo` requires it; `messages::Db` is registered \
         with the key \"replica\""
    );
}

#[test]
fn a_missing_unkeyed_dependency_names_the_keys_registered_instead() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(Db));
    services.add_singleton(|_db: Arc<Db>| Arc::new(Repo));

    let text = build_error(&services).to_string();

    assert_eq!(
        text,
        "the service collection is invalid: no service of type `messages::Db` is registered, \
         but `messages::Repo` requires it; `messages::Db` is registered with the key \"primary\""
    );
}

#[test]
fn this_crates_types_are_named_by_their_public_path() {
    let mut services = ServiceCollection::new();
    services.add_singleton(
        |_provider: Arc<ServiceProvider>, _scope: Option<Arc<Scope>>| Arc::new(Repo),
    );
    let provider = ServiceCollection::new().build().expect("valid collection");

    let build = build_error(&services).to_string();
    let resolve = provider
        .get_keyed::<ServiceProvider>("root")
        .expect_err("not registered")
        .to_string();

    assert_eq!(
        build,
        "the service collection is invalid: no service of type `di_core::ServiceProvider` is \
         registered, but `messages::Repo` requires it"
    );
    assert_eq!(
        resolve,
        "no service of type `di_core::ServiceProvider` is registered with key \"root\""
    );
}

#[test]
fn several_problems_are_numbered_one_per_line_and_nothing_inside_is_numbered() {
    struct A;
    struct B;
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Arc<B>| Arc::new(A));
    services.add_singleton(|_a: Arc<A>| Arc::new(B));
    services.add_scoped(|_db: Arc<Db>| Arc::new(Repo));

    let text = build_error(&services).to_string();

    assert_eq!(
        text,
        "the service collection is invalid (2 problems):\n  \
         1. no service of type `messages::Db` is registered, but `messages::Repo` requires it\n  \
         2. dependency cycle: `messages::several_problems_are_numbered_one_per_line_and_nothing_inside_is_numbered::A` \
         -> `messages::several_problems_are_numbered_one_per_line_and_nothing_inside_is_numbered::B` \
         -> `messages::several_problems_are_numbered_one_per_line_and_nothing_inside_is_numbered::A`"
    );
}

struct Wrapper(#[allow(dead_code, reason = "only its registration matters")] Arc<Repo>);

#[test]
fn a_registration_with_a_display_name_is_named_by_it_in_messages_and_the_graph() {
    let mut services = ServiceCollection::new();
    services
        .add_singleton(|_db: Arc<Db>| Arc::new(Wrapper(Arc::new(Repo))))
        .display_name("app::Worker");
    let mut valid = ServiceCollection::new();
    valid
        .add_singleton(|| Arc::new(Wrapper(Arc::new(Repo))))
        .display_name("app::Worker");

    let text = build_error(&services).to_string();
    let graph = valid.build().expect("valid collection").graph().clone();

    assert_eq!(
        text,
        "the service collection is invalid: no service of type `messages::Db` is registered, \
         but `app::Worker` requires it"
    );
    assert_eq!(graph.nodes()[0].service, "app::Worker");
}

trait Clock: Send + Sync {}
struct SystemClock;
impl Clock for SystemClock {}
struct Scheduler;

#[test]
fn a_trait_object_needed_but_only_its_implementation_registered_says_to_register_the_trait_object()
{
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(SystemClock));
    services.add_singleton(|_clock: Arc<dyn Clock>| Arc::new(Scheduler));

    let text = build_error(&services).to_string();

    assert_eq!(
        text,
        "the service collection is invalid: no service of type `dyn messages::Clock` is \
         registered, but `messages::Scheduler` requires it; a registration of an implementation \
         does not provide `dyn messages::Clock`: register it as the trait object, e.g. \
         `add_singleton(|| Arc::new(MyImpl) as Arc<dyn messages::Clock>)`"
    );
}

#[test]
fn resolving_a_trait_object_whose_implementation_is_registered_as_itself_says_how_to_register_it() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(SystemClock));
    let provider = services.build().expect("valid");

    let error = provider.get::<dyn Clock>().err().expect("not registered");

    assert!(
        error
            .to_string()
            .ends_with("register it as the trait object, e.g. `add_singleton(|| Arc::new(MyImpl) as Arc<dyn messages::Clock>)`"),
        "{error}"
    );
}

#[test]
fn a_missing_concrete_type_gets_no_trait_object_hint() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_db: Arc<Db>| Arc::new(Repo));

    let text = build_error(&services).to_string();

    assert!(!text.contains("trait object"), "{text}");
}
