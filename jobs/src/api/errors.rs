//! The API's error responses: `{"error": "..."}`, and `503` + `Retry-After` for a busy
//! database.

use std::time::Duration;

use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use di_hosting::web::JsonError;

use crate::repo::StoreError;

/// An error answer (boxed, as a `Response` is large).
#[derive(Debug)]
pub(crate) struct ApiError(Box<Response>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// An error answer `{"error": message}`.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError(Box::new(JsonError::new(status, message).into_response()))
}

/// The response to a storage failure: `503` with `Retry-After` when the database is busy or
/// unavailable (a transient state: nothing was stored), the opaque, logged `500` otherwise.
pub(crate) fn store_error(failure: &StoreError, busy_wait: Duration) -> ApiError {
    if failure.is_transient() {
        tracing::warn!(error = %failure, source = ?std::error::Error::source(failure), "answering 503: the database is degraded");
        let message = if failure.is_busy() {
            "the database is busy; nothing was stored, retry later"
        } else {
            "the database is unavailable; nothing was stored, retry later"
        };
        let mut answer = error(StatusCode::SERVICE_UNAVAILABLE, message);
        answer
            .0
            .headers_mut()
            .insert(RETRY_AFTER, retry_after_seconds(busy_wait).into());
        answer
    } else {
        tracing::error!(error = %failure, source = ?std::error::Error::source(failure), "a request failed");
        ApiError(Box::new(JsonError::internal().into_response()))
    }
}

/// The configured wait, in whole seconds, at least 1.
fn retry_after_seconds(busy_wait: Duration) -> u64 {
    u64::try_from(busy_wait.as_millis().div_ceil(1000))
        .unwrap_or(u64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_answers_503_with_retry_after_in_whole_seconds() {
        let response = store_error(&StoreError::Busy, Duration::from_millis(2500)).into_response();

        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[RETRY_AFTER], "3");
    }

    #[test]
    fn an_unavailable_database_answers_503_with_retry_after() {
        let failure = StoreError::from(sqlx::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into(),
        ));

        let response = store_error(&failure, Duration::from_secs(2)).into_response();

        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[RETRY_AFTER], "2");
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        assert_eq!(retry_after_seconds(Duration::from_millis(10)), 1);
    }

    #[test]
    fn other_failures_answer_500() {
        let failure = StoreError::Database(sqlx::Error::RowNotFound);

        let response = store_error(&failure, Duration::from_secs(2)).into_response();

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(RETRY_AFTER).is_none());
    }
}
