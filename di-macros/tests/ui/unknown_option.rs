use std::sync::Arc;

#[derive(di_core::Injectable)]
struct Repo {
    #[inject(named = "primary")]
    db: Arc<u8>,
}

fn main() {}
