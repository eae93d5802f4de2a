L = 48
out = []
out.append('''//! The generated collections of the `build()` case: `n` registrations with 3 dependencies each.
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
pub const LAYERS: usize = @L@;

/// A factory of the hand-written registry, with its service type erased.
pub type ErasedFn = Arc<dyn Fn() -> Arc<dyn Any + Send + Sync> + Send + Sync>;
'''.replace('@L@', str(L)))
for k in range(L):
    out.append('/// A node type of the generated graph.\n#[derive(Debug)]\npub struct N%d;\n' % k)
out.append('''/// `n` registrations (`n` ≥ 3): the three base services, then `n - 3` nodes.
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
    match layer {''')
for k in range(L):
    if k < 3:
        args = '_: Arc<Config>, _: Arc<Clock>, _: Arc<Plain>'
    else:
        args = '_: Arc<N%d>, _: Arc<N%d>, _: Arc<N%d>' % (k-1, k-2, k-3)
    arm = '%d' % k if k < L-1 else '_'
    out.append('        %s => {\n            services.add_transient(|%s| Arc::new(N%d));\n        }' % (arm, args, k))
out.append('''    }
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
@TYPES@
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
''')
out[-1] = out[-1].replace('@TYPES@', '\n'.join('        TypeId::of::<N%d>(),' % k for k in range(L)))
open('benches/src/graph.rs','w').write('\n'.join(out))
