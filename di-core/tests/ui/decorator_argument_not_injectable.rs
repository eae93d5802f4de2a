use std::sync::Arc;

trait Store: Send + Sync {}
struct Memory;
impl Store for Memory {}

fn main() {
    let mut services = di_core::ServiceCollection::new();
    services.add_singleton(|| Arc::new(Memory) as Arc<dyn Store>);
    // `usize` is not an injectable argument.
    services.decorate::<dyn Store, _, _>(|inner: Arc<dyn Store>, _limit: usize| inner);
}
