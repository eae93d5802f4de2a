//! Model-based tests of the container: proptest generates random registration sets and random
//! operation sequences, and a small reference model, written plainly below, predicts what the
//! container must do; every step is compared.
//!
//! Registrations: three service types (`Svc<0>`..`Svc<2>`), unkeyed or under one key, any
//! lifetime, disposable or not, factories that succeed, fail, or panic on their first call,
//! with required, optional and resolve-all arguments (so: missing types, cycles, captive
//! paths through transients). Dependencies are declared through the real planning API: one
//! argument type, [`Args`], whose `plan` asks the planner for what the registration's spec
//! says.
//!
//! The model predicts:
//! - `build()`: the exact set of missing dependencies and of captive singletons; for cycles,
//!   that one is reported iff the graph has one, at least one per cyclic strongly connected
//!   component, and only services that lie on a cycle (which cycles a depth-first search
//!   reports depends on its order, so their paths are not predicted);
//! - every resolution's outcome (which instances, or which error), every factory call,
//!   creation, `dispose` and drop, in order: so which instances are shared, which are disposed
//!   (once, newest first) and when each is released.
//!
//! `PROPTEST_CASES` sets the number of cases (default [`DEFAULT_CASES`]).

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use di_core::{
    AsyncDispose, BuildError, BuildProblem, Dependency, Planner, ResolveError, Resolver, Scope,
    ServiceCollection, ServiceKey, ServiceProvider,
};
use proptest::prelude::*;

/// Cases per run unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 4_000;
/// The one key keyed registrations use.
const KEY: &str = "k";
const TYPES: usize = 3;

// ---------------------------------------------------------------------------------------------
// Specs

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Target {
    ty: usize,
    keyed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Life {
    Singleton,
    Scoped,
    Transient,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Required,
    Optional,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behavior {
    Succeed,
    Fail,
    PanicFirst,
}

#[derive(Clone, Debug)]
struct RegSpec {
    target: Target,
    life: Life,
    disposable: bool,
    behavior: Behavior,
    deps: Vec<(Target, Kind)>,
}

#[derive(Clone, Copy, Debug)]
enum Ctx {
    Root,
    Scope(usize),
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Get,
    All,
    TryGet,
}

#[derive(Clone, Debug)]
enum Op {
    CreateScope,
    Resolve(Ctx, Target, Mode),
    DisposeScope(usize),
    DropScope(usize),
    DisposeProvider,
}

fn target() -> impl Strategy<Value = Target> {
    (0..TYPES, prop::bool::weighted(0.25)).prop_map(|(ty, keyed)| Target { ty, keyed })
}

fn reg_spec() -> impl Strategy<Value = RegSpec> {
    let life = prop_oneof![
        Just(Life::Singleton),
        Just(Life::Scoped),
        Just(Life::Transient)
    ];
    let behavior = prop_oneof![
        8 => Just(Behavior::Succeed),
        1 => Just(Behavior::Fail),
        1 => Just(Behavior::PanicFirst),
    ];
    let kind = prop_oneof![
        3 => Just(Kind::Required),
        1 => Just(Kind::Optional),
        1 => Just(Kind::All),
    ];
    let deps = prop::collection::vec((target(), kind), 0..=2);
    (target(), life, any::<bool>(), behavior, deps).prop_map(
        |(target, life, disposable, behavior, deps)| RegSpec {
            target,
            life,
            disposable,
            behavior,
            deps,
        },
    )
}

/// A registration set. Two in three are tidied so that most of them build and the run-time
/// model gets exercised: no required argument on an unregistered type, and arguments only on
/// types of a higher number (no cycles). The rest keep their missing types and cycles.
fn reg_specs() -> impl Strategy<Value = Vec<RegSpec>> {
    let regs = prop::collection::vec(reg_spec(), 1..=6);
    (regs, prop::bool::weighted(0.67)).prop_map(|(mut regs, tidy)| {
        if tidy {
            let registered: HashSet<Target> = regs.iter().map(|r| r.target).collect();
            for reg in &mut regs {
                let ty = reg.target.ty;
                reg.deps.retain(|&(target, kind)| {
                    target.ty > ty && (kind != Kind::Required || registered.contains(&target))
                });
            }
        }
        regs
    })
}

fn op() -> impl Strategy<Value = Op> {
    let ctx = prop_oneof![Just(Ctx::Root), (0..4_usize).prop_map(Ctx::Scope)];
    let mode = prop_oneof![
        3 => Just(Mode::Get),
        1 => Just(Mode::All),
        1 => Just(Mode::TryGet),
    ];
    prop_oneof![
        2 => Just(Op::CreateScope),
        8 => (ctx, target(), mode).prop_map(|(c, t, m)| Op::Resolve(c, t, m)),
        1 => (0..4_usize).prop_map(Op::DisposeScope),
        1 => (0..4_usize).prop_map(Op::DropScope),
        1 => Just(Op::DisposeProvider),
    ]
}

// ---------------------------------------------------------------------------------------------
// What happened, as recorded by the real services and predicted by the model

#[derive(Clone, Debug, PartialEq, Eq)]
enum Event {
    Create { reg: usize, serial: usize },
    Fail { reg: usize },
    Panic { reg: usize },
    Dispose { serial: usize },
    Drop { serial: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// The serials of the instances handed out.
    Values(Vec<usize>),
    /// `try_get` found no registration.
    Absent,
    NotRegistered,
    ScopedFromRoot,
    Factory,
    Disposed,
    Panicked,
    Other(String),
}

/// The events the real services record.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<Event>>,
    next_serial: AtomicUsize,
    panicked: Mutex<HashSet<usize>>,
}

impl Recorder {
    fn push(&self, event: Event) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }

    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The one kind of service, in [`TYPES`] types.
struct Svc<const K: usize> {
    serial: usize,
    recorder: Arc<Recorder>,
}

#[async_trait::async_trait]
impl<const K: usize> AsyncDispose for Svc<K> {
    async fn dispose(&self) {
        self.recorder.push(Event::Dispose {
            serial: self.serial,
        });
    }
}

impl<const K: usize> Drop for Svc<K> {
    fn drop(&mut self) {
        self.recorder.push(Event::Drop {
            serial: self.serial,
        });
    }
}

#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed on purpose")
    }
}

impl std::error::Error for Failed {}

/// The payload of the factory panics the test provokes (not printed).
struct ExpectedPanic;

// ---------------------------------------------------------------------------------------------
// Dependencies declared at run time, through the real planner

type Instance = Arc<dyn Any + Send + Sync>;
type Fetch =
    Box<dyn Fn(&Resolver<'_>, &mut Vec<Instance>) -> Result<(), ResolveError> + Send + Sync>;

/// A registration's service name and argument specs.
type Plan = (&'static str, Vec<(Target, Kind)>);

thread_local! {
    /// The dependency specs of the registrations being built, in registration order: `build()`
    /// plans each registration's arguments once, in that order.
    static PLANS: RefCell<VecDeque<Plan>> =
        const { RefCell::new(VecDeque::new()) };
}

/// Every argument of a factory, as its registration's spec says: the instances, flattened, in
/// argument order.
struct Args(#[allow(dead_code, reason = "held only to be dropped with the factory")] Vec<Instance>);

impl Dependency for Args {
    type State = Vec<Fetch>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        let (service, deps) = PLANS
            .with(|plans| plans.borrow_mut().pop_front())
            .expect("a plan per registration");
        assert_eq!(planner.service(), service, "planned in registration order");
        deps.iter()
            .map(|&(target, kind)| match target.ty {
                0 => plan_dep::<0>(planner, target.keyed, kind),
                1 => plan_dep::<1>(planner, target.keyed, kind),
                _ => plan_dep::<2>(planner, target.keyed, kind),
            })
            .collect()
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        let mut instances = Vec::new();
        for fetch in state {
            fetch(resolver, &mut instances)?;
        }
        Ok(Args(instances))
    }
}

fn plan_dep<const K: usize>(planner: &mut Planner<'_>, keyed: bool, kind: Kind) -> Fetch {
    let key = ServiceKey::from(KEY);
    let sites = match (kind, keyed) {
        (Kind::Required, false) => planner.require::<Svc<K>>().into_iter().collect(),
        (Kind::Required, true) => planner.require_keyed::<Svc<K>>(&key).into_iter().collect(),
        (Kind::Optional, false) => planner.optional::<Svc<K>>().into_iter().collect(),
        (Kind::Optional, true) => planner.optional_keyed::<Svc<K>>(&key).into_iter().collect(),
        (Kind::All, false) => planner.all::<Svc<K>>(),
        (Kind::All, true) => planner.all_keyed::<Svc<K>>(&key),
    };
    let sites: Vec<_> = sites;
    Box::new(move |resolver, out| {
        for site in &sites {
            out.push(resolver.resolve(site)?);
        }
        Ok(())
    })
}

fn register(services: &mut ServiceCollection, reg: usize, spec: &RegSpec, rec: &Arc<Recorder>) {
    match spec.target.ty {
        0 => register_typed::<0>(services, reg, spec, rec),
        1 => register_typed::<1>(services, reg, spec, rec),
        _ => register_typed::<2>(services, reg, spec, rec),
    }
}

fn register_typed<const K: usize>(
    services: &mut ServiceCollection,
    reg: usize,
    spec: &RegSpec,
    rec: &Arc<Recorder>,
) {
    let (behavior, rec) = (spec.behavior, Arc::clone(rec));
    let factory = move |args: Args| -> Result<Arc<Svc<K>>, Failed> {
        // Dropped when the factory returns or unwinds, after its event.
        let _args = args;
        match behavior {
            Behavior::Fail => {
                rec.push(Event::Fail { reg });
                Err(Failed)
            }
            Behavior::PanicFirst
                if rec
                    .panicked
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(reg) =>
            {
                rec.push(Event::Panic { reg });
                std::panic::panic_any(ExpectedPanic)
            }
            _ => {
                let serial = rec.next_serial.fetch_add(1, Ordering::SeqCst);
                rec.push(Event::Create { reg, serial });
                Ok(Arc::new(Svc {
                    serial,
                    recorder: Arc::clone(&rec),
                }))
            }
        }
    };
    let registration = match (spec.life, spec.target.keyed) {
        (Life::Singleton, false) => services.add_singleton(factory),
        (Life::Singleton, true) => services.add_keyed_singleton(KEY, factory),
        (Life::Scoped, false) => services.add_scoped(factory),
        (Life::Scoped, true) => services.add_keyed_scoped(KEY, factory),
        (Life::Transient, false) => services.add_transient(factory),
        (Life::Transient, true) => services.add_keyed_transient(KEY, factory),
    };
    if spec.disposable {
        registration.disposable();
    }
}

fn type_name_of(ty: usize) -> &'static str {
    match ty {
        0 => std::any::type_name::<Svc<0>>(),
        1 => std::any::type_name::<Svc<1>>(),
        _ => std::any::type_name::<Svc<2>>(),
    }
}

// ---------------------------------------------------------------------------------------------
// The real container, driven

/// Where a resolution starts.
enum Source<'a> {
    Root(&'a ServiceProvider),
    Scope(&'a Scope),
}

fn resolve_real(source: &Source<'_>, target: Target, mode: Mode) -> Outcome {
    let run = || match target.ty {
        0 => resolve_typed::<0>(source, target.keyed, mode),
        1 => resolve_typed::<1>(source, target.keyed, mode),
        _ => resolve_typed::<2>(source, target.keyed, mode),
    };
    match std::panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(outcome) => outcome,
        Err(_) => Outcome::Panicked,
    }
}

fn resolve_typed<const K: usize>(source: &Source<'_>, keyed: bool, mode: Mode) -> Outcome {
    type Found<const K: usize> = Result<Vec<Arc<Svc<K>>>, ResolveError>;
    let optional = |found: Result<Option<Arc<Svc<K>>>, ResolveError>| match found {
        Ok(None) => None,
        other => Some(other.map(|v| v.into_iter().collect())),
    };
    let found: Option<Found<K>> = match (source, mode, keyed) {
        (Source::Root(p), Mode::Get, false) => Some(p.get().map(|v| vec![v])),
        (Source::Root(p), Mode::Get, true) => Some(p.get_keyed(KEY).map(|v| vec![v])),
        (Source::Root(p), Mode::All, false) => Some(p.get_all()),
        (Source::Root(p), Mode::All, true) => Some(p.get_all_keyed(KEY)),
        (Source::Root(p), Mode::TryGet, false) => optional(p.try_get()),
        (Source::Root(p), Mode::TryGet, true) => optional(p.try_get_keyed(KEY)),
        (Source::Scope(s), Mode::Get, false) => Some(s.get().map(|v| vec![v])),
        (Source::Scope(s), Mode::Get, true) => Some(s.get_keyed(KEY).map(|v| vec![v])),
        (Source::Scope(s), Mode::All, false) => Some(s.get_all()),
        (Source::Scope(s), Mode::All, true) => Some(s.get_all_keyed(KEY)),
        (Source::Scope(s), Mode::TryGet, false) => optional(s.try_get()),
        (Source::Scope(s), Mode::TryGet, true) => optional(s.try_get_keyed(KEY)),
    };
    match found {
        None => Outcome::Absent,
        // The instances are dropped here, in order, as the model expects.
        Some(Ok(instances)) => Outcome::Values(instances.iter().map(|i| i.serial).collect()),
        Some(Err(error)) => match error {
            ResolveError::NotRegistered { .. } | ResolveError::KeyedNotRegistered { .. } => {
                Outcome::NotRegistered
            }
            ResolveError::ScopedFromRoot { .. } => Outcome::ScopedFromRoot,
            ResolveError::Factory { .. } => Outcome::Factory,
            ResolveError::Disposed { .. } => Outcome::Disposed,
            other => Outcome::Other(other.to_string()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The reference model

/// What one owner (the provider's root, or a scope) holds.
#[derive(Default)]
struct Owner {
    closed: bool,
    /// Cached instance per registration.
    cache: Vec<Option<usize>>,
    /// What it owns, in creation order: (serial, disposable).
    owned: Vec<(usize, bool)>,
    disposed: HashSet<usize>,
}

impl Owner {
    fn new(regs: usize) -> Self {
        Self {
            cache: vec![None; regs],
            ..Self::default()
        }
    }
}

/// An instance a resolution holds: dropped when released unless an owner keeps it.
#[derive(Clone, Copy)]
struct Held {
    serial: usize,
    owned: bool,
}

struct Model<'a> {
    regs: &'a [RegSpec],
    root: Owner,
    scopes: Vec<Option<Owner>>,
    next_serial: usize,
    panicked: HashSet<usize>,
    events: Vec<Event>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
    ScopedFromRoot,
    Factory,
    Panicked,
}

impl<'a> Model<'a> {
    fn registrations_of(&self, target: Target) -> Vec<usize> {
        registrations_of(self.regs, target)
    }

    /// Whether resolving `reg` needs a scope: it is scoped, or a transient that depends on
    /// something that needs one.
    fn needs_scope(&self, reg: usize) -> bool {
        match self.regs[reg].life {
            Life::Scoped => true,
            Life::Singleton => false,
            Life::Transient => edges(self.regs, reg)
                .into_iter()
                .any(|d| self.needs_scope(d)),
        }
    }

    fn owner(&mut self, ctx: Option<usize>) -> &mut Owner {
        match ctx {
            None => &mut self.root,
            Some(s) => self.scopes[s].as_mut().expect("a live scope"),
        }
    }

    fn release(&mut self, held: &[Held]) {
        for h in held.iter().filter(|h| !h.owned) {
            self.events.push(Event::Drop { serial: h.serial });
        }
    }

    /// Resolves registration `reg` in `ctx` (`None`: the root).
    fn resolve(&mut self, reg: usize, ctx: Option<usize>) -> Result<Held, Failure> {
        let spec = &self.regs[reg];
        if ctx.is_none() && self.needs_scope(reg) {
            return Err(Failure::ScopedFromRoot);
        }
        let ctx = if spec.life == Life::Singleton {
            None
        } else {
            ctx
        };
        if spec.life != Life::Transient
            && let Some(serial) = self.owner(ctx).cache[reg]
        {
            return Ok(Held {
                serial,
                owned: true,
            });
        }
        let mut args = Vec::new();
        for &(target, kind) in &spec.deps {
            let all = self.registrations_of(target);
            let chosen = match kind {
                Kind::All => all,
                Kind::Required | Kind::Optional => all.last().copied().into_iter().collect(),
            };
            for dep in chosen {
                match self.resolve(dep, ctx) {
                    Ok(held) => args.push(held),
                    Err(failure) => {
                        self.release(&args);
                        return Err(failure);
                    }
                }
            }
        }
        let outcome = match spec.behavior {
            Behavior::Fail => {
                self.events.push(Event::Fail { reg });
                Err(Failure::Factory)
            }
            Behavior::PanicFirst if self.panicked.insert(reg) => {
                self.events.push(Event::Panic { reg });
                Err(Failure::Panicked)
            }
            _ => {
                let serial = self.next_serial;
                self.next_serial += 1;
                self.events.push(Event::Create { reg, serial });
                Ok(serial)
            }
        };
        self.release(&args);
        let serial = outcome?;
        let (life, disposable) = (spec.life, spec.disposable);
        let owner = self.owner(ctx);
        let owned = life != Life::Transient || disposable;
        if owned {
            owner.owned.push((serial, disposable));
        }
        if life != Life::Transient {
            owner.cache[reg] = Some(serial);
        }
        Ok(Held { serial, owned })
    }

    fn resolve_op(&mut self, ctx: Option<usize>, target: Target, mode: Mode) -> Outcome {
        let scope_closed = ctx.is_some_and(|s| self.owner(Some(s)).closed);
        if scope_closed || self.root.closed {
            return Outcome::Disposed;
        }
        let all = self.registrations_of(target);
        let chosen = match mode {
            Mode::All => all,
            Mode::Get | Mode::TryGet => match all.last() {
                Some(&last) => vec![last],
                None if matches!(mode, Mode::TryGet) => return Outcome::Absent,
                None => return Outcome::NotRegistered,
            },
        };
        let mut held = Vec::new();
        for reg in chosen {
            match self.resolve(reg, ctx) {
                Ok(h) => held.push(h),
                Err(failure) => {
                    self.release(&held);
                    return match failure {
                        Failure::ScopedFromRoot => Outcome::ScopedFromRoot,
                        Failure::Factory => Outcome::Factory,
                        Failure::Panicked => Outcome::Panicked,
                    };
                }
            }
        }
        self.release(&held);
        Outcome::Values(held.iter().map(|h| h.serial).collect())
    }

    fn dispose(&mut self, ctx: Option<usize>) {
        let owner = self.owner(ctx);
        owner.closed = true;
        let mut events = Vec::new();
        for &(serial, disposable) in owner.owned.iter().rev() {
            if disposable && owner.disposed.insert(serial) {
                events.push(Event::Dispose { serial });
            }
        }
        self.events.extend(events);
    }

    fn drop_owner(&mut self, owner: &Owner) {
        for &(serial, _) in owner.owned.iter().rev() {
            self.events.push(Event::Drop { serial });
        }
    }
}

fn registrations_of(regs: &[RegSpec], target: Target) -> Vec<usize> {
    (0..regs.len())
        .filter(|&r| regs[r].target == target)
        .collect()
}

/// The registrations `reg` depends on: a required or optional argument on the last
/// registration of its type, a resolve-all argument on each.
fn edges(regs: &[RegSpec], reg: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for &(target, kind) in &regs[reg].deps {
        let all = registrations_of(regs, target);
        match kind {
            Kind::All => out.extend(all),
            Kind::Required | Kind::Optional => out.extend(all.last()),
        }
    }
    out
}

/// `reach[a][b]`: `b` can be reached from `a` by one edge or more.
fn reachability(regs: &[RegSpec]) -> Vec<Vec<bool>> {
    let n = regs.len();
    let mut reach = vec![vec![false; n]; n];
    for (a, row) in reach.iter_mut().enumerate() {
        for b in edges(regs, a) {
            row[b] = true;
        }
    }
    for k in 0..n {
        for a in 0..n {
            for b in 0..n {
                if reach[a][k] && reach[k][b] {
                    reach[a][b] = true;
                }
            }
        }
    }
    reach
}

/// Whether `reg` reaches a scoped registration through transients only.
fn captures_scoped(regs: &[RegSpec], reg: usize, seen: &mut HashSet<usize>) -> bool {
    edges(regs, reg).into_iter().any(|d| match regs[d].life {
        Life::Scoped => true,
        Life::Transient => seen.insert(d) && captures_scoped(regs, d, seen),
        Life::Singleton => false,
    })
}

/// Checks `build()`'s problems against the model; returns whether the build must succeed.
fn check_build(
    regs: &[RegSpec],
    built: &Result<ServiceProvider, BuildError>,
) -> Result<(), TestCaseError> {
    let name = |r: usize| type_name_of(regs[r].target.ty);
    let mut missing: Vec<(&str, &str, bool)> = Vec::new();
    for (r, spec) in regs.iter().enumerate() {
        for &(target, kind) in &spec.deps {
            if kind == Kind::Required && registrations_of(regs, target).is_empty() {
                missing.push((name(r), type_name_of(target.ty), target.keyed));
            }
        }
    }
    let reach = reachability(regs);
    let on_cycle: Vec<usize> = (0..regs.len()).filter(|&r| reach[r][r]).collect();
    let mut cyclic_components: Vec<Vec<usize>> = Vec::new();
    for &r in &on_cycle {
        if !cyclic_components
            .iter()
            .any(|c| reach[c[0]][r] && reach[r][c[0]])
        {
            cyclic_components.push(
                on_cycle
                    .iter()
                    .copied()
                    .filter(|&o| reach[r][o] && reach[o][r])
                    .collect(),
            );
        }
    }
    let mut captive: Vec<&str> = (0..regs.len())
        .filter(|&r| regs[r].life == Life::Singleton)
        .filter(|&r| captures_scoped(regs, r, &mut HashSet::new()))
        .map(name)
        .collect();
    let expect_ok = missing.is_empty() && on_cycle.is_empty() && captive.is_empty();
    let problems = match built {
        Ok(_) => {
            prop_assert!(
                expect_ok,
                "built, but the model expects problems: missing {missing:?}, cycles through {on_cycle:?}, captive {captive:?}"
            );
            return Ok(());
        }
        Err(BuildError::Invalid { problems }) => problems,
        Err(other) => {
            return Err(TestCaseError::fail(format!(
                "unexpected build error: {other}"
            )));
        }
    };
    prop_assert!(
        !expect_ok,
        "the model expects a valid collection: {problems:?}"
    );
    let mut seen_missing = Vec::new();
    let mut seen_captive = Vec::new();
    let mut cycles = Vec::new();
    for problem in problems {
        match problem {
            BuildProblem::MissingDependency {
                service,
                dependency,
                key,
                ..
            } => {
                seen_missing.push((*service, *dependency, key.is_some()));
            }
            BuildProblem::CaptiveDependency { singleton, .. } => seen_captive.push(*singleton),
            BuildProblem::Cycle { path } => cycles.push(path.clone()),
            other => return Err(TestCaseError::fail(format!("unexpected problem: {other}"))),
        }
    }
    missing.sort_unstable();
    seen_missing.sort_unstable();
    prop_assert_eq!(seen_missing, missing, "missing dependencies");
    prop_assert_eq!(
        cycles.is_empty(),
        on_cycle.is_empty(),
        "a cycle is reported iff there is one: {:?}",
        cycles
    );
    prop_assert!(
        cycles.len() >= cyclic_components.len(),
        "one cycle per cyclic component at least: {cycles:?}"
    );
    let cyclic_names: HashSet<&str> = on_cycle.iter().map(|&r| name(r)).collect();
    for path in &cycles {
        prop_assert!(
            path.len() >= 2 && path.first() == path.last(),
            "a closed path: {path:?}"
        );
        prop_assert!(
            path.iter().all(|n| cyclic_names.contains(n)),
            "only services on a cycle: {path:?}"
        );
    }
    if on_cycle.is_empty() {
        captive.sort_unstable();
        seen_captive.sort_unstable();
        prop_assert_eq!(seen_captive, captive, "captive singletons");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The test

fn run_case(regs: &[RegSpec], ops: &[Op]) -> Result<(), TestCaseError> {
    let recorder = Arc::new(Recorder::default());
    let mut services = ServiceCollection::new();
    for (reg, spec) in regs.iter().enumerate() {
        register(&mut services, reg, spec, &recorder);
    }
    PLANS.with(|plans| {
        *plans.borrow_mut() = regs
            .iter()
            .map(|s| (type_name_of(s.target.ty), s.deps.clone()))
            .collect();
    });
    let built = services.build();
    prop_assert!(
        PLANS.with(|p| p.borrow().is_empty()),
        "every registration planned once"
    );
    check_build(regs, &built)?;
    let Ok(provider) = built else {
        return Ok(());
    };
    let mut provider = Some(provider);
    let mut scopes: Vec<Option<Scope>> = Vec::new();
    let mut model = Model {
        regs,
        root: Owner::new(regs.len()),
        scopes: Vec::new(),
        next_serial: 0,
        panicked: HashSet::new(),
        events: Vec::new(),
    };
    let pick = |i: usize, n: usize| (n > 0).then(|| i % n);
    for (step, op) in ops.iter().enumerate() {
        let p = provider.as_ref().expect("dropped only at the end");
        match *op {
            Op::CreateScope => {
                // The model: a disposed provider creates no scopes.
                match p.create_scope() {
                    Ok(scope) => {
                        prop_assert!(
                            !model.root.closed,
                            "step {}: scope of a disposed provider",
                            step
                        );
                        scopes.push(Some(scope));
                        model.scopes.push(Some(Owner::new(regs.len())));
                    }
                    Err(error) => prop_assert!(
                        model.root.closed && matches!(error, ResolveError::Disposed { .. }),
                        "step {}: {}",
                        step,
                        error
                    ),
                }
            }
            Op::Resolve(ctx, target, mode) => {
                let ctx = match ctx {
                    Ctx::Root => None,
                    Ctx::Scope(i) => match pick(i, scopes.len()) {
                        Some(s) if scopes[s].is_some() => Some(s),
                        _ => continue,
                    },
                };
                let real = match ctx {
                    None => resolve_real(&Source::Root(p), target, mode),
                    Some(s) => resolve_real(
                        &Source::Scope(scopes[s].as_ref().expect("live")),
                        target,
                        mode,
                    ),
                };
                let expected = model.resolve_op(ctx, target, mode);
                prop_assert_eq!(real, expected, "step {}: {:?}", step, op);
            }
            Op::DisposeScope(i) => {
                let Some(s) = pick(i, scopes.len()).filter(|&s| scopes[s].is_some()) else {
                    continue;
                };
                futures::executor::block_on(scopes[s].as_ref().expect("live").dispose());
                model.dispose(Some(s));
            }
            Op::DropScope(i) => {
                let Some(s) = pick(i, scopes.len()).filter(|&s| scopes[s].is_some()) else {
                    continue;
                };
                drop(scopes[s].take());
                let owner = model.scopes[s].take().expect("live");
                model.drop_owner(&owner);
            }
            Op::DisposeProvider => {
                futures::executor::block_on(p.dispose());
                model.dispose(None);
            }
        }
        prop_assert_eq!(
            recorder.take(),
            std::mem::take(&mut model.events),
            "events of step {}: {:?}",
            step,
            op
        );
    }
    for (s, scope) in scopes.iter_mut().enumerate() {
        if let Some(scope) = scope.take() {
            drop(scope);
            let owner = model.scopes[s].take().expect("live");
            model.drop_owner(&owner);
        }
    }
    drop(provider.take());
    let root = std::mem::take(&mut model.root);
    model.drop_owner(&root);
    prop_assert_eq!(
        recorder.take(),
        model.events,
        "events of dropping everything"
    );
    Ok(())
}

fn silence_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<ExpectedPanic>() {
                default(info);
            }
        }));
    });
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_container_does_what_the_reference_model_predicts(
        regs in reg_specs(),
        ops in prop::collection::vec(op(), 0..=16),
    ) {
        silence_expected_panics();
        run_case(&regs, &ops)?;
    }
}
