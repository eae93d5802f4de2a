//! Runs one case in a loop, for instruction counts under callgrind:
//!
//! ```sh
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measure*' \
//!     target/release/examples/callgrind e_complex ours 10000
//! ```
//!
//! Only `measure` is counted, so setup (building the provider, creating the singletons, making
//! the collections) is excluded; divide the total by the iteration count. `benches/callgrind.sh`
//! does this for every case. The web cases (`web_state`, `web_state_new_repo` and
//! `web_hand_scope` with `baseline`, `web_inject` and `web_inject_outer` with `ours`, in-process
//! with `oneshot`; `web_hyper_{state,hand_scope}` and `web_hyper_{inject,inject_outer}` through
//! hyper's HTTP/1 server, as `WebServer` serves) run on a tokio runtime, outside `measure`: count
//! them with `--collect-atstart=yes` and the difference between two iteration counts, so that a
//! disposal task is counted too (`callgrind.sh --web`).
//!
//! With `--features peers`, `peer_<case> <crate>` (e.g. `peer_e_complex shaku`) runs the peer
//! modules of `benches/peers/` through a stand-in for criterion's group, so every contender is
//! counted the same way.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;

use benches::baseline::Baseline;
use benches::container::{self, KEYS};
use benches::features;
use benches::graph;
use benches::model::{Config, Filler, Handler, Plain, Request, Root, Service};
use benches::owned;

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
        ("d_scope", "erased_scope") => measure(n, || base.erased_scope()),
        ("d_scope", "contract_scope") => measure(n, || base.contract_scope()),
        ("d_scope", "ours") => measure(n, || {
            p.create_scope()
                .expect("the provider is not disposed")
                .get::<Request>()
                .expect("resolves")
        }),
        ("e_complex", "baseline") => measure(n, || base.complex()),
        ("e_complex", "ours") => measure(n, || p.get::<Root>().expect("resolves")),
        ("scope_1" | "scope_100" | "scope_1000" | "scope_10000", "ours") => {
            let fillers: usize = case["scope_".len()..].parse()?;
            let p = container::scoped_fillers(fillers).build()?;
            measure(n, || {
                p.create_scope()
                    .expect("the provider is not disposed")
                    .get::<Filler>()
                    .expect("resolves")
            })
        }
        ("get_all_8" | "keyed", "ours" | "baseline") => {
            let p = container::handlers().build()?;
            let all = p.get_all::<Handler>()?;
            p.get_keyed::<Handler>(KEYS[3])?;
            match (case, who) {
                ("keyed", "ours") => {
                    measure(n, || p.get_keyed::<Handler>(KEYS[3]).expect("resolves"))
                }
                ("keyed", _) => measure(n, || Arc::clone(&all[3])),
                (_, "ours") => measure(n, || p.get_all::<Handler>().expect("resolves")),
                _ => measure(n, || all.to_vec()),
            }
        }
        ("catch_all" | "lazy_inject" | "lazy_get" | "decorated", _) => {
            return features_case(case, who, n);
        }
        ("b_owned" | "c_owned" | "e_owned", _) => return owned_case(case, who, n),
        ("build_1000", "ours") | ("build_10000", "ours") => {
            let services = graph::collection(if case == "build_1000" { 1_000 } else { 10_000 });
            measure(n, || services.build().expect("builds"))
        }
        ("web_state", "baseline") => web_run(&web::state(), n),
        ("web_state_new_repo", "baseline") => web_run(&web::state_new_repo(), n),
        ("web_hand_scope", "baseline") => web_run(&web::hand_scope(), n),
        ("web_inject", "ours") => {
            let (router, _provider) = web::inject();
            web_run(&router, n)
        }
        ("web_inject_outer", "ours") => {
            let (service, _provider) = web::inject_outer();
            web_run(&service, n)
        }
        ("web_hyper_state", "baseline") => hyper_run(web::state(), n),
        ("web_hyper_hand_scope", "baseline") => hyper_run(web::hand_scope(), n),
        ("web_hyper_inject", "ours") => {
            let (router, _provider) = web::inject();
            hyper_run(router, n)
        }
        ("web_hyper_inject_outer", "ours") => {
            let (service, _provider) = web::inject_outer();
            hyper_run(service, n)
        }
        #[cfg(feature = "peers")]
        (peer, who) if peer.starts_with("peer_") => return Ok(peers::run(&peer[5..], who, n)),
        _ => return Ok(false),
    }
    Ok(true)
}

/// The owned-transient cases (`benches/container.rs`, groups `*_owned`): `baseline` by value,
/// `baseline_boxed` a `Box` per object, `ours` and `ours_boxed` the container.
#[inline(never)]
fn owned_case(case: &str, who: &str, n: u64) -> Result<bool, Box<dyn std::error::Error>> {
    let base = Baseline::new();
    let p = owned::services().build()?;
    p.get::<Config>()?;
    match (case, who) {
        ("b_owned", "baseline") => measure(n, Plain::default),
        ("b_owned", "baseline_boxed") => measure(n, Box::<Plain>::default),
        ("b_owned", "ours") => measure(n, || p.get_owned::<Plain>().expect("resolves")),
        ("b_owned", "ours_boxed") => measure(n, || p.get_owned::<Box<Plain>>().expect("resolves")),
        ("c_owned", "baseline") => measure(n, || owned::service(&base)),
        ("c_owned", "baseline_boxed") => measure(n, || owned::boxed_service(&base)),
        ("c_owned", "ours") => measure(n, || p.get_owned::<owned::Service>().expect("resolves")),
        ("c_owned", "ours_boxed") => measure(n, || {
            p.get_owned::<Box<owned::BoxedService>>().expect("resolves")
        }),
        ("e_owned", "baseline") => measure(n, || owned::by_value(&base)),
        ("e_owned", "baseline_boxed") => measure(n, || owned::boxed(&base)),
        ("e_owned", "ours") => measure(n, || p.get_owned::<owned::Root>().expect("resolves")),
        ("e_owned", "ours_boxed") => measure(n, || {
            p.get_owned::<Box<owned::BoxedRoot>>().expect("resolves")
        }),
        _ => return Ok(false),
    }
    Ok(true)
}

#[inline(never)]
/// The registration-feature cases (`benches/features.rs`).
fn features_case(case: &str, who: &str, n: u64) -> Result<bool, Box<dyn std::error::Error>> {
    let base = features::Baseline::default();
    let p = features::services().build()?;
    p.get_keyed::<features::Db>("reports")?;
    base.keyed("reports");
    let (hand, holder) = (base.holder(), p.get::<features::Holder>()?);
    hand.get();
    holder.db.get()?;
    match (case, who) {
        ("catch_all", "baseline") => measure(n, || base.keyed("reports")),
        ("catch_all", "ours") => measure(n, || {
            p.get_keyed::<features::Db>("reports").expect("resolves")
        }),
        ("lazy_inject", "baseline") => measure(n, || base.holder()),
        ("lazy_inject", "ours") => measure(n, || p.get::<features::Holder>().expect("resolves")),
        ("lazy_get", "baseline") => measure(n, || hand.get()),
        ("lazy_get", "ours") => measure(n, || holder.db.get().expect("resolves")),
        ("decorated", "baseline") => measure(n, || base.decorated()),
        ("decorated", "ours") => measure(n, || p.get::<dyn features::Greeter>().expect("resolves")),
        ("decorated", "undecorated") => {
            measure(n, || p.get::<features::Plain>().expect("resolves"))
        }
        _ => return Ok(false),
    }
    Ok(true)
}

// Never inlined: callgrind counts only what runs inside `callgrind::measure*`, and a caller
// that inlined it (the peers' `Group::bench_function`) would count nothing.
#[inline(never)]
fn measure<R>(n: u64, mut work: impl FnMut() -> R) {
    for _ in 0..n {
        black_box(work());
    }
}

/// The services of `benches/web.rs`.
#[path = "../benches/web/routers.rs"]
mod web;

/// `n` requests through `service` on a current-thread runtime, yielding after each as the
/// criterion bench does.
fn web_run<S, B>(service: &S, n: u64)
where
    S: tower::Service<
            http::Request<axum::body::Body>,
            Response = http::Response<B>,
            Error = std::convert::Infallible,
        > + Clone,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        for _ in 0..n {
            web::request(service).await;
            tokio::task::yield_now().await;
        }
    });
}

/// `n` requests on one HTTP/1.1 keep-alive connection that hyper serves with `service`, as
/// `WebServer` does (its `with_request_scopes` serves `RequestScope<Router>`), over an in-memory
/// pipe so that no system call is counted.
fn hyper_run<S, B>(service: S, n: u64)
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<B>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let connection = tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(
            hyper_util::rt::TokioIo::new(server),
            hyper_util::service::TowerToHyperService::new(service),
        ));
        let mut answer = vec![0; 4096];
        for _ in 0..n {
            client
                .write_all(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
                .await
                .expect("the request is written");
            let mut read = 0;
            // The handler answers "7": the response is its head and one byte of body.
            let head_end = loop {
                let more = client.read(&mut answer[read..]).await.expect("an answer");
                assert!(more > 0, "the connection stays open");
                read += more;
                if let Some(end) = answer[..read].windows(4).position(|w| w == b"\r\n\r\n") {
                    break end + 4;
                }
            };
            assert!(answer.starts_with(b"HTTP/1.1 200"), "the handler answers");
            while read < head_end + 1 {
                read += client.read(&mut answer[read..]).await.expect("the body");
            }
            assert_eq!(read, head_end + 1, "one response per request");
        }
        drop(client);
        connection
            .await
            .expect("the connection task")
            .expect("the connection");
    });
}

#[cfg(feature = "peers")]
#[path = "../benches/peers/dependency_injector.rs"]
mod dependency_injector;
#[cfg(feature = "peers")]
#[path = "../benches/peers/dill.rs"]
mod dill;
#[cfg(feature = "peers")]
#[path = "../benches/peers/ferrunix.rs"]
mod ferrunix;
#[cfg(feature = "peers")]
#[path = "../benches/peers/froodi.rs"]
mod froodi;
#[cfg(feature = "peers")]
#[path = "../benches/peers/host_rs.rs"]
mod host_rs;
#[cfg(feature = "peers")]
#[path = "../benches/peers/more_di.rs"]
mod more_di;
#[cfg(feature = "peers")]
#[path = "../benches/peers/shaku.rs"]
mod shaku;

/// The cases of the peer modules (the same enum as `benches/peers/main.rs`).
#[cfg(feature = "peers")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Singleton,
    Transient,
    TransientDeps,
    Scope,
    Complex,
    GetAll,
    Keyed,
}

/// A stand-in for criterion's benchmark group: runs the one function named `who` under
/// [`measure`].
#[cfg(feature = "peers")]
pub(crate) struct Group<'a> {
    who: &'a str,
    n: u64,
    ran: bool,
}

#[cfg(feature = "peers")]
impl Group<'_> {
    pub(crate) fn bench_function(
        &mut self,
        id: &str,
        mut f: impl FnMut(&mut Bencher),
    ) -> &mut Self {
        if id == self.who {
            f(&mut Bencher { n: self.n });
            self.ran = true;
        }
        self
    }
}

/// A stand-in for criterion's `Bencher`.
#[cfg(feature = "peers")]
pub(crate) struct Bencher {
    n: u64,
}

#[cfg(feature = "peers")]
impl Bencher {
    pub(crate) fn iter<R>(&mut self, routine: impl FnMut() -> R) {
        measure(self.n, routine);
    }
}

#[cfg(feature = "peers")]
mod peers {
    use super::{Case, Group};

    /// Runs `who` (a peer crate) on `case`; false if either is unknown or unsupported.
    pub(super) fn run(case: &str, who: &str, n: u64) -> bool {
        let case = match case {
            "a_singleton" => Case::Singleton,
            "b_transient" => Case::Transient,
            "c_transient_deps" => Case::TransientDeps,
            "d_scope" => Case::Scope,
            "e_complex" => Case::Complex,
            "get_all_8" => Case::GetAll,
            "keyed" => Case::Keyed,
            _ => return false,
        };
        let mut group = Group { who, n, ran: false };
        match who {
            "shaku" => super::shaku::bench(case, &mut group),
            "more_di" => super::more_di::bench(case, &mut group),
            "dill" => super::dill::bench(case, &mut group),
            "froodi" => super::froodi::bench(case, &mut group),
            "dependency_injector" => super::dependency_injector::bench(case, &mut group),
            "host_rs" => super::host_rs::bench(case, &mut group),
            "ferrunix" => super::ferrunix::bench(case, &mut group),
            _ => return false,
        }
        group.ran
    }
}
