//! The generated collections of the `build()` case: `n` registrations with 3 dependencies each.
//!
//! There are [`LAYERS`] node types `N0`…`N47`; registration `i` registers node type `i % LAYERS`
//! as a transient whose factory takes the three previous layers (`N(k-1)`, `N(k-2)`, `N(k-3)`),
//! so validation walks a graph [`LAYERS`] deep. The first three layers take the singletons
//! `Config` and `Clock` and the transient `Plain`, registered once. Repeated registrations of a
//! type are distinct call sites, each planned and validated.
//!
//! # Examples
//!
//! ```
//! let provider = benches::graph::collection(1_000).build()?;
//! // Resolving a deep layer would be exponential (every layer is transient): resolve the first.
//! assert!(provider.get::<benches::graph::N0>().is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use di_core::ServiceCollection;

use crate::model::{Clock, Config, Plain};

/// How many distinct node types the generated graph has.
pub const LAYERS: usize = 48;

/// A factory of the hand-written registry, with its service type erased.
pub type ErasedFn = Arc<dyn Fn() -> Arc<dyn Any + Send + Sync> + Send + Sync>;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N0;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N1;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N2;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N3;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N4;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N5;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N6;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N7;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N8;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N9;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N10;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N11;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N12;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N13;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N14;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N15;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N16;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N17;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N18;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N19;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N20;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N21;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N22;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N23;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N24;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N25;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N26;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N27;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N28;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N29;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N30;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N31;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N32;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N33;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N34;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N35;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N36;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N37;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N38;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N39;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N40;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N41;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N42;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N43;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N44;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N45;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N46;

/// A node type of the generated graph.
#[derive(Debug)]
pub struct N47;

/// `n` registrations (`n` ≥ 3): the three base services, then `n - 3` nodes.
pub fn collection(n: usize) -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_singleton(|| Arc::new(Config { value: 7 }));
    services.add_singleton(|| Arc::new(Clock { tick: 1 }));
    services.add_transient(|| Arc::new(Plain::default()));
    for i in 0..n.saturating_sub(3) {
        register(&mut services, i % LAYERS);
    }
    services
}

fn register(services: &mut ServiceCollection, layer: usize) {
    match layer {
        0 => {
            services.add_transient(|_: Arc<Config>, _: Arc<Clock>, _: Arc<Plain>| Arc::new(N0));
        }
        1 => {
            services.add_transient(|_: Arc<Config>, _: Arc<Clock>, _: Arc<Plain>| Arc::new(N1));
        }
        2 => {
            services.add_transient(|_: Arc<Config>, _: Arc<Clock>, _: Arc<Plain>| Arc::new(N2));
        }
        3 => {
            services.add_transient(|_: Arc<N2>, _: Arc<N1>, _: Arc<N0>| Arc::new(N3));
        }
        4 => {
            services.add_transient(|_: Arc<N3>, _: Arc<N2>, _: Arc<N1>| Arc::new(N4));
        }
        5 => {
            services.add_transient(|_: Arc<N4>, _: Arc<N3>, _: Arc<N2>| Arc::new(N5));
        }
        6 => {
            services.add_transient(|_: Arc<N5>, _: Arc<N4>, _: Arc<N3>| Arc::new(N6));
        }
        7 => {
            services.add_transient(|_: Arc<N6>, _: Arc<N5>, _: Arc<N4>| Arc::new(N7));
        }
        8 => {
            services.add_transient(|_: Arc<N7>, _: Arc<N6>, _: Arc<N5>| Arc::new(N8));
        }
        9 => {
            services.add_transient(|_: Arc<N8>, _: Arc<N7>, _: Arc<N6>| Arc::new(N9));
        }
        10 => {
            services.add_transient(|_: Arc<N9>, _: Arc<N8>, _: Arc<N7>| Arc::new(N10));
        }
        11 => {
            services.add_transient(|_: Arc<N10>, _: Arc<N9>, _: Arc<N8>| Arc::new(N11));
        }
        12 => {
            services.add_transient(|_: Arc<N11>, _: Arc<N10>, _: Arc<N9>| Arc::new(N12));
        }
        13 => {
            services.add_transient(|_: Arc<N12>, _: Arc<N11>, _: Arc<N10>| Arc::new(N13));
        }
        14 => {
            services.add_transient(|_: Arc<N13>, _: Arc<N12>, _: Arc<N11>| Arc::new(N14));
        }
        15 => {
            services.add_transient(|_: Arc<N14>, _: Arc<N13>, _: Arc<N12>| Arc::new(N15));
        }
        16 => {
            services.add_transient(|_: Arc<N15>, _: Arc<N14>, _: Arc<N13>| Arc::new(N16));
        }
        17 => {
            services.add_transient(|_: Arc<N16>, _: Arc<N15>, _: Arc<N14>| Arc::new(N17));
        }
        18 => {
            services.add_transient(|_: Arc<N17>, _: Arc<N16>, _: Arc<N15>| Arc::new(N18));
        }
        19 => {
            services.add_transient(|_: Arc<N18>, _: Arc<N17>, _: Arc<N16>| Arc::new(N19));
        }
        20 => {
            services.add_transient(|_: Arc<N19>, _: Arc<N18>, _: Arc<N17>| Arc::new(N20));
        }
        21 => {
            services.add_transient(|_: Arc<N20>, _: Arc<N19>, _: Arc<N18>| Arc::new(N21));
        }
        22 => {
            services.add_transient(|_: Arc<N21>, _: Arc<N20>, _: Arc<N19>| Arc::new(N22));
        }
        23 => {
            services.add_transient(|_: Arc<N22>, _: Arc<N21>, _: Arc<N20>| Arc::new(N23));
        }
        24 => {
            services.add_transient(|_: Arc<N23>, _: Arc<N22>, _: Arc<N21>| Arc::new(N24));
        }
        25 => {
            services.add_transient(|_: Arc<N24>, _: Arc<N23>, _: Arc<N22>| Arc::new(N25));
        }
        26 => {
            services.add_transient(|_: Arc<N25>, _: Arc<N24>, _: Arc<N23>| Arc::new(N26));
        }
        27 => {
            services.add_transient(|_: Arc<N26>, _: Arc<N25>, _: Arc<N24>| Arc::new(N27));
        }
        28 => {
            services.add_transient(|_: Arc<N27>, _: Arc<N26>, _: Arc<N25>| Arc::new(N28));
        }
        29 => {
            services.add_transient(|_: Arc<N28>, _: Arc<N27>, _: Arc<N26>| Arc::new(N29));
        }
        30 => {
            services.add_transient(|_: Arc<N29>, _: Arc<N28>, _: Arc<N27>| Arc::new(N30));
        }
        31 => {
            services.add_transient(|_: Arc<N30>, _: Arc<N29>, _: Arc<N28>| Arc::new(N31));
        }
        32 => {
            services.add_transient(|_: Arc<N31>, _: Arc<N30>, _: Arc<N29>| Arc::new(N32));
        }
        33 => {
            services.add_transient(|_: Arc<N32>, _: Arc<N31>, _: Arc<N30>| Arc::new(N33));
        }
        34 => {
            services.add_transient(|_: Arc<N33>, _: Arc<N32>, _: Arc<N31>| Arc::new(N34));
        }
        35 => {
            services.add_transient(|_: Arc<N34>, _: Arc<N33>, _: Arc<N32>| Arc::new(N35));
        }
        36 => {
            services.add_transient(|_: Arc<N35>, _: Arc<N34>, _: Arc<N33>| Arc::new(N36));
        }
        37 => {
            services.add_transient(|_: Arc<N36>, _: Arc<N35>, _: Arc<N34>| Arc::new(N37));
        }
        38 => {
            services.add_transient(|_: Arc<N37>, _: Arc<N36>, _: Arc<N35>| Arc::new(N38));
        }
        39 => {
            services.add_transient(|_: Arc<N38>, _: Arc<N37>, _: Arc<N36>| Arc::new(N39));
        }
        40 => {
            services.add_transient(|_: Arc<N39>, _: Arc<N38>, _: Arc<N37>| Arc::new(N40));
        }
        41 => {
            services.add_transient(|_: Arc<N40>, _: Arc<N39>, _: Arc<N38>| Arc::new(N41));
        }
        42 => {
            services.add_transient(|_: Arc<N41>, _: Arc<N40>, _: Arc<N39>| Arc::new(N42));
        }
        43 => {
            services.add_transient(|_: Arc<N42>, _: Arc<N41>, _: Arc<N40>| Arc::new(N43));
        }
        44 => {
            services.add_transient(|_: Arc<N43>, _: Arc<N42>, _: Arc<N41>| Arc::new(N44));
        }
        45 => {
            services.add_transient(|_: Arc<N44>, _: Arc<N43>, _: Arc<N42>| Arc::new(N45));
        }
        46 => {
            services.add_transient(|_: Arc<N45>, _: Arc<N44>, _: Arc<N43>| Arc::new(N46));
        }
        _ => {
            services.add_transient(|_: Arc<N46>, _: Arc<N45>, _: Arc<N44>| Arc::new(N47));
        }
    }
}

/// `n` registrations as a hand-written registry would hold them: a service type and a boxed
/// factory each.
pub fn erased(n: usize) -> Vec<(TypeId, ErasedFn)> {
    let types = node_types();
    (0..n)
        .map(|i| {
            let factory: ErasedFn = Arc::new(move || Arc::new(i));
            (types[i % LAYERS], factory)
        })
        .collect()
}

fn node_types() -> [TypeId; LAYERS] {
    [
        TypeId::of::<N0>(),
        TypeId::of::<N1>(),
        TypeId::of::<N2>(),
        TypeId::of::<N3>(),
        TypeId::of::<N4>(),
        TypeId::of::<N5>(),
        TypeId::of::<N6>(),
        TypeId::of::<N7>(),
        TypeId::of::<N8>(),
        TypeId::of::<N9>(),
        TypeId::of::<N10>(),
        TypeId::of::<N11>(),
        TypeId::of::<N12>(),
        TypeId::of::<N13>(),
        TypeId::of::<N14>(),
        TypeId::of::<N15>(),
        TypeId::of::<N16>(),
        TypeId::of::<N17>(),
        TypeId::of::<N18>(),
        TypeId::of::<N19>(),
        TypeId::of::<N20>(),
        TypeId::of::<N21>(),
        TypeId::of::<N22>(),
        TypeId::of::<N23>(),
        TypeId::of::<N24>(),
        TypeId::of::<N25>(),
        TypeId::of::<N26>(),
        TypeId::of::<N27>(),
        TypeId::of::<N28>(),
        TypeId::of::<N29>(),
        TypeId::of::<N30>(),
        TypeId::of::<N31>(),
        TypeId::of::<N32>(),
        TypeId::of::<N33>(),
        TypeId::of::<N34>(),
        TypeId::of::<N35>(),
        TypeId::of::<N36>(),
        TypeId::of::<N37>(),
        TypeId::of::<N38>(),
        TypeId::of::<N39>(),
        TypeId::of::<N40>(),
        TypeId::of::<N41>(),
        TypeId::of::<N42>(),
        TypeId::of::<N43>(),
        TypeId::of::<N44>(),
        TypeId::of::<N45>(),
        TypeId::of::<N46>(),
        TypeId::of::<N47>(),
    ]
}

/// The hand-written floor of `build()`: index the factories by type, with no planning and no
/// validation.
pub fn index(registrations: &[(TypeId, ErasedFn)]) -> HashMap<TypeId, Vec<ErasedFn>> {
    let mut index: HashMap<TypeId, Vec<ErasedFn>> = HashMap::new();
    for (type_id, factory) in registrations {
        index.entry(*type_id).or_default().push(Arc::clone(factory));
    }
    index
}
