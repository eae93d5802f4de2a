//! What `{:?}` shows of the provider, its scopes and scope factories: the state a user
//! debugging a disposal or a dropped provider needs, and nothing internal.

use std::sync::Arc;

use di_core::{
    Dependency, Keyed, KeyedServices, Lazy, Owned, OwnedKeyed, Planner, ResolveError, Resolver,
    ServiceCollection, ServiceFactory, ServiceKey,
};

#[tokio::test]
async fn a_provider_shows_its_registration_count_and_whether_it_is_disposed() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(1_u8));
    services.add_scoped(|| Arc::new(2_u16));
    let provider = services.build().expect("valid collection");

    let before = format!("{provider:?}");
    provider.dispose().await;
    let after = format!("{provider:?}");

    assert_eq!(
        before,
        "ServiceProvider { registrations: 2, disposed: false }"
    );
    assert_eq!(
        after,
        "ServiceProvider { registrations: 2, disposed: true }"
    );
}

#[tokio::test]
async fn a_scope_shows_whether_it_is_disposed() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");

    let before = format!("{scope:?}");
    scope.dispose().await;
    let after = format!("{scope:?}");

    assert_eq!(before, "Scope { disposed: false, .. }");
    assert_eq!(after, "Scope { disposed: true, .. }");
}

#[test]
fn a_scope_factory_shows_whether_its_provider_is_still_alive() {
    let provider = ServiceCollection::new().build().expect("valid collection");
    let factory = provider.scope_factory();

    let alive = format!("{factory:?}");
    drop(provider);
    let dropped = format!("{factory:?}");

    assert_eq!(alive, "ScopeFactory { provider_alive: true }");
    assert_eq!(dropped, "ScopeFactory { provider_alive: false }");
}

di_core::service_key!(Primary = "primary");

/// What the deferred and keyed arguments show, captured by the factory that receives them.
struct Shown(Vec<String>);

#[test]
fn injected_arguments_show_their_service_and_state() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(1_u8));
    services.add_keyed_singleton("primary", || Arc::new(2_u16));
    services.add_keyed_owned("primary", || 3_u32);
    services.add_transient(
        |lazy: Lazy<u8>,
         factory: ServiceFactory<u8>,
         keyed: Keyed<u16, Primary>,
         all: KeyedServices<u16>,
         owned: OwnedKeyed<u32, Primary>| {
            let before = format!("{lazy:?}");
            lazy.get().expect("registered");
            Arc::new(Shown(vec![
                before,
                format!("{lazy:?}"),
                format!("{factory:?}"),
                format!("{keyed:?}"),
                format!("{all:?}"),
                format!("{owned:?}"),
            ]))
        },
    );
    let provider = services.build().expect("valid collection");

    let shown = provider.get::<Shown>()?;

    assert_eq!(
        shown.0,
        [
            "Lazy { service: \"u8\", resolved: false }".to_owned(),
            "Lazy { service: \"u8\", resolved: true }".to_owned(),
            "ServiceFactory { service: \"u8\" }".to_owned(),
            "Keyed { service: \"u16\", key: \"primary\" }".to_owned(),
            "KeyedServices { service: \"u16\", in_scope: false }".to_owned(),
            "OwnedKeyed { value: 3, key: \"primary\" }".to_owned(),
        ]
    );
    Ok(())
}

/// What a custom argument's `plan` sees, formatted there: the planner, and the states of a key
/// argument and of a keyed one.
static PLANNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

struct ShowsPlanning;

impl Dependency for ShowsPlanning {
    type State = ();

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        let shown = vec![
            format!("{planner:?}"),
            format!("{:?}", ServiceKey::plan(planner)),
            format!("{:?}", Keyed::<u16, Primary>::plan(planner)),
            format!("{:?}", Owned::<u32>::plan(planner)),
        ];
        PLANNED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(shown);
    }

    fn resolve(_state: &Self::State, _resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        Ok(Self)
    }
}

#[test]
fn planning_states_show_what_was_planned() {
    struct Report;
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("primary", || Arc::new(2_u16));
    services.add_owned(|| 3_u32);
    services.add_keyed_transient("reports", |_planned: ShowsPlanning| Arc::new(Report));
    services.build().expect("valid collection");

    let planned = PLANNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();

    let report = std::any::type_name::<Report>();
    assert_eq!(
        planned[0],
        format!("Planner {{ service: \"{report}\", .. }}")
    );
    assert_eq!(planned[1], "KeySource::Fixed(\"reports\")");
    assert_eq!(
        planned[2],
        "Some(KeyedSite { site: SiteRef<u16>(0), catch_all_key: None })"
    );
    assert_eq!(planned[3], "Some(OwnedSiteRef<u32>(1))");
}

#[test]
fn a_collection_and_a_registration_show_lifetimes_services_and_keys() {
    let mut services = ServiceCollection::new();
    let registration = format!("{:?}", services.add_singleton(|| Arc::new(1_u8)));
    services.add_keyed_scoped("k", || Arc::new(2_u16));

    assert_eq!(
        registration,
        "ServiceRegistration { service: \"u8\", lifetime: Singleton }"
    );
    assert_eq!(
        format!("{services:?}"),
        "[(Singleton, \"u8\", None), (Scoped, \"u16\", Some(\"k\"))]"
    );
}

#[test]
fn an_owned_value_shows_its_value_and_keyed_services_their_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped("k", || Arc::new(1_u16));
    services.add_scoped(|all: KeyedServices<u16>| Arc::new(all));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    assert_eq!(format!("{:?}", Owned::new(5_u32)), "Owned(5)");
    assert_eq!(
        format!("{:?}", scope.get::<KeyedServices<u16>>()?),
        "KeyedServices { service: \"u16\", in_scope: true }"
    );
    Ok(())
}
