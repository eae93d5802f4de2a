//! The application's settings: [`JobsConfig`] read from the command line and the environment
//! (`settings`), and the check that they can work together (`validate`), kept apart so that
//! another configuration source can reuse the check.

mod settings;
mod validate;

pub use settings::{ConfigError, DEFAULT_DATABASE_URL, DEFAULT_LISTEN, JobsConfig, MAX_BODY_BYTES};
pub use validate::Problem;
