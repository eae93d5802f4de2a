//! Behaviour of the route check: a `ScopedRouter` route that injects what the container does
//! not have, or a server that gives requests no scope, fails the host's start naming the route
//! and the type — never a `500` at the first request.
#![cfg(feature = "axum")]

use std::sync::Arc;

use axum::body::to_bytes;
use di_core::{ScopeFactory, service_key};
use di_hosting::web::{
    Inject, InjectAll, InjectKeyed, InjectOptional, InjectRejection, RouteDependency, RouteNeeds,
    RouteProblem, ScopedRouter, TestServer, WebServer, WebServerError,
};
use di_hosting::{Host, HostBuilder, HostError, HostFailure, LifecycleHook};

service_key!(Primary = "primary");

struct Registered(&'static str);
struct Missing;
struct AlsoMissing;
struct Db(&'static str);
trait Plugin: Send + Sync {}

async fn uses_missing(Inject(_missing): Inject<Missing>) -> &'static str {
    "unreachable"
}

async fn uses_registered(Inject(registered): Inject<Registered>) -> &'static str {
    registered.0
}

async fn uses_several(
    Inject(registered): Inject<Registered>,
    InjectOptional(_absent): InjectOptional<Missing>,
    InjectAll(_plugins): InjectAll<dyn Plugin>,
    db: InjectKeyed<Db, Primary>,
    body: String,
) -> String {
    format!("{} {} {body}", registered.0, db.0)
}

/// A host whose web server serves `routes`, with request scopes or not.
fn host(routes: fn() -> ScopedRouter, scoped: bool) -> HostBuilder {
    Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(move |services| {
            services.add_scoped(|| Arc::new(Registered("registered")));
            services.add_web_server(move |scopes: ScopeFactory| {
                let server = WebServer::new("127.0.0.1:0".parse().expect("an address"), routes());
                Arc::new(if scoped {
                    server.with_request_scopes(scopes)
                } else {
                    server
                })
            });
        })
}

/// The route problems of a failed start.
fn route_problems(error: &HostError) -> Vec<RouteProblem> {
    let [
        HostFailure::Start {
            service,
            hook: LifecycleHook::Start,
            source,
        },
    ] = error.failures()
    else {
        panic!("not one start failure: {error}");
    };
    assert_eq!(service, "web server");
    match source.downcast_ref::<WebServerError>() {
        Some(WebServerError::Routes { problems }) => problems.clone(),
        _ => panic!("not a route check failure: {error}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_route_injecting_an_unregistered_service_fails_the_start_naming_the_route_and_the_type() {
    let error = host(|| ScopedRouter::new().get("/missing", uses_missing), true)
        .start()
        .await
        .expect_err("the route injects an unregistered service");

    assert_eq!(
        route_problems(&error),
        [RouteProblem::NotRegistered {
            route: "GET /missing".into(),
            service: "web_route_check::Missing",
            key: None,
        }]
    );
    assert!(
        error.to_string().contains(
            "hosted service `web server` failed in `start`: the routes cannot be served: \
             route `GET /missing` injects `web_route_check::Missing`, which is not registered"
        ),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn every_unregistered_injection_of_every_route_is_listed_at_once() {
    let routes = || {
        ScopedRouter::new()
            .get("/missing", uses_missing)
            .get("/registered", uses_registered)
            .post("/several", uses_several)
            .delete(
                "/both",
                |_a: Inject<Missing>, _b: Inject<AlsoMissing>| async { "unreachable" },
            )
    };

    let error = host(routes, true)
        .start()
        .await
        .expect_err("three are missing");

    let report = error.to_string();
    assert!(
        report.starts_with(
            "the host failed (1 failure)\n  \
             1. hosted service `web server` failed in `start`: the routes cannot be served \
             (4 problems):\n     \
             - route `GET /missing` injects `web_route_check::Missing`, which is not registered\n"
        ),
        "{report}"
    );
    let problems = route_problems(&error);
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "route `GET /missing` injects `web_route_check::Missing`, which is not registered",
            "route `POST /several` injects `web_route_check::Db` under the key \
             `web_route_check::Primary`, which is not registered",
            "route `DELETE /both` injects `web_route_check::Missing`, which is not registered",
            "route `DELETE /both` injects `web_route_check::AlsoMissing`, which is not registered",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_without_request_scopes_serving_inject_handlers_fails_the_start() {
    let error = host(
        || ScopedRouter::new().get("/registered", uses_registered),
        false,
    )
    .start()
    .await
    .expect_err("requests get no scope");

    assert_eq!(
        route_problems(&error),
        [RouteProblem::NoRequestScopes {
            route: "GET /registered".into(),
            service: "web_route_check::Registered",
        }]
    );
}

#[tokio::test(start_paused = true)]
async fn routes_whose_injections_are_all_registered_start_and_serve() {
    let routes = || {
        ScopedRouter::new()
            .get("/registered", uses_registered)
            .post("/several", uses_several)
            .get("/plain", || async { "plain" })
    };
    let builder = host(routes, true).configure_services(|services| {
        services.add_keyed_singleton("primary", || Arc::new(Db("main")));
    });

    let server = TestServer::start(builder)
        .await
        .expect("the routes check out");
    let response = server
        .send(
            http::Request::post("/several")
                .body(axum::body::Body::from("body"))
                .expect("a request"),
        )
        .await;

    assert_eq!(response.status(), 200);
    let body = to_bytes(response.into_body(), 1024).await.expect("a body");
    assert_eq!(body, "registered main body");
    server.stop().await.expect("a clean stop");
}

#[tokio::test(start_paused = true)]
async fn a_plain_router_has_nothing_to_check_and_starts_without_scopes() {
    let routes = || {
        ScopedRouter::from(axum::Router::new().route("/", axum::routing::get(|| async { "hi" })))
    };

    let running = host(routes, false).start().await.expect("nothing to check");

    running.stop().await.expect("a clean stop");
}

/// An application's own extractor: the signed-in user, looked up in the `Users` service.
struct CurrentUser;
struct Users;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentUser {
    type Rejection = http::StatusCode;

    async fn from_request_parts(
        _parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Err(http::StatusCode::UNAUTHORIZED)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = http::StatusCode;

    async fn from_request_parts(
        _parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(None)
    }
}

impl RouteDependency for CurrentUser {
    fn declare(needs: &mut RouteNeeds) {
        needs.service::<Users>();
    }
}

#[tokio::test(start_paused = true)]
async fn put_and_patch_routes_are_checked_and_named_with_their_method() {
    let routes = || {
        ScopedRouter::new()
            .put("/put", uses_missing)
            .patch("/patch", uses_missing)
    };

    let error = host(routes, true)
        .start()
        .await
        .expect_err("both inject an unregistered service");

    let routes: Vec<String> = route_problems(&error)
        .iter()
        .map(|problem| match problem {
            RouteProblem::NotRegistered { route, .. } => route.clone(),
            other => panic!("not a missing registration: {other}"),
        })
        .collect();
    assert_eq!(routes, ["PUT /put", "PATCH /patch"]);
}

#[tokio::test(start_paused = true)]
async fn optional_and_all_injections_without_request_scopes_fail_the_start() {
    let routes = || {
        ScopedRouter::new()
            .get("/optional", |_: InjectOptional<Missing>| async {
                "unreachable"
            })
            .get("/all", |_: InjectAll<dyn Plugin>| async { "unreachable" })
    };

    let error = host(routes, false)
        .start()
        .await
        .expect_err("requests get no scope");

    assert_eq!(
        route_problems(&error),
        [
            RouteProblem::NoRequestScopes {
                route: "GET /optional".into(),
                service: "web_route_check::Missing",
            },
            RouteProblem::NoRequestScopes {
                route: "GET /all".into(),
                service: "dyn web_route_check::Plugin",
            },
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn an_injection_taken_as_a_result_or_an_option_is_checked_like_the_injection() {
    let routes = || {
        ScopedRouter::new()
            .get(
                "/result",
                |_: Result<Inject<Missing>, InjectRejection>| async { "unreachable" },
            )
            .get("/option", |_: Option<CurrentUser>| async { "unreachable" })
    };

    let error = host(routes, true)
        .start()
        .await
        .expect_err("both need an unregistered service");

    assert_eq!(
        route_problems(&error),
        [
            RouteProblem::NotRegistered {
                route: "GET /result".into(),
                service: "web_route_check::Missing",
                key: None,
            },
            RouteProblem::NotRegistered {
                route: "GET /option".into(),
                service: "web_route_check::Users",
                key: None,
            },
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn unchecked_routes_mapped_routers_and_plain_routers_are_served() {
    let routes = || {
        let plain = axum::Router::new().route("/plain", axum::routing::get(|| async { "plain" }));
        ScopedRouter::from(plain)
            .route_unchecked("/unchecked", axum::routing::get(uses_missing))
            .map_router(|router| router.route("/mapped", axum::routing::get(|| async { "mapped" })))
    };
    let server = TestServer::start(host(routes, true))
        .await
        .expect("nothing is checked");

    let mut answers = Vec::new();
    for uri in ["/plain", "/unchecked", "/mapped"] {
        let response = server.get(uri).await;
        let status = response.status();
        let body = to_bytes(response.into_body(), 1024).await.expect("a body");
        answers.push((status.as_u16(), String::from_utf8_lossy(&body).into_owned()));
    }

    assert_eq!(answers[0], (200, "plain".to_owned()));
    assert_eq!(answers[1].0, 500, "{answers:?}");
    assert_eq!(answers[2], (200, "mapped".to_owned()));
    server.stop().await.expect("a clean stop");
}

#[test]
fn a_scoped_router_debugs_as_its_checked_routes() {
    let router = ScopedRouter::new().get("/registered", uses_registered);

    let shown = format!("{router:?}");

    assert!(shown.contains("GET /registered"), "{shown}");
    assert!(shown.contains("web_route_check::Registered"), "{shown}");
}
