//! Behaviour of the middleware helpers: body limit, timeout and JSON error bodies.
#![cfg(feature = "axum")]

use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::middleware::map_response;
use axum::routing::{get, post};
use di_hosting::web::{body_limit_layer, json_error_bodies, timeout_layer, trace_layer};
use http::{Request, StatusCode, header};
use tower::ServiceExt;

fn app() -> Router {
    Router::new()
        .route(
            "/echo",
            post(|body: String| async move { body.len().to_string() }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "done"
            }),
        )
        .layer(timeout_layer(Duration::from_secs(5)))
        .layer(body_limit_layer(16))
        .layer(map_response(json_error_bodies))
        .layer(trace_layer())
}

async fn send(request: Request<Body>) -> (StatusCode, String) {
    let response = app().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");
    (status, String::from_utf8(body.to_vec()).expect("utf-8"))
}

#[tokio::test]
async fn body_within_the_limit_is_accepted() {
    let request = Request::post("/echo")
        .body(Body::from("0123456789"))
        .expect("request");

    assert_eq!(send(request).await, (StatusCode::OK, "10".to_owned()));
}

#[tokio::test]
async fn declared_body_over_the_limit_answers_json_413() {
    let request = Request::post("/echo")
        .header(header::CONTENT_LENGTH, "17")
        .body(Body::from("01234567890123456"))
        .expect("request");

    let (status, body) = send(request).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body, r#"{"error":"length limit exceeded"}"#);
}

#[tokio::test]
async fn streamed_body_over_the_limit_answers_json_413() {
    let chunks = futures::stream::iter(["0123456789", "0123456789"].map(Ok::<_, std::io::Error>));
    let request = Request::post("/echo")
        .body(Body::from_stream(chunks))
        .expect("request");

    let (status, body) = send(request).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.starts_with(r#"{"error":"#), "{body}");
}

#[tokio::test(start_paused = true)]
async fn slow_request_answers_json_408_at_the_timeout() {
    let request = Request::get("/slow").body(Body::empty()).expect("request");

    let (status, body) = send(request).await;

    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(body, r#"{"error":"request timeout"}"#);
}

#[tokio::test]
async fn unmatched_route_answers_json_404() {
    let request = Request::get("/nowhere")
        .body(Body::empty())
        .expect("request");

    assert_eq!(
        send(request).await,
        (StatusCode::NOT_FOUND, r#"{"error":"not found"}"#.to_owned())
    );
}

#[tokio::test]
async fn wrong_method_answers_405_and_keeps_allow() {
    let request = Request::get("/echo").body(Body::empty()).expect("request");
    let response = app().oneshot(request).await.expect("infallible");

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers().get(header::ALLOW).map(|v| v.as_bytes()),
        Some(&b"POST"[..])
    );
}
