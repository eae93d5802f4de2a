//! How long a resolved instance lives.

use std::fmt;

/// How long an instance created by the container lives, and who shares it.
///
/// # Examples
///
/// ```
/// use di_core::ServiceLifetime;
///
/// assert_eq!(ServiceLifetime::Scoped.to_string(), "scoped");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceLifetime {
    /// One instance per provider, created on first use (or during an async build) and shared by
    /// every scope.
    Singleton,
    /// One instance per scope.
    Scoped,
    /// A new instance on every resolution.
    Transient,
}

impl fmt::Display for ServiceLifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Singleton => "singleton",
            Self::Scoped => "scoped",
            Self::Transient => "transient",
        })
    }
}
