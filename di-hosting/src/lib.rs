//! A Generic-Host-style runtime for tokio: hosted services resolved from a
//! [`di_core`] container, started in order, stopped in reverse within one deadline, with
//! signal handling, failure policies and an exit code.
//!
//! # Examples
//!
//! One `use`: the [`prelude`] has what a hosted application needs.
//!
//! ```
//! use di_hosting::prelude::*;
//!
//! #[derive(Injectable)]
//! struct Worker { scopes: ScopeFactory }
//!
//! #[async_trait]
//! impl BackgroundService for Worker {
//!     async fn execute(&self, stopping: CancellationToken) -> Result<(), BoxError> {
//!         while !stopping.is_cancelled() {
//!             let scope = self.scopes.create_scope()?; // one scope per unit of work
//!             scope.dispose().await;
//!             tokio::task::yield_now().await;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), HostError> {
//! let running = Host::builder()
//!     .configure_options(|options| options.handle_signals = false)
//!     .configure_services(|services| {
//!         services.add_hosted_service::<Worker>();
//!     })
//!     .start()
//!     .await?;
//! running.stop().await
//! # }
//! ```
//!
//! # Configuration and options
//!
//! The host owns a layered [`Configuration`] (defaults in code, `appsettings.toml`,
//! `appsettings.{Environment}.toml`, prefixed environment variables, the command line; see
//! [`ConfigurationBuilder`]) and a [`HostEnvironment`]. [`HostBuilder::add_options`] binds a
//! section to a `serde` type, injectable as `Arc<T>`, [`OptionsMonitor<T>`] and
//! [`OptionsSnapshot<T>`]; bad values are build errors that name the key, the value and its
//! [`ValueSource`].
//!
//! ```
//! use std::sync::Arc;
//! use di_hosting::{Host, ValidationError};
//!
//! #[derive(serde::Deserialize)]
//! struct Worker { batch_size: u32 }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), di_hosting::HostError> {
//! let host = Host::builder()
//!     .configure_configuration(|configuration| {
//!         configuration
//!             .default_value("worker.batch_size", 16)
//!             .env_prefix("JOBS")
//!             .environment_variables([("JOBS_WORKER__BATCH_SIZE", "8")]);
//!     })
//!     .add_options::<Worker>("worker")
//!     .validate_options(|worker: &Worker| match worker.batch_size {
//!         0 => Err(ValidationError::field("batch_size", "must be at least 1")),
//!         _ => Ok(()),
//!     })
//!     .build()
//!     .await?;
//! let worker: Arc<Worker> = host.provider().get::<Worker>().expect("bound");
//! assert_eq!(worker.batch_size, 8);
//! # Ok(())
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod bind;
mod builder;
mod configuration;
mod configuration_stage;
mod error;
mod exit;
mod host;
mod host_services;
mod lifetime;
mod logging;
mod options;
mod registration;
mod running;
mod runtime;
mod service;

pub mod prelude;

/// The axum integration: per-request scopes, `Inject<T>` extractors, middleware, a hosted server.
#[cfg(feature = "axum")]
pub mod web;

pub use bind::{OptionsMonitor, OptionsSnapshot, ValidationError};
pub use builder::HostBuilder;
pub use configuration::{
    Configuration, ConfigurationBuilder, ConfigurationError, HostEnvironment, ValueSource,
};
pub use error::{HostError, HostFailure, LifecycleHook};
pub use exit::IntoExitCode;
pub use host::Host;
pub use host_services::HostServices;
pub use lifetime::ApplicationLifetime;
pub use options::{FailurePolicy, HostOptions, RestartPolicy};
pub use registration::{HostedServiceExt, HostedServiceRegistration};
pub use running::RunningHost;
pub use service::{BackgroundService, HostedService};
