//! Behaviour of the one registration for both kinds of hosted service: `add_hosted_service`
//! and `add_hosted_service_with` take a `BackgroundService` and a `HostedService` alike, and the
//! host runs each as the kind it is.

mod support;

use std::sync::Arc;

use async_trait::async_trait;
use di_core::{BoxError, Injectable};
use di_hosting::{BackgroundService, HostedService};
use support::{Log, quiet_host};
use tokio_util::sync::CancellationToken;

/// A full-lifecycle service, built from its dependencies.
#[derive(Injectable)]
struct Lifecycle {
    log: Arc<Log>,
}

#[async_trait]
impl HostedService for Lifecycle {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("lifecycle.start");
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.log.push("lifecycle.stop");
        Ok(())
    }
}

/// A background service, built from its dependencies.
#[derive(Injectable)]
struct Worker {
    log: Arc<Log>,
}

#[async_trait]
impl BackgroundService for Worker {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        self.log.push("worker.execute");
        stopping.cancelled().await;
        self.log.push("worker.cancelled");
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn add_hosted_service_takes_both_kinds_and_runs_each_as_what_it_is() {
    let log = Arc::new(Log::default());
    let registered = Arc::clone(&log);

    let running = quiet_host()
        .configure_services(move |services| {
            services.add_instance(registered);
            services.add_hosted_service::<Worker>();
            services.add_hosted_service::<Lifecycle>();
        })
        .start()
        .await
        .expect("the host starts");
    tokio::task::yield_now().await;
    running.stop().await.expect("a clean stop");

    assert_eq!(
        log.events(),
        [
            "lifecycle.start",
            "worker.execute",
            // Reverse registration order: the lifecycle service stops, then the worker is
            // cancelled at its own turn.
            "lifecycle.stop",
            "worker.cancelled",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn add_hosted_service_with_takes_a_factory_of_either_kind() {
    let log = Arc::new(Log::default());
    let (for_worker, for_lifecycle) = (Arc::clone(&log), Arc::clone(&log));

    let running = quiet_host()
        .configure_services(move |services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(Lifecycle {
                        log: Arc::clone(&for_lifecycle),
                    })
                })
                .name("lifecycle by factory");
            services
                .add_hosted_service_with(move || {
                    Arc::new(Worker {
                        log: Arc::clone(&for_worker),
                    })
                })
                .name("worker by factory");
        })
        .start()
        .await
        .expect("the host starts");
    tokio::task::yield_now().await;
    running.stop().await.expect("a clean stop");

    assert_eq!(
        log.events(),
        [
            "lifecycle.start",
            "worker.execute",
            "worker.cancelled",
            "lifecycle.stop",
        ]
    );
}

#[test]
fn the_host_services_read_as_the_collection_they_wrap() {
    struct Clock;
    let mut seen = Vec::new();
    let builder = quiet_host().configure_services(|services| {
        services.add_singleton(|| Arc::new(Clock));
        seen = services
            .descriptors()
            .map(|descriptor| descriptor.service_name())
            .collect();
    });

    assert_eq!(seen.last().copied(), Some(std::any::type_name::<Clock>()));
    drop(builder);
}
