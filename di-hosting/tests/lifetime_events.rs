//! The application lifetime: events in order, any service can stop the application, and the
//! provider is disposed last, after the `stopped` event.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{AsyncDispose, BoxError, Injectable};
use di_hosting::{ApplicationLifetime, BackgroundService, HostedService};
use support::{Log, Recorder, quiet_host, secs};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Logs the lifetime's state from inside each hook.
struct Observer {
    lifetime: Arc<ApplicationLifetime>,
    log: Arc<Log>,
}

impl Observer {
    fn snapshot(&self, hook: &str) {
        let lifetime = &self.lifetime;
        self.log.push(format!(
            "{hook}: started={} stopping={} stopped={}",
            lifetime.is_started(),
            lifetime.is_stopping(),
            lifetime.is_stopped()
        ));
    }
}

impl Injectable for Observer {
    type Dependencies = (Arc<ApplicationLifetime>, Arc<Log>);
    fn inject((lifetime, log): Self::Dependencies) -> Self {
        Observer { lifetime, log }
    }
}

#[async_trait]
impl HostedService for Observer {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.snapshot("start");
        Ok(())
    }
    async fn started(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.snapshot("started");
        Ok(())
    }
    async fn stopping(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.snapshot("stopping");
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.snapshot("stop");
        Ok(())
    }
    async fn stopped(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.snapshot("stopped");
        Ok(())
    }
}

/// A singleton disposed by the provider.
struct Resource {
    lifetime: Arc<ApplicationLifetime>,
    log: Arc<Log>,
}

#[async_trait]
impl AsyncDispose for Resource {
    async fn dispose(&self) {
        self.log.push(format!(
            "resource disposed: stopped={}",
            self.lifetime.is_stopped()
        ));
    }
}

#[tokio::test(start_paused = true)]
async fn lifetime_events_fire_in_order_started_stopping_stopped() {
    let log = Arc::new(Log::default());
    let shared = Arc::clone(&log);
    let running = quiet_host()
        .configure_services(|services| {
            services.add_instance(shared);
            services.add_hosted_service::<Observer>();
        })
        .start()
        .await
        .expect("the host starts");
    assert!(running.lifetime().is_started());

    running.stop().await.expect("the host stops cleanly");

    assert_eq!(
        log.events(),
        [
            "start: started=false stopping=false stopped=false",
            "started: started=false stopping=false stopped=false",
            "stopping: started=true stopping=true stopped=false",
            "stop: started=true stopping=true stopped=false",
            "stopped: started=true stopping=true stopped=false",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn awaiting_the_lifetime_sees_each_event_once_in_order() {
    let log = Log::default();
    let host = quiet_host().build().await.expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());
    let watcher_log = log.clone();
    let watcher = tokio::spawn(async move {
        lifetime.started().await;
        watcher_log.push("started");
        lifetime.stopping().await;
        watcher_log.push("stopping");
        lifetime.stopped().await;
        watcher_log.push("stopped");
    });
    let running = host.start().await.expect("the host starts");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(log.events(), ["started"]);

    running.stop().await.expect("the host stops cleanly");
    watcher.await.expect("the watcher ends");

    assert_eq!(log.events(), ["started", "stopping", "stopped"]);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_running_host_fires_stopping_and_stopped() {
    let log = Log::default();
    let w = log.clone();
    let host = quiet_host()
        .configure_services(move |services| {
            services.add_hosted_service_with(move || Arc::new(support::Waiter::new("w", &w)));
        })
        .build()
        .await
        .expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());
    let watcher_log = log.clone();
    let watcher = tokio::spawn(async move {
        lifetime.stopping().await;
        watcher_log.push("stopping");
        lifetime.stopped().await;
        watcher_log.push("stopped");
    });
    let running = host.start().await.expect("the host starts");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(log.events(), ["w.execute"]);

    drop(running);
    // Paused time: a `stopped` that never fires fails here instead of hanging.
    tokio::time::timeout(Duration::from_secs(3600), watcher)
        .await
        .expect("the waiters of the lifetime are released")
        .expect("the watcher ends");

    assert_eq!(log.matching("stop"), ["stopping", "stopped"]);
}

#[tokio::test(start_paused = true)]
async fn the_provider_is_disposed_last_after_every_service_stopped() {
    let log = Arc::new(Log::default());
    let (shared, recorder_log) = (Arc::clone(&log), Log::clone(&log));
    let running = quiet_host()
        .configure_services(|services| {
            services.add_instance(shared);
            services
                .add_singleton(|lifetime: Arc<ApplicationLifetime>, log: Arc<Log>| {
                    Arc::new(Resource { lifetime, log })
                })
                .disposable();
            services.add_hosted_service_with(move |_resource: Arc<Resource>| {
                Arc::new(Recorder::new("a", &recorder_log))
            });
        })
        .start()
        .await
        .expect("the host starts");

    running.stop().await.expect("the host stops cleanly");

    let events = log.events();
    assert_eq!(
        events.last().map(String::as_str),
        Some("resource disposed: stopped=true")
    );
    assert_eq!(log.position("a.stopped") + 1, events.len() - 1);
}

/// Asks the host to stop after five seconds of work.
struct Finisher {
    lifetime: Arc<ApplicationLifetime>,
}

impl Injectable for Finisher {
    type Dependencies = Arc<ApplicationLifetime>;
    fn inject(lifetime: Arc<ApplicationLifetime>) -> Self {
        Finisher { lifetime }
    }
}

#[async_trait]
impl BackgroundService for Finisher {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_secs(5)).await;
        self.lifetime.stop_application();
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn any_service_can_stop_the_application() {
    let began = Instant::now();
    let host = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service::<Finisher>();
        })
        .build()
        .await
        .expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());

    host.run().await.expect("the host stops cleanly");

    assert_eq!(secs(began), 5);
    assert!(lifetime.is_stopped());
}

#[tokio::test(start_paused = true)]
async fn the_injected_lifetime_is_the_hosts_lifetime() {
    let host = quiet_host().build().await.expect("the host builds");
    let injected = host
        .provider()
        .get::<ApplicationLifetime>()
        .expect("the lifetime is registered");
    assert!(Arc::ptr_eq(&injected, host.lifetime()));
}

#[tokio::test(start_paused = true)]
async fn the_lifetimes_tokens_are_cancelled_with_their_events() {
    let lifetime = ApplicationLifetime::new();
    let (started, stopping, stopped) = (
        lifetime.started_token(),
        lifetime.stopping_token(),
        lifetime.stopped_token(),
    );
    let running = quiet_host()
        .configure_services(|_| {})
        .start()
        .await
        .expect("the host starts");
    let host_lifetime = Arc::clone(running.lifetime());
    let host_tokens = (
        host_lifetime.started_token(),
        host_lifetime.stopping_token(),
        host_lifetime.stopped_token(),
    );
    assert!(host_tokens.0.is_cancelled());
    assert!(!host_tokens.1.is_cancelled() && !host_tokens.2.is_cancelled());

    running.stop().await.expect("the host stops cleanly");

    assert!(host_tokens.1.is_cancelled() && host_tokens.2.is_cancelled());
    // Another lifetime's tokens are its own.
    assert!(!started.is_cancelled() && !stopping.is_cancelled() && !stopped.is_cancelled());
}
