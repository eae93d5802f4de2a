//! [`ValueSource`]: where a configuration value came from.

use std::fmt;
use std::path::PathBuf;

/// Where a configuration value came from: the layer that set it, precise enough to find and fix
/// it (the file and key, the environment variable, the command-line argument).
///
/// # Examples
///
/// ```
/// use di_hosting::ValueSource;
///
/// let source = ValueSource::EnvironmentVariable { name: "JOBS_WORKER__BATCH_SIZE".into() };
/// assert_eq!(source.to_string(), "environment variable `JOBS_WORKER__BATCH_SIZE`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueSource {
    /// A default set in code with
    /// [`ConfigurationBuilder::default_value`](crate::ConfigurationBuilder::default_value).
    Default,
    /// A TOML file (`appsettings.toml` or `appsettings.{Environment}.toml`).
    File {
        /// The file.
        path: PathBuf,
        /// The key within the file, dotted (`worker.batch_size`).
        key: String,
    },
    /// An environment variable.
    EnvironmentVariable {
        /// The variable's name (`JOBS_WORKER__BATCH_SIZE`).
        name: String,
    },
    /// A command-line flag given to
    /// [`ConfigurationBuilder::command_line_flag`](crate::ConfigurationBuilder::command_line_flag).
    CommandLineFlag {
        /// The flag (`--listen`).
        flag: String,
    },
    /// A `key=value` override given to
    /// [`ConfigurationBuilder::command_line_overrides`](crate::ConfigurationBuilder::command_line_overrides).
    CommandLineOverride {
        /// The override as given (`worker.batch_size=8`).
        argument: String,
    },
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("the defaults in code"),
            Self::File { path, key } => write!(f, "file `{}`, key `{key}`", path.display()),
            Self::EnvironmentVariable { name } => write!(f, "environment variable `{name}`"),
            Self::CommandLineFlag { flag } => write!(f, "command-line flag `{flag}`"),
            Self::CommandLineOverride { argument } => {
                write!(f, "command-line override `{argument}`")
            }
        }
    }
}
