//! `#[derive(Injectable)]`: every field shape is injected as documented.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{Injectable, ScopeFactory, ServiceCollection, ServiceLifetime, service_key};

struct Db(&'static str);
struct Cache;
struct Plugin(u8);

service_key!(Replica = "replica");

#[derive(Injectable)]
struct Everything {
    db: Arc<Db>,
    cache: Option<Arc<Cache>>,
    missing: Option<Arc<String>>,
    plugins: Vec<Arc<Plugin>>,
    scopes: ScopeFactory,
    #[inject(key = "primary")]
    primary: Arc<Db>,
    #[inject(key = Replica)]
    replica: Option<Arc<Db>>,
    #[inject(key = "audit")]
    audit: Vec<Arc<Db>>,
    #[inject(default)]
    calls: AtomicUsize,
}

#[derive(Injectable)]
struct Positional(Arc<Db>, #[inject(default)] u32);

#[derive(Injectable)]
struct NoDependencies;

#[derive(Injectable)]
struct Wide {
    f1: Arc<Db>,
    f2: Arc<Db>,
    f3: Arc<Db>,
    f4: Arc<Db>,
    f5: Arc<Db>,
    f6: Arc<Db>,
    f7: Arc<Db>,
    f8: Arc<Db>,
    f9: Arc<Db>,
    f10: Arc<Db>,
    f11: Arc<Db>,
    f12: Arc<Db>,
    f13: Arc<Cache>,
}

fn services() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("main")));
    services.add_singleton(|| Arc::new(Cache));
    services.add_singleton(|| Arc::new(Plugin(1)));
    services.add_singleton(|| Arc::new(Plugin(2)));
    services.add_keyed_singleton("primary", || Arc::new(Db("primary")));
    services.add_keyed_singleton("replica", || Arc::new(Db("replica")));
    services.add_keyed_singleton("audit", || Arc::new(Db("audit-1")));
    services.add_keyed_singleton("audit", || Arc::new(Db("audit-2")));
    services
}

#[test]
fn every_field_shape_is_injected_from_its_registration() {
    let mut services = services();
    services.add_injectable::<Everything>(ServiceLifetime::Transient);
    let provider = services.build().expect("valid");

    let everything = provider.get::<Everything>().expect("resolvable");

    assert_eq!(everything.db.0, "main");
    assert!(everything.cache.is_some());
    assert!(everything.missing.is_none());
    let plugins: Vec<u8> = everything.plugins.iter().map(|plugin| plugin.0).collect();
    assert_eq!(plugins, [1, 2]);
    assert!(everything.scopes.create_scope().is_ok());
    assert_eq!(everything.primary.0, "primary");
    assert_eq!(everything.replica.as_ref().map(|db| db.0), Some("replica"));
    let audit: Vec<&str> = everything.audit.iter().map(|db| db.0).collect();
    assert_eq!(audit, ["audit-1", "audit-2"]);
    assert_eq!(everything.calls.load(Ordering::Relaxed), 0);
}

#[test]
fn a_missing_keyed_dependency_of_a_derived_type_is_a_build_error_naming_the_key() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db("main")));
    services.add_injectable::<Everything>(ServiceLifetime::Singleton);

    let error = services
        .build()
        .expect_err("keyed registrations are missing");

    let message = error.to_string();
    assert!(message.contains("with key \"primary\""), "{message}");
    assert!(message.contains("Everything"), "{message}");
}

#[test]
fn tuple_structs_unit_structs_and_more_than_twelve_fields_are_supported() {
    let mut services = services();
    services.add_injectable::<Positional>(ServiceLifetime::Singleton);
    services.add_injectable::<NoDependencies>(ServiceLifetime::Singleton);
    services.add_injectable::<Wide>(ServiceLifetime::Singleton);
    let provider = services.build().expect("valid");

    let positional = provider.get::<Positional>().expect("resolvable");
    let wide = provider.get::<Wide>().expect("resolvable");

    assert_eq!((positional.0.0, positional.1), ("main", 0));
    assert!(provider.get::<NoDependencies>().is_ok());
    assert!(Arc::ptr_eq(&wide.f1, &wide.f12));
    let _ = &wide.f13;
    let _ = (&wide.f2, &wide.f3, &wide.f4, &wide.f5, &wide.f6);
    let _ = (&wide.f7, &wide.f8, &wide.f9, &wide.f10, &wide.f11);
}

#[test]
fn derived_types_plan_every_injected_field_as_a_graph_edge() {
    let mut services = services();
    services.add_injectable::<Everything>(ServiceLifetime::Singleton);
    let provider = services.build().expect("valid");
    let graph = provider.graph();

    let everything = graph
        .nodes()
        .iter()
        .position(|node| node.service.ends_with("Everything"))
        .expect("registered");
    let edges = graph
        .edges()
        .iter()
        .filter(|edge| edge.from == everything)
        .count();

    // db, cache, plugins (2), primary, replica, audit (2); `missing` is absent and the
    // scope factory and the default field are not registrations.
    assert_eq!(edges, 8);
}

#[derive(Injectable)]
struct Generic<T: Send + Sync + 'static> {
    inner: Arc<T>,
    #[inject(key = "primary")]
    keyed: Option<Arc<T>>,
}

#[test]
fn generic_structs_inject_their_type_parameters() {
    let mut services = services();
    services.add_injectable::<Generic<Db>>(ServiceLifetime::Singleton);
    let provider = services.build().expect("valid");

    let generic = provider.get::<Generic<Db>>().expect("resolvable");

    assert_eq!(generic.inner.0, "main");
    assert_eq!(generic.keyed.as_ref().map(|db| db.0), Some("primary"));
}
