//! What `{:?}` of a running host shows: its options and its services, by name.

mod support;

use std::sync::Arc;

use support::{Log, Waiter, quiet_host};

#[tokio::test(start_paused = true)]
async fn a_running_host_debugs_as_its_options_and_service_names() {
    let log = Log::default();
    let running = quiet_host()
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || Arc::new(Waiter::new("w", &log)))
                .name("the-worker");
        })
        .start()
        .await
        .expect("the host starts");

    let shown = format!("{running:?}");

    assert!(shown.contains("the-worker"), "{shown}");
    assert!(shown.contains("shutdown_timeout"), "{shown}");
    running.stop().await.expect("the host stops cleanly");
}
