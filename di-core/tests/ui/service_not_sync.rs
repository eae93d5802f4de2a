use std::cell::RefCell;
use std::sync::Arc;

// `RefCell` is not `Sync`: a shared service needs a `Mutex` or atomics instead.
struct Cache {
    entries: RefCell<Vec<String>>,
}

fn main() {
    let mut services = di_core::ServiceCollection::new();
    services.add_scoped(|| Arc::new(Cache { entries: RefCell::new(Vec::new()) }));
}
