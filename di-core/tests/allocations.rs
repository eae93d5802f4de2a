//! The hot path allocates nothing but the instances it creates, and a scope's cost does not
//! depend on how many services are registered.
//!
//! `allocation_counter` counts the allocations of the current thread only.

use std::hint::black_box;
use std::sync::Arc;

use allocation_counter::measure;
use di_core::{ServiceCollection, ServiceProvider};

struct Config;
struct Leaf;
struct Branch {
    _config: Arc<Config>,
    _leaf: Arc<Leaf>,
}
struct Request;
struct Plugin;

fn provider(extra_scoped: usize) -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_transient(|| Arc::new(Leaf));
    services.add_transient(|config: Arc<Config>, leaf: Arc<Leaf>| {
        Arc::new(Branch {
            _config: config,
            _leaf: leaf,
        })
    });
    services.add_scoped(|| Arc::new(Request));
    for _ in 0..extra_scoped {
        services.add_keyed_scoped("filler", || Arc::new(Request));
    }
    for _ in 0..8 {
        services.add_singleton(|| Arc::new(Plugin));
    }
    services.add_keyed_singleton("primary", || Arc::new(Config));
    let provider = services.build().expect("valid graph");
    // Warm up: create the singletons and this thread's bookkeeping.
    provider.get::<Config>().expect("config");
    provider.get_all::<Plugin>().expect("plugins");
    provider.get_keyed::<Config>("primary").expect("keyed");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<Request>().expect("request");
    provider
}

#[test]
fn resolving_a_created_singleton_allocates_nothing() {
    let provider = provider(0);
    let info = measure(|| {
        black_box(provider.get::<Config>().expect("config"));
    });
    assert_eq!(info.count_total, 0);
}

#[test]
fn resolving_a_created_keyed_singleton_allocates_nothing() {
    let provider = provider(0);
    let info = measure(|| {
        black_box(provider.get_keyed::<Config>("primary").expect("keyed"));
    });
    assert_eq!(info.count_total, 0);
}

#[test]
fn resolving_a_transient_allocates_only_the_new_instances() {
    let provider = provider(0);
    let leaf = measure(|| {
        black_box(provider.get::<Leaf>().expect("leaf"));
    });
    let branch = measure(|| {
        black_box(provider.get::<Branch>().expect("branch"));
    });
    assert_eq!(leaf.count_total, 1, "the leaf");
    assert_eq!(branch.count_total, 2, "the branch and its leaf");
}

#[test]
fn resolve_all_allocates_only_the_returned_vector() {
    let provider = provider(0);
    let info = measure(|| {
        black_box(provider.get_all::<Plugin>().expect("plugins"));
    });
    assert_eq!(info.count_total, 1);
}

#[test]
fn a_scoped_service_already_created_in_the_scope_costs_no_allocation() {
    let provider = provider(0);
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<Request>().expect("first");
    let info = measure(|| {
        black_box(scope.get::<Request>().expect("again"));
    });
    assert_eq!(info.count_total, 0);
}

#[test]
fn creating_a_scope_costs_one_allocation_whatever_the_number_of_registrations() {
    for extra in [0, 1_000] {
        let provider = provider(extra);
        let info = measure(|| {
            black_box(
                provider
                    .create_scope()
                    .expect("the provider is not disposed"),
            );
        });
        assert_eq!(
            info.count_total, 1,
            "with {extra} extra scoped registrations"
        );
    }
}

#[test]
fn a_scope_with_one_scoped_service_costs_the_same_with_one_or_a_thousand_registrations() {
    let counts: Vec<u64> = [0, 1_000]
        .into_iter()
        .map(|extra| {
            let provider = provider(extra);
            measure(|| {
                let scope = provider
                    .create_scope()
                    .expect("the provider is not disposed");
                black_box(scope.get::<Request>().expect("request"));
            })
            .count_total
        })
        .collect();
    // The scope, the instance, and the type-erased handle the scope caches it in.
    assert_eq!(counts, [3, 3]);
}

#[test]
fn resolving_a_late_scoped_registration_costs_the_same_with_a_hundred_or_a_thousand_registrations()
{
    let counts: Vec<u64> = [100, 1_000]
        .into_iter()
        .map(|extra| {
            let provider = provider(extra);
            measure(|| {
                let scope = provider
                    .create_scope()
                    .expect("the provider is not disposed");
                black_box(
                    scope
                        .get_keyed::<Request>("filler")
                        .expect("the last filler"),
                );
            })
            .count_total
        })
        .collect();
    // The scope, one page of slots (and the page table), the instance and its cache handle.
    assert_eq!(counts, [5, 5]);
}

struct OwnedLeaf(u64);
struct OwnedBranch {
    _config: Arc<Config>,
    _leaf: OwnedLeaf,
}

#[test]
fn resolving_owned_transients_by_value_allocates_nothing() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config));
    services.add_owned(|| OwnedLeaf(7));
    services.add_owned(
        |config: Arc<Config>, leaf: di_core::Owned<OwnedLeaf>| OwnedBranch {
            _config: config,
            _leaf: leaf.into_inner(),
        },
    );
    let provider = services.build().expect("valid graph");
    provider.get::<Config>().expect("config");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get_owned::<OwnedBranch>().expect("warm up");

    let info = measure(|| {
        black_box(provider.get_owned::<OwnedBranch>().expect("from the root"));
        black_box(scope.get_owned::<OwnedBranch>().expect("from a scope"));
        black_box(provider.get_owned::<OwnedLeaf>().expect("a leaf").0);
    });

    assert_eq!(info.count_total, 0);
}
