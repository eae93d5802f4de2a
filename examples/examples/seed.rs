//! The seed of the README ("The seed, in Rust"), as it is there: a singleton `MyService`, a
//! `MyWorker` creating a scope per unit of work, Ctrl+C to stop gracefully.
//! `cargo run -p examples --example seed` (`worker` is the same with settings, a scoped
//! service and async disposal).

use di_hosting::prelude::*;

struct MyService;

impl MyService {
    async fn do_something_task(&self) {
        tracing::info!("MyService did something");
    }
}

#[derive(Injectable)]
struct MyWorker {
    scopes: ScopeFactory,
}

#[async_trait]
impl BackgroundService for MyWorker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        while !stopping.is_cancelled() {
            let scope = self.scopes.create_scope()?; // one scope per unit of work, dropped after it
            scope.get::<MyService>()?.do_something_task().await;
            let _ = tokio::time::timeout(Duration::from_secs(1), stopping.cancelled()).await;
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), HostError> {
    let host = Host::default_builder("SEED").configure_services(|services| {
        services.add_singleton(|| Arc::new(MyService));
        services.add_hosted_service::<MyWorker>();
    });
    host.run().await // until Ctrl+C or SIGTERM; exit code 1 and every failure if it fails
}
