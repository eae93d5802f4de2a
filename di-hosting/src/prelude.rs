//! What a hosted application needs, in one `use di_hosting::prelude::*;`: the host, the two
//! hosted-service traits, the container's everyday types, and the crates their signatures use
//! (`async_trait`, `CancellationToken`, `serde::Deserialize`, `Arc`, `Duration`).
//!
//! `#[derive(Injectable)]` generates paths into `di_core`, and `#[derive(Deserialize)]` into
//! `serde`: a crate using them depends on both (as it does on `tokio` for `#[tokio::main]`).
//!
//! # Examples
//!
//! ```
//! use di_hosting::prelude::*;
//!
//! #[derive(Injectable)]
//! struct Worker { scopes: ScopeFactory }
//!
//! #[async_trait]
//! impl BackgroundService for Worker {
//!     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
//!         let scope = self.scopes.create_scope()?;
//!         scope.dispose().await;
//!         Ok(())
//!     }
//! }
//!
//! let builder = Host::builder().configure_services(|services| {
//!     services.add_hosted_service::<Worker>();
//! });
//! # drop(builder);
//! ```

pub use std::sync::Arc;
pub use std::time::Duration;

pub use async_trait::async_trait;
pub use di_core::{BoxError, Injectable, Scope, ScopeFactory, ServiceCollection, ServiceProvider};
pub use serde::Deserialize;
pub use tokio_util::sync::CancellationToken;

pub use crate::{
    ApplicationLifetime, BackgroundService, Host, HostError, HostServices, HostedService,
    RunningHost,
};

#[cfg(feature = "axum")]
pub use crate::web::{Inject, WebServer};
