//! [`ConfigurationBuilder`]: which sources the host's configuration reads, lowest priority first.

use std::path::PathBuf;

use figment::value::Value;
use serde::Serialize;

use crate::configuration::layer::{Entries, key_of_variable};
use crate::configuration::sources::Sources;
use crate::configuration::{ConfigurationError, ValueSource};

/// The environment name used when none is given.
pub(crate) const DEFAULT_ENVIRONMENT: &str = "Production";

/// Chooses the sources of the host's configuration. Lowest priority first:
///
/// 1. defaults in code ([`default_value`](Self::default_value));
/// 2. `appsettings.toml`, then `appsettings.{Environment}.toml`, both optional, in the
///    [content root](Self::content_root);
/// 3. environment variables with the [application prefix](Self::env_prefix), `__` separating
///    sections (`JOBS_WORKER__BATCH_SIZE=8` sets `worker.batch_size`), and
///    [aliases](Self::env_alias) such as `DATABASE_URL`;
/// 4. the command line: [flags](Self::command_line_flag) parsed by the application (with clap)
///    and [`key=value` overrides](Self::command_line_overrides).
///
/// A source that is not configured is not read: `Host::builder()` reads nothing but what it is
/// given, [`Host::default_builder`](crate::Host::default_builder) reads the files in the working
/// directory and the process environment.
///
/// # Examples
///
/// ```
/// use di_hosting::ConfigurationBuilder;
///
/// let mut configuration = ConfigurationBuilder::new();
/// configuration
///     .default_value("worker.batch_size", 16)
///     .env_prefix("JOBS")
///     .environment_variables([("JOBS_WORKER__BATCH_SIZE", "8")])
///     .command_line_overrides(["worker.poll_ms=50"]);
/// # drop(configuration);
/// ```
#[derive(Debug, Clone)]
pub struct ConfigurationBuilder {
    prefix: Option<String>,
    variables: Option<Vec<(String, String)>>,
    aliases: Vec<(String, String)>,
    content_root: Option<PathBuf>,
    environment: Option<String>,
    defaults: Entries,
    command_line: Entries,
    problems: Vec<ConfigurationError>,
    reload_on_change: bool,
}

impl Default for ConfigurationBuilder {
    fn default() -> Self {
        Self {
            prefix: None,
            variables: None,
            aliases: Vec::new(),
            content_root: None,
            environment: None,
            defaults: Entries::default(),
            command_line: Entries::default(),
            problems: Vec::new(),
            reload_on_change: true,
        }
    }
}

impl ConfigurationBuilder {
    /// No sources.
    ///
    /// # Examples
    ///
    /// See [`ConfigurationBuilder`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `appsettings.toml` and `appsettings.{Environment}.toml` from `directory` (each only
    /// if it exists), and watches them for changes (see
    /// [`reload_on_change`](Self::reload_on_change)).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.content_root("/etc/jobs");
    /// ```
    pub fn content_root(&mut self, directory: impl Into<PathBuf>) -> &mut Self {
        self.content_root = Some(directory.into());
        self
    }

    /// Reads the environment variables that start with `prefix` and `_` (`JOBS_LISTEN` for
    /// `JOBS`), from the process environment unless
    /// [`environment_variables`](Self::environment_variables) gives them. `__` separates
    /// sections; names are matched without regard to case and keys are lowercase.
    /// `<PREFIX>_ENVIRONMENT` names the [environment](crate::HostEnvironment).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.env_prefix("JOBS");
    /// ```
    pub fn env_prefix(&mut self, prefix: impl Into<String>) -> &mut Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Uses these variables instead of the process environment, so tests need not mutate it.
    ///
    /// # Examples
    ///
    /// See [`ConfigurationBuilder`].
    pub fn environment_variables<K, V>(
        &mut self,
        variables: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let variables = variables
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()));
        self.variables = Some(variables.collect());
        self
    }

    /// Lets the unprefixed variable `variable` set `key`, for conventional names such as
    /// `DATABASE_URL`. The prefixed variable of the same key wins over the alias.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.env_prefix("JOBS").env_alias("DATABASE_URL", "database_url");
    /// ```
    pub fn env_alias(&mut self, variable: impl Into<String>, key: impl Into<String>) -> &mut Self {
        self.aliases.push((variable.into(), key.into()));
        self
    }

    /// Names the environment (`Development`, `Production`, any string), taking precedence over
    /// an `environment` override and `<PREFIX>_ENVIRONMENT`. Pass clap's `--environment`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.environment("Development");
    /// ```
    pub fn environment(&mut self, name: impl Into<String>) -> &mut Self {
        self.environment = Some(name.into());
        self
    }

    /// Sets the default of `key` (the lowest layer). An options type can also default its
    /// fields with `#[serde(default)]`.
    ///
    /// A value that cannot be represented is reported when the host is built.
    ///
    /// # Examples
    ///
    /// See [`ConfigurationBuilder`].
    pub fn default_value(&mut self, key: impl Into<String>, value: impl Serialize) -> &mut Self {
        let key = key.into();
        match Value::serialize(value) {
            Ok(value) => self.defaults.push(key, value, ValueSource::Default),
            Err(error) => self.problems.push(ConfigurationError::Unrepresentable {
                key,
                message: error.to_string(),
            }),
        }
        self
    }

    /// Sets `key` from a command-line flag the application parsed (with clap); `None` (the flag
    /// was not given) sets nothing. Errors name the flag.
    ///
    /// # Examples
    ///
    /// ```
    /// let listen: Option<String> = Some("127.0.0.1:0".into()); // from clap
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.command_line_flag("--listen", "listen", listen);
    /// ```
    pub fn command_line_flag(
        &mut self,
        flag: impl Into<String>,
        key: impl Into<String>,
        value: Option<impl Serialize>,
    ) -> &mut Self {
        let (flag, key) = (flag.into(), key.into());
        let Some(value) = value else { return self };
        match Value::serialize(value) {
            Ok(value) => self
                .command_line
                .push(key, value, ValueSource::CommandLineFlag { flag }),
            Err(error) => self.problems.push(ConfigurationError::Unrepresentable {
                key,
                message: error.to_string(),
            }),
        }
        self
    }

    /// Adds `key=value` overrides (e.g. from a repeatable `--set` flag); values are read like
    /// environment variables. An override without `=` is reported when the host is built.
    ///
    /// # Examples
    ///
    /// See [`ConfigurationBuilder`].
    pub fn command_line_overrides(
        &mut self,
        overrides: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> &mut Self {
        for argument in overrides {
            let argument = argument.as_ref();
            match argument.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => self.command_line.push(
                    key.trim().to_owned(),
                    Value::from(value.to_owned()),
                    ValueSource::CommandLineOverride {
                        argument: argument.to_owned(),
                    },
                ),
                _ => self.problems.push(ConfigurationError::InvalidOverride {
                    argument: argument.to_owned(),
                }),
            }
        }
        self
    }

    /// Whether bound options follow edits of the files (default `true`): see
    /// [`OptionsMonitor`](crate::OptionsMonitor).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut configuration = di_hosting::ConfigurationBuilder::new();
    /// configuration.reload_on_change(false);
    /// ```
    pub fn reload_on_change(&mut self, reload: bool) -> &mut Self {
        self.reload_on_change = reload;
        self
    }

    /// Whether file changes are watched.
    pub(crate) fn reloads(&self) -> bool {
        self.reload_on_change && self.content_root.is_some()
    }

    /// Resolves the environment layer and the environment name: the recipe a load follows.
    pub(crate) fn into_sources(self) -> Sources {
        let mut environment_layer = Entries::default();
        if let Some(prefix) = &self.prefix {
            let variables = self
                .variables
                .unwrap_or_else(|| std::env::vars_os().filter_map(utf8).collect());
            for (variable, key) in &self.aliases {
                if let Some((_, value)) = variables.iter().find(|(name, _)| name == variable) {
                    let origin = ValueSource::EnvironmentVariable {
                        name: variable.clone(),
                    };
                    environment_layer.push(key.clone(), Value::from(value.clone()), origin);
                }
            }
            for (name, value) in variables {
                if let Some(key) = key_of_variable(prefix, &name) {
                    let origin = ValueSource::EnvironmentVariable { name };
                    environment_layer.push(key, Value::from(value), origin);
                }
            }
        }
        let name = self
            .environment
            .or_else(|| text_of(self.command_line.get("environment")))
            .or_else(|| text_of(environment_layer.get("environment")))
            .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_owned());
        Sources::new(
            name,
            self.prefix,
            self.content_root,
            [self.defaults, environment_layer, self.command_line],
            self.problems,
        )
    }
}

fn utf8((name, value): (std::ffi::OsString, std::ffi::OsString)) -> Option<(String, String)> {
    Some((name.into_string().ok()?, value.into_string().ok()?))
}

fn text_of(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_watched_only_with_a_content_root_and_reload_on_change() {
        let mut configuration = ConfigurationBuilder::new();
        let without_root = configuration.reloads();

        configuration.content_root("/etc/jobs");
        let with_root = configuration.reloads();
        configuration.reload_on_change(false);
        let turned_off = configuration.reloads();

        assert_eq!((without_root, with_root, turned_off), (false, true, false));
    }
}
