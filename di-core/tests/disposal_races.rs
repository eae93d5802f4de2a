//! Disposal racing resolution: an instance whose factory finishes after its scope or provider
//! began disposing is disposed at once, exactly once, and never handed out.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Log, Tracked, with_watchdog};
use di_core::{AsyncDispose, ResolveError, Scope, ServiceCollection};

type A = Tracked<'A'>;
type B = Tracked<'B'>;

const LIMIT: Duration = Duration::from_secs(30);

/// A factory gate: the factory says it started, then waits until the test opens the gate.
struct Gate {
    started: Receiver<()>,
    open: Sender<()>,
}

/// The factory's side of a [`Gate`].
#[derive(Clone)]
struct GateSide {
    started: Sender<()>,
    open: Arc<Mutex<Receiver<()>>>,
}

impl GateSide {
    fn pass(&self) {
        self.started.send(()).expect("the test waits");
        self.open
            .lock()
            .expect("not poisoned")
            .recv_timeout(LIMIT)
            .expect("the test opens the gate");
    }
}

fn gate() -> (Gate, GateSide) {
    let (started_tx, started_rx) = channel();
    let (open_tx, open_rx) = channel();
    (
        Gate {
            started: started_rx,
            open: open_tx,
        },
        GateSide {
            started: started_tx,
            open: Arc::new(Mutex::new(open_rx)),
        },
    )
}

impl Gate {
    fn wait_started(&self) {
        self.started
            .recv_timeout(LIMIT)
            .expect("the factory starts");
    }

    fn open(&self) {
        self.open.send(()).expect("the factory waits");
    }
}

/// Asserts that `result` is the disposed error of `owner`.
fn assert_disposed(result: &Result<Arc<A>, ResolveError>, owner: &str) {
    match result {
        Err(ResolveError::Disposed { owner: o, .. }) if *o == owner => {}
        Err(other) => panic!("expected the {owner} disposed error, got: {other}"),
        Ok(_) => panic!("expected the {owner} disposed error, got an instance"),
    }
}

#[test]
fn a_singleton_created_after_the_provider_was_disposed_is_disposed_and_not_handed_out() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services
            .add_singleton(move || {
                side.pass();
                A::new(&l)
            })
            .disposable();
        let provider = services.build().expect("valid collection");
        let resolving = {
            let provider = provider.clone();
            std::thread::spawn(move || provider.get::<A>())
        };
        gate.wait_started();

        futures::executor::block_on(provider.dispose());
        gate.open();
        let result = resolving.join().expect("no panic");

        assert_disposed(&result, "provider");
        assert_eq!(log.with_prefix("create "), ["A"]);
        assert_eq!(log.with_prefix("dispose "), ["A"], "disposed at once, once");
        drop(provider);
        assert_eq!(log.with_prefix("drop "), ["A"]);
        assert_eq!(log.with_prefix("dispose "), ["A"], "not disposed again");
    });
}

#[test]
fn a_scoped_service_created_after_its_scope_was_disposed_is_disposed_and_not_handed_out() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_scoped(move || B::new(&l)).disposable();
        let l = log.clone();
        services
            .add_scoped(move || {
                side.pass();
                A::new(&l)
            })
            .disposable();
        let provider = services.build().expect("valid collection");
        let scope = provider
            .create_scope()
            .expect("the provider is not disposed");
        scope.get::<B>().expect("resolves before dispose");
        let resolving = {
            let scope = scope.clone();
            std::thread::spawn(move || scope.get::<A>())
        };
        gate.wait_started();

        futures::executor::block_on(scope.dispose());
        gate.open();
        let result = resolving.join().expect("no panic");

        assert_disposed(&result, "scope");
        assert_eq!(log.with_prefix("dispose "), ["B", "A"]);
        futures::executor::block_on(scope.dispose());
        assert_eq!(log.with_prefix("dispose "), ["B", "A"], "idempotent");
        assert!(
            provider
                .create_scope()
                .expect("the provider is not disposed")
                .get::<B>()
                .is_ok(),
            "siblings unaffected"
        );
    });
}

#[test]
fn a_disposable_transient_created_after_its_scope_was_disposed_is_disposed_at_once() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services
            .add_transient(move || {
                side.pass();
                A::new(&l)
            })
            .disposable();
        let scope = services
            .build()
            .expect("valid collection")
            .create_scope()
            .expect("the provider is not disposed");
        let resolving = {
            let scope = scope.clone();
            std::thread::spawn(move || scope.get::<A>())
        };
        gate.wait_started();

        futures::executor::block_on(scope.dispose());
        gate.open();
        let result = resolving.join().expect("no panic");

        assert_disposed(&result, "scope");
        assert_eq!(log.with_prefix("dispose "), ["A"]);
        drop(scope);
        assert_eq!(log.with_prefix("drop "), ["A"]);
    });
}

/// A disposable whose `dispose` waits for the test to let it finish.
struct Slow {
    log: Log,
    finish: Mutex<Option<futures::channel::oneshot::Receiver<()>>>,
}

#[async_trait::async_trait]
impl AsyncDispose for Slow {
    async fn dispose(&self) {
        self.log.push("dispose started Slow");
        let finish = self.finish.lock().expect("not poisoned").take();
        if let Some(finish) = finish {
            let _ = finish.await;
        }
        self.log.push("dispose finished Slow");
    }
}

#[test]
fn an_instance_created_while_a_disposal_runs_is_disposed_by_that_disposal() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let (finish_slow, finish) = futures::channel::oneshot::channel();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        let finish = Mutex::new(Some(finish));
        services
            .add_singleton(move || {
                Arc::new(Slow {
                    log: l.clone(),
                    finish: Mutex::new(finish.lock().expect("not poisoned").take()),
                })
            })
            .disposable();
        let l = log.clone();
        services
            .add_singleton(move || {
                side.pass();
                A::new(&l)
            })
            .disposable();
        let provider = services.build().expect("valid collection");
        provider.get::<Slow>().expect("resolves");
        let resolving = {
            let provider = provider.clone();
            std::thread::spawn(move || provider.get::<A>())
        };
        gate.wait_started();
        let disposing = {
            let provider = provider.clone();
            std::thread::spawn(move || futures::executor::block_on(provider.dispose()))
        };
        for _ in 0..30_000 {
            if !log.with_prefix("dispose started ").is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }

        gate.open();
        let result = resolving.join().expect("no panic");
        let before_finish = log.with_prefix("dispose ");
        finish_slow.send(()).expect("the dispose waits");
        disposing.join().expect("no panic");

        assert_disposed(&result, "provider");
        assert_eq!(
            before_finish,
            ["started Slow"],
            "left to the running disposal"
        );
        assert_eq!(
            log.with_prefix("dispose "),
            ["started Slow", "finished Slow", "A"]
        );
    });
}

#[test]
fn a_late_instance_whose_dispose_must_wait_is_finished_by_its_wake_up() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let (finish_slow, finish) = futures::channel::oneshot::channel();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        let finish = Mutex::new(Some(finish));
        services
            .add_scoped(move || {
                side.pass();
                Arc::new(Slow {
                    log: l.clone(),
                    finish: Mutex::new(finish.lock().expect("not poisoned").take()),
                })
            })
            .disposable();
        let scope = services
            .build()
            .expect("valid collection")
            .create_scope()
            .expect("the provider is not disposed");
        let resolving = {
            let scope = scope.clone();
            std::thread::spawn(move || scope.get::<Slow>().map(drop))
        };
        gate.wait_started();

        futures::executor::block_on(scope.dispose());
        gate.open();
        let result = resolving.join().expect("no panic");
        let before_wake = log.with_prefix("dispose ");
        finish_slow.send(()).expect("the dispose waits");

        assert!(
            matches!(result, Err(ResolveError::Disposed { owner: "scope", .. })),
            "{result:?}"
        );
        assert_eq!(before_wake, ["started Slow"]);
        assert_eq!(
            log.with_prefix("dispose "),
            ["started Slow", "finished Slow"]
        );
    });
}

#[test]
fn a_factory_that_disposes_its_own_scope_gets_its_instance_disposed_and_an_error() {
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let own_scope: Arc<Mutex<Option<Scope>>> = Arc::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_scoped(move || B::new(&l)).disposable();
        let (l, slot) = (log.clone(), Arc::clone(&own_scope));
        services
            .add_scoped(move || {
                let scope = slot.lock().expect("not poisoned").take();
                if let Some(scope) = scope {
                    futures::executor::block_on(scope.dispose());
                }
                A::new(&l)
            })
            .disposable();
        let scope = services
            .build()
            .expect("valid collection")
            .create_scope()
            .expect("the provider is not disposed");
        scope.get::<B>().expect("resolves");
        *own_scope.lock().expect("not poisoned") = Some(scope.clone());

        let result = scope.get::<A>();

        assert_disposed(&result, "scope");
        assert_eq!(log.with_prefix("dispose "), ["B", "A"]);
        assert!(scope.is_disposed());
    });
}

#[test]
fn a_factory_whose_scope_is_disposed_without_waiting_gets_an_error_too() {
    let log = Log::default();
    let own_scope: Arc<Mutex<Option<Scope>>> = Arc::default();
    let mut services = ServiceCollection::new();
    let (l, slot) = (log.clone(), Arc::clone(&own_scope));
    services
        .add_scoped(move || {
            let scope = slot.lock().expect("not poisoned").take();
            let closed = scope.is_some_and(|scope| scope.try_dispose_now());
            l.push(format!("closed {closed}"));
            A::new(&l)
        })
        .disposable();
    let scope = services
        .build()
        .expect("valid collection")
        .create_scope()
        .expect("the provider is not disposed");
    *own_scope.lock().expect("not poisoned") = Some(scope.clone());

    let result = scope.get::<A>();

    assert_disposed(&result, "scope");
    assert_eq!(log.with_prefix("closed "), ["true"]);
    assert_eq!(log.with_prefix("dispose "), ["A"]);
}

/// Many threads resolve while another disposes: every disposable instance created is disposed
/// exactly once, whoever wins, and a resolution fails only with the disposed error.
#[test]
fn racing_resolutions_and_disposal_dispose_every_instance_exactly_once() {
    const TRIALS: usize = 200;
    const THREADS: usize = 4;
    with_watchdog(Duration::from_secs(120), || {
        for _ in 0..TRIALS {
            let created = Arc::new(AtomicUsize::new(0));
            let log = Log::default();
            let mut services = ServiceCollection::new();
            let (l, c) = (log.clone(), Arc::clone(&created));
            services
                .add_singleton(move || {
                    c.fetch_add(1, Ordering::SeqCst);
                    A::new(&l)
                })
                .disposable();
            let (l, c) = (log.clone(), Arc::clone(&created));
            services
                .add_scoped(move |_a: Arc<A>| {
                    c.fetch_add(1, Ordering::SeqCst);
                    B::new(&l)
                })
                .disposable();
            let (l, c) = (log.clone(), Arc::clone(&created));
            services
                .add_transient(move || {
                    c.fetch_add(1, Ordering::SeqCst);
                    Tracked::<'T'>::new(&l)
                })
                .disposable();
            let provider = services.build().expect("valid collection");
            let scope = provider
                .create_scope()
                .expect("the provider is not disposed");
            let barrier = std::sync::Barrier::new(THREADS + 1);
            std::thread::scope(|s| {
                for t in 0..THREADS {
                    let (scope, barrier) = (&scope, &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        for _ in 0..5 {
                            let outcome = match t % 2 {
                                0 => scope.get::<B>().map(drop),
                                _ => scope.get::<Tracked<'T'>>().map(drop),
                            };
                            if let Err(error) = outcome {
                                assert!(matches!(error, ResolveError::Disposed { .. }), "{error}");
                            }
                        }
                    });
                }
                barrier.wait();
                futures::executor::block_on(scope.dispose());
            });
            futures::executor::block_on(provider.dispose());

            let disposed = log.with_prefix("dispose ").len();
            assert_eq!(disposed, created.load(Ordering::SeqCst));
        }
    });
}

#[test]
fn a_resolution_in_flight_when_its_scope_is_disposed_runs_no_further_factory() {
    type C = Tracked<'C'>;
    type G = Tracked<'G'>;
    with_watchdog(LIMIT, || {
        let log = Log::default();
        let (gate, side) = gate();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_scoped(move || B::new(&l)).disposable();
        let l = log.clone();
        services.add_transient(move || {
            side.pass();
            G::new(&l)
        });
        let l = log.clone();
        services.add_scoped(move || C::new(&l)).disposable();
        let l = log.clone();
        services
            .add_scoped(move |_b: Arc<B>, _g: Arc<G>, _c: Arc<C>| A::new(&l))
            .disposable();
        let scope = services
            .build()
            .expect("valid collection")
            .create_scope()
            .expect("the provider is not disposed");
        let resolving = {
            let scope = scope.clone();
            std::thread::spawn(move || scope.get::<A>())
        };
        gate.wait_started();

        futures::executor::block_on(scope.dispose());
        gate.open();
        let result = resolving.join().expect("no panic");

        assert_disposed(&result, "scope");
        assert_eq!(
            log.with_prefix("create "),
            ["B", "G"],
            "`C` (and so `A`) is not created once the scope is closed"
        );
        assert_eq!(log.with_prefix("dispose "), ["B"]);
    });
}
