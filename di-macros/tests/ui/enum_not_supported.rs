#[derive(di_core::Injectable)]
enum Repo {
    A,
}

fn main() {}
