struct Repo;

fn main() {
    let mut services = di_core::ServiceCollection::new();
    // A factory must return `Arc<S>` (or `Result<Arc<S>, E>`), not `S`.
    services.add_transient(|| Repo);
}
