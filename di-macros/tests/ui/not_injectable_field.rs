use std::sync::Arc;

struct Db;

#[derive(di_core::Injectable)]
struct Repo {
    db: Arc<Db>,
    name: String,
}

fn main() {}
