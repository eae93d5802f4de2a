use di_hosting::prelude::*;

// Injectable, but neither a `BackgroundService` nor a `HostedService`.
#[derive(Injectable)]
struct MyWorker;

fn main() {
    let _host = Host::builder().configure_services(|services| {
        services.add_hosted_service::<MyWorker>();
    });
}
