//! Schedule exploration of the storage protocols with [loom], on the real code: built with
//! `--cfg loom`, di-core's storage uses loom's atomics, mutexes and thread-locals (through its
//! internal `sync` module), and each model below runs every interleaving of its threads up to
//! a preemption bound (`LOOM_MAX_PREEMPTIONS`, default [`PREEMPTIONS`]), checking a property
//! in each. Run them with `scripts/models.sh`.
//!
//! Each model's docs name the property it checks and the deliberate bug (a small change to the
//! real code) it was seen to catch.
//!
//! [loom]: https://docs.rs/loom
#![cfg(loom)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use di_core::{AsyncDispose, ResolveError, Scope, ScopeFactory, ServiceCollection};
use futures::FutureExt;
use loom::future::block_on;
use loom::thread;

/// The default preemption bound: every schedule with at most this many preemptions is explored.
const PREEMPTIONS: usize = 2;

/// Explores `model` up to the preemption bound, unless `LOOM_MAX_PREEMPTIONS` says otherwise.
/// Prints how many schedules it explored, so a model that explores almost none (its
/// operations invisible to loom) shows.
fn check(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(PREEMPTIONS);
    }
    silence_expected_panics();
    let schedules = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&schedules);
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        model();
    });
    let name = std::thread::current().name().map(str::to_owned);
    println!(
        "{}: {} schedules explored",
        name.as_deref().unwrap_or("model"),
        schedules.load(Ordering::Relaxed)
    );
}

/// The message of the factory panics the models provoke: not printed, as there is one per
/// explored schedule.
const EXPECTED_PANIC: &str = "factory panic (expected by the model)";

fn silence_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&EXPECTED_PANIC) {
                default(info);
            }
        }));
    });
}

/// An ordered record of events such as `"dispose A"`. A std mutex: no checked operation runs
/// while it is held, so for loom each push is one step.
#[derive(Clone)]
struct Log(
    Arc<Mutex<Vec<String>>>,
    Arc<loom::sync::atomic::AtomicUsize>,
);

impl Default for Log {
    fn default() -> Self {
        Self(
            Arc::default(),
            Arc::new(loom::sync::atomic::AtomicUsize::new(0)),
        )
    }
}

impl Log {
    /// A scheduling point: an operation loom sees, so it may switch threads here.
    fn tick(&self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }

    fn push(&self, event: String) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }

    fn with_prefix(&self, prefix: &str) -> Vec<String> {
        let events = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        events
            .iter()
            .filter_map(|e| e.strip_prefix(prefix).map(str::to_owned))
            .collect()
    }
}

/// A service named `N` that records its creation and disposals.
struct Tracked<const N: char> {
    log: Log,
}

impl<const N: char> Tracked<N> {
    fn new(log: &Log) -> Arc<Self> {
        log.push(format!("create {N}"));
        Arc::new(Self { log: log.clone() })
    }
}

#[async_trait::async_trait]
impl<const N: char> AsyncDispose for Tracked<N> {
    async fn dispose(&self) {
        // A scheduling point between the container's claim and the record of the dispose, as a
        // real thread could be preempted there.
        self.log.tick();
        self.log.push(format!("dispose {N}"));
        if N == 'P' {
            // `P` is slow: its disposal is pending once, so a caller can cancel it midway.
            YieldOnce(false).await;
        }
        self.log.push(format!("disposed {N}"));
    }
}

/// Pending on its first poll (waking itself), ready on the next.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

type A = Tracked<'A'>;
type B = Tracked<'B'>;
type C = Tracked<'C'>;
type P = Tracked<'P'>;

/// A scope of the provider `services` builds.
fn scope_of(services: ServiceCollection) -> Scope {
    services
        .build()
        .expect("a valid collection")
        .create_scope()
        .expect("the provider is not disposed")
}

/// A scope whose scoped services `A`, `B`, `C` (and `P`, disposed slowly) are disposable.
fn scope_of_disposables(log: &Log) -> Scope {
    let mut services = ServiceCollection::new();
    let l = log.clone();
    services.add_scoped(move || A::new(&l)).disposable();
    let l = log.clone();
    services.add_scoped(move || B::new(&l)).disposable();
    let l = log.clone();
    services.add_scoped(move || C::new(&l)).disposable();
    let l = log.clone();
    services.add_scoped(move || P::new(&l)).disposable();
    scope_of(services)
}

/// Slot protocol: two threads resolving the same empty slot at once (a singleton and a scoped
/// service) get the same instance, and its factory runs once.
///
/// Caught: `Cell::get_or_try_init` running `init` outside the cell's once-initialization
/// (check, create, then `set`): two factory runs.
#[test]
fn concurrent_first_resolutions_share_one_instance_and_one_factory_run() {
    check(|| {
        let log = Log::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_singleton(move || A::new(&l));
        let l = log.clone();
        services.add_scoped(move || B::new(&l));
        let provider = services.build().expect("a valid collection");
        let scope = provider
            .create_scope()
            .expect("the provider is not disposed");

        let other = {
            let scope = scope.clone();
            thread::spawn(move || (scope.get::<A>(), scope.get::<B>()))
        };
        let (a, b) = (scope.get::<A>(), scope.get::<B>());
        let (other_a, other_b) = other.join().expect("no panic");

        let (a, other_a) = (a.expect("resolves"), other_a.expect("resolves"));
        let (b, other_b) = (b.expect("resolves"), other_b.expect("resolves"));
        assert!(Arc::ptr_eq(&a, &other_a), "one singleton");
        assert!(Arc::ptr_eq(&b, &other_b), "one scoped instance");
        assert_eq!(log.with_prefix("create ").len(), 2, "one factory run each");
    });
}

/// Slot protocol: a factory that panics leaves its slot empty and retryable, by the thread it
/// panicked on as well as by one that was waiting for it; the retry runs the factory again
/// and everyone then shares that instance.
///
/// Caught: clearing the cell's "being filled by" token after `init` returns instead of in a
/// drop guard (a panic leaves the token set: the panicking thread's retry reports re-entrance).
#[test]
fn a_factory_that_panics_leaves_its_slot_retryable_by_every_thread() {
    check(|| {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut services = ServiceCollection::new();
        let c = Arc::clone(&calls);
        services.add_scoped(move || {
            if c.fetch_add(1, Ordering::SeqCst) == 0 {
                std::panic::panic_any(EXPECTED_PANIC);
            }
            Arc::new(7_u32)
        });
        let scope = scope_of(services);
        let resolve_retrying = move |scope: &Scope| match std::panic::catch_unwind(
            std::panic::AssertUnwindSafe(|| scope.get::<u32>()),
        ) {
            Ok(result) => result,
            Err(_) => scope.get::<u32>(),
        };

        let other = {
            let scope = scope.clone();
            thread::spawn(move || resolve_retrying(&scope))
        };
        let mine = resolve_retrying(&scope).expect("resolves, at the latest on retry");
        let theirs = other.join().expect("no panic escapes").expect("resolves");

        assert!(Arc::ptr_eq(&mine, &theirs), "one instance after the retry");
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one panic, one success");
    });
}

/// Re-entrance: a factory resolving its own slot gets [`ResolveError::Reentrant`], while
/// another thread resolving the same slot at the same time waits and gets the instance.
///
/// Caught: the re-entrance check comparing the filling token with "anyone" (`!= 0`) instead of
/// "this thread" (the waiter is told it re-entered). Also caught: the model's thread token
/// taken from a std thread-local (the same for every model thread), the trap the `sync`
/// module's loom thread-local avoids.
#[test]
fn a_factory_reentering_its_slot_is_told_so_while_a_concurrent_caller_waits() {
    check(|| {
        let inner = Arc::new(Mutex::new(Vec::new()));
        let mut services = ServiceCollection::new();
        let seen = Arc::clone(&inner);
        services.add_singleton(move |scopes: ScopeFactory| {
            let again = scopes.create_scope().and_then(|s| s.get::<u64>());
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(again.err());
            Arc::new(1_u64)
        });
        let provider = services.build().expect("valid");

        let other = {
            let provider = provider.clone();
            thread::spawn(move || provider.get::<u64>())
        };
        let mine = provider.get::<u64>().expect("resolves");
        let theirs = other
            .join()
            .expect("no panic")
            .expect("not told it re-entered");

        assert!(Arc::ptr_eq(&mine, &theirs));
        let inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(inner.len(), 1, "one factory run");
        assert!(
            matches!(inner[0], Some(ResolveError::Reentrant { .. })),
            "the inner resolution was reported: {:?}",
            inner[0]
        );
    });
}

/// Scope disposal: two `dispose` calls at once dispose every instance exactly once, newest
/// first; when both returned, all are disposed, and the scope refuses resolutions.
///
/// Caught: passes not excluding each other (no `disposal` lock): a pass disposes an older
/// instance while another is between claiming a newer one and disposing it. Not caught, and
/// rightly: `claim` reading `disposal_started` then setting it (instead of one `swap`), as
/// passes never overlap; the flag matters across interrupted passes.
#[test]
fn concurrent_disposals_dispose_each_instance_once_newest_first() {
    check(|| {
        let log = Log::default();
        let scope = scope_of_disposables(&log);
        scope.get::<A>().expect("resolves");
        scope.get::<B>().expect("resolves");
        scope.get::<C>().expect("resolves");

        let other = {
            let scope = scope.clone();
            thread::spawn(move || block_on(scope.dispose()))
        };
        block_on(scope.dispose());
        other.join().expect("no panic");

        assert_eq!(log.with_prefix("disposed "), ["C", "B", "A"]);
        assert!(matches!(
            scope.get::<A>(),
            Err(ResolveError::Disposed { .. })
        ));
    });
}

/// Scope disposal: a `dispose` cancelled midway (its future dropped while a service's dispose
/// was pending) is resumed by the next calls, made concurrently: the interrupted `dispose` is
/// not started again and the rest are disposed once each, newest first.
///
/// Caught: marking an instance's disposal started only once its `dispose` finished (the
/// interrupted one is started again).
#[test]
fn a_cancelled_disposal_is_resumed_once_by_concurrent_disposals() {
    check(|| {
        let log = Log::default();
        let scope = scope_of_disposables(&log);
        scope.get::<A>().expect("resolves");
        scope.get::<B>().expect("resolves");
        scope.get::<P>().expect("resolves");
        let mut interrupted = scope.dispose().boxed();
        let waker = futures::task::noop_waker();
        let first_poll = interrupted.poll_unpin(&mut Context::from_waker(&waker));
        assert!(first_poll.is_pending(), "`P` is slow to dispose");
        drop(interrupted);

        let other = {
            let scope = scope.clone();
            thread::spawn(move || block_on(scope.dispose()))
        };
        block_on(scope.dispose());
        other.join().expect("no panic");

        assert_eq!(
            log.with_prefix("dispose "),
            ["P", "B", "A"],
            "P started once"
        );
        assert_eq!(log.with_prefix("disposed "), ["B", "A"]);
    });
}

/// Asserts the race outcome: every created instance is disposed exactly once, and a resolution
/// either handed out an instance created before disposal began or failed as disposed.
fn assert_race_outcome(log: &Log, result: Result<Arc<impl Sized>, ResolveError>, name: &str) {
    let created = log.with_prefix("create ").len();
    let disposed = log.with_prefix("disposed ").len();
    assert_eq!(
        disposed, created,
        "each created {name} disposed exactly once"
    );
    match result {
        Ok(_) => assert_eq!(created, 1, "handed out only what was created"),
        Err(ResolveError::Disposed { .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
    }
}

/// Resolution racing disposal, scoped service: whatever the interleaving, an instance whose
/// creation finishes after disposal began is disposed exactly once (by the disposal pass or
/// by the resolving thread) and the resolution fails with `Disposed`; an instance handed out
/// is disposed by the disposal.
///
/// Caught: `published` not re-reading `closed` after publishing (the instance a pass missed
/// is never disposed); the fence in `published` removed (loom finds the store-buffering
/// outcome where neither side sees the other); and, before it was fixed, disposal-pass
/// requests reset by a plain store (see `dispose/passes.rs`). Not caught: the fence in `close`
/// removed, which the fix made redundant on this path.
#[test]
fn a_scoped_creation_racing_disposal_is_disposed_exactly_once() {
    check(|| {
        let log = Log::default();
        let scope = scope_of_disposables(&log);

        let resolving = {
            let scope = scope.clone();
            thread::spawn(move || scope.get::<A>())
        };
        block_on(scope.dispose());
        let result = resolving.join().expect("no panic");

        assert_race_outcome(&log, result, "scoped service");
    });
}

/// Resolution racing disposal, singleton against the provider's disposal: as for a scoped
/// service, through the singleton's typed cache and the provider's root slots.
///
/// The same storage code as the scoped model, reached through the singleton's typed cache and
/// the provider; not mutated separately.
#[test]
fn a_singleton_created_while_its_provider_is_disposed_is_disposed_exactly_once() {
    check(|| {
        let log = Log::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_singleton(move || A::new(&l)).disposable();
        let provider = services.build().expect("valid");

        let resolving = {
            let provider = provider.clone();
            thread::spawn(move || provider.get::<A>())
        };
        block_on(provider.dispose());
        let result = resolving.join().expect("no panic");

        assert_race_outcome(&log, result, "singleton");
    });
}

/// Resolution racing disposal, disposable transient tracked by a scope: as for a scoped
/// service (the transient's tracking list is the other path a pass walks).
///
/// Caught: `track` not re-reading `closed` after pushing the transient.
#[test]
fn a_transient_tracked_while_its_scope_is_disposed_is_disposed_exactly_once() {
    check(|| {
        let log = Log::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_transient(move || A::new(&l)).disposable();
        let scope = scope_of(services);

        let resolving = {
            let scope = scope.clone();
            thread::spawn(move || scope.get::<A>())
        };
        block_on(scope.dispose());
        let result = resolving.join().expect("no panic");

        assert_race_outcome(&log, result, "transient");
    });
}

/// Creation order: two threads creating different scoped services of one scope at once, one of
/// them then a disposable transient, are all linked into the scope's creation order: a later
/// `dispose` disposes each exactly once, and the transient before the scoped service its
/// thread created first (reverse creation order within a thread).
///
/// Caught (`scripts/model_mutations.py order`): the creation order word updated by a load and a
/// store instead of one compare-and-swap (a creation racing another is lost from the chain and
/// never disposed).
#[test]
fn concurrent_creations_in_one_scope_are_all_disposed_newest_first() {
    check(|| {
        let log = Log::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_scoped(move || A::new(&l)).disposable();
        let l = log.clone();
        services.add_scoped(move || B::new(&l)).disposable();
        let l = log.clone();
        services.add_transient(move || C::new(&l)).disposable();
        let scope = scope_of(services);

        let other = {
            let scope = scope.clone();
            thread::spawn(move || {
                scope.get::<B>().expect("resolves");
                scope.get::<C>().expect("resolves");
            })
        };
        scope.get::<A>().expect("resolves");
        other.join().expect("no panic");
        block_on(scope.dispose());

        let disposed = log.with_prefix("disposed ");
        let mut sorted = disposed.clone();
        sorted.sort();
        assert_eq!(sorted, ["A", "B", "C"], "each once: {disposed:?}");
        let at = |name: &str| disposed.iter().position(|d| d == name);
        assert!(at("C") < at("B"), "C was created after B: {disposed:?}");
    });
}

/// A catch-all registration's instance for one key: records which key its factory was given.
struct PerKey(String);

/// A singleton the catch-all's factory takes before its key.
struct Gate;

/// Catch-all keys: a singleton registered under `ServiceKey::any()` yields one instance per
/// requested key. One thread resolves "a" while another resolves "b" and then "a": both get the
/// one instance for "a" (one factory run), "b" gets its own, and each factory is given the key
/// it creates for, even while another key's factory runs on the other thread.
///
/// Caught (`scripts/model_mutations.py catch-all`): a key's factory run outside its cell's
/// once-initialization (check, create, then `set`: two factory runs for "a"); the requested key
/// kept in a std thread-local, which all model threads share as all OS threads share nothing
/// (a factory preempted between the key being set and read saw the other thread's key).
#[test]
fn concurrent_first_resolutions_of_a_catch_all_share_one_instance_per_key() {
    check(|| {
        let log = Log::default();
        let mut services = ServiceCollection::new();
        let l = log.clone();
        services.add_singleton(|| Arc::new(Gate));
        // `Gate` is resolved before the key: a scheduling point between the moment the key is
        // set for this factory and the moment it is read.
        services.add_keyed_singleton(
            di_core::ServiceKey::any(),
            move |_gate: Arc<Gate>, key: di_core::ServiceKey| {
                l.tick();
                let key = key.to_string();
                l.push(format!("create {key}"));
                Arc::new(PerKey(key))
            },
        );
        let provider = services.build().expect("a valid collection");

        let other = {
            let provider = provider.clone();
            thread::spawn(move || {
                let b = provider.get_keyed::<PerKey>("b");
                (b, provider.get_keyed::<PerKey>("a"))
            })
        };
        let a = provider.get_keyed::<PerKey>("a").expect("resolves");
        let (b, other_a) = other.join().expect("no panic");
        let (b, other_a) = (b.expect("resolves"), other_a.expect("resolves"));

        assert!(Arc::ptr_eq(&a, &other_a), "one instance for \"a\"");
        assert_eq!((a.0.as_str(), b.0.as_str()), ("a", "b"));
        let mut created = log.with_prefix("create ");
        created.sort();
        assert_eq!(created, ["a", "b"], "one factory run per key");
    });
}
