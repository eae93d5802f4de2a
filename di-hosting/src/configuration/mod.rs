//! The host's layered configuration: defaults in code, `appsettings.toml`,
//! `appsettings.{Environment}.toml`, prefixed environment variables and the command line, merged
//! in that order, each value remembering where it came from.
//!
//! [`ConfigurationBuilder`] chooses the sources; at build the host loads them into a
//! [`Configuration`] and a [`HostEnvironment`]. Problems are [`ConfigurationError`]s that name
//! the key, the value and its [`ValueSource`].
//!
//! # Why figment, behind our own types
//!
//! [figment](https://docs.rs/figment) merges layers while tagging every value with the layer it
//! came from, which is what lets an error say "`worker.batch_size` = \"eight\" from environment
//! variable `JOBS_WORKER__BATCH_SIZE`"; it also returns every error of a load. config-rs is
//! released more often, but changed how it folds the case of keys twice in recent releases,
//! which silently changes which environment variable sets which key. Figment stays private:
//! the public API is [`Configuration`], [`ConfigurationBuilder`] and [`ValueSource`], so
//! another backend can replace it without touching applications. The layers are our own
//! providers (not figment's `Env`) so that tests can pass variables without mutating the
//! process environment and provenance names the exact variable or flag.

mod builder;
mod environment;
mod error;
mod layer;
mod merged;
mod source;
mod sources;

pub use builder::ConfigurationBuilder;
pub use environment::HostEnvironment;
pub use error::ConfigurationError;
pub(crate) use error::options_name;
pub use merged::Configuration;
pub use source::ValueSource;
pub(crate) use sources::{Loaded, Sources};
