//! [`OptionsBindings`]: the options types bound to configuration sections, erased once, and how
//! each is bound, validated, registered and reloaded.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use di_core::{BoxError, ServiceCollection};
use figment::value::Value;
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::bind::{OptionsMonitor, OptionsSnapshot, ValidationError};
use crate::configuration::{Configuration, ConfigurationError, options_name};

type Validator<T> = Arc<dyn Fn(&T) -> Result<(), ValidationError> + Send + Sync>;

/// One options type bound to one section, with its validators.
struct TypedBinding<T> {
    section: String,
    validators: Vec<Validator<T>>,
}

impl<T: DeserializeOwned + Send + Sync + 'static> TypedBinding<T> {
    /// Binds the section and runs every validator; all problems are returned.
    fn load(&self, configuration: &Configuration) -> Result<T, Vec<ConfigurationError>> {
        let value = configuration.bind::<T>(&self.section)?;
        let problems: Vec<_> = self
            .validators
            .iter()
            .filter_map(|validate| validate(&value).err())
            .map(|error| self.rejected(configuration, error))
            .collect();
        if problems.is_empty() {
            Ok(value)
        } else {
            Err(problems)
        }
    }

    fn rejected(
        &self,
        configuration: &Configuration,
        error: ValidationError,
    ) -> ConfigurationError {
        let options = options_name::<T>();
        let Some(field) = error.key() else {
            return ConfigurationError::RejectedOptions {
                options,
                section: self.section.clone(),
                message: error.message().to_owned(),
            };
        };
        let key = if self.section.is_empty() {
            field.to_owned()
        } else {
            format!("{}.{field}", self.section)
        };
        ConfigurationError::Rejected {
            options,
            value: configuration.value_text(&key),
            origin: configuration.source_of(&key).map(Box::new),
            key,
            message: error.message().to_owned(),
        }
    }
}

/// Follows configuration reloads for one options type.
pub(crate) trait Reload: Send + Sync {
    /// Re-binds from `configuration`; publishes a valid changed value, keeps the last good one
    /// (and logs why) otherwise.
    fn reload(&self, configuration: &Configuration);
}

struct Reloader<T> {
    binding: TypedBinding<T>,
    sender: Arc<watch::Sender<Arc<T>>>,
    last: Mutex<Option<Value>>,
}

impl<T: DeserializeOwned + Send + Sync + 'static> Reload for Reloader<T> {
    fn reload(&self, configuration: &Configuration) {
        let section = configuration.section_value(&self.binding.section);
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if *last == section {
            return;
        }
        match self.binding.load(configuration) {
            Ok(value) => {
                *last = section;
                self.sender.send_replace(Arc::new(value));
                info!(options = options_name::<T>(), "options reloaded");
            }
            Err(problems) => {
                for problem in problems {
                    warn!(options = options_name::<T>(), %problem, "the configuration changed but is invalid; keeping the last good value");
                }
            }
        }
    }
}

/// A [`TypedBinding`] with its type erased, as the host builder stores it.
trait ErasedBinding: Send + Sync {
    fn as_any_mut(&mut self) -> &mut dyn Any;

    /// Binds and validates, then registers `Arc<T>`, `OptionsMonitor<T>` and
    /// `OptionsSnapshot<T>`; on failure registers stand-ins so the container reports only its
    /// own problems.
    fn install(
        self: Box<Self>,
        configuration: &Configuration,
        services: &mut ServiceCollection,
    ) -> Result<Arc<dyn Reload>, Vec<ConfigurationError>>;
}

impl<T: DeserializeOwned + Send + Sync + 'static> ErasedBinding for TypedBinding<T> {
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn install(
        self: Box<Self>,
        configuration: &Configuration,
        services: &mut ServiceCollection,
    ) -> Result<Arc<dyn Reload>, Vec<ConfigurationError>> {
        services.add_scoped(|monitor: Arc<OptionsMonitor<T>>| {
            Arc::new(OptionsSnapshot::new(monitor.current()))
        });
        let value = match self.load(configuration) {
            Ok(value) => Arc::new(value),
            Err(problems) => {
                services.add_singleton(invalid::<T>);
                services.add_singleton(invalid::<OptionsMonitor<T>>);
                return Err(problems);
            }
        };
        let sender = Arc::new(watch::Sender::new(Arc::clone(&value)));
        services.add_instance(value);
        services.add_instance(Arc::new(OptionsMonitor::new(Arc::clone(&sender))));
        Ok(Arc::new(Reloader {
            last: Mutex::new(configuration.section_value(&self.section)),
            binding: *self,
            sender,
        }))
    }
}

/// The factory of a stand-in for options that failed to bind; never called, because the
/// host does not build a provider from an invalid configuration.
fn invalid<S>() -> Result<Arc<S>, BoxError> {
    Err(format!("the options `{}` are invalid", options_name::<S>()).into())
}

/// Every options type bound by the host builder, in binding order.
#[derive(Default)]
pub(crate) struct OptionsBindings {
    bindings: Vec<(TypeId, Box<dyn ErasedBinding>)>,
    problems: Vec<ConfigurationError>,
}

impl OptionsBindings {
    /// Binds `T` to `section`; binding `T` again moves it to the new section.
    pub(crate) fn add<T: DeserializeOwned + Send + Sync + 'static>(&mut self, section: &str) {
        if let Some(binding) = self.find::<T>() {
            binding.section = section.to_owned();
            return;
        }
        let binding = TypedBinding::<T> {
            section: section.to_owned(),
            validators: Vec::new(),
        };
        self.bindings.push((TypeId::of::<T>(), Box::new(binding)));
    }

    /// Adds a validator to the binding of `T`; without a binding, that is a build problem.
    pub(crate) fn validate<T, F>(&mut self, validate: F)
    where
        T: DeserializeOwned + Send + Sync + 'static,
        F: Fn(&T) -> Result<(), ValidationError> + Send + Sync + 'static,
    {
        match self.find::<T>() {
            Some(binding) => binding.validators.push(Arc::new(validate)),
            None => self.problems.push(ConfigurationError::NotBound {
                options: options_name::<T>(),
            }),
        }
    }

    fn find<T: 'static>(&mut self) -> Option<&mut TypedBinding<T>> {
        self.bindings
            .iter_mut()
            .find(|(id, _)| *id == TypeId::of::<T>())
            .and_then(|(_, binding)| binding.as_any_mut().downcast_mut::<TypedBinding<T>>())
    }

    /// Binds every type, registering its services; returns the reloaders and adds every
    /// problem to `problems`. When a settings file could not be read (a problem already in
    /// `problems`), a value no source sets, or a default a validator rejects, is not reported:
    /// the unread file may well set it, and the file's problem is the one to fix.
    pub(crate) fn install(
        self,
        configuration: &Configuration,
        services: &mut ServiceCollection,
        problems: &mut Vec<ConfigurationError>,
    ) -> Vec<Arc<dyn Reload>> {
        let unread_file = problems
            .iter()
            .any(|problem| matches!(problem, ConfigurationError::File { .. }));
        let follows_from_unread_file = |problem: &ConfigurationError| {
            matches!(
                problem,
                ConfigurationError::Missing { .. }
                    | ConfigurationError::Rejected { origin: None, .. }
            )
        };
        problems.extend(self.problems);
        let mut reloaders = Vec::new();
        for (_, binding) in self.bindings {
            match binding.install(configuration, services) {
                Ok(reloader) => reloaders.push(reloader),
                Err(found) => problems.extend(
                    found
                        .into_iter()
                        .filter(|problem| !(unread_file && follows_from_unread_file(problem))),
                ),
            }
        }
        reloaders
    }
}

impl fmt::Debug for OptionsBindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionsBindings")
            .field("bindings", &self.bindings.len())
            .finish_non_exhaustive()
    }
}
