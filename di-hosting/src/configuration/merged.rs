//! [`Configuration`]: the merged layers, with the source of every value.

use std::fmt;
use std::sync::Arc;

use figment::Figment;
use figment::error::Kind;
use figment::value::Value;
use serde::de::DeserializeOwned;

use crate::configuration::layer::{
    COMMAND_LINE, DEFAULTS, ENVIRONMENT, Entries, FILE, display_value, variable_of_key,
};
use crate::configuration::{ConfigurationError, ValueSource, options_name};

/// The host's configuration: every layer merged, each value remembering where it came from.
/// Injectable as `Arc<Configuration>`; it is the configuration as loaded at build (bound
/// options follow file edits through [`OptionsMonitor`](crate::OptionsMonitor)).
///
/// Backed by [figment](https://docs.rs/figment), which keeps the provenance of every value
/// and reports every error of a load at once; no figment type appears in this API, so the
/// backend can be replaced without changing applications.
///
/// # Examples
///
/// ```
/// use di_hosting::{Configuration, Host, ValueSource};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_configuration(|configuration| {
///         configuration
///             .default_value("listen", "127.0.0.1:8080")
///             .env_prefix("JOBS")
///             .environment_variables([("JOBS_LISTEN", "127.0.0.1:0")]);
///     })
///     .build()
///     .await?;
/// let configuration = host.provider().get::<Configuration>()?;
/// assert_eq!(configuration.get::<String>("listen")?, "127.0.0.1:0");
/// assert_eq!(
///     configuration.source_of("listen"),
///     Some(ValueSource::EnvironmentVariable { name: "JOBS_LISTEN".into() })
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Configuration {
    figment: Figment,
    layers: Arc<[Entries; 3]>,
    prefix: Option<String>,
    has_files: bool,
}

impl Configuration {
    pub(crate) fn new(
        figment: Figment,
        layers: Arc<[Entries; 3]>,
        prefix: Option<String>,
        has_files: bool,
    ) -> Self {
        Self {
            figment,
            layers,
            prefix,
            has_files,
        }
    }

    /// The value of a dotted `key` (`worker.batch_size`) as a `T`. Strings are read leniently,
    /// whatever their source — a variable, an override, or a file's `batch_size = "8"` — so
    /// `"8"` is a number and `"true"`, `"yes"` or `"1"` a bool; options are bound the same way.
    ///
    /// # Errors
    ///
    /// [`ConfigurationError::Missing`] when no source sets `key`;
    /// [`ConfigurationError::InvalidValue`] (naming the value and its source) when it is not
    /// a `T`.
    ///
    /// # Examples
    ///
    /// See [`Configuration`].
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T, ConfigurationError> {
        if !self.figment.contains(key) {
            return Err(ConfigurationError::Missing {
                options: options_name::<T>(),
                key: key.to_owned(),
                hint: self.hint(key),
            });
        }
        self.bind::<T>(key)
            .map_err(|mut problems| problems.swap_remove(0))
    }

    /// Whether some source sets `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// let configuration = di_hosting::Configuration::empty();
    /// assert!(!configuration.contains("listen"));
    /// ```
    pub fn contains(&self, key: &str) -> bool {
        self.figment.contains(key)
    }

    /// Where the value of `key` came from, or `None` when no source sets it.
    ///
    /// # Examples
    ///
    /// See [`Configuration`].
    pub fn source_of(&self, key: &str) -> Option<ValueSource> {
        let metadata = self.figment.find_metadata(key)?;
        let [_, environment, command_line] = &*self.layers;
        match &*metadata.name {
            DEFAULTS => Some(ValueSource::Default),
            FILE => Some(ValueSource::File {
                path: metadata.source.as_ref()?.file_path()?.to_owned(),
                key: key.to_owned(),
            }),
            ENVIRONMENT => environment.origin(key).cloned().or_else(|| {
                let prefix = self.prefix.as_deref()?;
                Some(ValueSource::EnvironmentVariable {
                    name: variable_of_key(prefix, key),
                })
            }),
            COMMAND_LINE => command_line.origin(key).cloned(),
            _ => None,
        }
    }

    /// A configuration without any value.
    ///
    /// # Examples
    ///
    /// ```
    /// let configuration = di_hosting::Configuration::empty();
    /// assert!(configuration.get::<u32>("port").is_err());
    /// ```
    pub fn empty() -> Self {
        Self::new(Figment::new(), Arc::default(), None, false)
    }

    /// Deserializes the section `section` (`""` for the root) into `T`; a missing section is an
    /// empty table, so `#[serde(default)]` types bind without configuration.
    pub(crate) fn bind<T: DeserializeOwned>(
        &self,
        section: &str,
    ) -> Result<T, Vec<ConfigurationError>> {
        // A table is focused so error paths stay relative to it (figment's `extract_inner`
        // appends the section after the field); a leaf is extracted where it is.
        let leaf = !section.is_empty()
            && self
                .figment
                .find_value(section)
                .is_ok_and(|value| !matches!(value, Value::Dict(..)));
        let result = if leaf {
            self.figment.extract_inner_lossy::<T>(section)
        } else if section.is_empty() {
            self.figment.extract_lossy::<T>()
        } else {
            self.figment.focus(section).extract_lossy::<T>()
        };
        result.map_err(|error| {
            error
                .into_iter()
                .map(|mut error| {
                    if leaf {
                        error.path.clear();
                    }
                    self.problem(options_name::<T>(), section, error)
                })
                .collect()
        })
    }

    /// The raw value of a section, to tell whether a reload changed it.
    pub(crate) fn section_value(&self, section: &str) -> Option<Value> {
        if section.is_empty() {
            self.figment.find_value("").ok()
        } else {
            self.figment.find_value(section).ok()
        }
    }

    /// The value of `key` as shown in errors (`nothing` when no source sets it).
    pub(crate) fn value_text(&self, key: &str) -> String {
        self.figment
            .find_value(key)
            .map_or_else(|_| "nothing".to_owned(), |value| display_value(&value))
    }

    fn problem(
        &self,
        options: &'static str,
        section: &str,
        error: figment::Error,
    ) -> ConfigurationError {
        let mut path: Vec<&str> = section.split('.').filter(|s| !s.is_empty()).collect();
        path.extend(error.path.iter().map(String::as_str));
        if let Kind::MissingField(field) = &error.kind {
            path.push(field);
            let key = path.join(".");
            let hint = self.hint(&key);
            return ConfigurationError::Missing { options, key, hint };
        }
        let key = path.join(".");
        let message = match &error.kind {
            Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
                format!("expected {expected}, found {actual}")
            }
            kind => kind.to_string(),
        };
        ConfigurationError::InvalidValue {
            options,
            value: self.value_text(&key),
            origin: Box::new(self.source_of(&key).unwrap_or(ValueSource::Default)),
            key,
            message,
        }
    }

    /// Where a missing `key` could be set.
    pub(crate) fn hint(&self, key: &str) -> String {
        let mut places = Vec::new();
        if self.has_files {
            places.push(format!("in `appsettings.toml` as `{key}`"));
        }
        if let Some(prefix) = &self.prefix {
            let variable = variable_of_key(prefix, key);
            places.push(format!("with the environment variable `{variable}`"));
        }
        places.push(format!("with a command-line override `{key}=...`"));
        places.join(", ")
    }
}

impl fmt::Debug for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Configuration")
            .field("prefix", &self.prefix)
            .field("has_files", &self.has_files)
            .finish_non_exhaustive()
    }
}
