//! The release order of a scope or provider dropped without `dispose()`: newest first, across
//! cached services and the disposable transients the owner tracks.

mod common;

use common::{Log, Tracked};
use di_core::ServiceCollection;

type S1 = Tracked<'1'>;
type S2 = Tracked<'2'>;
type T = Tracked<'T'>;

fn services(log: &Log) -> ServiceCollection {
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_scoped(move || S1::new(&l));
    let l = log.clone();
    services.add_scoped(move || S2::new(&l));
    let l = log.clone();
    services.add_transient(move || T::new(&l)).disposable();
    services
}

#[test]
fn a_dropped_scope_releases_tracked_transients_interleaved_with_scoped_services_newest_first() {
    let log = Log::default();
    let scope = services(&log)
        .build()
        .expect("valid")
        .create_scope()
        .expect("the provider is not disposed");
    drop(scope.get::<T>().expect("resolves"));
    drop(scope.get::<S1>().expect("resolves"));
    drop(scope.get::<T>().expect("resolves"));
    drop(scope.get::<S2>().expect("resolves"));
    drop(scope.get::<T>().expect("resolves"));
    assert!(
        log.with_prefix("drop ").is_empty(),
        "the scope holds them all"
    );

    drop(scope);

    assert_eq!(log.with_prefix("drop "), ["T", "2", "T", "1", "T"]);
    assert!(
        log.with_prefix("dispose ").is_empty(),
        "dropping does not dispose"
    );
}

#[test]
fn a_dropped_provider_releases_root_transients_interleaved_with_singletons_newest_first() {
    let log = Log::default();
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_singleton(move || S1::new(&l));
    let l = log.clone();
    services.add_transient(move || T::new(&l)).disposable();
    let l = log.clone();
    services.add_singleton(move || S2::new(&l));
    let provider = services.build().expect("valid");
    drop(provider.get::<S2>().expect("resolves"));
    drop(provider.get::<T>().expect("resolves"));
    drop(provider.get::<S1>().expect("resolves"));

    drop(provider);

    assert_eq!(log.with_prefix("drop "), ["1", "T", "2"]);
}
