//! `#[derive(Injectable)]` for [di-core](https://docs.rs/di-core): a struct whose fields are its
//! dependencies. Use it through `di_core::Injectable`, which re-exports it.
//!
//! Each field is one factory argument:
//!
//! | field type | injected as |
//! | --- | --- |
//! | `Arc<T>` | the registration of `T` (required) |
//! | `Option<Arc<T>>` | the registration of `T`, if any |
//! | `Vec<Arc<T>>` | every registration of `T`, in registration order |
//! | `ScopeFactory`, or any other `Dependency` type | itself |
//! | `#[inject(key = "primary")]` on one of the three above | the registration under that key |
//! | `#[inject(key = Primary)]` (a `StaticKey` type, e.g. from `service_key!`) | the same |
//! | `#[inject(owned)]` on a plain `T` (or `Owned<T>` without it) | a new value of the owned transient `T` (`add_owned`), moved in |
//! | `#[inject(owned, key = "pdf")]` | the owned transient under that key |
//! | `#[inject(default)]` | not injected: `Default::default()` |
//!
//! The generated code names `::di_core`, so the crate using the derive depends on `di-core`.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use di_core::{Injectable, ServiceCollection, ServiceLifetime};
//!
//! struct Db;
//! struct Cache;
//!
//! #[derive(Injectable)]
//! struct Repo {
//!     db: Arc<Db>,
//!     cache: Option<Arc<Cache>>,
//!     #[inject(key = "replica")]
//!     replica: Arc<Db>,
//!     #[inject(default)]
//!     hits: std::sync::atomic::AtomicU64,
//! }
//!
//! let mut services = ServiceCollection::new();
//! services.add_singleton(|| Arc::new(Db));
//! services.add_keyed_singleton("replica", || Arc::new(Db));
//! services.add_injectable::<Repo>(ServiceLifetime::Scoped);
//! let provider = services.build()?;
//! let repo = provider.create_scope()?.get::<Repo>()?;
//! assert!(repo.cache.is_none());
//! assert!(!Arc::ptr_eq(&repo.db, &repo.replica));
//! assert_eq!(repo.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attrs;
mod expand;
mod field;

/// Implements `di_core::Injectable` for a struct from its fields; see the [crate docs](crate).
#[proc_macro_derive(Injectable, attributes(inject))]
pub fn derive_injectable(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
