#[derive(di_core::Injectable)]
struct Repo {
    #[inject(key = "primary")]
    db: String,
}

fn main() {}
