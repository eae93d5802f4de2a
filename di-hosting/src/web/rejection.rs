//! [`InjectRejection`]: why an injection extractor failed.

use std::error::Error as _;

use axum::response::{IntoResponse, Response};
use di_core::ResolveError;

use crate::web::error_response::JsonError;

/// Why [`Inject`](crate::web::Inject) or one of its variants could not resolve a service.
///
/// As a response it is an opaque JSON `500` (`{"error":"internal server error"}`): type names
/// and causes are logged at `error` level, never sent to the client.
///
/// # Examples
///
/// ```
/// use axum::response::IntoResponse;
/// use di_hosting::web::InjectRejection;
///
/// let rejection = InjectRejection::MissingScope { service: "app::Repo" };
/// assert!(rejection.to_string().contains("`app::Repo`"));
/// assert_eq!(rejection.into_response().status(), http::StatusCode::INTERNAL_SERVER_ERROR);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InjectRejection {
    /// The request has no scope: `RequestScopeLayer` is not applied to the route.
    #[error("cannot inject `{service}`: the request has no scope (apply `RequestScopeLayer`)")]
    MissingScope {
        /// The requested type.
        service: &'static str,
    },
    /// The request's scope could not resolve the service.
    #[error("cannot inject `{service}`")]
    Resolve {
        /// The requested type.
        service: &'static str,
        /// Why the scope could not resolve it.
        #[source]
        source: ResolveError,
    },
}

impl IntoResponse for InjectRejection {
    fn into_response(self) -> Response {
        let mut cause = String::new();
        let mut source = self.source();
        while let Some(error) = source {
            if !cause.is_empty() {
                cause.push_str(": ");
            }
            cause.push_str(&error.to_string());
            source = error.source();
        }
        tracing::error!(error = %self, %cause, "dependency injection failed for a request");
        JsonError::internal().into_response()
    }
}
