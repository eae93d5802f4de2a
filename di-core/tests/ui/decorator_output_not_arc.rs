use std::sync::Arc;

trait Store: Send + Sync {}
struct Memory;
impl Store for Memory {}
struct Logged(Arc<dyn Store>);

fn main() {
    let mut services = di_core::ServiceCollection::new();
    services.add_singleton(|| Arc::new(Memory) as Arc<dyn Store>);
    // The decorator must return `Arc<dyn Store>`, not the wrapper itself.
    services.decorate::<dyn Store, _, _>(|inner: Arc<dyn Store>| Logged(inner));
}
