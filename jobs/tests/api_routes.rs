//! The API's routes are checked when the host starts: a server built from `api::router` that
//! gives requests no scope, or a container missing what a handler injects, refuses to start,
//! naming every route and type, instead of answering `500` at the first request.

use std::sync::Arc;

use di_core::ScopeFactory;
use di_hosting::Host;
use di_hosting::web::WebServer;
use jobs::{JobsConfig, api};

/// The start error of a host whose only service is a web server serving `api::router`, with
/// the host's container (which holds none of the application's services) giving requests their
/// scopes or not.
async fn start_error(with_scopes: bool) -> String {
    let started = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_services(move |services| {
            services.add_web_server(move |scopes: ScopeFactory| {
                let address = "127.0.0.1:0".parse().expect("an address");
                let server = WebServer::new(address, api::router(&JobsConfig::default()));
                Arc::new(match with_scopes {
                    true => server.with_request_scopes(scopes),
                    false => server,
                })
            });
        })
        .start()
        .await;
    match started {
        Ok(_) => panic!("the host should refuse to start"),
        Err(error) => format!("{error:#}\n{:?}", error.failures()),
    }
}

#[tokio::test]
async fn a_server_without_request_scopes_refuses_to_start_naming_every_route() {
    let error = start_error(false).await;

    for route in [
        "POST /jobs",
        "GET /jobs",
        "GET /jobs/{id}",
        "GET /stats",
        "GET /healthz",
        "GET /readyz",
    ] {
        assert!(error.contains(&format!("`{route}`")), "{route} in {error}");
    }
}

#[tokio::test]
async fn a_container_without_the_store_refuses_to_start_naming_it() {
    let error = start_error(true).await;

    assert!(
        error.contains("route `POST /jobs` injects `dyn jobs::repo::store::JobStore`"),
        "{error}"
    );
    assert!(
        error.contains("route `GET /stats` injects `jobs::worker::slots::WorkerSlots`"),
        "{error}"
    );
}
