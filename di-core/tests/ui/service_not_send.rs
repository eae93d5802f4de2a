use std::rc::Rc;
use std::sync::Arc;

// `Rc` is not `Send`: services are shared across threads.
struct Counter {
    count: Rc<u32>,
}

fn main() {
    let mut services = di_core::ServiceCollection::new();
    services.add_singleton(|| Arc::new(Counter { count: Rc::new(0) }));
}
