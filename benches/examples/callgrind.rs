//! Runs one case in a loop, for instruction counts under callgrind:
//!
//! ```sh
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measure*' \
//!     target/release/examples/callgrind e_complex ours 10000
//! ```
//!
//! Only `measure` is counted, so setup (building the provider, creating the singletons, making
//! the collections) is excluded; divide the total by the iteration count. `benches/run.sh`
//! does this for every case.

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
