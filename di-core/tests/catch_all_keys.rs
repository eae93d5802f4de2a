//! Catch-all keyed registrations (`ServiceKey::any()`) and the requested key as a factory
//! argument.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use common::{Log, with_watchdog};
use di_core::{
    AsyncDispose, Keyed, ResolveError, ServiceCollection, ServiceKey, ServiceProvider, service_key,
};

#[derive(Debug)]
struct Db {
    name: String,
}

fn db(key: ServiceKey) -> Arc<Db> {
    Arc::new(Db {
        name: key.to_string(),
    })
}

fn catch_all_singleton() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), db);
    services.build().expect("valid")
}

#[test]
fn a_singleton_catch_all_creates_one_instance_per_distinct_key() -> Result<(), ResolveError> {
    let provider = catch_all_singleton();

    let reports = provider.get_keyed::<Db>("reports")?;
    let billing = provider.get_keyed::<Db>(String::from("billing"))?;
    let reports_again = provider.create_scope()?.get_keyed::<Db>("reports")?;

    assert_eq!(
        (reports.name.as_str(), billing.name.as_str()),
        ("reports", "billing")
    );
    assert!(Arc::ptr_eq(&reports, &reports_again));
    assert!(!Arc::ptr_eq(&reports, &billing));
    Ok(())
}

#[test]
fn an_exact_key_wins_over_the_catch_all() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), db);
    services.add_keyed_singleton("main", || {
        Arc::new(Db {
            name: "primary".into(),
        })
    });
    let provider = services.build().expect("valid");

    assert_eq!(provider.get_keyed::<Db>("main")?.name, "primary");
    assert_eq!(provider.get_keyed::<Db>("other")?.name, "other");
    Ok(())
}

#[test]
fn a_catch_all_is_never_served_for_unkeyed_lookups_nor_for_the_catch_all_key() {
    let provider = catch_all_singleton();

    assert!(matches!(
        provider.get::<Db>(),
        Err(ResolveError::NotRegistered { .. })
    ));
    assert!(!provider.is_service::<Db>());
    assert!(provider.get_all::<Db>().expect("resolves").is_empty());
    let any = provider.get_keyed::<Db>(ServiceKey::any());
    assert!(
        matches!(any, Err(ResolveError::KeyedNotRegistered { .. })),
        "{any:?}"
    );
    assert!(provider.is_keyed_service::<Db>("anything"));
}

#[test]
fn a_scoped_catch_all_creates_one_instance_per_key_per_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped(ServiceKey::any(), db);
    let provider = services.build().expect("valid");
    let (first, second) = (provider.create_scope()?, provider.create_scope()?);

    let a = first.get_keyed::<Db>("a")?;

    assert!(Arc::ptr_eq(&a, &first.get_keyed::<Db>("a")?));
    assert!(!Arc::ptr_eq(&a, &first.get_keyed::<Db>("b")?));
    assert!(!Arc::ptr_eq(&a, &second.get_keyed::<Db>("a")?));
    let from_root = provider.get_keyed::<Db>("a");
    assert!(
        matches!(from_root, Err(ResolveError::ScopedFromRoot { .. })),
        "{from_root:?}"
    );
    Ok(())
}

#[test]
fn a_transient_catch_all_creates_an_instance_on_every_resolution() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_transient(ServiceKey::any(), db);
    let provider = services.build().expect("valid");

    let (one, two) = (
        provider.get_keyed::<Db>("x")?,
        provider.get_keyed::<Db>("x")?,
    );

    assert!(!Arc::ptr_eq(&one, &two));
    assert_eq!(one.name, "x");
    Ok(())
}

#[test]
fn resolve_all_by_key_lists_the_catch_all_after_the_exact_registrations() -> Result<(), ResolveError>
{
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), db);
    services.add_keyed_singleton("k", || {
        Arc::new(Db {
            name: "first".into(),
        })
    });
    services.add_keyed_singleton("k", || {
        Arc::new(Db {
            name: "second".into(),
        })
    });
    let provider = services.build().expect("valid");

    let all = provider.get_all_keyed::<Db>("k")?;
    let other = provider.get_all_keyed::<Db>("other")?;

    let names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["first", "second", "k"]);
    assert_eq!(other.len(), 1);
    Ok(())
}

service_key!(Reports = "reports");
service_key!(Audit = "audit");

struct ReportService {
    db: Arc<Db>,
}

#[test]
fn a_keyed_argument_is_served_by_the_catch_all_with_its_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), db);
    services.add_transient(|db: Keyed<Db, Reports>| {
        Arc::new(ReportService {
            db: db.into_inner(),
        })
    });
    services.add_transient(|all: Vec<Keyed<Db, Audit>>| Arc::new(all.len()));
    let provider = services.build().expect("valid");

    let service = provider.get::<ReportService>()?;

    assert_eq!(service.db.name, "reports");
    assert!(Arc::ptr_eq(
        &service.db,
        &provider.get_keyed::<Db>("reports")?
    ));
    assert_eq!(*provider.get::<usize>()?, 1);
    Ok(())
}

#[test]
fn an_exact_keyed_registration_receives_its_own_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("billing", db);
    let provider = services.build().expect("valid");

    assert_eq!(provider.get_keyed::<Db>("billing")?.name, "billing");
    Ok(())
}

#[test]
fn an_unkeyed_registration_taking_the_key_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(db);

    let error = services.build().expect_err("no key to give").to_string();

    assert!(
        error.contains("the factory of `catch_all_keys::Db` takes a `ServiceKey` argument but is registered without a key"),
        "{error}"
    );
}

#[test]
fn a_missing_keyed_argument_is_still_a_build_error_without_a_catch_all() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("other", db);
    services.add_transient(|db: Keyed<Db, Reports>| {
        Arc::new(ReportService {
            db: db.into_inner(),
        })
    });

    assert_eq!(services.build().expect_err("missing").problems().len(), 1);
}

struct Conn {
    name: String,
    log: Log,
}

#[async_trait::async_trait]
impl AsyncDispose for Conn {
    async fn dispose(&self) {
        self.log.push(format!("dispose {}", self.name));
    }
}

#[tokio::test]
async fn disposable_catch_all_instances_are_disposed_in_reverse_creation_order() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let factory_log = log.clone();
    services
        .add_keyed_singleton(ServiceKey::any(), move |key: ServiceKey| {
            Arc::new(Conn {
                name: key.to_string(),
                log: factory_log.clone(),
            })
        })
        .disposable();
    let provider = services.build().expect("valid");
    provider.get_keyed::<Conn>("a").expect("a");
    provider.get_keyed::<Conn>("b").expect("b");
    provider.get_keyed::<Conn>("a").expect("a again");

    provider.dispose().await;

    assert_eq!(log.events(), ["dispose b", "dispose a"]);
    assert!(matches!(
        provider.get_keyed::<Conn>("c"),
        Err(ResolveError::Disposed { .. })
    ));
}

const KEYS: [&str; 4] = ["a", "b", "c", "d"];

/// `threads` threads, released together by a barrier in each of `trials` trials (a fresh
/// provider each), resolve one of four keys; every key's factory must run once per trial and
/// every thread must get that one instance.
fn catch_all_race(threads: usize, trials: usize) {
    let runs: Vec<Arc<Mutex<HashMap<String, usize>>>> =
        (0..trials).map(|_| Arc::default()).collect();
    let providers: Vec<ServiceProvider> = runs
        .iter()
        .map(|runs| {
            let runs = Arc::clone(runs);
            let mut services = ServiceCollection::new();
            services.add_keyed_singleton(ServiceKey::any(), move |key: ServiceKey| {
                *runs
                    .lock()
                    .expect("runs")
                    .entry(key.to_string())
                    .or_default() += 1;
                thread::yield_now();
                db(key)
            });
            services.build().expect("valid")
        })
        .collect();
    let barrier = Barrier::new(threads);
    let seen: Vec<Vec<usize>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (barrier, providers) = (&barrier, &providers);
                s.spawn(move || {
                    providers
                        .iter()
                        .map(|provider| {
                            barrier.wait();
                            let db = provider.get_keyed::<Db>(KEYS[i % 4]).expect("resolves");
                            Arc::as_ptr(&db) as usize
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for trial in 0..trials {
        let counts = runs[trial].lock().expect("runs").clone();
        assert_eq!(counts.len(), 4, "trial {trial}: {counts:?}");
        assert!(
            counts.values().all(|&n| n == 1),
            "trial {trial}: {counts:?}"
        );
        for i in 0..threads {
            assert_eq!(
                seen[i][trial],
                seen[i % 4][trial],
                "trial {trial}, thread {i}"
            );
        }
    }
}

/// 64 threads x 1,000 trials take under a second, also in a debug build.
#[test]
fn concurrent_first_resolutions_of_a_catch_all_create_one_instance_per_key() {
    with_watchdog(Duration::from_secs(120), || catch_all_race(64, 1_000));
}

#[test]
fn a_catch_all_counts_its_runs_per_key() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let mut services = ServiceCollection::new();
    services.add_keyed_scoped(ServiceKey::any(), move |key: ServiceKey| {
        counter.fetch_add(1, Ordering::SeqCst);
        db(key)
    });
    let scope = services
        .build()
        .expect("valid")
        .create_scope()
        .expect("the provider is not disposed");

    for key in ["a", "b", "a", "b", "c"] {
        scope.get_keyed::<Db>(key).expect("resolves");
    }

    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

/// A replica named after its primary, which it receives from another catch-all.
#[derive(Debug)]
struct Replica {
    name: String,
    primary: Arc<Db>,
}

#[test]
fn a_catch_all_factory_still_sees_its_own_key_after_creating_another_catch_alls_instance()
-> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), db);
    // The `Db` argument is created first (with the key "reports"), then the replica's own key
    // is read: it must be the replica's, not the one of the creation nested before it.
    services.add_keyed_singleton(
        ServiceKey::any(),
        |primary: Keyed<Db, Reports>, key: ServiceKey| {
            Arc::new(Replica {
                name: key.to_string(),
                primary: primary.into_inner(),
            })
        },
    );
    let provider = services.build().expect("valid");

    let replica = provider.get_keyed::<Replica>("eu")?;

    assert_eq!(replica.name, "eu");
    assert_eq!(replica.primary.name, "reports");
    Ok(())
}
