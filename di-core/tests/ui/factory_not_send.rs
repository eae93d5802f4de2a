use std::rc::Rc;
use std::sync::Arc;

struct Greeting(String);

fn main() {
    let text = Rc::new(String::from("hello"));
    let mut services = di_core::ServiceCollection::new();
    // The factory itself captures an `Rc`, so it cannot be shared with the provider's threads.
    services.add_singleton(move || Arc::new(Greeting(text.to_string())));
}
