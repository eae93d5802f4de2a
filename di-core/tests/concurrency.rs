//! Thread safety under stress: concurrent first resolutions run a factory exactly once, graphs
//! of singletons resolved from many threads never deadlock, and scopes can be created,
//! used and disposed concurrently. Every test runs under a watchdog, so a deadlock fails the
//! test instead of hanging it.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::with_watchdog;
use di_core::{AsyncDispose, ServiceCollection, ServiceProvider};

/// Generous: the whole suite runs in well under this; only a deadlock reaches it.
const WATCHDOG: Duration = Duration::from_secs(120);
const THREADS: usize = 64;
const TRIALS: usize = 200;

struct Expensive;

/// A factory that counts its runs and yields, to widen the race window.
fn counted(runs: &Arc<AtomicUsize>) -> impl Fn() -> Arc<Expensive> + Send + Sync + 'static {
    let runs = Arc::clone(runs);
    move || {
        runs.fetch_add(1, Ordering::SeqCst);
        for _ in 0..10 {
            thread::yield_now();
        }
        Arc::new(Expensive)
    }
}

/// Runs `resolve(thread_index)` on `THREADS` threads released together, and returns each
/// one's pointer.
fn race(resolve: impl Fn(usize) -> Arc<Expensive> + Sync) -> Vec<usize> {
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (barrier, resolve) = (&barrier, &resolve);
                s.spawn(move || {
                    barrier.wait();
                    Arc::as_ptr(&resolve(i)) as usize
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("resolver thread panicked"))
            .collect()
    })
}

#[test]
fn concurrent_first_resolutions_of_a_singleton_run_its_factory_exactly_once() {
    with_watchdog(WATCHDOG, || {
        for trial in 0..TRIALS {
            let runs = Arc::new(AtomicUsize::new(0));
            let mut services = ServiceCollection::new();
            services.add_singleton(counted(&runs));
            let provider = services.build().expect("valid collection");
            let scope = provider
                .create_scope()
                .expect("the provider is not disposed");

            let pointers = race(|i| {
                // Half the threads go through a scope: singletons still come from the root.
                if i % 2 == 0 {
                    scope.get::<Expensive>().expect("resolves")
                } else {
                    provider.get::<Expensive>().expect("resolves")
                }
            });

            assert_eq!(runs.load(Ordering::SeqCst), 1, "trial {trial}");
            assert!(pointers.iter().all(|&p| p == pointers[0]), "trial {trial}");
        }
    });
}

#[test]
fn concurrent_first_resolutions_of_a_scoped_service_in_one_scope_run_its_factory_exactly_once() {
    with_watchdog(WATCHDOG, || {
        for trial in 0..TRIALS {
            let runs = Arc::new(AtomicUsize::new(0));
            let mut services = ServiceCollection::new();
            services.add_scoped(counted(&runs));
            let provider = services.build().expect("valid collection");
            let scope = provider
                .create_scope()
                .expect("the provider is not disposed");

            let pointers = race(|_| scope.clone().get::<Expensive>().expect("resolves"));

            assert_eq!(runs.load(Ordering::SeqCst), 1, "trial {trial}");
            assert!(pointers.iter().all(|&p| p == pointers[0]), "trial {trial}");
        }
    });
}

/// A singleton of a graph; `N` tells the types apart.
struct Node<const N: usize>;

const NODES: usize = 8;

/// Registers `Node<0..8>`, each depending on earlier nodes, so resolving any of them first
/// from any thread creates a different part of the graph.
fn node_graph(runs: &Arc<[AtomicUsize; NODES]>) -> ServiceProvider {
    macro_rules! node {
        ($services:ident, $n:literal $(<- $($dep:literal),+)?) => {{
            let runs = Arc::clone(runs);
            $services.add_singleton(move |$($(_: Arc<Node<$dep>>),+)?| {
                runs[$n].fetch_add(1, Ordering::SeqCst);
                thread::yield_now();
                Arc::new(Node::<$n>)
            });
        }};
    }
    let mut services = ServiceCollection::new();
    node!(services, 7 <- 6, 4, 1);
    node!(services, 6 <- 5, 3);
    node!(services, 5 <- 4, 2);
    node!(services, 4 <- 3, 0);
    node!(services, 3 <- 2, 1);
    node!(services, 2 <- 1, 0);
    node!(services, 1 <- 0);
    node!(services, 0);
    services.build().expect("valid collection")
}

fn resolve_node(provider: &ServiceProvider, n: usize) -> usize {
    fn ptr<T>(value: Arc<T>) -> usize {
        Arc::as_ptr(&value) as usize
    }
    let resolved = match n {
        0 => provider.get::<Node<0>>().map(ptr),
        1 => provider.get::<Node<1>>().map(ptr),
        2 => provider.get::<Node<2>>().map(ptr),
        3 => provider.get::<Node<3>>().map(ptr),
        4 => provider.get::<Node<4>>().map(ptr),
        5 => provider.get::<Node<5>>().map(ptr),
        6 => provider.get::<Node<6>>().map(ptr),
        _ => provider.get::<Node<7>>().map(ptr),
    };
    resolved.expect("resolves")
}

/// A small deterministic generator (xorshift), so each thread has its own order.
struct Shuffle(u64);

impl Shuffle {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn order(&mut self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..NODES).collect();
        for i in (1..NODES).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        order
    }
}

#[test]
fn a_graph_of_singletons_resolved_from_many_threads_in_random_order_never_deadlocks() {
    with_watchdog(WATCHDOG, || {
        for trial in 0..TRIALS / 2 {
            let runs = Arc::new([const { AtomicUsize::new(0) }; NODES]);
            let provider = node_graph(&runs);
            let barrier = Barrier::new(THREADS / 4);

            let seen: Vec<Vec<usize>> = thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS / 4)
                    .map(|t| {
                        let (provider, barrier) = (&provider, &barrier);
                        s.spawn(move || {
                            let mut shuffle =
                                Shuffle((trial * 1_000 + t) as u64 * 2_654_435_761 + 1);
                            let order = shuffle.order();
                            barrier.wait();
                            let mut pointers = vec![0; NODES];
                            for n in order {
                                pointers[n] = resolve_node(provider, n);
                            }
                            pointers
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("resolver thread panicked"))
                    .collect()
            });

            for (n, runs) in runs.iter().enumerate() {
                assert_eq!(runs.load(Ordering::SeqCst), 1, "node {n}, trial {trial}");
            }
            assert!(seen.iter().all(|p| *p == seen[0]), "trial {trial}");
        }
    });
}

struct Connection {
    disposals: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl AsyncDispose for Connection {
    async fn dispose(&self) {
        self.disposals.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn scopes_are_created_used_and_disposed_concurrently() {
    const SCOPES_PER_THREAD: usize = 200;
    const WORKERS: usize = 8;
    with_watchdog(WATCHDOG, || {
        let singleton_runs = Arc::new(AtomicUsize::new(0));
        let created = Arc::new(AtomicUsize::new(0));
        let disposals = Arc::new(AtomicUsize::new(0));
        let mut services = ServiceCollection::new();
        services.add_singleton(counted(&singleton_runs));
        let (c, d) = (Arc::clone(&created), Arc::clone(&disposals));
        services
            .add_scoped(move |_shared: Arc<Expensive>| {
                c.fetch_add(1, Ordering::SeqCst);
                Arc::new(Connection {
                    disposals: Arc::clone(&d),
                })
            })
            .disposable();
        let provider = services.build().expect("valid collection");
        let factory = provider.scope_factory();

        thread::scope(|s| {
            for worker in 0..WORKERS {
                let (provider, factory) = (provider.clone(), factory.clone());
                s.spawn(move || {
                    for i in 0..SCOPES_PER_THREAD {
                        let scope = if (worker + i) % 2 == 0 {
                            provider
                                .create_scope()
                                .expect("the provider is not disposed")
                        } else {
                            factory.create_scope().expect("provider alive")
                        };
                        let first = scope.get::<Connection>().expect("resolves");
                        let second = scope.get::<Connection>().expect("resolves");
                        assert!(Arc::ptr_eq(&first, &second));
                        futures::executor::block_on(scope.dispose());
                        assert!(scope.get::<Connection>().is_err());
                    }
                });
            }
        });

        let total = WORKERS * SCOPES_PER_THREAD;
        assert_eq!(singleton_runs.load(Ordering::SeqCst), 1);
        assert_eq!(created.load(Ordering::SeqCst), total);
        assert_eq!(disposals.load(Ordering::SeqCst), total);
    });
}

#[test]
fn disposable_transients_resolved_concurrently_in_one_scope_are_all_disposed() {
    const PER_THREAD: usize = 100;
    const WORKERS: usize = 8;
    with_watchdog(WATCHDOG, || {
        let disposals = Arc::new(AtomicUsize::new(0));
        let mut services = ServiceCollection::new();
        let d = Arc::clone(&disposals);
        services
            .add_transient(move || {
                Arc::new(Connection {
                    disposals: Arc::clone(&d),
                })
            })
            .disposable();
        let scope = services
            .build()
            .expect("valid collection")
            .create_scope()
            .expect("the provider is not disposed");

        thread::scope(|s| {
            for _ in 0..WORKERS {
                s.spawn(|| {
                    for _ in 0..PER_THREAD {
                        scope.get::<Connection>().expect("resolves");
                    }
                });
            }
        });
        futures::executor::block_on(scope.dispose());

        assert_eq!(disposals.load(Ordering::SeqCst), WORKERS * PER_THREAD);
    });
}

#[test]
fn a_panic_during_a_contended_first_resolution_lets_a_waiting_thread_retry() {
    with_watchdog(WATCHDOG, || {
        for trial in 0..TRIALS / 4 {
            let runs = Arc::new(AtomicUsize::new(0));
            let mut services = ServiceCollection::new();
            let counter = Arc::clone(&runs);
            services.add_singleton(move || {
                let run = counter.fetch_add(1, Ordering::SeqCst);
                thread::yield_now();
                assert_ne!(run, 0, "first run panics (expected by the test)");
                Arc::new(Expensive)
            });
            let provider = services.build().expect("valid collection");
            let barrier = Barrier::new(THREADS);

            let outcomes: Vec<Option<usize>> = thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS)
                    .map(|_| {
                        let (provider, barrier) = (&provider, &barrier);
                        s.spawn(move || {
                            barrier.wait();
                            let resolved = catch_unwind(AssertUnwindSafe(|| {
                                provider.get::<Expensive>().expect("resolves")
                            }));
                            resolved.ok().map(|e| Arc::as_ptr(&e) as usize)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("panics are caught"))
                    .collect()
            });

            let succeeded: Vec<usize> = outcomes.iter().flatten().copied().collect();
            assert_eq!(runs.load(Ordering::SeqCst), 2, "trial {trial}");
            assert_eq!(succeeded.len(), THREADS - 1, "trial {trial}");
            assert!(
                succeeded.iter().all(|&p| p == succeeded[0]),
                "trial {trial}"
            );
        }
    });
}
