use di_hosting::prelude::*;

struct Clock;

fn main() {
    let _host = Host::builder().configure_services(|services| {
        // The factory builds a `Clock`, which is not a hosted service: register it with
        // `add_singleton` instead.
        services.add_hosted_service_with(|| Arc::new(Clock));
    });
}
