//! [`JsonError`]: the `{"error": "..."}` response every failure of the web integration answers.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// The body of [`JsonError::internal`], for the places that answer it without axum's `Body`
/// (the request scope layer, when no scope can be created).
pub(crate) const INTERNAL_ERROR_JSON: &str = r#"{"error":"internal server error"}"#;

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
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_error_json_is_the_body_of_json_error_internal() {
        let response = JsonError::internal().into_response();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("the body");

        assert_eq!(&body[..], INTERNAL_ERROR_JSON.as_bytes());
    }

    #[test]
    fn json_error_keeps_its_status_and_message() {
        let error = JsonError::new(StatusCode::CONFLICT, "the job is already running");

        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(error.message(), "the job is already running");
    }
}
