//! Owned transients (`add_owned`, `Owned<T>`, `get_owned`): a new value per resolution, moved
//! into its consumer; validated at build like every registration; never kept or disposed by
//! the container.

use std::any::type_name;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use di_core::{
    AsyncDispose, BuildProblem, Injectable, Owned, OwnedKeyed, ResolveError, ServiceCollection,
    ServiceLifetime, service_key,
};

/// An owned value with an identity, from a counter local to each test.
#[derive(Debug)]
struct Buffer {
    id: usize,
    bytes: Vec<u8>,
}

fn counting_buffers(services: &mut ServiceCollection) -> Arc<AtomicUsize> {
    let created = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&created);
    services.add_owned(move || Buffer {
        id: counter.fetch_add(1, Ordering::SeqCst),
        bytes: Vec::new(),
    });
    created
}

#[test]
fn each_resolution_of_an_owned_transient_is_a_fresh_value() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    let created = counting_buffers(&mut services);
    let provider = services.build().expect("valid collection");

    let first: Buffer = provider.get_owned()?;
    let second: Buffer = provider.get_owned()?;

    assert_eq!((first.id, second.id), (0, 1));
    assert_eq!(created.load(Ordering::SeqCst), 2);
    Ok(())
}

#[test]
fn mutating_an_owned_value_does_not_leak_into_later_resolutions() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    counting_buffers(&mut services);
    let provider = services.build().expect("valid collection");

    let mut mine: Buffer = provider.get_owned()?;
    mine.bytes.extend_from_slice(b"private");
    let next: Buffer = provider.get_owned()?;

    assert_eq!(mine.bytes, b"private");
    assert!(next.bytes.is_empty());
    Ok(())
}

struct SingletonUser(Buffer);
struct ScopedUser(Buffer);
struct TransientUser(Buffer);
struct OwnedUser(Buffer);

#[test]
fn consumers_of_every_lifetime_each_receive_their_own_value() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    let created = counting_buffers(&mut services);
    services.add_singleton(|b: Owned<Buffer>| Arc::new(SingletonUser(b.into_inner())));
    services.add_scoped(|b: Owned<Buffer>| Arc::new(ScopedUser(b.into_inner())));
    services.add_transient(|b: Owned<Buffer>| Arc::new(TransientUser(b.into_inner())));
    services.add_owned(|b: Owned<Buffer>| OwnedUser(b.into_inner()));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let ids = [
        scope.get::<SingletonUser>()?.0.id,
        scope.get::<SingletonUser>()?.0.id,
        scope.get::<ScopedUser>()?.0.id,
        scope.get::<ScopedUser>()?.0.id,
        scope.get::<TransientUser>()?.0.id,
        scope.get_owned::<OwnedUser>()?.0.id,
    ];

    assert_eq!(
        ids,
        [0, 0, 1, 1, 2, 3],
        "cached consumers keep the value they received"
    );
    assert_eq!(created.load(Ordering::SeqCst), 4);
    Ok(())
}

#[test]
fn the_owner_can_mutate_an_injected_value_without_interior_mutability() -> Result<(), ResolveError>
{
    let mut services = ServiceCollection::new();
    counting_buffers(&mut services);
    services.add_owned(|mut buffer: Owned<Buffer>| {
        buffer.bytes.push(42);
        OwnedUser(buffer.into_inner())
    });
    let provider = services.build().expect("valid collection");

    let user: OwnedUser = provider.get_owned()?;

    assert_eq!(user.0.bytes, [42]);
    Ok(())
}

#[test]
fn a_value_that_is_not_sync_can_be_an_owned_transient() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_owned(|| Cell::new(1_u32));
    let provider = services.build().expect("valid collection");

    let cell: Cell<u32> = provider.get_owned()?;
    cell.set(cell.get() + 1);

    assert_eq!(cell.get(), 2);
    Ok(())
}

trait Shape: Send {
    fn grow(&mut self) -> u32;
}
struct Square(u32);
impl Shape for Square {
    fn grow(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

#[test]
fn a_boxed_trait_object_is_resolved_by_value() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_owned(|| -> Box<dyn Shape> { Box::new(Square(1)) });
    let provider = services.build().expect("valid collection");

    let mut shape = provider.get_owned::<Box<dyn Shape>>()?;

    assert_eq!((shape.grow(), shape.grow()), (2, 3));
    assert_eq!(provider.get_owned::<Box<dyn Shape>>()?.grow(), 2);
    Ok(())
}

struct RequestId(u32);
struct Handler {
    request: Arc<RequestId>,
}

#[test]
fn an_owned_transient_needing_a_scoped_service_is_refused_at_the_root() -> Result<(), ResolveError>
{
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(RequestId(9)));
    services.add_owned(|request: Arc<RequestId>| Handler { request });
    let provider = services.build().expect("valid collection");

    let from_root = provider.get_owned::<Handler>();
    let from_scope = provider.create_scope()?.get_owned::<Handler>()?;

    assert!(
        matches!(from_root, Err(ResolveError::ScopedFromRoot { service, scoped })
            if service == type_name::<Handler>() && scoped == type_name::<RequestId>()),
        "{:?}",
        from_root.err()
    );
    assert_eq!(from_scope.request.0, 9);
    Ok(())
}

#[allow(dead_code, reason = "only built: the build fails before")]
struct Worker(Handler);

#[test]
fn a_singleton_receiving_an_owned_value_that_needs_a_scoped_service_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(RequestId(9)));
    services.add_owned(|request: Arc<RequestId>| Handler { request });
    services.add_singleton(|handler: Owned<Handler>| Arc::new(Worker(handler.into_inner())));

    let error = services.build().expect_err("captive dependency");

    assert_eq!(
        error.problems(),
        [BuildProblem::CaptiveDependency {
            singleton: type_name::<Worker>(),
            scoped: type_name::<RequestId>(),
            path: vec![
                type_name::<Worker>(),
                type_name::<Handler>(),
                type_name::<RequestId>()
            ],
        }]
    );
}

#[test]
fn a_missing_owned_registration_is_a_build_error_naming_owned_and_its_consumer() {
    let mut services = ServiceCollection::new();
    // A shared registration of `Buffer` does not satisfy `Owned<Buffer>`.
    services.add_transient(|| {
        Arc::new(Buffer {
            id: 0,
            bytes: Vec::new(),
        })
    });
    services.add_singleton(|b: Owned<Buffer>| Arc::new(SingletonUser(b.into_inner())));

    let error = services.build().expect_err("missing owned registration");

    assert_eq!(error.problems().len(), 1);
    let message = error.problems()[0].to_string();
    let owned = format!("Owned<{}>`", type_name::<Buffer>());
    assert!(
        message.starts_with("no service of type `") && message.contains(&owned),
        "{message}"
    );
    assert!(message.contains(type_name::<SingletonUser>()), "{message}");
}

#[allow(dead_code, reason = "only built: the build fails before")]
struct Ping(Box<Pong>);
#[allow(dead_code, reason = "only built: the build fails before")]
struct Pong(Box<Ping>);

#[test]
fn a_cycle_through_owned_transients_is_a_build_error_with_its_path() {
    let mut services = ServiceCollection::new();
    services.add_owned(|pong: Owned<Pong>| Ping(Box::new(pong.into_inner())));
    services.add_owned(|ping: Owned<Ping>| Pong(Box::new(ping.into_inner())));

    let error = services.build().expect_err("cycle");

    assert!(
        error.problems().iter().any(|problem| matches!(problem,
            BuildProblem::Cycle { path } if path.len() == 3 && path[0] == path[2])),
        "{error}"
    );
}

#[test]
fn owned_and_shared_registrations_of_one_type_are_separate() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_transient(|| {
        Arc::new(Buffer {
            id: 100,
            bytes: Vec::new(),
        })
    });
    counting_buffers(&mut services);
    let provider = services.build().expect("valid collection");

    assert_eq!(provider.get::<Buffer>()?.id, 100);
    assert_eq!(provider.get_owned::<Buffer>()?.id, 0);
    Ok(())
}

#[test]
fn resolving_an_unregistered_owned_type_names_owned() {
    let provider = ServiceCollection::new().build().expect("empty collection");

    let error = provider.get_owned::<Buffer>().expect_err("not registered");

    let owned = format!("Owned<{}>`", type_name::<Buffer>());
    assert!(error.to_string().contains(&owned), "{error}");
}

#[test]
fn try_get_owned_is_none_without_a_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_owned(|| 5_u8);
    let provider = services.build().expect("valid collection");

    assert_eq!(provider.try_get_owned::<u16>()?, None);
    assert_eq!(provider.try_get_owned::<u8>()?, Some(5));
    Ok(())
}

#[test]
fn an_optional_owned_argument_is_none_without_a_registration() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_owned(
        |missing: Option<Owned<Buffer>>, present: Option<Owned<u8>>| {
            (missing.is_some(), present.map(Owned::into_inner))
        },
    );
    services.add_owned(|| 3_u8);
    let provider = services.build().expect("valid collection");

    assert_eq!(
        provider.get_owned::<(bool, Option<u8>)>()?,
        (false, Some(3))
    );
    Ok(())
}

#[test]
fn a_failing_owned_factory_fails_the_resolution_with_its_error() {
    let mut services = ServiceCollection::new();
    services.add_owned_fallible(|| "not a number".parse::<u32>());
    let provider = services.build().expect("valid collection");

    let error = provider.get_owned::<u32>().expect_err("factory fails");

    let ResolveError::Factory { service, source } = error else {
        panic!("expected a factory error, got {error:?}");
    };
    assert_eq!(service, type_name::<u32>());
    assert!(source.to_string().contains("invalid digit"), "{source}");
}

service_key!(Pdf = "pdf");

#[test]
fn keyed_owned_transients_are_found_by_key_and_never_fall_back() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_owned("pdf", || String::from("pdf"));
    services.add_keyed_owned_fallible("csv", || Ok::<_, std::io::Error>(String::from("csv")));
    services.add_owned(|| String::from("unkeyed"));
    let provider = services.build().expect("valid collection");

    assert_eq!(provider.get_owned_keyed::<String>("pdf")?, "pdf");
    assert_eq!(provider.get_owned_keyed::<String>("csv")?, "csv");
    assert_eq!(provider.get_owned::<String>()?, "unkeyed");
    let missing = provider.get_owned_keyed::<String>("xml");
    assert!(
        matches!(missing, Err(ResolveError::KeyedNotRegistered { .. })),
        "{missing:?}"
    );
    Ok(())
}

#[test]
fn an_owned_keyed_argument_receives_the_value_under_its_key() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_keyed_owned("pdf", || String::from("pdf"));
    services.add_keyed_owned("csv", || String::from("csv"));
    services.add_owned(|mut format: OwnedKeyed<String, Pdf>| {
        format.push('!');
        Export(format.into_inner())
    });
    let provider = services.build().expect("valid collection");

    assert_eq!(provider.get_owned::<Export>()?.0, "pdf!");
    Ok(())
}

struct Export(String);

#[test]
fn a_missing_owned_keyed_argument_is_a_build_error_with_its_key() {
    let mut services = ServiceCollection::new();
    services.add_keyed_owned("csv", || String::from("csv"));
    services.add_owned(|format: OwnedKeyed<String, Pdf>| Export(format.into_inner()));

    let error = services.build().expect_err("missing key");

    let message = error.to_string();
    assert!(message.contains("\"pdf\""), "{message}");
    assert!(
        message.contains("\"csv\""),
        "names what is registered: {message}"
    );
}

struct Tracked(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl AsyncDispose for Tracked {
    async fn dispose(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn the_container_never_disposes_an_owned_value() -> Result<(), ResolveError> {
    let disposed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&disposed);
    let mut services = ServiceCollection::new();
    services.add_owned(move || Tracked(Arc::clone(&counter)));
    let provider = services.build().expect("valid collection");
    let scope = provider.create_scope()?;

    let owned: Tracked = scope.get_owned()?;
    scope.dispose().await;
    provider.dispose().await;

    assert_eq!(disposed.load(Ordering::SeqCst), 0, "the owner disposes it");
    owned.dispose().await;
    assert_eq!(disposed.load(Ordering::SeqCst), 1);
    Ok(())
}

#[tokio::test]
async fn resolving_an_owned_value_from_a_disposed_scope_fails() {
    let mut services = ServiceCollection::new();
    counting_buffers(&mut services);
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    scope.dispose().await;

    let result = scope.get_owned::<Buffer>();

    assert!(
        matches!(result, Err(ResolveError::Disposed { owner: "scope", .. })),
        "{result:?}"
    );
}

struct Db;

#[derive(Injectable)]
struct Report {
    db: Arc<Db>,
    #[inject(owned)]
    buffer: Buffer,
    wrapped: Owned<Buffer>,
    #[inject(owned, key = "pdf")]
    format: String,
}

#[test]
fn the_derive_injects_owned_fields_by_value() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db));
    counting_buffers(&mut services);
    services.add_keyed_owned("pdf", || String::from("pdf"));
    services.add_owned_injectable::<Report>();
    services.add_injectable::<Report>(ServiceLifetime::Transient);
    let provider = services.build().expect("valid collection");

    let owned: Report = provider.get_owned()?;
    let shared = provider.get::<Report>()?;

    assert_eq!((owned.buffer.id, owned.wrapped.id), (0, 1));
    assert_eq!((shared.buffer.id, shared.wrapped.id), (2, 3));
    assert_eq!(owned.format, "pdf");
    assert!(Arc::ptr_eq(&owned.db, &shared.db));
    Ok(())
}

#[test]
fn invoke_takes_owned_arguments_and_refuses_scoped_ones_at_the_root() -> Result<(), ResolveError> {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(RequestId(4)));
    services.add_owned(|request: Arc<RequestId>| Handler { request });
    counting_buffers(&mut services);
    let provider = services.build().expect("valid collection");

    let id = provider.invoke(|buffer: Owned<Buffer>| buffer.id)?;
    let from_root = provider.invoke(|handler: Owned<Handler>| handler.request.0);
    let from_scope = provider
        .create_scope()?
        .invoke(|handler: Owned<Handler>| handler.request.0)?;

    assert_eq!(id, 0);
    assert!(
        matches!(from_root, Err(ResolveError::ScopedFromRoot { .. })),
        "{from_root:?}"
    );
    assert_eq!(from_scope, 4);
    Ok(())
}

#[test]
fn resolving_an_owned_only_type_as_shared_points_to_get_owned() {
    let mut services = ServiceCollection::new();
    counting_buffers(&mut services);
    let provider = services.build().expect("valid collection");

    let error = provider.get::<Buffer>().expect_err("only owned");

    let ResolveError::NotRegistered { registered, .. } = &error else {
        panic!("expected not registered, got {error:?}");
    };
    assert!(registered.is_empty(), "no shared registration of `Buffer`");
    let buffer = type_name::<Buffer>();
    assert_eq!(
        error.to_string(),
        format!(
            "no service of type `{buffer}` is registered; `{buffer}` is registered as an owned transient (`add_owned`): resolve it with `get_owned::<{buffer}>()` or inject `Owned<{buffer}>`"
        )
    );
}

#[test]
fn resolving_a_shared_only_type_as_owned_points_to_get() {
    let mut services = ServiceCollection::new();
    services.add_keyed_transient("big", || {
        Arc::new(Buffer {
            id: 0,
            bytes: Vec::new(),
        })
    });
    let provider = services.build().expect("valid collection");

    let error = provider.get_owned::<Buffer>().expect_err("only shared");

    let buffer = type_name::<Buffer>();
    assert_eq!(
        error.to_string(),
        format!(
            "no service of type `di_core::Owned<{buffer}>` is registered; `{buffer}` is registered as a shared service: resolve it with `get::<{buffer}>()` or inject `Arc<{buffer}>`"
        )
    );
}

#[test]
fn a_factory_taking_an_arc_of_an_owned_only_type_fails_the_build_pointing_to_owned() {
    struct Reader;
    let mut services = ServiceCollection::new();
    counting_buffers(&mut services);
    services.add_transient(|_buffer: Arc<Buffer>| Arc::new(Reader));

    let error = services
        .build()
        .expect_err("`Arc<Buffer>` is not registered");

    let message = error.to_string();
    let buffer = type_name::<Buffer>();
    assert!(
        message.contains(&format!("`{buffer}` is registered as an owned transient (`add_owned`): resolve it with `get_owned::<{buffer}>()` or inject `Owned<{buffer}>`")),
        "{message}"
    );
}

#[test]
fn a_factory_taking_an_owned_shared_only_type_fails_the_build_pointing_to_arc() {
    struct Reader;
    let mut services = ServiceCollection::new();
    services.add_singleton(|| {
        Arc::new(Buffer {
            id: 0,
            bytes: Vec::new(),
        })
    });
    services.add_transient(|_buffer: Owned<Buffer>| Arc::new(Reader));

    let error = services
        .build()
        .expect_err("`Owned<Buffer>` is not registered");

    let message = error.to_string();
    let buffer = type_name::<Buffer>();
    assert!(
        message.contains(&format!("`{buffer}` is registered as a shared service: resolve it with `get::<{buffer}>()` or inject `Arc<{buffer}>`")),
        "{message}"
    );
}

#[test]
fn an_optional_owned_keyed_argument_is_the_value_under_its_key_or_none() -> Result<(), ResolveError>
{
    service_key!(Xml = "xml");
    struct Formats(Option<String>, Option<String>);
    let mut services = ServiceCollection::new();
    services.add_keyed_owned("pdf", || String::from("pdf"));
    services.add_owned(
        |pdf: Option<OwnedKeyed<String, Pdf>>, xml: Option<OwnedKeyed<String, Xml>>| {
            Formats(
                pdf.map(OwnedKeyed::into_inner),
                xml.map(OwnedKeyed::into_inner),
            )
        },
    );
    let provider = services
        .build()
        .expect("an optional argument may be missing");

    let formats = provider.get_owned::<Formats>()?;

    assert_eq!(formats.0.as_deref(), Some("pdf"));
    assert_eq!(formats.1, None);
    Ok(())
}
