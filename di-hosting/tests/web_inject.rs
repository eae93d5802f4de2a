//! Behaviour of the injection extractors: `Inject`, `InjectOptional`, `InjectAll`,
//! `InjectKeyed`, and their opaque failure response.
#![cfg(feature = "axum")]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::routing::get;
use di_core::{ServiceCollection, ServiceProvider, service_key};
use di_hosting::web::{Inject, InjectAll, InjectKeyed, InjectOptional, RequestScopeLayer};
use http::{Request, StatusCode, header};
use tower::ServiceExt;

service_key!(Primary = "primary");

struct Registered(&'static str);
struct Unregistered;
trait Plugin: Send + Sync {
    fn name(&self) -> &'static str;
}
struct Named(&'static str);
impl Plugin for Named {
    fn name(&self) -> &'static str {
        self.0
    }
}
struct Db(&'static str);

fn provider() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services.add_scoped(|| Arc::new(Registered("registered")));
    services.add_scoped(|| -> Arc<dyn Plugin> { Arc::new(Named("first")) });
    services.add_transient(|| -> Arc<dyn Plugin> { Arc::new(Named("second")) });
    services.add_keyed_singleton("primary", || Arc::new(Db("main")));
    services.add_keyed_singleton("replica", || Arc::new(Db("copy")));
    services.build().expect("the services build")
}

fn app(provider: &ServiceProvider) -> Router {
    Router::new()
        .route(
            "/missing",
            get(|_: Inject<Unregistered>| async { "unreachable" }),
        )
        .route(
            "/optional",
            get(
                |InjectOptional(missing): InjectOptional<Unregistered>,
                 InjectOptional(present): InjectOptional<Registered>| async move {
                    format!("{} {}", missing.is_some(), present.map_or("none", |r| r.0))
                },
            ),
        )
        .route(
            "/all",
            get(|InjectAll(plugins): InjectAll<dyn Plugin>| async move {
                plugins
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        )
        .route(
            "/keyed",
            get(|db: InjectKeyed<Db, Primary>| async move { db.0 }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()))
}

async fn send(app: Router, uri: &str) -> (StatusCode, Option<String>, String) {
    let request = Request::get(uri)
        .body(Body::empty())
        .expect("a valid request");
    let response = app.oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().expect("ascii").to_owned());
    let body = to_bytes(response.into_body(), 1024)
        .await
        .expect("the body");
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).expect("utf-8"),
    )
}

#[tokio::test]
async fn missing_service_answers_an_opaque_json_500() {
    let (status, content_type, body) = send(app(&provider()), "/missing").await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(body, r#"{"error":"internal server error"}"#);
    assert!(!body.contains("Unregistered"));
}

#[tokio::test]
async fn route_without_the_layer_answers_an_opaque_json_500() {
    let app = Router::new().route("/", get(|_: Inject<Registered>| async { "unreachable" }));

    let (status, _, body) = send(app, "/").await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, r#"{"error":"internal server error"}"#);
}

#[tokio::test]
async fn inject_optional_is_none_only_for_unregistered_services() {
    let (status, _, body) = send(app(&provider()), "/optional").await;

    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "false registered")
    );
}

#[tokio::test]
async fn inject_all_returns_every_registration_in_order() {
    let (status, _, body) = send(app(&provider()), "/all").await;

    assert_eq!((status, body.as_str()), (StatusCode::OK, "first,second"));
}

#[tokio::test]
async fn inject_keyed_resolves_the_registration_under_its_key() {
    let (status, _, body) = send(app(&provider()), "/keyed").await;

    assert_eq!((status, body.as_str()), (StatusCode::OK, "main"));
}

#[tokio::test]
async fn inject_keyed_debugs_as_its_service_and_key_types() {
    let provider = provider();
    let app = Router::new()
        .route(
            "/",
            get(|db: InjectKeyed<Db, Primary>| async move {
                let shown = format!("{db:?}");
                format!("{shown} {}", db.into_inner().0)
            }),
        )
        .layer(RequestScopeLayer::new(provider.scope_factory()));

    let (status, _, body) = send(app, "/").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"InjectKeyed { service: "web_inject::Db", key: "web_inject::Primary" } main"#
    );
}
