//! The application's settings: [`JobsConfig`] and the layout of its keys (`settings`), the
//! [`CommandLine`] (`command_line`), the rules that refuse settings which cannot work
//! (`validate`), and how the host reads them all (`sources`): defaults, `appsettings.toml`,
//! `appsettings.{Environment}.toml`, `JOBS_*` variables, then the command line.

mod command_line;
mod settings;
mod sources;
mod validate;

pub use command_line::CommandLine;
pub use settings::{DEFAULT_DATABASE_URL, DEFAULT_LISTEN, JobsConfig, MAX_BODY_BYTES};
pub(crate) use sources::configured_host_builder;
