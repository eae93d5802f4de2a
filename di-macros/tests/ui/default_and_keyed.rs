use std::sync::Arc;

#[derive(di_core::Injectable)]
struct Repo {
    #[inject(default, key = "primary")]
    db: Option<Arc<u8>>,
}

fn main() {}
