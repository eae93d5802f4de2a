//! [`WebServer`]: a hosted service that serves an axum router under the host's lifecycle.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use axum::Router;
use di_core::BoxError;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::service::HostedService;
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
/// Apply [`RequestScopeLayer`](crate::web::RequestScopeLayer) to the router to give each
/// request a scope.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::get};
/// use di_core::ScopeFactory;
/// use di_hosting::Host;
/// use di_hosting::web::{RequestScopeLayer, WebServer, WebServerExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_services(|services| {
///         services.add_web_server(|scopes: ScopeFactory| {
///             let router = Router::new()
///                 .route("/", get(|| async { "hello" }))
///                 .layer(RequestScopeLayer::new(scopes));
///             Arc::new(WebServer::new("127.0.0.1:0".parse().expect("an address"), router))
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
            local_addr: Mutex::new(None),
            running: Mutex::new(None),
        }
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
        let task = tokio::spawn(serve(listener, router, shutdown.clone(), cut.clone()));
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
