//! Typed options: configuration sections bound to `serde` types, validated at build, injectable
//! as `Arc<T>` (the value at build), [`OptionsMonitor<T>`] (the current value, following file
//! edits) and [`OptionsSnapshot<T>`] (one value per scope).
//!
//! The host builder collects the bindings ([`OptionsBindings`]); at build each is bound and
//! validated, every problem is reported with the container's, and the valid ones are
//! registered. A [`ConfigurationWatcher`] then re-binds them when a file changes.

mod binding;
mod monitor;
mod snapshot;
mod validation;
mod watcher;

pub(crate) use binding::OptionsBindings;
pub use monitor::OptionsMonitor;
pub use snapshot::OptionsSnapshot;
pub use validation::ValidationError;
pub(crate) use watcher::ConfigurationWatcher;
