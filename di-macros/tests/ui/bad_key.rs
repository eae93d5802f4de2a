use std::sync::Arc;

#[derive(di_core::Injectable)]
struct Repo {
    #[inject(key = 1 + 2)]
    db: Arc<u8>,
}

fn main() {}
