//! The container on its own: registration, validation, scopes and disposal.

fn main() {}
