//! Embedding and tests: `run_until`, `start` / `stop` / `wait`, a stop requested during startup,
//! and two hosts side by side in one process (no global state).

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::{Behaviour, Log, Recorder, Waiter, quiet_host, secs};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn run_until_stops_the_host_when_the_future_completes() {
    let log = Log::default();
    let w = log.clone();
    let began = Instant::now();
    quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("w", &w)));
        })
        .run_until(tokio::time::sleep(Duration::from_secs(42)))
        .await
        .expect("the host stops cleanly");

    assert_eq!(secs(began), 42);
    assert_eq!(log.events(), ["w.execute", "w.cancelled"]);
}

#[tokio::test(start_paused = true)]
async fn wait_returns_once_the_application_is_stopped() {
    let running = quiet_host().start().await.expect("the host starts");
    let lifetime = Arc::clone(running.lifetime());
    let began = Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(7)).await;
        lifetime.stop_application();
    });

    running.wait().await.expect("the host stops cleanly");

    assert_eq!(secs(began), 7);
}

#[tokio::test(start_paused = true)]
async fn a_stop_requested_before_the_run_starts_no_service_and_stops_at_once() {
    let log = Log::default();
    let slow = log.clone();
    let host = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || {
                Arc::new(Recorder {
                    start: Behaviour::Sleep(Duration::from_secs(10)),
                    ..Recorder::new("slow", &slow)
                })
            });
        })
        .build()
        .await
        .expect("the host builds");
    let lifetime = Arc::clone(host.lifetime());
    lifetime.stop_application();
    let began = Instant::now();

    host.run().await.expect("the host stops cleanly");

    assert_eq!(secs(began), 0);
    assert!(lifetime.is_stopped());
    assert!(!lifetime.is_started());
    assert_eq!(log.events(), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn two_hosts_run_side_by_side_in_one_process() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let first = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("first", &a)));
        })
        .start()
        .await
        .expect("the first host starts");
    let second = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("second", &b)));
        })
        .start()
        .await
        .expect("the second host starts");
    tokio::task::yield_now().await;

    first.stop().await.expect("the first host stops cleanly");
    tokio::task::yield_now().await;

    assert!(!second.lifetime().is_stopping());
    assert_eq!(log.matching("second."), ["second.execute"]);
    second.stop().await.expect("the second host stops cleanly");
    assert_eq!(
        log.matching("second."),
        ["second.execute", "second.cancelled"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_hosts_start_and_stop_concurrently_on_a_multi_threaded_runtime() {
    let watchdog = tokio::time::timeout(Duration::from_secs(30), async {
        let hosts = (0..50).map(|_| async {
            let log = Log::default();
            quiet_host()
                .configure_services(|services| {
                    for _ in 0..20 {
                        let log = log.clone();
                        services.add_hosted_service_with(move || Arc::new(Waiter::new("w", &log)));
                    }
                })
                .run_until(tokio::task::yield_now())
                .await
                .expect("the host stops cleanly");
            log.matching("w.cancelled").len()
        });
        futures::future::join_all(hosts).await
    });

    let cancelled = watchdog.await.expect("no deadlock within 30 s");

    assert!(cancelled.iter().all(|&count| count == 20), "{cancelled:?}");
}

#[tokio::test(start_paused = true)]
async fn a_worker_registered_as_a_singleton_is_shared_with_other_services() {
    let log = Log::default();
    let w = log.clone();
    let running = quiet_host()
        .configure_services(|services| {
            services.add_singleton(move || Arc::new(Waiter::new("shared", &w)));
            services.add_hosted_service_with(|worker: Arc<Waiter>| worker);
        })
        .start()
        .await
        .expect("the host starts");
    tokio::task::yield_now().await;

    let worker = running
        .provider()
        .get::<Waiter>()
        .expect("the worker is injectable");
    assert_eq!(worker.name, "shared");
    assert_eq!(log.events(), ["shared.execute"]);
    running.stop().await.expect("the host stops cleanly");
}
