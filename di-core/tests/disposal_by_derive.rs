//! Disposal cannot be forgotten for derived types: `#[derive(Injectable)]` detects
//! `AsyncDispose`, and `add_injectable` registers such a type disposable.

mod common;

use std::sync::Arc;

use common::Log;
use di_core::{AsyncDispose, Injectable, ServiceCollection, ServiceLifetime};

#[derive(Injectable)]
struct Pool {
    log: Arc<Log>,
}

#[async_trait::async_trait]
impl AsyncDispose for Pool {
    async fn dispose(&self) {
        self.log.push("dispose pool");
    }
}

#[derive(Injectable)]
struct Plain {
    _log: Arc<Log>,
}

#[tokio::test]
async fn a_derived_async_dispose_type_is_disposed_without_opting_in() {
    let log = Arc::new(Log::default());
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::clone(&log));
    services.add_injectable::<Pool>(ServiceLifetime::Scoped);
    let provider = services.build().expect("valid");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.get::<Pool>().expect("resolves");

    scope.dispose().await;

    assert_eq!(log.events(), ["dispose pool"]);
}

#[test]
fn only_derived_types_that_implement_async_dispose_are_registered_disposable() {
    let mut services = ServiceCollection::new();
    services.add_injectable::<Pool>(ServiceLifetime::Singleton);
    services.add_injectable::<Plain>(ServiceLifetime::Singleton);

    let disposable: Vec<bool> = services.descriptors().map(|d| d.is_disposable()).collect();

    assert_eq!(disposable, [true, false]);
    assert!(Pool::disposer().is_some());
    assert!(Plain::disposer().is_none());
}

#[test]
fn a_closure_registration_is_disposable_only_when_marked() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|log: Arc<Log>| Arc::new(Pool { log }));
    services
        .add_singleton(|log: Arc<Log>| Arc::new(Pool { log }))
        .disposable();

    let disposable: Vec<bool> = services.descriptors().map(|d| d.is_disposable()).collect();

    assert_eq!(disposable, [false, true]);
}
