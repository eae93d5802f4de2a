//! The configuration stage of a host build: load the configuration, install the default
//! logging, apply the configuration to the host options, bind the options types, and register
//! the results — collecting every problem instead of stopping at the first.

use std::sync::Arc;

use di_core::{BuildError, BuildProblem, ServiceCollection, ServiceProvider};

use crate::bind::{ConfigurationWatcher, OptionsBindings};
use crate::configuration::{Configuration, ConfigurationBuilder, ConfigurationError, Loaded};
use crate::error::HostFailure;
use crate::logging;
use crate::options::HostOptions;

/// A hook that sets host options from the configuration.
pub(crate) type OptionsHook = Box<
    dyn FnOnce(&mut HostOptions, &Configuration) -> Result<(), ConfigurationError> + Send + Sync,
>;

/// What the host builder collected for the configuration stage.
#[derive(Default)]
pub(crate) struct ConfigurationStage {
    pub(crate) sources: ConfigurationBuilder,
    pub(crate) hooks: Vec<OptionsHook>,
    pub(crate) default_logging: bool,
}

impl std::fmt::Debug for ConfigurationStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigurationStage")
            .field("sources", &self.sources)
            .field("hooks", &self.hooks.len())
            .field("default_logging", &self.default_logging)
            .finish()
    }
}

impl ConfigurationStage {
    /// Runs the stage, registering `Arc<Configuration>`, `Arc<HostEnvironment>` and the bound
    /// options into `services`; returns every problem found.
    pub(crate) fn apply(
        self,
        services: &mut ServiceCollection,
        bindings: OptionsBindings,
        options: &mut HostOptions,
    ) -> Vec<ConfigurationError> {
        let reloads = self.sources.reloads();
        let sources = self.sources.into_sources();
        let Loaded {
            configuration,
            mut problems,
        } = sources.load();
        if self.default_logging {
            logging::install_default(sources.environment(), &configuration);
        }
        for hook in self.hooks {
            if let Err(problem) = hook(options, &configuration) {
                problems.push(problem);
            }
        }
        let reloaders = bindings.install(&configuration, services, &mut problems);
        if reloads
            && !reloaders.is_empty()
            && problems.is_empty()
            && let Some(watcher) = ConfigurationWatcher::start(sources.clone(), reloaders)
        {
            services.add_instance(Arc::new(watcher));
        }
        services.add_instance(Arc::new(configuration));
        services.add_instance(Arc::clone(sources.environment()));
        problems
    }
}

/// Builds the provider, or — when the configuration stage found problems — only validates the
/// collection (no async singleton runs on an invalid configuration) and returns every problem.
pub(crate) async fn build_provider(
    services: ServiceCollection,
    problems: Vec<ConfigurationError>,
) -> Result<ServiceProvider, Vec<HostFailure>> {
    if problems.is_empty() {
        return services
            .build_async()
            .await
            .map_err(|error| vec![HostFailure::Build(error)]);
    }
    let mut failures: Vec<HostFailure> = problems
        .into_iter()
        .map(HostFailure::Configuration)
        .collect();
    if let Err(error) = services.build() {
        // Async singletons cannot run on a synchronous build; that is not a problem here.
        let remaining: Vec<BuildProblem> = error
            .problems()
            .iter()
            .filter(|problem| !matches!(problem, BuildProblem::AsyncRequiresBuildAsync { .. }))
            .cloned()
            .collect();
        if !remaining.is_empty() {
            let invalid = BuildError::Invalid {
                problems: remaining,
            };
            failures.push(HostFailure::Build(invalid));
        }
    }
    Err(failures)
}
