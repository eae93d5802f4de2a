//! The container on its own: registration, validation, scopes and disposal.
//!
//! Run it with `cargo run -p examples --example basic`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use di_core::{AsyncDispose, ScopeFactory, ServiceCollection};

/// Settings handed to the container ready-made.
struct Config {
    greeting: &'static str,
}

/// A trait object service: consumers depend on `dyn Clock`, not on an implementation.
trait Clock: Send + Sync {
    fn now(&self) -> u64;
}

struct FixedClock(u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// A shared, expensive resource: one per provider. It needs async clean-up.
struct Database {
    name: &'static str,
}

#[async_trait::async_trait]
impl AsyncDispose for Database {
    async fn dispose(&self) {
        println!("closing the {} database", self.name);
    }
}

/// One per unit of work (a request, a job): created by a scope, disposed with it.
struct UnitOfWork {
    id: u32,
    database: Arc<Database>,
}

impl UnitOfWork {
    /// A plain constructor works as a factory: its arguments are its dependencies.
    fn new(database: Arc<Database>) -> Arc<Self> {
        static NEXT_ID: AtomicU32 = AtomicU32::new(1);
        Arc::new(Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            database,
        })
    }
}

#[async_trait::async_trait]
impl AsyncDispose for UnitOfWork {
    async fn dispose(&self) {
        println!("committing unit of work #{}", self.id);
    }
}

/// Several implementations of one service; `get_all` returns them in registration order.
struct Plugin(&'static str);

/// A singleton that opens a scope per job through an injected `ScopeFactory`.
struct Worker {
    scopes: ScopeFactory,
    clock: Arc<dyn Clock>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Registration: each factory is a closure (or fn) whose arguments are injected.
    let configure = |services: &mut ServiceCollection| {
        services.add_instance(Arc::new(Config { greeting: "hello" }));
        services.add_singleton(|| -> Arc<dyn Clock> { Arc::new(FixedClock(1_700_000_000)) });
        services
            .add_singleton(|| Arc::new(Database { name: "main" }))
            .disposable();
        // A keyed registration lives next to the unkeyed one; lookups never mix them.
        services
            .add_keyed_singleton("reports", || Arc::new(Database { name: "reports" }))
            .disposable();
        services.add_scoped(UnitOfWork::new).disposable();
        services.add_singleton(|| Arc::new(Plugin("audit")));
        services.add_singleton(|| Arc::new(Plugin("metrics")));
        services.add_singleton(|scopes: ScopeFactory, clock: Arc<dyn Clock>| {
            Arc::new(Worker { scopes, clock })
        });
    };
    let mut services = ServiceCollection::new();
    configure(&mut services);

    // `build` validates the whole graph (missing services, cycles, singletons capturing scoped
    // services) and reports every problem at once.
    let provider = services.build()?;

    let config = provider.get::<Config>()?;
    println!(
        "{}, the time is {}",
        config.greeting,
        provider.get::<dyn Clock>()?.now()
    );

    // Resolve-all: every registration, in registration order.
    let plugins: Vec<&str> = provider.get_all::<Plugin>()?.iter().map(|p| p.0).collect();
    println!("plugins: {plugins:?}");

    // Keyed resolution.
    let reports = provider.get_keyed::<Database>("reports")?;
    println!("keyed database: {}", reports.name);

    // Scopes: scoped services are shared within one scope and differ between scopes;
    // singletons always come from the root provider.
    let scope = provider.create_scope()?;
    let first = scope.get::<UnitOfWork>()?;
    let again = scope.get::<UnitOfWork>()?;
    assert!(Arc::ptr_eq(&first, &again));
    assert!(Arc::ptr_eq(&first.database, &provider.get::<Database>()?));
    println!(
        "unit of work #{} uses the {} database",
        first.id, first.database.name
    );

    // Scoped services cannot be resolved from the root.
    if let Err(error) = provider.get::<UnitOfWork>() {
        println!("as expected: {error}");
    }

    // A singleton opens its own scopes through the injected scope factory.
    let worker = provider.get::<Worker>()?;
    let job_scope = worker.scopes.create_scope()?;
    let job = job_scope.get::<UnitOfWork>()?;
    println!("worker job #{} started at {}", job.id, worker.clock.now());

    // A picture of the container, for Graphviz (`dot -Tsvg`).
    println!("{}", provider.graph().to_dot());

    // Disposal runs `AsyncDispose::dispose` in reverse creation order, exactly once.
    job_scope.dispose().await;
    scope.dispose().await;
    provider.dispose().await;
    Ok(())
}
