//! Starting: registration order, hook phases, background services on their own tasks, start
//! failures rolled back in reverse order, the startup timeout, concurrent start, validation.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use di_core::{BoxError, BuildProblem, Injectable};
use di_hosting::{BackgroundService, HostFailure, LifecycleHook};
use support::{Behaviour, Log, Recorder, Waiter, quiet_host, secs};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

fn recorder(log: &Log, name: &'static str, start: Behaviour) -> Recorder {
    Recorder {
        start,
        ..Recorder::new(name, log)
    }
}

#[tokio::test(start_paused = true)]
async fn services_start_in_registration_order_phase_by_phase() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services.add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)));
        })
        .start()
        .await
        .expect("the host starts");

    assert_eq!(
        log.events(),
        [
            "a.starting",
            "b.starting",
            "a.start",
            "b.start",
            "a.started",
            "b.started"
        ]
    );
    running.stop().await.expect("the host stops cleanly");
}

#[tokio::test(start_paused = true)]
async fn a_background_service_never_delays_the_next_start() {
    let log = Log::default();
    let (w, b) = (log.clone(), log.clone());
    let began = Instant::now();
    let running = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Waiter::new("worker", &w)));
            services.add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)));
        })
        .start()
        .await
        .expect("the host starts");

    assert_eq!(secs(began), 0);
    assert!(running.lifetime().is_started());
    assert!(log.events().contains(&"b.started".to_owned()));
    running.stop().await.expect("the host stops cleanly");
    assert_eq!(
        log.matching("worker."),
        ["worker.execute", "worker.cancelled"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_start_stops_the_started_services_in_reverse_order() {
    let log = Log::default();
    let (a, b, c, d, w) = (
        log.clone(),
        log.clone(),
        log.clone(),
        log.clone(),
        log.clone(),
    );
    let error = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services.add_hosted_service_with(move || Arc::new(Waiter::new("w", &w)));
            services.add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)));
            services
                .add_hosted_service_with(move || Arc::new(recorder(&c, "c", Behaviour::Fail)))
                .name("c");
            services.add_hosted_service_with(move || Arc::new(Recorder::new("d", &d)));
        })
        .start()
        .await
        .expect_err("c fails to start");

    let after_failure: Vec<String> = log
        .events()
        .into_iter()
        .skip_while(|event| event != "c.start")
        .skip(1)
        .filter(|event| !event.starts_with("w."))
        .collect();
    assert_eq!(
        after_failure,
        [
            "b.stopping",
            "a.stopping",
            "b.stop",
            "a.stop",
            "b.stopped",
            "a.stopped"
        ]
    );
    assert!(log.matching("d.").iter().all(|event| event == "d.starting"));
    assert_eq!(log.matching("w."), ["w.execute", "w.cancelled"]);
    assert_eq!(error.failures().len(), 1);
    assert!(matches!(
        &error.failures()[0],
        HostFailure::Start { service, hook: LifecycleHook::Start, source }
            if service == "c" && source.to_string() == "c start failed"
    ));
}

#[tokio::test(start_paused = true)]
async fn the_startup_timeout_aborts_a_slow_start_and_names_it() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.startup_timeout = Some(Duration::from_secs(5)))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)))
                .name("a");
            services
                .add_hosted_service_with(move || {
                    Arc::new(recorder(
                        &b,
                        "b",
                        Behaviour::Sleep(Duration::from_secs(3600)),
                    ))
                })
                .name("b");
        })
        .start()
        .await
        .expect_err("b does not start in time");

    assert_eq!(secs(began), 5);
    assert!(matches!(
        &error.failures()[0],
        HostFailure::StartTimeout { service, hook: LifecycleHook::Start, timeout }
            if service == "b" && *timeout == Duration::from_secs(5)
    ));
    assert_eq!(
        log.matching("a.stop"),
        ["a.stopping", "a.stop", "a.stopped"]
    );
    assert!(log.matching("b.stop").is_empty());
}

#[tokio::test(start_paused = true)]
async fn concurrent_start_runs_the_calls_of_each_phase_at_once() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let began = Instant::now();
    let running = quiet_host()
        .configure_options(|options| options.concurrent_start = true)
        .configure_services(|services| {
            for (name, log) in [("a", a), ("b", b)] {
                services.add_hosted_service_with(move || {
                    Arc::new(recorder(
                        &log,
                        name,
                        Behaviour::Sleep(Duration::from_secs(10)),
                    ))
                });
            }
        })
        .start()
        .await
        .expect("the host starts");

    assert_eq!(secs(began), 10);
    assert_eq!(
        log.matching("a.start"),
        ["a.starting", "a.start", "a.started"]
    );
    running.stop().await.expect("the host stops cleanly");
}

struct Missing;

struct NeedsMissing;

impl Injectable for NeedsMissing {
    type Dependencies = Arc<Missing>;
    fn inject(_missing: Arc<Missing>) -> Self {
        NeedsMissing
    }
}

#[async_trait]
impl BackgroundService for NeedsMissing {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_workers_dependencies_are_validated_when_the_host_is_built() {
    let error = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service::<NeedsMissing>();
        })
        .build()
        .await
        .expect_err("the worker's dependency is missing");

    let [HostFailure::Build(build)] = error.failures() else {
        panic!("expected one build failure: {error}");
    };
    assert!(matches!(
        &build.problems()[0],
        BuildProblem::MissingDependency { service, dependency, .. }
            if *service == std::any::type_name::<NeedsMissing>() && dependency.ends_with("::Missing")
    ));
    assert_eq!(
        error.to_string(),
        "the host failed (1 failure)\n  \
         1. the host could not be built: the service collection is invalid: no service of type \
         `start_order::Missing` is registered, but `start_order::NeedsMissing` requires it"
    );
    assert_eq!(error.exit_code(), 1);
}

struct AlsoMissing;

struct NeedsBoth;

impl Injectable for NeedsBoth {
    type Dependencies = (Arc<Missing>, Arc<AlsoMissing>);

    fn inject(_missing: Self::Dependencies) -> Self {
        NeedsBoth
    }
}

#[async_trait]
impl BackgroundService for NeedsBoth {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_build_errors_problems_are_listed_under_its_failure_not_as_host_failures() {
    let error = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service::<NeedsBoth>();
        })
        .build()
        .await
        .expect_err("the worker's dependencies are missing");

    assert_eq!(
        error.to_string(),
        "the host failed (1 failure)\n  \
         1. the host could not be built: the service collection is invalid (2 problems):\n     \
         - no service of type `start_order::Missing` is registered, but \
         `start_order::NeedsBoth` requires it\n     \
         - no service of type `start_order::AlsoMissing` is registered, but \
         `start_order::NeedsBoth` requires it"
    );
}

struct Config {
    label: &'static str,
}

struct Labelled {
    config: Arc<Config>,
    log: Arc<Log>,
}

impl Injectable for Labelled {
    type Dependencies = (Arc<Config>, Arc<Log>);
    fn inject((config, log): Self::Dependencies) -> Self {
        Labelled { config, log }
    }
}

#[async_trait]
impl BackgroundService for Labelled {
    async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
        self.log
            .push(format!("labelled.execute {}", self.config.label));
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn an_injectable_worker_gets_its_dependencies_from_the_container() {
    let log = Arc::new(Log::default());
    let shared = Arc::clone(&log);
    let result = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service::<Labelled>();
            // Registered after the worker: order of dependencies does not matter.
            services.add_instance(Arc::new(Config { label: "blue" }));
            services.add_instance(shared);
        })
        .run_until(tokio::time::sleep(Duration::from_secs(1)))
        .await;

    result.expect("the host runs cleanly");
    assert_eq!(log.events(), ["labelled.execute blue"]);
}

#[tokio::test(start_paused = true)]
async fn the_startup_timeout_covers_the_whole_startup_not_each_call() {
    let log = Log::default();
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.startup_timeout = Some(Duration::from_secs(5)))
        .configure_services(|services| {
            for name in ["a", "b"] {
                let log = log.clone();
                services
                    .add_hosted_service_with(move || {
                        Arc::new(recorder(
                            &log,
                            name,
                            Behaviour::Sleep(Duration::from_secs(3)),
                        ))
                    })
                    .name(name);
            }
        })
        .start()
        .await
        .expect_err("the two starts need 6 s");

    assert_eq!(secs(began), 5);
    assert!(matches!(
        error.failures(),
        [HostFailure::StartTimeout { service, .. }] if service == "b"
    ));
}

#[tokio::test(start_paused = true)]
async fn a_failing_hosted_service_factory_fails_the_start() {
    let error = quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(|| -> Result<Arc<NeedsMissing>, std::io::Error> {
                Err(std::io::Error::other("no connection"))
            });
        })
        .start()
        .await
        .expect_err("the factory fails");

    let [HostFailure::Resolve(source)] = error.failures() else {
        panic!("expected a resolution failure: {error}");
    };
    assert!(error.to_string().contains("no connection"), "{error}");
    assert!(source.to_string().contains("NeedsMissing"), "{source}");
}

/// A singleton that records its disposal.
struct Pool(Log);

#[async_trait]
impl di_core::AsyncDispose for Pool {
    async fn dispose(&self) {
        self.0.push("pool disposed");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_hosted_service_factory_fails_the_start_and_the_provider_is_disposed() {
    let log = Log::default();
    let pool_log = log.clone();
    let result = quiet_host()
        .configure_services(|services| {
            services
                .add_singleton(move || Arc::new(Pool(pool_log.clone())))
                .disposable();
            services.add_hosted_service_with(|_pool: Arc<Pool>| -> Arc<NeedsMissing> {
                panic!("no worker today")
            });
        })
        .start()
        .await;

    let error = result.expect_err("the factory panicked");
    assert!(
        matches!(
            error.failures(),
            [HostFailure::ResolvePanicked { message }] if message == "no worker today"
        ),
        "{error:#?}"
    );
    assert_eq!(log.events(), ["pool disposed"]);
}

/// A start hook that honours its token: it returns `Ok` when the token fires.
struct StartsUntilCancelled(Log);

#[async_trait]
impl di_hosting::HostedService for StartsUntilCancelled {
    async fn start(&self, cancel: CancellationToken) -> Result<(), BoxError> {
        cancel.cancelled().await;
        self.0.push("polite.start returned");
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        self.0.push("polite.stop");
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_start_that_returns_ok_when_the_startup_timeout_fires_still_fails_the_startup() {
    let log = Log::default();
    let (a, polite, c, worker) = (log.clone(), log.clone(), log.clone(), log.clone());
    let began = Instant::now();
    let error = quiet_host()
        .configure_options(|options| options.startup_timeout = Some(Duration::from_secs(5)))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)))
                .name("a");
            services
                .add_hosted_service_with(move || Arc::new(StartsUntilCancelled(polite.clone())))
                .name("polite");
            services
                .add_hosted_service_with(move || Arc::new(Recorder::new("c", &c)))
                .name("c");
            services.add_hosted_service_with(move || Arc::new(Waiter::new("worker", &worker)));
        })
        .start()
        .await
        .expect_err("the startup timed out");

    assert_eq!(secs(began), 5);
    assert!(
        matches!(
            error.failures(),
            [HostFailure::StartTimeout { service, hook: LifecycleHook::Start, .. }] if service == "polite"
        ),
        "{error:?}"
    );
    assert!(
        !log.events().contains(&"c.start".to_owned()),
        "{:?}",
        log.events()
    );
    assert!(log.matching("worker.").is_empty(), "{:?}", log.events());
    // It did start (it returned `Ok`), so it is stopped, in reverse order, before `a`.
    assert!(log.position("polite.stop") < log.position("a.stop"));
}

/// Every hook of every phase takes one (virtual) second.
struct SlowPhases;

#[async_trait]
impl di_hosting::HostedService for SlowPhases {
    async fn starting(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(())
    }
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(())
    }
    async fn started(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(())
    }
    async fn stop(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        Ok(())
    }
}

/// Logs the second at which each `execute` began.
struct Stamped(Log, Instant);

#[async_trait]
impl BackgroundService for Stamped {
    async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
        self.0.push(format!("execute at {}", secs(self.1)));
        stopping.cancelled().await;
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_worker_is_spawned_once_in_the_start_phase_not_in_starting_or_started() {
    assert_eq!(worker_starts(false).await, ["execute at 1"]);
}

#[tokio::test(start_paused = true)]
async fn under_concurrent_start_a_worker_is_spawned_once_in_the_start_phase_too() {
    assert_eq!(worker_starts(true).await, ["execute at 1"]);
}

/// When a worker registered before `SlowPhases` began executing, relative to the start.
async fn worker_starts(concurrent_start: bool) -> Vec<String> {
    let log = Log::default();
    let worker = log.clone();
    let began = Instant::now();
    let running = quiet_host()
        .configure_options(|options| options.concurrent_start = concurrent_start)
        .configure_services(move |services| {
            services.add_hosted_service_with(move || Arc::new(Stamped(worker.clone(), began)));
            services.add_hosted_service_with(move || Arc::new(SlowPhases));
        })
        .start()
        .await
        .expect("the host starts");
    tokio::time::sleep(Duration::from_secs(5)).await;

    running.stop().await.expect("the host stops cleanly");

    // `starting` took 0..1 s, `start` 1..2 s, `started` 2..3 s.
    log.events()
}

#[tokio::test(start_paused = true)]
async fn under_concurrent_start_one_failing_start_fails_the_startup_and_stops_the_others() {
    let log = Log::default();
    let (a, b) = (log.clone(), log.clone());
    let error = quiet_host()
        .configure_options(|options| options.concurrent_start = true)
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || Arc::new(recorder(&a, "a", Behaviour::Fail)))
                .name("a");
            services
                .add_hosted_service_with(move || Arc::new(Recorder::new("b", &b)))
                .name("b");
        })
        .start()
        .await
        .expect_err("a fails to start");

    assert!(
        matches!(error.failures(), [HostFailure::Start { service, .. }] if service == "a"),
        "{error:?}"
    );
    assert!(log.matching("a.started").is_empty() && log.matching("b.started").is_empty());
    assert_eq!(
        log.matching("b.stop"),
        ["b.stopping", "b.stop", "b.stopped"]
    );
}
