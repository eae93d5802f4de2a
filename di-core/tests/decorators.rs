//! Decorators: wrapping every registration of a service, keeping its lifetime.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{BuildProblem, ResolveError, ServiceCollection, ServiceKey};

trait Greeter: Send + Sync {
    fn greet(&self) -> String;
}

struct Named(&'static str);
impl Greeter for Named {
    fn greet(&self) -> String {
        self.0.to_owned()
    }
}

struct Wrapped(&'static str, Arc<dyn Greeter>);
impl Greeter for Wrapped {
    fn greet(&self) -> String {
        format!("{}({})", self.0, self.1.greet())
    }
}

fn named(name: &'static str) -> impl Fn() -> Arc<dyn Greeter> + Send + Sync + 'static {
    move || Arc::new(Named(name))
}

fn wrap(
    label: &'static str,
) -> impl Fn(Arc<dyn Greeter>) -> Arc<dyn Greeter> + Send + Sync + 'static {
    move |inner| Arc::new(Wrapped(label, inner))
}

#[test]
fn decorators_apply_with_the_first_registered_innermost() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(named("core"));
    services.decorate(wrap("logging"));
    services.decorate(wrap("retry"));

    let greeting = services
        .build()
        .expect("valid")
        .get::<dyn Greeter>()?
        .greet();

    assert_eq!(greeting, "retry(logging(core))");
    Ok(())
}

#[test]
fn a_decorated_singleton_is_decorated_once_and_shared() -> Result<(), ResolveError> {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let mut services = ServiceCollection::new();
    services.add_singleton(named("core"));
    services.decorate(move |inner: Arc<dyn Greeter>| -> Arc<dyn Greeter> {
        counter.fetch_add(1, Ordering::SeqCst);
        Arc::new(Wrapped("once", inner))
    });
    let provider = services.build().expect("valid");

    let (a, b) = (
        provider.get::<dyn Greeter>()?,
        provider.create_scope()?.get::<dyn Greeter>()?,
    );

    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    Ok(())
}

#[test]
fn a_decorated_transient_is_decorated_on_every_resolution() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(named("core"));
    services.decorate(wrap("d"));
    let provider = services.build().expect("valid");

    let (a, b) = (
        provider.get::<dyn Greeter>()?,
        provider.get::<dyn Greeter>()?,
    );

    assert!(!Arc::ptr_eq(&a, &b));
    assert_eq!(a.greet(), "d(core)");
    Ok(())
}

#[test]
fn a_decorated_scoped_service_is_decorated_once_per_scope() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(named("core"));
    services.decorate(wrap("d"));
    let provider = services.build().expect("valid");
    let (first, second) = (provider.create_scope()?, provider.create_scope()?);

    let a = first.get::<dyn Greeter>()?;

    assert!(Arc::ptr_eq(&a, &first.get::<dyn Greeter>()?));
    assert!(!Arc::ptr_eq(&a, &second.get::<dyn Greeter>()?));
    assert!(provider.get::<dyn Greeter>().is_err(), "still scoped");
    Ok(())
}

#[test]
fn a_decorator_wraps_every_earlier_unkeyed_registration_only() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(named("a"));
    services.add_instance::<dyn Greeter>(Arc::new(Named("b")));
    services.add_keyed_singleton("k", named("keyed"));

    let decorated = services.decorate(wrap("d"));
    services.add_singleton(named("later"));

    let provider = services.build().expect("valid");
    let all: Vec<String> = provider
        .get_all::<dyn Greeter>()?
        .iter()
        .map(|g| g.greet())
        .collect();
    assert_eq!(decorated, 2);
    assert_eq!(all, ["d(a)", "d(b)", "later"]);
    assert_eq!(
        provider
            .get_keyed::<dyn Greeter>(ServiceKey::from("k"))?
            .greet(),
        "keyed"
    );
    Ok(())
}

struct Prefix(&'static str);

#[test]
fn a_decorators_dependencies_are_resolved_and_validated_at_build() -> Result<(), ResolveError> {
    let decorator = |inner: Arc<dyn Greeter>, prefix: Arc<Prefix>| -> Arc<dyn Greeter> {
        Arc::new(Wrapped(prefix.0, inner))
    };
    let mut missing = ServiceCollection::new();
    missing.add_singleton(named("core"));
    missing.decorate(decorator);
    let mut complete = missing.clone();
    complete.add_instance(Arc::new(Prefix("pre")));

    let problems = missing
        .build()
        .expect_err("missing Prefix")
        .problems()
        .to_vec();
    let greeting = complete
        .build()
        .expect("valid")
        .get::<dyn Greeter>()?
        .greet();

    assert!(
        matches!(problems.as_slice(), [BuildProblem::MissingDependency { dependency, .. }] if dependency.ends_with("Prefix"))
    );
    assert_eq!(greeting, "pre(core)");
    Ok(())
}

#[test]
fn a_decorator_that_resolves_its_own_service_is_a_cycle() {
    let mut services = ServiceCollection::new();
    services.add_singleton(named("core"));
    services.decorate(|inner: Arc<dyn Greeter>, _again: Arc<dyn Greeter>| inner);

    let problems = services.build().expect_err("cycle").problems().to_vec();

    assert!(
        matches!(problems.as_slice(), [BuildProblem::Cycle { .. }]),
        "{problems:?}"
    );
}

#[test]
fn a_failing_decorator_fails_the_resolution_as_a_factory_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(named("core"));
    services.decorate(
        |_inner: Arc<dyn Greeter>| -> Result<Arc<dyn Greeter>, std::io::Error> {
            Err(std::io::Error::other("no"))
        },
    );

    let result = services.build().expect("valid").get::<dyn Greeter>();

    assert!(matches!(result, Err(ResolveError::Factory { .. })));
}

#[tokio::test]
async fn an_async_singleton_is_decorated_after_its_creation()
-> Result<(), Box<dyn std::error::Error>> {
    let mut services = ServiceCollection::new();
    services.add_singleton_async(|| async { Ok::<_, std::io::Error>(named("async")()) });
    services.decorate(wrap("d"));

    let provider = services.build_async().await?;

    assert_eq!(provider.get::<dyn Greeter>()?.greet(), "d(async)");
    Ok(())
}
