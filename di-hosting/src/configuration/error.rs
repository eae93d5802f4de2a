//! [`ConfigurationError`]: one problem with the configuration, naming the key, the bad value
//! and where it came from.

use std::fmt;
use std::path::PathBuf;

use crate::configuration::ValueSource;

/// One problem found while loading the configuration or binding options. The host reports every
/// one of them at once, numbered, next to the container's own build problems.
///
/// # Examples
///
/// ```
/// use di_hosting::{ConfigurationError, ValueSource};
///
/// let error = ConfigurationError::InvalidValue {
///     options: "WorkerSettings",
///     key: "worker.batch_size".into(),
///     value: "\"eight\"".into(),
///     origin: Box::new(ValueSource::EnvironmentVariable { name: "JOBS_WORKER__BATCH_SIZE".into() }),
///     message: "expected u32".into(),
/// };
/// assert_eq!(
///     error.to_string(),
///     "`worker.batch_size` = \"eight\" from environment variable `JOBS_WORKER__BATCH_SIZE` \
///      is invalid for `WorkerSettings`: expected u32"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigurationError {
    /// A configuration file exists but could not be read or parsed.
    #[error("cannot read `{}`: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why (for a syntax error: the line and column).
        message: String,
    },
    /// A value cannot be converted to the type of the options it belongs to.
    #[error("`{key}` = {value} from {origin} is invalid for `{options}`: {message}")]
    InvalidValue {
        /// The options type.
        options: &'static str,
        /// The full dotted key.
        key: String,
        /// The value, as configured.
        value: String,
        /// Where the value came from (boxed to keep the error small).
        origin: Box<ValueSource>,
        /// What was expected.
        message: String,
    },
    /// A value the options type requires is set by no source.
    #[error("`{key}` is required by `{options}` but no source sets it; set it {hint}")]
    Missing {
        /// The options type.
        options: &'static str,
        /// The full dotted key.
        key: String,
        /// Where it could be set.
        hint: String,
    },
    /// A validator rejected a value.
    #[error(
        "{} is rejected by the validation of `{options}`: {message}",
        Setting { key, value, origin }
    )]
    Rejected {
        /// The options type.
        options: &'static str,
        /// The full dotted key the validator named.
        key: String,
        /// The value, as configured (`nothing` when no source sets it).
        value: String,
        /// Where the value came from; `None` when no source set it (the options type's default).
        origin: Option<Box<ValueSource>>,
        /// The validator's message.
        message: String,
    },
    /// A validator rejected the options as a whole.
    #[error("`{options}` (section `{section}`) is rejected by its validation: {message}")]
    RejectedOptions {
        /// The options type.
        options: &'static str,
        /// The section it is bound to.
        section: String,
        /// The validator's message.
        message: String,
    },
    /// A command-line override is not of the form `key=value`.
    #[error("the command-line override `{argument}` is not of the form `key=value`")]
    InvalidOverride {
        /// The override as given.
        argument: String,
    },
    /// A default or flag value cannot be represented as configuration.
    #[error(
        "the value given in code for `{key}` cannot be represented as configuration: {message}"
    )]
    Unrepresentable {
        /// The key.
        key: String,
        /// Why.
        message: String,
    },
    /// A validator was added for a type that was never bound to a section.
    #[error(
        "a validator was added for `{options}`, but `{options}` is not bound to a section; call `add_options::<{options}>(\"section\")`"
    )]
    NotBound {
        /// The options type.
        options: &'static str,
    },
}

/// A rejected setting: its key, value and origin, or that no source set it.
struct Setting<'a> {
    key: &'a str,
    value: &'a str,
    origin: &'a Option<Box<ValueSource>>,
}

impl fmt::Display for Setting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { key, value, origin } = self;
        match origin {
            Some(origin) => write!(f, "`{key}` = {value} from {origin}"),
            None => write!(f, "`{key}` (set by no source: the options type's default)"),
        }
    }
}

/// The name of an options type as its users write it: `JobsConfig`, not
/// `jobs::config::settings::JobsConfig`, since the module path is the crate's private layout;
/// generic arguments are kept (`Wrapper<app::Inner>`).
pub(crate) fn options_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let head = full.find('<').unwrap_or(full.len());
    match full[..head].rfind("::") {
        Some(at) => &full[at + 2..],
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod settings {
        pub(super) struct JobsConfig;
        pub(super) struct Wrapper<T>(T);
    }

    #[test]
    fn options_are_named_without_their_module_path() {
        assert_eq!(options_name::<settings::JobsConfig>(), "JobsConfig");
        assert_eq!(options_name::<u64>(), "u64");
        assert_eq!(
            options_name::<settings::Wrapper<settings::JobsConfig>>(),
            "Wrapper<di_hosting::configuration::error::tests::settings::JobsConfig>"
        );
    }
}
