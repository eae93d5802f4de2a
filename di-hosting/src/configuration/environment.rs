//! [`HostEnvironment`]: the environment the host runs in.

use std::path::{Path, PathBuf};

/// The environment the host runs in (`Development`, `Production`, any name) and its content
/// root. Injectable as `Arc<HostEnvironment>`.
///
/// The name comes from, highest priority first,
/// [`ConfigurationBuilder::environment`](crate::ConfigurationBuilder::environment) (e.g. clap's
/// `--environment`), an `environment=...` command-line override, the variable
/// `<PREFIX>_ENVIRONMENT`; it is `Production` otherwise. It picks the second configuration file,
/// `appsettings.{name}.toml`, and the default log format.
///
/// # Examples
///
/// ```
/// use di_hosting::{Host, HostEnvironment};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_configuration(|configuration| {
///         configuration
///             .env_prefix("JOBS")
///             .environment_variables([("JOBS_ENVIRONMENT", "Development")]);
///     })
///     .build()
///     .await?;
/// let environment = host.provider().get::<HostEnvironment>()?;
/// assert_eq!(environment.name(), "Development");
/// assert!(environment.is_development());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEnvironment {
    name: String,
    content_root: PathBuf,
}

impl HostEnvironment {
    /// An environment named `name` whose files are in `content_root`.
    ///
    /// # Examples
    ///
    /// ```
    /// let environment = di_hosting::HostEnvironment::new("Staging", ".");
    /// assert!(environment.is("staging"));
    /// ```
    pub fn new(name: impl Into<String>, content_root: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            content_root: content_root.into(),
        }
    }

    /// The environment's name, as given.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(di_hosting::HostEnvironment::new("Production", ".").name(), "Production");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The directory the configuration files are read from (empty when none are read).
    ///
    /// # Examples
    ///
    /// ```
    /// let environment = di_hosting::HostEnvironment::new("Production", "/etc/jobs");
    /// assert_eq!(environment.content_root(), std::path::Path::new("/etc/jobs"));
    /// ```
    pub fn content_root(&self) -> &Path {
        &self.content_root
    }

    /// Whether the name is `name`, ignoring ASCII case.
    ///
    /// # Examples
    ///
    /// See [`HostEnvironment::new`].
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// Whether this is `Development`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_hosting::HostEnvironment::new("development", ".").is_development());
    /// ```
    pub fn is_development(&self) -> bool {
        self.is("Development")
    }

    /// Whether this is `Production`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_hosting::HostEnvironment::new("Production", ".").is_production());
    /// ```
    pub fn is_production(&self) -> bool {
        self.is("Production")
    }
}
