//! The accept loop of [`WebServer`](crate::web::WebServer): one task per connection, a graceful
//! drain on shutdown and a hard cut of what is left at the deadline.
//!
//! Connections run on tasks owned by a `JoinSet`, not detached, so that the cut really ends
//! them: a stuck client can never keep the server (or the host's stop) waiting.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use di_core::BoxError;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::Service;

/// How long the loop pauses after a failed `accept` (such as running out of file descriptors)
/// before trying again, so that it does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// Serves `service` (the router, possibly inside the request scope layer) on `listener` until
/// `shutdown` fires, then stops accepting, lets open connections finish their in-flight
/// requests, and aborts those still open when `cut` fires.
pub(crate) async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    shutdown: CancellationToken,
    cut: CancellationToken,
) where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    let watcher = graceful.watcher();
                    let service = service.clone();
                    connections.spawn(serve_connection(stream, remote, service, watcher));
                }
                Err(error) => {
                    tracing::warn!(%error, "the web server failed to accept a connection");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    tracing::debug!(
        open = connections.len(),
        "the web server stopped accepting connections"
    );
    tokio::select! {
        () = graceful.shutdown() => {}
        () = cut.cancelled() => {
            tracing::warn!(
                open = connections.len(),
                "the shutdown deadline passed: cutting the remaining connections"
            );
        }
    }
    connections.shutdown().await;
}

async fn serve_connection<S, B>(
    stream: TcpStream,
    remote: SocketAddr,
    service: S,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let builder = auto::Builder::new(TokioExecutor::new());
    let service = TowerToHyperService::new(service);
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    if let Err(error) = watcher.watch(connection).await {
        tracing::debug!(%remote, %error, "a connection ended with an error");
    }
}
