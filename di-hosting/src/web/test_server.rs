//! [`TestServer`]: the application's real host with its [`WebServer`] served in memory, like
//! ASP.NET Core's `WebApplicationFactory`.

use std::sync::Arc;

use axum::body::Body;
use di_core::ServiceProvider;
use http::{Request, Response};
use tower::{Layer, ServiceExt};

use crate::builder::HostBuilder;
use crate::error::{HostError, HostFailure};
use crate::running::RunningHost;
use crate::web::server::WebServer;

/// Runs an application's host for a test, with its [`WebServer`] answering requests in memory:
/// no port is bound, requests go through the server's router and request scopes by tower's
/// `oneshot`.
///
/// Build the host with the application's own builder, then apply the test's overrides with
/// another [`configure_services`](HostBuilder::configure_services): it runs after the
/// application's registrations, and single resolution takes the last registration (or remove
/// the application's first, with `remove_all`). Every hosted service starts as in production
/// (the routes are checked too); only the server does not listen. Signals are not handled.
///
/// # Examples
///
/// ```
/// use axum::body::to_bytes;
/// use di_hosting::prelude::*;
/// use di_hosting::web::{ScopedRouter, TestServer};
///
/// struct Greeting(&'static str);
///
/// async fn hello(Inject(greeting): Inject<Greeting>) -> &'static str { greeting.0 }
///
/// /// The application's host, as its `main` builds it.
/// fn app() -> di_hosting::HostBuilder {
///     Host::builder().configure_services(|services| {
///         services.add_singleton(|| Arc::new(Greeting("hello")));
///         services.add_web_server(|scopes: ScopeFactory| {
///             let routes = ScopedRouter::new().get("/", hello);
///             let address = "127.0.0.1:0".parse().expect("an address");
///             Arc::new(WebServer::new(address, routes).with_request_scopes(scopes))
///         });
///     })
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = TestServer::start(app().configure_services(|services| {
///     services.add_singleton(|| Arc::new(Greeting("hello from the test")));
/// }))
/// .await?;
/// let response = server.get("/").await;
/// assert_eq!(response.status(), 200);
/// assert_eq!(to_bytes(response.into_body(), 1024).await?, "hello from the test");
/// assert_eq!(server.provider().get::<Greeting>()?.0, "hello from the test");
/// assert!(server.host().lifetime().is_started());
///
/// let request = http::Request::post("/").body(axum::body::Body::empty())?;
/// assert_eq!(server.send(request).await.status(), 405); // `/` only answers GET
/// server.stop().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a test server must be stopped"]
pub struct TestServer {
    running: RunningHost,
    server: Arc<WebServer>,
}

impl TestServer {
    /// Builds the host from `builder`, switches its [`WebServer`] to in-memory serving, and
    /// starts it.
    ///
    /// # Errors
    ///
    /// Build and start errors (a route injecting an unregistered service, say), and a
    /// [`HostFailure::Resolve`] when the host registers no `WebServer`.
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    pub async fn start(builder: HostBuilder) -> Result<Self, HostError> {
        let host = builder
            .configure_options(|options| options.handle_signals = false)
            .build()
            .await?;
        let server = host
            .provider()
            .get::<WebServer>()
            .map_err(|error| HostError::from(HostFailure::Resolve(error)))?;
        server.serve_in_memory();
        let running = host.start().await?;
        Ok(Self { running, server })
    }

    /// The host's service provider.
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    pub fn provider(&self) -> &ServiceProvider {
        self.running.provider()
    }

    /// The running host (its [`ApplicationLifetime`](crate::ApplicationLifetime), say).
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    pub fn host(&self) -> &RunningHost {
        &self.running
    }

    /// Sends `request` through the server's router, in a request scope when the server has
    /// them, as a client's request would go; returns the response once its head is ready.
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        let (router, scopes) = self.server.in_memory_parts();
        let response = match scopes {
            Some(scopes) => scopes
                .layer(router)
                .oneshot(request)
                .await
                .map(|response| response.map(Body::new)),
            None => router.oneshot(request).await,
        };
        match response {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// Sends `GET uri`.
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    ///
    /// # Panics
    ///
    /// When `uri` is not a valid URI.
    pub async fn get(&self, uri: &str) -> Response<Body> {
        let request = Request::get(uri)
            .body(Body::empty())
            .unwrap_or_else(|error| panic!("`{uri}` is not a valid URI: {error}"));
        self.send(request).await
    }

    /// Stops the host gracefully and returns the result of the whole run.
    ///
    /// # Errors
    ///
    /// As for [`RunningHost::stop`].
    ///
    /// # Examples
    ///
    /// See [`TestServer`].
    pub async fn stop(self) -> Result<(), HostError> {
        self.running.stop().await
    }
}
