//! [`SiteConfig`]: what the builder decided about one call site before its factory is planned.

use crate::dispose::DisposeFn;
use crate::lifetime::ServiceLifetime;

/// What the builder tells a factory about the call site it plans.
#[derive(Clone, Copy)]
pub(crate) struct SiteConfig {
    pub(crate) service: &'static str,
    pub(crate) lifetime: ServiceLifetime,
    pub(crate) slot: usize,
    pub(crate) dispose: Option<DisposeFn>,
    /// Registered under [`ServiceKey::any`](crate::ServiceKey::any): one instance per key.
    pub(crate) catch_all: bool,
}
