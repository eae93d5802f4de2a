//! [`WebServer`]: a hosted service that serves an axum router under the host's lifecycle.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use di_core::{BoxError, ScopeFactory};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower::Layer;

use crate::service::HostedService;
use crate::web::activity::Timeouts;
use crate::web::scope_layer::RequestScopeLayer;
use crate::web::scoped_router::{RouteRecord, ScopedRouter, check_routes};
use crate::web::serve::{Limits, serve};
use crate::web::server_error::WebServerError;

/// The defaults of the builder settings (documented there).
const DEFAULT_LIMITS: Limits = Limits {
    timeouts: Timeouts {
        header_read: Duration::from_secs(30),
        idle: Duration::from_secs(60),
        body_drain: Duration::from_secs(5),
    },
    max_connections: 512,
};

/// The state of a started server.
struct Running {
    shutdown: CancellationToken,
    cut: CancellationToken,
    task: JoinHandle<()>,
}

/// A hosted service that serves an axum [`Router`] on a TCP address (HTTP/1.1 and HTTP/2).
///
/// - **start** binds the address (a bind failure is a start failure: the host does not start)
///   and serves on a background task; port `0` picks a free port, see
///   [`local_addr`](WebServer::local_addr).
/// - **stop** stops accepting connections, then treats each open connection by what it is
///   doing:
///   - idle, or sending a request head (even one byte of it): closed at once;
///   - a handler running, its request body complete: awaited for as long as it takes; its
///     response is sent (with `connection: close`);
///   - a request body still arriving, or a response still being written to the client: given
///     the [body drain limit](WebServer::body_drain_limit) (default 5 s), then cut;
///   - HTTP/2: a graceful `GOAWAY`; its streams are treated as above, and an idle connection
///     gets the drain limit to close.
///
///   A client that was cut is not a failure: stop returns `Ok` and logs one warning with the
///   number and remote addresses of the cut connections. Only handlers still running when the
///   host's shutdown deadline passes are aborted, and the host reports the missed deadline.
///
/// While running, the server protects itself from slow and idle clients (all settings have a
/// builder method):
///
/// | setting | default | what happens |
/// |---|---|---|
/// | [`header_read_timeout`](WebServer::header_read_timeout) | 30 s | a connection whose request head is incomplete this long after its first byte (or after the connection opened) is closed |
/// | [`idle_timeout`](WebServer::idle_timeout) | 60 s | a keep-alive connection with no request for this long is closed |
/// | [`max_connections`](WebServer::max_connections) | 512 | at the limit, new clients wait in the listen backlog until a connection closes |
/// | [`body_drain_limit`](WebServer::body_drain_limit) | 5 s | at stop, see above |
///
/// Requests that hyper rejects before the router runs (a malformed request line or header
/// `400`, a header section over hyper's limit `431`, a URI too long `414`) are answered by
/// hyper with an empty body: hyper 1 offers no hook to change these responses.
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
/// use di_hosting::web::WebServer;
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
    /// The factory of `scopes`, to check the routes against at start.
    scope_factory: Option<ScopeFactory>,
    /// What the routes of a `ScopedRouter` inject.
    routes: Vec<RouteRecord>,
    /// Set by the in-memory test server: start binds nothing.
    in_memory: AtomicBool,
    limits: Limits,
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
    pub fn new(address: SocketAddr, router: impl Into<ScopedRouter>) -> Self {
        let (router, routes) = router.into().into_parts();
        Self {
            address,
            // Turns the handlers into routes (and applies `Router::layer`s to them) once here,
            // as `axum::serve` does, instead of on every request.
            router: router.with_state(()),
            scopes: None,
            scope_factory: None,
            routes,
            in_memory: AtomicBool::new(false),
            limits: DEFAULT_LIMITS,
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
        self.scopes = Some(RequestScopeLayer::new(scopes.clone()));
        self.scope_factory = Some(scopes);
        self
    }

    /// How long a client may take to send a complete request head (default 30 s), counted from
    /// its first byte, or from the moment the connection opened for its first request. Past
    /// it, the connection is closed without a response. This is what makes a client that
    /// dribbles a head byte by byte ("slowloris") harmless.
    ///
    /// `Duration::MAX` disables it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new())
    ///     .header_read_timeout(Duration::from_secs(10));
    /// # drop(server);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeouts.header_read = timeout;
        self
    }

    /// How long a keep-alive connection may stay open with no request (default 60 s) before the
    /// server closes it. A request head that has begun is under
    /// [`header_read_timeout`](WebServer::header_read_timeout) instead.
    ///
    /// `Duration::MAX` disables it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new())
    ///     .idle_timeout(Duration::from_secs(120));
    /// # drop(server);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeouts.idle = timeout;
        self
    }

    /// The most connections served at once (default 512, below the usual limit of 1,024 open
    /// files per process). At the limit the server keeps serving the connections it has and
    /// accepts the next one once one of them closes; meanwhile new clients wait in the
    /// operating system's listen backlog. `0` counts as `1`.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new()).max_connections(10_000);
    /// # drop(server);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// At stop, how long a connection may still spend transferring (default 5 s): a request
    /// body still arriving, a response still being sent, an HTTP/2 connection still closing.
    /// Past it, the connection is cut and the stop goes on. Handlers that are running are not
    /// under this limit, only under the host's shutdown deadline; keep the limit below that
    /// deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum::Router;
    /// use di_hosting::web::WebServer;
    ///
    /// let server = WebServer::new("127.0.0.1:0".parse()?, Router::new())
    ///     .body_drain_limit(Duration::from_secs(2));
    /// # drop(server);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn body_drain_limit(mut self, limit: Duration) -> Self {
        self.limits.timeouts.body_drain = limit;
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

    /// Makes [`start`](HostedService::start) check the routes but bind nothing: the test server
    /// sends requests straight to the router.
    pub(crate) fn serve_in_memory(&self) {
        self.in_memory.store(true, Ordering::Release);
    }

    /// The router and the request-scope layer, for the test server.
    pub(crate) fn in_memory_parts(&self) -> (Router, Option<RequestScopeLayer>) {
        (self.router.clone(), self.scopes.clone())
    }
}

impl fmt::Debug for WebServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebServer")
            .field("address", &self.address)
            .field("local_addr", &self.local_addr())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[async_trait]
// Not offered as a fix when a type is not a hosted service: the messages must not depend on
// whether the `axum` feature is on (and a web server is rarely the type the user meant).
#[diagnostic::do_not_recommend]
impl HostedService for WebServer {
    async fn start(&self, _cancel: CancellationToken) -> Result<(), BoxError> {
        check_routes(&self.routes, self.scope_factory.as_ref()).await?;
        if self.in_memory.load(Ordering::Acquire) {
            tracing::info!("the web server serves in memory (test server)");
            return Ok(());
        }
        let bind = |source| WebServerError::Bind {
            address: self.address,
            source,
        };
        let listener = TcpListener::bind(self.address).await.map_err(bind)?;
        let local = listener.local_addr().map_err(bind)?;
        let shutdown = CancellationToken::new();
        let cut = CancellationToken::new();
        let router = self.router.clone();
        let (stop, deadline, limits) = (shutdown.clone(), cut.clone(), self.limits);
        let task = match &self.scopes {
            Some(scopes) => {
                let service = scopes.layer(router);
                tokio::spawn(serve(listener, service, limits, stop, deadline))
            }
            None => tokio::spawn(serve(listener, router, limits, stop, deadline)),
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
