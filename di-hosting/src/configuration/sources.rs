//! [`Sources`]: the recipe of a configuration, loaded at build and again on every file change.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use figment::providers::{Format as _, Toml};
use figment::value::Dict;
use figment::{Figment, Profile, Provider as _};

use crate::configuration::layer::{COMMAND_LINE, DEFAULTS, ENVIRONMENT, Entries, Layer};
use crate::configuration::{Configuration, ConfigurationError, HostEnvironment};

/// Everything a load needs: the layers fixed at build (defaults, environment, command line)
/// and where the files are, which are read anew on each load.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    environment: Arc<HostEnvironment>,
    prefix: Option<String>,
    content_root: Option<PathBuf>,
    layers: Arc<[Entries; 3]>,
    problems: Vec<ConfigurationError>,
}

/// A loaded configuration and every problem found on the way.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) configuration: Configuration,
    pub(crate) problems: Vec<ConfigurationError>,
}

impl Sources {
    /// `layers` are the defaults, the environment and the command line, in that order.
    pub(crate) fn new(
        environment: String,
        prefix: Option<String>,
        content_root: Option<PathBuf>,
        layers: [Entries; 3],
        problems: Vec<ConfigurationError>,
    ) -> Self {
        let root = content_root.clone().unwrap_or_default();
        Self {
            environment: Arc::new(HostEnvironment::new(environment, root)),
            prefix,
            content_root,
            layers: Arc::new(layers),
            problems,
        }
    }

    /// The host environment these sources were resolved for.
    pub(crate) fn environment(&self) -> &Arc<HostEnvironment> {
        &self.environment
    }

    /// The directory the files are in, if files are read.
    pub(crate) fn content_root(&self) -> Option<&Path> {
        self.content_root.as_deref()
    }

    /// The files, lowest priority first: `appsettings.toml`, `appsettings.{Environment}.toml`.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
        let Some(root) = &self.content_root else {
            return Vec::new();
        };
        let name = self.environment.name();
        vec![
            root.join("appsettings.toml"),
            root.join(format!("appsettings.{name}.toml")),
        ]
    }

    /// Reads the files and merges every layer. A file that is missing is skipped; one that
    /// cannot be read or parsed is reported and skipped, so every other problem is found too.
    pub(crate) fn load(&self) -> Loaded {
        let [defaults, environment, command_line] = &*self.layers;
        let mut problems = self.problems.clone();
        let mut figment = Figment::new().merge(Layer::named(DEFAULTS, defaults.to_dict()));
        for path in self.files() {
            match read_file(&path) {
                Ok(Some(dict)) => figment = figment.merge(Layer::file(&path, dict)),
                Ok(None) => {}
                Err(message) => problems.push(ConfigurationError::File { path, message }),
            }
        }
        let figment = figment
            .merge(Layer::named(ENVIRONMENT, environment.to_dict()))
            .merge(Layer::named(COMMAND_LINE, command_line.to_dict()));
        Loaded {
            configuration: Configuration::new(
                figment,
                Arc::clone(&self.layers),
                self.prefix.clone(),
                self.content_root.is_some(),
            ),
            problems,
        }
    }
}

fn read_file(path: &Path) -> Result<Option<Dict>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.to_string()),
    };
    let mut profiles = Toml::string(&text)
        .data()
        .map_err(|error| error.to_string().trim_end().to_owned())?;
    Ok(Some(profiles.remove(&Profile::Default).unwrap_or_default()))
}
