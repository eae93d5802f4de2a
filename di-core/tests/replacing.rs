//! Replacing registrations, de-duplicated additions and the read-only view of a collection.

use std::sync::Arc;

use di_core::{ServiceCollection, ServiceKey, ServiceLifetime};

trait Sender: Send + Sync {
    fn name(&self) -> &'static str;
}

struct Smtp;
impl Sender for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }
}

struct Fake;
impl Sender for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }
}

fn smtp() -> Arc<dyn Sender> {
    Arc::new(Smtp)
}

fn fake() -> Arc<dyn Sender> {
    Arc::new(Fake)
}

fn names(services: &ServiceCollection) -> Vec<&'static str> {
    let provider = services.build().expect("valid");
    let all = provider.get_all::<dyn Sender>().expect("resolves");
    all.iter().map(|s| s.name()).collect()
}

#[test]
fn replace_removes_the_last_registration_and_adds_the_new_one_at_the_end() {
    let mut services = ServiceCollection::new();
    services.add_singleton(fake);
    services.add_singleton(smtp);

    services.replace(ServiceLifetime::Transient, fake);

    assert_eq!(names(&services), ["fake", "fake"]);
    let last = services.descriptors().last().expect("two registrations");
    assert_eq!(last.lifetime(), ServiceLifetime::Transient);
    assert_eq!(services.len(), 2);
}

#[test]
fn replace_of_an_unregistered_type_adds_it() {
    let mut services = ServiceCollection::new();

    services.replace(ServiceLifetime::Singleton, smtp);

    assert_eq!(names(&services), ["smtp"]);
}

#[test]
fn replace_leaves_keyed_registrations_of_the_type_alone() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("backup", smtp);
    services.add_singleton(smtp);

    services.replace(ServiceLifetime::Singleton, fake);

    let provider = services.build().expect("valid");
    assert_eq!(
        provider.get::<dyn Sender>().expect("unkeyed").name(),
        "fake"
    );
    let backup = provider.get_keyed::<dyn Sender>("backup").expect("keyed");
    assert_eq!(backup.name(), "smtp");
}

#[test]
fn replace_instance_swaps_the_last_instance() {
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::new(1_u32));
    services.add_instance(Arc::new(2_u32));

    services.replace_instance(Arc::new(3_u32));

    let provider = services.build().expect("valid");
    let all: Vec<u32> = provider
        .get_all::<u32>()
        .expect("resolves")
        .iter()
        .map(|v| **v)
        .collect();
    assert_eq!(all, [1, 3]);
}

#[test]
fn try_add_all_adds_each_implementation_once_in_registration_order() {
    let mut services = ServiceCollection::new();

    let first = services
        .try_add_all(ServiceLifetime::Singleton, smtp)
        .is_some();
    let second = services
        .try_add_all(ServiceLifetime::Singleton, fake)
        .is_some();
    let again = services
        .try_add_all(ServiceLifetime::Transient, smtp)
        .is_some();

    assert_eq!((first, second, again), (true, true, false));
    assert_eq!(names(&services), ["smtp", "fake"]);
}

#[test]
fn try_add_all_treats_one_closure_expression_as_one_implementation() {
    fn add_library(services: &mut ServiceCollection) {
        services.try_add_all(ServiceLifetime::Singleton, || -> Arc<dyn Sender> {
            Arc::new(Smtp)
        });
    }
    let mut services = ServiceCollection::new();

    add_library(&mut services);
    add_library(&mut services);
    services.try_add_all(ServiceLifetime::Singleton, || -> Arc<dyn Sender> {
        Arc::new(Smtp)
    });

    assert_eq!(
        names(&services),
        ["smtp", "smtp"],
        "the other closure is another implementation"
    );
}

#[test]
fn try_add_all_ignores_keyed_registrations_of_the_same_implementation() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("k", smtp);

    let added = services
        .try_add_all(ServiceLifetime::Singleton, smtp)
        .is_some();

    assert!(added);
}

#[test]
fn try_add_keyed_adds_only_under_a_key_not_taken_yet() {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton("mail", smtp);
    services.add_singleton(smtp);

    let taken = services.try_add_keyed_singleton("mail", fake).is_some();
    let scoped = services.try_add_keyed_scoped("test", fake).is_some();
    let transient = services.try_add_keyed_transient("test", smtp).is_some();
    let instance = services.try_add_keyed_instance::<dyn Sender>("other", Arc::new(Fake));

    assert_eq!(
        (taken, scoped, transient, instance),
        (false, true, false, true)
    );
    let provider = services.build().expect("valid");
    assert_eq!(
        provider
            .get_keyed::<dyn Sender>("mail")
            .expect("mail")
            .name(),
        "smtp"
    );
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    assert_eq!(
        scope.get_keyed::<dyn Sender>("test").expect("test").name(),
        "fake"
    );
}

#[test]
fn each_try_add_keyed_form_adds_under_a_free_key_and_refuses_a_taken_one() {
    let mut services = ServiceCollection::new();

    let first = (
        services.try_add_keyed_singleton("a", smtp).is_some(),
        services.try_add_keyed_transient("b", smtp).is_some(),
        services.try_add_keyed_instance::<dyn Sender>("c", Arc::new(Fake)),
    );
    let again = (
        services.try_add_keyed_singleton("a", fake).is_some(),
        services.try_add_keyed_transient("b", fake).is_some(),
        services.try_add_keyed_instance::<dyn Sender>("c", Arc::new(Fake)),
    );

    assert_eq!(first, (true, true, true));
    assert_eq!(again, (false, false, false));
    assert_eq!(services.len(), 3);
}

#[test]
fn descriptors_show_every_registration_in_order_with_key_and_lifetime() {
    let mut services = ServiceCollection::new();
    services.add_singleton(smtp);
    services.add_keyed_scoped("test", fake);
    services.add_instance(Arc::new(5_u8));

    let seen: Vec<_> = services
        .descriptors()
        .map(|d| {
            (
                d.service_name(),
                d.key().cloned(),
                d.lifetime(),
                d.is_instance(),
            )
        })
        .collect();

    assert_eq!(
        seen,
        [
            (
                "dyn replacing::Sender",
                None,
                ServiceLifetime::Singleton,
                false
            ),
            (
                "dyn replacing::Sender",
                Some(ServiceKey::from("test")),
                ServiceLifetime::Scoped,
                false
            ),
            ("u8", None, ServiceLifetime::Singleton, true),
        ]
    );
    assert!(
        services
            .descriptors()
            .next()
            .is_some_and(|d| d.implementation_name().ends_with("::smtp"))
    );
    assert_eq!(
        services
            .descriptors()
            .nth(1)
            .map(|d| format!("{d:?}"))
            .unwrap_or_default(),
        "ServiceDescriptor { service: \"dyn replacing::Sender\", key: Some(\"test\"), \
         lifetime: Scoped, implementation: \"replacing::fake\" }"
    );
}
