use di_hosting::prelude::*;

// No `#[derive(Injectable)]`: the container does not know how to build the worker.
struct MyWorker;

#[async_trait]
impl BackgroundService for MyWorker {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }
}

fn main() {
    let _host = Host::builder().configure_services(|services| {
        services.add_hosted_service::<MyWorker>();
    });
}
