//! Build-time validation: missing dependencies, cycles (with their full path), captive
//! dependencies, async registrations in a synchronous build, every problem reported at once,
//! and deep graphs validated without overflowing the stack.

use std::any::type_name;
use std::cell::Cell;
use std::sync::Arc;

use di_core::{
    BuildError, BuildProblem, Dependency, Planner, Registrations, ResolveError, Resolver,
    ScopeFactory, ServiceCollection, ServiceKey, SiteRef,
};

struct A;
struct B;
struct C;

fn problems(services: &ServiceCollection) -> Vec<BuildProblem> {
    match services.build() {
        Ok(_) => panic!("the collection should be invalid"),
        Err(error) => error.problems().to_vec(),
    }
}

fn message(services: &ServiceCollection) -> String {
    match services.build() {
        Ok(_) => panic!("the collection should be invalid"),
        Err(error) => error.to_string(),
    }
}

/// The path as the error message prints it: `` `a` -> `b` ``.
fn arrow_path(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

#[test]
fn missing_dependency_is_a_build_error_naming_it_and_who_requires_it() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Arc<B>| Arc::new(A));

    let found = problems(&services);
    let text = message(&services);

    assert_eq!(
        found,
        [BuildProblem::MissingDependency {
            service: type_name::<A>(),
            dependency: type_name::<B>(),
            key: None,
            registered: Registrations::default(),
        }]
    );
    assert!(text.contains(&format!("`{}`", type_name::<A>())), "{text}");
    assert!(text.contains(&format!("`{}`", type_name::<B>())), "{text}");
}

#[test]
fn missing_dependency_of_a_never_resolved_transient_is_still_reported() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(A));
    services.add_transient(|_c: Arc<C>| Arc::new(B));

    let found = problems(&services);

    assert_eq!(found.len(), 1);
    assert!(matches!(
        found[0],
        BuildProblem::MissingDependency { service, dependency, .. }
            if service == type_name::<B>() && dependency == type_name::<C>()
    ));
}

#[test]
fn optional_and_vec_arguments_may_be_missing() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Option<Arc<B>>, _c: Vec<Arc<C>>| Arc::new(A));

    let provider = services.build();

    assert!(provider.is_ok());
}

#[test]
fn cycle_is_a_build_error_with_the_full_path() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Arc<B>| Arc::new(A));
    services.add_transient(|_c: Arc<C>| Arc::new(B));
    services.add_scoped(|_a: Arc<A>| Arc::new(C));
    let path = [
        type_name::<A>(),
        type_name::<B>(),
        type_name::<C>(),
        type_name::<A>(),
    ];

    let found = problems(&services);
    let text = message(&services);

    assert!(
        found.contains(&BuildProblem::Cycle {
            path: path.to_vec()
        }),
        "{found:?}"
    );
    assert!(text.contains(&arrow_path(&path)), "{text}");
}

#[test]
fn cycle_is_reported_once_however_many_services_are_on_it() {
    let mut services = ServiceCollection::new();
    services.add_transient(|_b: Arc<B>| Arc::new(A));
    services.add_transient(|_c: Arc<C>| Arc::new(B));
    services.add_transient(|_a: Arc<A>| Arc::new(C));

    let found = problems(&services);

    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_service_depending_on_itself_is_a_cycle() {
    let mut services = ServiceCollection::new();
    services.add_transient(|_a: Arc<A>| Arc::new(A));

    let found = problems(&services);

    assert_eq!(
        found,
        [BuildProblem::Cycle {
            path: vec![type_name::<A>(), type_name::<A>()]
        }]
    );
}

#[test]
fn cycle_through_vec_and_optional_arguments_is_a_build_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_all: Vec<Arc<B>>| Arc::new(A));
    services.add_singleton(|| Arc::new(B));
    services.add_singleton(|_a: Option<Arc<A>>| Arc::new(B));

    let found = problems(&services);
    let text = message(&services);

    assert_eq!(
        found,
        [BuildProblem::Cycle {
            path: vec![type_name::<A>(), type_name::<B>(), type_name::<A>()]
        }]
    );
    assert!(
        text.contains(&arrow_path(&[
            type_name::<A>(),
            type_name::<B>(),
            type_name::<A>()
        ])),
        "{text}"
    );
}

#[test]
fn two_independent_cycles_are_both_reported() {
    struct D;
    let mut services = ServiceCollection::new();
    services.add_singleton(|_b: Arc<B>| Arc::new(A));
    services.add_singleton(|_a: Arc<A>| Arc::new(B));
    services.add_scoped(|_d: Arc<D>| Arc::new(C));
    services.add_scoped(|_c: Arc<C>| Arc::new(D));

    let found = problems(&services);

    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| matches!(p, BuildProblem::Cycle { .. }))
    );
}

#[test]
fn a_scope_factory_argument_is_not_a_cycle() {
    struct Worker {
        _scopes: ScopeFactory,
    }
    let mut services = ServiceCollection::new();
    services.add_singleton(|_scopes: ScopeFactory| Arc::new(Worker { _scopes }));

    let provider = services.build();

    assert!(provider.is_ok());
}

struct Singleton;
struct Scoped;
struct Transient1;
struct Transient2;

#[test]
fn singleton_depending_directly_on_a_scoped_service_is_a_captive_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Scoped));
    services.add_singleton(|_s: Arc<Scoped>| Arc::new(Singleton));

    let found = problems(&services);
    let text = message(&services);

    assert_eq!(
        found,
        [BuildProblem::CaptiveDependency {
            singleton: type_name::<Singleton>(),
            scoped: type_name::<Scoped>(),
            path: vec![type_name::<Singleton>(), type_name::<Scoped>()],
        }]
    );
    assert!(text.contains(type_name::<Singleton>()), "{text}");
    assert!(text.contains(type_name::<Scoped>()), "{text}");
}

#[test]
fn singleton_capturing_a_scoped_service_through_transients_is_a_captive_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Scoped));
    services.add_transient(|_s: Arc<Scoped>| Arc::new(Transient2));
    services.add_transient(|_t: Arc<Transient2>| Arc::new(Transient1));
    services.add_singleton(|_t: Arc<Transient1>| Arc::new(Singleton));
    let path = [
        type_name::<Singleton>(),
        type_name::<Transient1>(),
        type_name::<Transient2>(),
        type_name::<Scoped>(),
    ];

    let found = problems(&services);
    let text = message(&services);

    assert_eq!(
        found,
        [BuildProblem::CaptiveDependency {
            singleton: type_name::<Singleton>(),
            scoped: type_name::<Scoped>(),
            path: path.to_vec(),
        }]
    );
    assert!(text.contains(&arrow_path(&path)), "{text}");
}

#[test]
fn singleton_capturing_scoped_services_through_a_vec_is_a_captive_error() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Scoped));
    services.add_singleton(|_all: Vec<Arc<Scoped>>| Arc::new(Singleton));

    let found = problems(&services);

    assert!(matches!(
        found[..],
        [BuildProblem::CaptiveDependency { singleton, scoped, .. }]
            if singleton == type_name::<Singleton>() && scoped == type_name::<Scoped>()
    ));
}

#[test]
fn transient_and_scoped_services_may_depend_on_scoped_ones() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Scoped));
    services.add_transient(|_s: Arc<Scoped>| Arc::new(Transient1));
    services.add_scoped(|_t: Arc<Transient1>| Arc::new(A));

    let provider = services.build();

    assert!(provider.is_ok());
}

#[test]
fn singleton_depending_on_transients_of_singletons_is_valid() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(A));
    services.add_transient(|_a: Arc<A>| Arc::new(Transient1));
    services.add_singleton(|_t: Arc<Transient1>| Arc::new(Singleton));

    let provider = services.build();

    assert!(provider.is_ok());
}

#[test]
fn async_registration_in_a_synchronous_build_is_an_error() {
    let mut services = ServiceCollection::new();
    services.add_singleton_async(|| async { Ok::<_, std::io::Error>(Arc::new(A)) });

    let found = problems(&services);
    let text = message(&services);

    assert_eq!(
        found,
        [BuildProblem::AsyncRequiresBuildAsync {
            service: type_name::<A>()
        }]
    );
    assert!(text.contains("build_async"), "{text}");
    assert!(text.contains(type_name::<A>()), "{text}");
}

#[test]
fn every_problem_is_reported_at_once_and_numbered() {
    let mut services = ServiceCollection::new();
    services.add_singleton(|_missing: Arc<C>| Arc::new(Transient1)); // missing
    services.add_transient(|_b: Arc<B>| Arc::new(A)); // cycle A -> B -> A
    services.add_transient(|_a: Arc<A>| Arc::new(B));
    services.add_scoped(|| Arc::new(Scoped));
    services.add_singleton(|_s: Arc<Scoped>| Arc::new(Singleton)); // captive
    services.add_singleton_async(|| async { Ok::<_, std::io::Error>(Arc::new(Transient2)) });

    let error = services.build().expect_err("four problems");

    let BuildError::Invalid { problems } = &error else {
        panic!("expected `BuildError::Invalid`, got {error:?}");
    };
    assert_eq!(problems.len(), 4, "{problems:?}");
    let has = |f: fn(&BuildProblem) -> bool| problems.iter().filter(|p| f(p)).count();
    assert_eq!(
        has(|p| matches!(p, BuildProblem::MissingDependency { .. })),
        1
    );
    assert_eq!(has(|p| matches!(p, BuildProblem::Cycle { .. })), 1);
    assert_eq!(
        has(|p| matches!(p, BuildProblem::CaptiveDependency { .. })),
        1
    );
    assert_eq!(
        has(|p| matches!(p, BuildProblem::AsyncRequiresBuildAsync { .. })),
        1
    );
    let text = error.to_string();
    assert!(text.contains("4 problems"), "{text}");
    for (i, problem) in problems.iter().enumerate() {
        let line = format!("\n  {}. {problem}", i + 1);
        assert!(text.contains(&line), "missing {line:?} in {text}");
    }
}

#[test]
fn every_missing_argument_of_one_factory_is_reported() {
    let mut services = ServiceCollection::new();
    services.add_scoped(|_b: Arc<B>, _c: Arc<C>| Arc::new(A));

    let found = problems(&services);

    let missing: Vec<&str> = found
        .iter()
        .filter_map(|p| match p {
            BuildProblem::MissingDependency { dependency, .. } => Some(*dependency),
            _ => None,
        })
        .collect();
    assert_eq!(missing, [type_name::<B>(), type_name::<C>()]);
}

/// One link of a long chain. Each registration is keyed by its position; its factory argument
/// [`Next`] depends on the registration keyed with the next position.
struct Link;

const CHAIN: u32 = 10_000;

thread_local! {
    /// How many `Next` arguments this thread has planned: registrations are planned in order,
    /// so this is the position of the link being planned.
    static PLANNED: Cell<u32> = const { Cell::new(0) };
    /// Whether the last link depends on the first, closing the chain into a cycle.
    static CLOSED: Cell<bool> = const { Cell::new(false) };
}

struct Next(Option<Arc<Link>>);

impl Dependency for Next {
    type State = Option<SiteRef<Link>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        let position = PLANNED.with(|p| p.replace(p.get() + 1));
        let next = match position + 1 {
            CHAIN if CLOSED.with(Cell::get) => 0,
            next => next,
        };
        (next < CHAIN)
            .then(|| planner.require_keyed::<Link>(&ServiceKey::new(next)))
            .flatten()
    }

    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        state
            .as_ref()
            .map(|site| resolver.resolve(site))
            .transpose()
            .map(Next)
    }
}

#[test]
fn a_ten_thousand_deep_dependency_chain_builds_without_overflowing_the_stack() {
    PLANNED.with(|p| p.set(0));
    CLOSED.with(|c| c.set(false));
    let mut services = ServiceCollection::new();
    for position in 0..CHAIN {
        services.add_keyed_transient(ServiceKey::new(position), |next: Next| {
            let _ = next.0;
            Arc::new(Link)
        });
    }

    let provider = services.build().expect("a long chain is valid");

    assert_eq!(provider.graph().nodes().len(), CHAIN as usize);
    assert_eq!(provider.graph().edges().len(), CHAIN as usize - 1);
    let last = provider.get_keyed::<Link>(ServiceKey::new(CHAIN - 1));
    assert!(last.is_ok());
}

#[test]
fn a_ten_thousand_deep_cycle_is_reported_with_its_full_path_without_overflowing_the_stack() {
    PLANNED.with(|p| p.set(0));
    CLOSED.with(|c| c.set(true));
    let mut services = ServiceCollection::new();
    for position in 0..CHAIN {
        services.add_keyed_transient(ServiceKey::new(position), |_next: Next| Arc::new(Link));
    }

    let found = problems(&services);

    assert!(
        matches!(&found[..], [BuildProblem::Cycle { path }] if path.len() == CHAIN as usize + 1),
        "expected one cycle through all {CHAIN} links"
    );
}
