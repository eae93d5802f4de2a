//! [`JsonError`]: the `{"error": "..."}` response every failure of the web integration answers.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};

/// An error response with the body `{"error": "<message>"}`.
///
/// The message is sent to the client as is: keep it short and free of internals (type names,
/// SQL, paths); log the details server-side instead.
///
/// # Examples
///
/// ```
/// use axum::response::IntoResponse;
/// use di_hosting::web::JsonError;
/// use http::StatusCode;
///
/// let response = JsonError::new(StatusCode::NOT_FOUND, "job not found").into_response();
/// assert_eq!(response.status(), StatusCode::NOT_FOUND);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    status: StatusCode,
    message: String,
}

impl JsonError {
    /// An error response with `status` and `message`.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::JsonError;
    /// use http::StatusCode;
    ///
    /// let error = JsonError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown job kind");
    /// assert_eq!(error.message(), "unknown job kind");
    /// ```
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The opaque `500 Internal Server Error` every unexpected failure answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::JsonError;
    /// use http::StatusCode;
    ///
    /// assert_eq!(JsonError::internal().status(), StatusCode::INTERNAL_SERVER_ERROR);
    /// assert_eq!(JsonError::internal().message(), "internal server error");
    /// ```
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
    }

    /// The status code of the response.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::JsonError;
    /// use http::StatusCode;
    ///
    /// assert_eq!(JsonError::new(StatusCode::CONFLICT, "busy").status(), StatusCode::CONFLICT);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message sent as `error`.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::web::JsonError;
    /// use http::StatusCode;
    ///
    /// assert_eq!(JsonError::new(StatusCode::GONE, "gone").message(), "gone");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response with its JSON text in the body type `body` makes of it, for the places
    /// that answer a body other than axum's (the request scope's opaque `500`).
    pub(crate) fn into_http_response<B>(self, body: impl FnOnce(Bytes) -> B) -> http::Response<B> {
        let text = serde_json::json!({ "error": self.message }).to_string();
        let mut response = http::Response::new(body(Bytes::from(text)));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        self.into_http_response(Body::from)
    }
}
