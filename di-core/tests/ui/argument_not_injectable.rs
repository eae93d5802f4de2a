use std::sync::Arc;

struct Repo;

fn main() {
    let mut services = di_core::ServiceCollection::new();
    // `u32` is not an injectable argument: it should be `Arc<u32>`.
    services.add_singleton(|_port: u32| Arc::new(Repo));
}
