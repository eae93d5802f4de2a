//! Runs one case in a loop, for instruction counts under callgrind:
//!
//! ```sh
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measure*' \
//!     target/release/examples/callgrind e_complex ours 10000
//! ```
//!
//! Only `measure` is counted, so setup (building the provider, creating the singletons, making
//! the collections) is excluded; divide the total by the iteration count. `benches/callgrind.sh`
//! does this for every case. The web cases run on a tokio runtime whose spawned tasks (the
//! scope's disposal) run outside `measure`: count them with `--collect-atstart=yes` and the
//! difference between two iteration counts instead.

use std::hint::black_box;
use std::process::ExitCode;

use benches::baseline::Baseline;
use benches::container::{self, KEYS};
use benches::graph;
use benches::model::{Config, Filler, Handler, Plain, Request, Root, Service};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(case), Some(who)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: callgrind <case> <baseline|ours> [iterations]");
        return ExitCode::FAILURE;
    };
    let iterations: u64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    match run(case, who, iterations) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("unknown case `{case}` or contender `{who}`");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run(case: &str, who: &str, n: u64) -> Result<bool, Box<dyn std::error::Error>> {
    let base = Baseline::new();
    let p = container::services().build()?;
    p.get::<Config>()?;
    match (case, who) {
        ("a_singleton", "baseline") => measure(n, || base.singleton()),
        ("a_singleton", "ours") => measure(n, || p.get::<Config>().expect("resolves")),
        ("b_transient", "baseline") => measure(n, || base.transient()),
        ("b_transient", "ours") => measure(n, || p.get::<Plain>().expect("resolves")),
        ("c_transient_deps", "baseline") => measure(n, || base.service()),
        ("c_transient_deps", "ours") => measure(n, || p.get::<Service>().expect("resolves")),
        ("d_scope", "baseline") => measure(n, || base.scoped()),
        ("d_scope", "manual_scope") => measure(n, || base.manual_scope()),
        ("d_scope", "ours") => measure(n, || p.create_scope().get::<Request>().expect("resolves")),
        ("e_complex", "baseline") => measure(n, || base.complex()),
        ("e_complex", "ours") => measure(n, || p.get::<Root>().expect("resolves")),
        ("scope_1", "ours") | ("scope_1000", "ours") => {
            let fillers = if case == "scope_1" { 1 } else { 1_000 };
            let p = container::scoped_fillers(fillers).build()?;
            measure(n, || p.create_scope().get::<Filler>().expect("resolves"))
        }
        ("get_all_8", "ours") | ("keyed", "ours") => {
            let p = container::handlers().build()?;
            p.get_all::<Handler>()?;
            p.get_keyed::<Handler>(KEYS[3])?;
            if case == "keyed" {
                measure(n, || p.get_keyed::<Handler>(KEYS[3]).expect("resolves"));
            } else {
                measure(n, || p.get_all::<Handler>().expect("resolves"));
            }
        }
        ("build_1000", "ours") | ("build_10000", "ours") => {
            let services = graph::collection(if case == "build_1000" { 1_000 } else { 10_000 });
            measure(n, || services.build().expect("builds"))
        }
        ("web_state", "baseline") => web::run(web::state_router(), n),
        ("web_inject", "ours") => {
            let (router, _provider) = web::inject_router();
            web::run(router, n)
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[inline(never)]
fn measure<R>(n: u64, work: impl Fn() -> R) {
    for _ in 0..n {
        black_box(work());
    }
}

mod web {
    //! The two routers of `benches/web.rs`.

    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::routing::get;
    use benches::model::Config;
    use di_core::{ServiceCollection, ServiceProvider};
    use di_hosting::web::{Inject, RequestScopeLayer};
    use tower::ServiceExt;

    struct Repo {
        config: Arc<Config>,
    }

    /// The scope layer holds the provider weakly: the caller keeps it alive.
    pub(super) fn inject_router() -> (Router, ServiceProvider) {
        let mut services = ServiceCollection::new();
        services.add_singleton(|| Arc::new(Config { value: 7 }));
        services.add_scoped(|config: Arc<Config>| Arc::new(Repo { config }));
        let provider = services.build().expect("the web services build");
        let router = Router::new()
            .route(
                "/",
                get(|Inject(repo): Inject<Repo>| async move { repo.config.value.to_string() }),
            )
            .layer(RequestScopeLayer::new(provider.scope_factory()));
        (router, provider)
    }

    pub(super) fn state_router() -> Router {
        let repo = Arc::new(Repo {
            config: Arc::new(Config { value: 7 }),
        });
        Router::new()
            .route(
                "/",
                get(|State(repo): State<Arc<Repo>>| async move { repo.config.value.to_string() }),
            )
            .with_state(repo)
    }

    pub(super) fn run(router: Router, n: u64) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async {
            for _ in 0..n {
                let response = router
                    .clone()
                    .oneshot(http::Request::new(Body::empty()))
                    .await
                    .expect("infallible");
                assert_eq!(
                    response.status(),
                    http::StatusCode::OK,
                    "the handler answers"
                );
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
                std::hint::black_box(body.expect("the body is read"));
                tokio::task::yield_now().await;
            }
        });
    }
}
