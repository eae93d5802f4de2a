//! [`WebServer`]: a hosted service that serves an axum router under the host's lifecycle.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use axum::Router;
use di_core::{BoxError, ScopeFactory};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower::Layer;

use crate::service::HostedService;
use crate::web::scope_layer::RequestScopeLayer;
use crate::web::serve::serve;

/// Why the [`WebServer`] could not start or stop cleanly.
///
/// # Examples
///
/// ```
/// use di_hosting::web::WebServerError;
///
/// let error = WebServerError::Bind {
///     address: "127.0.0.1:80".parse()?,
///     source: std::io::ErrorKind::PermissionDenied.into(),
/// };
/// assert_eq!(error.to_string(), "cannot listen on `127.0.0.1:80`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebServerError {
    /// Binding the listening socket failed (address in use, permission denied…).
    #[error("cannot listen on `{address}`")]
    Bind {
        /// The configured address.
        address: SocketAddr,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The task serving connections panicked.
    #[error("the web server's task panicked")]
    Panicked(#[source] tokio::task::JoinError),
}

/// The state of a started server.
struct Running {
    shutdown: CancellationToken,
    cut: CancellationToken,
    task: JoinHandle<()>,
}

/// A hosted service that serves an axum [`Router`] on a TCP address.
///
/// - **start** binds the address (a bind failure is a start failure: the host does not start)
///   and serves on a background task; port `0` picks a free port, see
///   [`local_addr`](WebServer::local_addr).
/// - **stop** stops accepting connections and lets in-flight requests finish; connections still
///   open when the host's shutdown deadline passes are cut, so a stuck client cannot hang the
///   stop.
///
/// Give each request a scope with [`with_request_scopes`](WebServer::with_request_scopes)
/// (the cheapest way: the scope layer wraps the whole router, and the response body is not
/// boxed for it), or by applying [`RequestScopeLayer`] to the router yourself.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::get};
/// use di_core::ScopeFactory;
/// use di_hosting::Host;
/// use di_hosting::web::{WebServer, WebServerExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_services(|services| {
///         services.add_web_server(|scopes: ScopeFactory| {
///             let router = Router::new().route("/", get(|| async { "hello" }));
///             let address = "127.0.0.1:0".parse().expect("an address");
///             Arc::new(WebServer::new(address, router).with_request_scopes(scopes))
///         });
///     })
///     .build()
///     .await?;
/// let running = host.start().await?;
/// let server = running.provider().get::<WebServer>()?;
/// assert!(server.local_addr().is_some_and(|address| address.port() != 0));
/// running.stop().await?;
/// # Ok(())
/// # }
/// ```
pub struct WebServer {
    address: SocketAddr,
    router: Router,
    /// Wraps the whole router when set (see `with_request_scopes`).
    scopes: Option<RequestScopeLayer>,
    local_addr: Mutex<Option<SocketAddr>>,
    running: Mutex<Option<Running>>,
}

impl WebServer {
    /// A server for `router` that will listen on `address` once started.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new());
    /// assert_eq!(server.local_addr(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(address: SocketAddr, router: Router) -> Self {
        Self {
            address,
            // Turns the handlers into routes (and applies `Router::layer`s to them) once here,
            // as `axum::serve` does, instead of on every request.
            router: router.with_state(()),
            scopes: None,
            local_addr: Mutex::new(None),
            running: Mutex::new(None),
        }
    }

    /// Serves every request in its own scope from `scopes`: a [`RequestScopeLayer`] around the
    /// whole router (routes and fallback), so that [`Inject`](crate::web::Inject) works in every
    /// handler.
    ///
    /// This is cheaper per request than `router.layer(RequestScopeLayer::new(scopes))`: axum
    /// boxes no route future for the layer, and the response body is sent as the
    /// [`ScopedBody`](crate::web::ScopedBody) it is, not boxed into axum's `Body`. The scope is
    /// outside every `Router::layer` middleware, so those run inside it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use axum::{Router, routing::get};
    /// use di_core::ServiceCollection;
    /// use di_hosting::web::{Inject, WebServer};
    ///
    /// struct Greeting(&'static str);
    ///
    /// let mut services = ServiceCollection::new();
    /// services.add_scoped(|| Arc::new(Greeting("hello")));
    /// let provider = services.build()?;
    /// let router = Router::new()
    ///     .route("/", get(|Inject(greeting): Inject<Greeting>| async move { greeting.0 }));
    /// let server = WebServer::new("127.0.0.1:0".parse()?, router)
    ///     .with_request_scopes(provider.scope_factory());
    /// # drop(server);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_request_scopes(mut self, scopes: ScopeFactory) -> Self {
        self.scopes = Some(RequestScopeLayer::new(scopes));
        self
    }

    /// The address the server is bound to, once started (the actual port when configured with
    /// port `0`).
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new());
    /// assert!(server.local_addr().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_addr(&self) -> Option<SocketAddr> {
        *self
            .local_addr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for WebServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebServer")
            .field("address", &self.address)
            .field("local_addr", &self.local_addr())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl HostedService for WebServer {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        let bind = |source| WebServerError::Bind {
            address: self.address,
            source,
        };
        let listener = TcpListener::bind(self.address).await.map_err(bind)?;
        let local = listener.local_addr().map_err(bind)?;
        let shutdown = CancellationToken::new();
        let cut = CancellationToken::new();
        let router = self.router.clone();
        let (stop, deadline) = (shutdown.clone(), cut.clone());
        let task = match &self.scopes {
            Some(scopes) => tokio::spawn(serve(listener, scopes.layer(router), stop, deadline)),
            None => tokio::spawn(serve(listener, router, stop, deadline)),
        };
        *self
            .local_addr
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(local);
        let running = Running {
            shutdown,
            cut,
            task,
        };
        *self.running.lock().unwrap_or_else(PoisonError::into_inner) = Some(running);
        tracing::info!(address = %local, "the web server is listening");
        Ok(())
    }

    async fn stop(&self, cancel: CancellationToken) -> Result<(), BoxError> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(Running {
            shutdown,
            cut,
            mut task,
        }) = running
        else {
            return Ok(());
        };
        shutdown.cancel();
        let finished = tokio::select! {
            finished = &mut task => finished,
            () = cancel.cancelled() => {
                cut.cancel();
                task.await
            }
        };
        finished.map_err(WebServerError::Panicked)?;
        tracing::info!("the web server stopped");
        Ok(())
    }
}
