//! The `jobs` binary.

fn main() {}
