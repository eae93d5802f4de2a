//! A Generic-Host-style runtime for tokio (work in progress).
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

/// The axum integration: per-request scopes, `Inject<T>` extractors, middleware, a hosted server.
#[cfg(feature = "axum")]
pub mod web;
