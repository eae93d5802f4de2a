use std::sync::Arc;

struct Db;
struct Repo;

fn main() {
    let mut services = di_core::ServiceCollection::new();
    services.add_singleton(|| Arc::new(Db));
    // A borrowed `&Db` cannot be injected: take `Arc<Db>`.
    services.add_singleton(|_db: &Db| Arc::new(Repo));
}
