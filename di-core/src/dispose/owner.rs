//! [`Owner`]: the provider or a scope, as disposal errors name it.

/// Who owns a [`CreationLog`](super::CreationLog): named in the error of a resolution that finds it disposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The provider: singletons and what the root created.
    Provider,
    /// A scope: scoped services and what the scope created.
    Scope,
}

impl Owner {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Scope => "scope",
        }
    }
}
