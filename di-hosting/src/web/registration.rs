//! [`WebServerExt`] and [`HostServices::add_web_server`]: registering a [`WebServer`] both as a
//! service and as a hosted service.

use std::sync::Arc;

use di_core::{Dependency, Factory, ServiceCollection};

use crate::host_services::HostServices;
use crate::registration::{HostedServiceExt, HostedServiceRegistration};
use crate::web::server::WebServer;

/// Adds a [`WebServer`] to a plain [`ServiceCollection`]. In a host's `configure_services`,
/// [`HostServices::add_web_server`] is the same, with no import.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::get};
/// use di_core::{ScopeFactory, ServiceCollection};
/// use di_hosting::web::{WebServer, WebServerExt};
///
/// let mut services = ServiceCollection::new();
/// services.add_web_server(|scopes: ScopeFactory| {
///     let router = Router::new().route("/", get(|| async { "hello" }));
///     let address = "127.0.0.1:0".parse().expect("an address");
///     // A scope per request, around the whole router (see `WebServer::with_request_scopes`).
///     Arc::new(WebServer::new(address, router).with_request_scopes(scopes))
/// });
/// let provider = services.build()?;
/// assert!(provider.get::<WebServer>()?.local_addr().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait WebServerExt {
    /// Registers the server that `factory` builds (its arguments are its dependencies) as a
    /// singleton — so other services and tests can resolve `Arc<WebServer>`, for example to
    /// read [`local_addr`](WebServer::local_addr) — and as a hosted service.
    fn add_web_server<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args, Output = Arc<WebServer>>,
        Args: Dependency;
}

impl WebServerExt for ServiceCollection {
    fn add_web_server<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args, Output = Arc<WebServer>>,
        Args: Dependency,
    {
        self.add_singleton(factory);
        self.add_hosted_service_with(|server: Arc<WebServer>| server)
            .name("web server")
    }
}

impl HostServices {
    /// Registers the server that `factory` builds as a singleton (resolvable as
    /// `Arc<WebServer>`, e.g. for its [`local_addr`](WebServer::local_addr)) and as a hosted
    /// service named `web server`.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use di_hosting::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), HostError> {
    /// let running = Host::builder()
    ///     .configure_options(|options| options.handle_signals = false)
    ///     .configure_services(|services| {
    ///         services.add_web_server(|scopes: ScopeFactory| {
    ///             let router = Router::new().route("/", get(|| async { "hello" }));
    ///             let address = "127.0.0.1:0".parse().expect("an address");
    ///             Arc::new(WebServer::new(address, router).with_request_scopes(scopes))
    ///         });
    ///     })
    ///     .start()
    ///     .await?;
    /// let server = running.provider().get::<WebServer>().expect("registered");
    /// assert!(server.local_addr().is_some());
    /// running.stop().await
    /// # }
    /// ```
    pub fn add_web_server<F, Args>(&mut self, factory: F) -> HostedServiceRegistration
    where
        F: Factory<Args, Output = Arc<WebServer>>,
        Args: Dependency,
    {
        WebServerExt::add_web_server(&mut **self, factory)
    }
}
