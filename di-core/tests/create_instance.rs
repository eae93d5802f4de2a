//! Creating unregistered types from a provider's or scope's services: `create_instance` and
//! `invoke`.

use std::sync::Arc;

use di_core::{Injectable, ResolveError, ServiceCollection};

struct Db;
struct Session;

struct Handler {
    db: Arc<Db>,
    session: Arc<Session>,
}

impl Injectable for Handler {
    type Dependencies = (Arc<Db>, Arc<Session>);
    fn inject((db, session): Self::Dependencies) -> Self {
        Handler { db, session }
    }
}

fn services() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db));
    services.add_scoped(|| Arc::new(Session));
    services
}

#[test]
fn create_instance_takes_its_dependencies_from_the_scope() -> Result<(), ResolveError> {
    let scope = services().build().expect("valid").create_scope()?;

    let first: Handler = scope.create_instance()?;
    let second: Handler = scope.create_instance()?;

    assert!(Arc::ptr_eq(&first.session, &scope.get::<Session>()?));
    assert!(Arc::ptr_eq(&first.db, &second.db));
    assert!(
        !std::ptr::eq(&first, &second),
        "each call creates a new value"
    );
    Ok(())
}

#[test]
fn create_instance_from_the_root_fails_for_a_scoped_dependency() {
    let provider = services().build().expect("valid");

    let result = provider.create_instance::<Handler>();

    assert!(matches!(result, Err(ResolveError::ScopedFromRoot { .. })));
}

#[test]
fn create_instance_reports_every_missing_dependency() {
    let provider = ServiceCollection::new().build().expect("valid");

    let error = provider
        .create_instance::<Handler>()
        .err()
        .expect("nothing registered");

    let ResolveError::CannotCreate { problems, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(problems.len(), 2);
    let message = error.to_string();
    assert!(
        message.starts_with("cannot create `create_instance::Handler` (2 problems):"),
        "{message}"
    );
    assert!(message.contains("no service of type `create_instance::Db` is registered, but `create_instance::Handler` requires it"), "{message}");
}

#[test]
fn invoke_passes_explicit_arguments_captured_by_the_closure() -> Result<(), ResolveError> {
    let scope = services().build().expect("valid").create_scope()?;
    let request_id = 42;

    let (id, session) = scope.invoke(|session: Arc<Session>| (request_id, session))?;

    assert_eq!(id, 42);
    assert!(Arc::ptr_eq(&session, &scope.get::<Session>()?));
    Ok(())
}

#[tokio::test]
async fn create_instance_from_a_disposed_scope_is_an_error() {
    let provider = services().build().expect("valid");
    let scope = provider
        .create_scope()
        .expect("the provider is not disposed");
    scope.dispose().await;

    let result = scope.create_instance::<Handler>();

    assert!(matches!(result, Err(ResolveError::Disposed { .. })));
}

/// An owned transient that needs the scoped `Session` through its own owned argument.
struct Report {
    _part: ReportPart,
}

struct ReportPart {
    _session: Arc<Session>,
}

fn services_with_owned_reports() -> ServiceCollection {
    let mut services = services();
    services.add_owned(|session: Arc<Session>| ReportPart { _session: session });
    services.add_owned(|part: di_core::Owned<ReportPart>| Report {
        _part: part.into_inner(),
    });
    services
}

fn assert_scoped_from_root<T>(result: Result<T, ResolveError>, service: &str) {
    match result {
        Err(ResolveError::ScopedFromRoot {
            service: named,
            scoped,
        }) => {
            assert_eq!(named, service);
            assert_eq!(scoped, std::any::type_name::<Session>());
        }
        Err(other) => panic!("expected `ScopedFromRoot`, got {other:?}"),
        Ok(_) => panic!("expected `ScopedFromRoot`, got a value"),
    }
}

#[test]
fn invoke_from_the_root_names_the_owned_argument_that_needs_a_scope() -> Result<(), ResolveError> {
    let provider = services_with_owned_reports().build().expect("valid");

    let from_root = provider.invoke(|report: di_core::Owned<Report>| report.into_inner());
    let from_scope = provider
        .create_scope()?
        .invoke(|report: di_core::Owned<Report>| report.into_inner());

    assert_scoped_from_root(from_root, std::any::type_name::<Report>());
    assert!(from_scope.is_ok());
    Ok(())
}

#[test]
fn an_owned_transient_reaching_a_scoped_service_through_another_is_refused_at_the_root() {
    let provider = services_with_owned_reports().build().expect("valid");

    assert_scoped_from_root(
        provider.get_owned::<Report>(),
        std::any::type_name::<Report>(),
    );
}

#[test]
fn invoke_from_the_root_leaves_a_lazy_scoped_argument_to_fail_when_used() -> Result<(), ResolveError>
{
    let provider = services().build().expect("valid");

    let lazy = provider.invoke(|session: di_core::Lazy<Session>| session)?;

    assert!(matches!(
        lazy.get(),
        Err(ResolveError::ScopedFromRoot { .. })
    ));
    Ok(())
}
