//! The middleware every service wants: request tracing spans, a request timeout, a body-size
//! limit and JSON bodies for bare error responses.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::web::error_response::JsonError;

/// A [`TraceLayer`] that opens an `INFO` span per request (method, URI, version) and logs each
/// response with its status and latency.
///
/// # Examples
///
/// ```
/// use axum::{Router, routing::get};
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "ok" }))
///     .layer(di_hosting::web::trace_layer());
/// # drop(app);
/// ```
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>> {
    TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// A layer that answers `408 Request Timeout` when a request takes longer than `timeout`.
///
/// Combine with [`json_error_bodies`] to give that answer a JSON body.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use axum::{Router, routing::get};
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "ok" }))
///     .layer(di_hosting::web::timeout_layer(Duration::from_secs(30)));
/// # drop(app);
/// ```
pub fn timeout_layer(timeout: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)
}

/// A layer that limits request bodies to `limit` bytes: a larger declared `Content-Length` is
/// answered `413 Payload Too Large` at once, and a body that grows past the limit makes body
/// extractors fail with `413`.
///
/// # Examples
///
/// ```
/// use axum::{Router, routing::post};
///
/// let app: Router = Router::new()
///     .route("/", post(|body: String| async move { body }))
///     .layer(di_hosting::web::body_limit_layer(64 * 1024));
/// # drop(app);
/// ```
pub fn body_limit_layer(limit: usize) -> RequestBodyLimitLayer {
    RequestBodyLimitLayer::new(limit)
}

/// The most error text [`json_error_bodies`] carries over into the JSON message.
const MAX_ERROR_TEXT: usize = 1024;

/// Turns a plain error response into `{"error": "<message>"}`: an error status (`4xx`, `5xx`)
/// whose body is empty or `text/plain` — the `404` of an unmatched route, a `405`, the `408` of
/// [`timeout_layer`], the `413` of [`body_limit_layer`], axum's text rejections. The message is
/// the text body (up to 1 KiB), or the status's reason when the body is empty.
///
/// Responses with another `Content-Type` (JSON errors already), and successful ones, pass
/// unchanged. Use with `axum::middleware::map_response`, outside the layers whose answers
/// it should rewrite.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use axum::{Router, middleware::map_response, routing::get};
/// use di_hosting::web::{json_error_bodies, timeout_layer};
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "ok" }))
///     .layer(timeout_layer(Duration::from_secs(30)))
///     .layer(map_response(json_error_bodies));
/// # drop(app);
/// ```
pub async fn json_error_bodies(response: Response) -> Response {
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let plain = content_type.is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_ERROR_TEXT)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty());
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
    });
    let mut json = JsonError::new(status, message).into_response();
    // Keep the other headers, such as `Allow` on a 405.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    json.headers_mut().extend(parts.headers.drain());
    json
}
