//! The request body must be JSON, unencoded.

use crate::api::errors::{ApiError, error};
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};

/// `Ok` for `Content-Type: application/json` (any parameters, such as `charset`) and no
/// `Content-Encoding` but `identity`; otherwise the `415` to answer.
pub(crate) fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    for value in headers.get_all(CONTENT_ENCODING) {
        let text = value.to_str().unwrap_or("(not text)");
        let encoded = text
            .split(',')
            .map(str::trim)
            .any(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"));
        if encoded {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported `Content-Encoding: {text}`: send the body unencoded"),
            ));
        }
    }
    let content_type = headers.get(CONTENT_TYPE).map(|value| value.to_str());
    let is_json = |text: &str| {
        let essence = text.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    };
    match content_type {
        Some(Ok(text)) if is_json(text) => Ok(()),
        Some(Ok(text)) => Err(unsupported(&format!("got `{text}`"))),
        Some(Err(_)) => Err(unsupported("got a value that is not text")),
        None => Err(unsupported("got none")),
    }
}

fn unsupported(got: &str) -> ApiError {
    error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("expected `Content-Type: application/json`, {got}"),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use axum::response::IntoResponse;

    use super::*;

    fn status(pairs: &[(&'static str, &'static str)]) -> u16 {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        match require_json(&headers) {
            Ok(()) => 200,
            Err(answer) => answer.into_response().status().as_u16(),
        }
    }

    #[test]
    fn json_with_or_without_parameters_is_accepted() {
        assert_eq!(status(&[("content-type", "application/json")]), 200);
        assert_eq!(
            status(&[("content-type", "Application/JSON; charset=utf-8")]),
            200
        );
        assert_eq!(
            status(&[
                ("content-type", "application/json"),
                ("content-encoding", "identity")
            ]),
            200
        );
    }

    #[test]
    fn other_types_and_encodings_are_refused() {
        assert_eq!(status(&[]), 415);
        assert_eq!(status(&[("content-type", "text/plain")]), 415);
        assert_eq!(status(&[("content-type", "application/jsonp")]), 415);
        assert_eq!(
            status(&[("content-type", "multipart/form-data; boundary=x")]),
            415
        );
        assert_eq!(
            status(&[
                ("content-type", "application/json"),
                ("content-encoding", "gzip")
            ]),
            415
        );
        assert_eq!(
            status(&[
                ("content-type", "application/json"),
                ("content-encoding", "identity, br")
            ]),
            415
        );
    }
}
