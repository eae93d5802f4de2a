//! The axum integration (cargo feature `axum`): per-request scopes, injection extractors, the
//! usual middleware and a hosted web server.
//!
//! - [`RequestScopeLayer`] opens one [`Scope`](di_core::Scope) per request, stores it in the
//!   request's extensions and disposes it (async) once the response body has been sent or
//!   dropped. Apply it with `Router::layer`, or around the whole router (cheaper per request,
//!   see [`WebServer::with_request_scopes`]); either way the fallback route gets a scope too.
//! - [`Inject<T>`], [`InjectOptional<T>`], [`InjectAll<T>`] and [`InjectKeyed<T, K>`] resolve
//!   from that scope. A failure answers an opaque JSON `500` and logs the cause server-side.
//! - [`trace_layer`], [`timeout_layer`], [`body_limit_layer`] and [`json_error_bodies`] are the
//!   middleware a real service has.
//! - [`WebServer`] is a hosted service that serves a router under the host's lifecycle: it
//!   binds at start; at stop it closes idle connections and partial request heads at once,
//!   awaits running handlers, and cuts bodies still in transfer after a short drain limit, so
//!   no client can hold the stop. Header-read and idle timeouts and a connection limit protect
//!   it while it runs. Register it with
//!   [`HostServices::add_web_server`](crate::HostServices::add_web_server).
//! - [`ScopedRouter`] records what each route's handler injects, so that a missing service or
//!   missing request scopes fail the host's start, naming the route and the type.
//! - [`TestServer`] runs the application's real host with the server answering in memory (no
//!   port), for tests: ASP.NET Core's `WebApplicationFactory`.
//!
//! # Examples
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use axum::{Router, body::Body, routing::get};
//! use di_core::ServiceCollection;
//! use di_hosting::web::{Inject, RequestScopeLayer};
//! use tower::ServiceExt;
//!
//! struct Greeting(&'static str);
//!
//! let mut services = ServiceCollection::new();
//! services.add_scoped(|| Arc::new(Greeting("hello")));
//! let provider = services.build()?;
//!
//! let app = Router::new()
//!     .route("/", get(|Inject(greeting): Inject<Greeting>| async move { greeting.0 }))
//!     .layer(RequestScopeLayer::new(provider.scope_factory()));
//! let response = app.oneshot(http::Request::new(Body::empty())).await?;
//! assert_eq!(response.status(), http::StatusCode::OK);
//! # Ok(()) }
//! ```
//!
//! [`RequestScopeLayer`]: crate::web::RequestScopeLayer
//! [`Inject<T>`]: crate::web::Inject
//! [`InjectOptional<T>`]: crate::web::InjectOptional
//! [`InjectAll<T>`]: crate::web::InjectAll
//! [`InjectKeyed<T, K>`]: crate::web::InjectKeyed
//! [`trace_layer`]: crate::web::trace_layer
//! [`timeout_layer`]: crate::web::timeout_layer
//! [`body_limit_layer`]: crate::web::body_limit_layer
//! [`json_error_bodies`]: crate::web::json_error_bodies
//! [`WebServer`]: crate::web::WebServer
//! [`WebServer::with_request_scopes`]: crate::web::WebServer::with_request_scopes
//! [`ScopedRouter`]: crate::web::ScopedRouter
//! [`TestServer`]: crate::web::TestServer

mod activity;
mod connection;
mod error_response;
mod inject;
mod middleware;
mod registration;
mod rejection;
mod route_dependency;
mod scope_future;
mod scope_guard;
mod scope_layer;
mod scoped_body;
mod scoped_router;
mod serve;
mod server;
mod server_error;
mod test_server;
mod tracked;

pub use error_response::JsonError;
pub use inject::{Inject, InjectAll, InjectKeyed, InjectOptional};
pub use middleware::{body_limit_layer, json_error_bodies, timeout_layer, trace_layer};
pub use registration::WebServerExt;
pub use rejection::InjectRejection;
pub use route_dependency::{HandlerArgs, RouteDependency, RouteNeeds};
pub use scope_future::RequestScopeFuture;
pub use scope_layer::{RequestScope, RequestScopeLayer};
pub use scoped_body::ScopedBody;
pub use scoped_router::ScopedRouter;
pub use server::WebServer;
pub use server_error::{RouteProblem, WebServerError};
pub use test_server::TestServer;
