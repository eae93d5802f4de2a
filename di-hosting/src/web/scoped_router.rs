//! [`ScopedRouter`]: an axum router that records, per route, what its handler injects, and
//! [`check_routes`], which the [`WebServer`](crate::web::WebServer) runs at start against the
//! container.

use std::fmt;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{self, MethodRouter};
use di_core::ScopeFactory;

use crate::web::route_dependency::{HandlerArgs, Need, RouteNeeds};
use crate::web::server_error::{RouteProblem, WebServerError};

/// One checked route: `METHOD /path` and what its handler's arguments resolve.
#[derive(Debug, Clone)]
pub(crate) struct RouteRecord {
    route: String,
    needs: Vec<Need>,
}

/// An axum [`Router`] whose routes declare what they inject, so that a
/// [`WebServer`](crate::web::WebServer) built from it refuses to start — naming the route and the
/// type — when a handler injects a service that is not registered, or when requests get no
/// scope. Without it, both are a `500` at the first request.
///
/// Each handler's argument types are read once, at registration (every argument implements
/// [`RouteDependency`](crate::web::RouteDependency)); a plain `Router` converts into a
/// `ScopedRouter` with nothing to check.
///
/// # Examples
///
/// ```
/// use di_hosting::prelude::*;
/// use di_hosting::web::ScopedRouter;
///
/// struct Greeting(&'static str);
///
/// async fn hello(Inject(greeting): Inject<Greeting>) -> &'static str { greeting.0 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let error = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_services(|services| {
///         // `Greeting` is never registered.
///         services.add_web_server(|scopes: ScopeFactory| {
///             let routes = ScopedRouter::new().get("/hello", hello);
///             let address = "127.0.0.1:0".parse().expect("an address");
///             Arc::new(WebServer::new(address, routes).with_request_scopes(scopes))
///         });
///     })
///     .start()
///     .await
///     .unwrap_err();
/// assert!(error.to_string().contains(
///     "Greeting`, which is not registered"
/// ), "{error}");
/// # }
/// ```
#[derive(Default)]
#[must_use]
pub struct ScopedRouter {
    router: Router,
    routes: Vec<RouteRecord>,
}

impl ScopedRouter {
    /// An empty router.
    ///
    /// # Examples
    ///
    /// See [`ScopedRouter`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `GET path` to `handler`, recording what it injects.
    ///
    /// # Examples
    ///
    /// See [`ScopedRouter`].
    pub fn get<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: HandlerArgs + 'static,
    {
        self.checked::<T>("GET", path, routing::get(handler))
    }

    /// Routes `POST path` to `handler`, recording what it injects.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::{Inject, ScopedRouter};
    ///
    /// struct Queue;
    /// async fn enqueue(Inject(_queue): Inject<Queue>, body: String) -> String { body }
    ///
    /// let routes = ScopedRouter::new().post("/jobs", enqueue);
    /// # drop(routes);
    /// ```
    pub fn post<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: HandlerArgs + 'static,
    {
        self.checked::<T>("POST", path, routing::post(handler))
    }

    /// Routes `PUT path` to `handler`, recording what it injects.
    ///
    /// # Examples
    ///
    /// ```
    /// let routes = di_hosting::web::ScopedRouter::new().put("/item", || async { "put" });
    /// # drop(routes);
    /// ```
    pub fn put<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: HandlerArgs + 'static,
    {
        self.checked::<T>("PUT", path, routing::put(handler))
    }

    /// Routes `PATCH path` to `handler`, recording what it injects.
    ///
    /// # Examples
    ///
    /// ```
    /// let routes = di_hosting::web::ScopedRouter::new().patch("/item", || async { "patched" });
    /// # drop(routes);
    /// ```
    pub fn patch<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: HandlerArgs + 'static,
    {
        self.checked::<T>("PATCH", path, routing::patch(handler))
    }

    /// Routes `DELETE path` to `handler`, recording what it injects.
    ///
    /// # Examples
    ///
    /// ```
    /// let routes = di_hosting::web::ScopedRouter::new().delete("/item", || async { "gone" });
    /// # drop(routes);
    /// ```
    pub fn delete<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: HandlerArgs + 'static,
    {
        self.checked::<T>("DELETE", path, routing::delete(handler))
    }

    /// Adds a route whose handlers are not checked (an extractor from another crate that does
    /// not implement [`RouteDependency`](crate::web::RouteDependency), a nested service).
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::routing::get;
    ///
    /// let routes = di_hosting::web::ScopedRouter::new()
    ///     .route_unchecked("/raw", get(|| async { "raw" }));
    /// # drop(routes);
    /// ```
    pub fn route_unchecked(mut self, path: &str, method_router: MethodRouter) -> Self {
        self.router = self.router.route(path, method_router);
        self
    }

    /// Changes the underlying router, e.g. to add `Router::layer` middleware or a fallback; the
    /// recorded routes stay.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use di_hosting::web::{ScopedRouter, timeout_layer};
    ///
    /// let routes = ScopedRouter::new()
    ///     .get("/", || async { "hello" })
    ///     .map_router(|router| router.layer(timeout_layer(Duration::from_secs(10))));
    /// # drop(routes);
    /// ```
    pub fn map_router(mut self, map: impl FnOnce(Router) -> Router) -> Self {
        self.router = map(self.router);
        self
    }

    /// The router and the recorded routes.
    pub(crate) fn into_parts(self) -> (Router, Vec<RouteRecord>) {
        (self.router, self.routes)
    }

    fn checked<T: HandlerArgs>(mut self, method: &str, path: &str, route: MethodRouter) -> Self {
        let mut needs = RouteNeeds::default();
        T::declare_all(&mut needs);
        self.routes.push(RouteRecord {
            route: format!("{method} {path}"),
            needs: needs.needs,
        });
        self.router = self.router.route(path, route);
        self
    }
}

impl From<Router> for ScopedRouter {
    /// A router with nothing to check.
    fn from(router: Router) -> Self {
        Self {
            router,
            routes: Vec::new(),
        }
    }
}

impl fmt::Debug for ScopedRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedRouter")
            .field("routes", &self.routes)
            .finish_non_exhaustive()
    }
}

/// Checks every recorded route against the container behind `scopes` (`None`: requests get no
/// scope); returns every problem at once.
pub(crate) async fn check_routes(
    routes: &[RouteRecord],
    scopes: Option<&ScopeFactory>,
) -> Result<(), WebServerError> {
    if routes.iter().all(|record| record.needs.is_empty()) {
        return Ok(());
    }
    let mut problems = Vec::new();
    let Some(scopes) = scopes else {
        for record in routes {
            if let Some(need) = record.needs.first() {
                problems.push(RouteProblem::NoRequestScopes {
                    route: record.route.clone(),
                    service: need.service,
                });
            }
        }
        return Err(WebServerError::Routes { problems });
    };
    let scope = scopes.create_scope().map_err(WebServerError::Check)?;
    for record in routes {
        for need in &record.needs {
            if need
                .registered
                .is_some_and(|registered| !registered(&scope))
            {
                problems.push(RouteProblem::NotRegistered {
                    route: record.route.clone(),
                    service: need.service,
                    key: need.key,
                });
            }
        }
    }
    scope.dispose().await;
    match problems.is_empty() {
        true => Ok(()),
        false => Err(WebServerError::Routes { problems }),
    }
}
