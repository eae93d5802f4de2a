//! One connection of the [`WebServer`](crate::web::WebServer): served by hyper (HTTP/1 or
//! HTTP/2), closed by its header-read and idle timeouts, and drained at stop.
//!
//! At stop, hyper's graceful shutdown closes an idle HTTP/1 connection and sends HTTP/2's
//! `GOAWAY`, but it waits for an HTTP/1 request head that has begun. So the task decides itself,
//! from the connection's [`Activity`]:
//!
//! - a request head in progress (or nothing received yet): closed at once;
//! - a handler running (its request body complete): awaited, as long as it takes;
//! - a request body still arriving, a response still being sent, or an HTTP/2 connection still
//!   closing: given the body drain limit, then cut.
//!
//! The header-read and idle timeouts run on a second task per connection, which sleeps until
//! the next moment one of them could expire: a timer polled in the connection's own `select!`
//! would be polled at every read and write.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use di_core::BoxError;
use futures::FutureExt;
use http::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tower::Service;

use crate::web::activity::{Activity, Expired, Phase, Timeouts, after};
use crate::web::tracked::{RequestBody, Tracked, WatchedIo};

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// By the client, by hyper, by a timeout, or idle at stop.
    Closed,
    /// Cut at stop while the client was sending a request head.
    CutInHead,
    /// Cut at stop after the drain limit, with a body (or the closing) still in transfer.
    CutInTransfer,
}

/// Serves one accepted connection until it ends, or until `shutdown` fires and it drains.
pub(crate) async fn serve_connection<S, B>(
    stream: TcpStream,
    remote: SocketAddr,
    service: S,
    builder: &auto::Builder<TokioExecutor>,
    timeouts: Timeouts,
    shutdown: CancellationToken,
) -> Outcome
where
    S: Service<Request<RequestBody>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(WatchedIo::new(stream, Arc::clone(&activity)));
    let service = TowerToHyperService::new(Tracked::new(service, Arc::clone(&activity)));
    let connection = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(connection);
    // The timeouts run on their own task, which cancels `expiry` (a child of `shutdown`): the
    // connection's task, woken at every read and write, then polls one token, not a timer.
    let expiry = shutdown.child_token();
    let mut timeouts_task = AbortOnDropHandle::new(tokio::spawn(expire(
        Arc::clone(&activity),
        timeouts,
        expiry.clone(),
    )));
    tokio::select! {
        result = connection.as_mut() => return ended(remote, result),
        () = expiry.cancelled() => {}
    }
    if !shutdown.is_cancelled() {
        let reason = match (&mut timeouts_task).await {
            Ok(Expired::HeaderRead) => "no complete request head within the header read timeout",
            Ok(Expired::Idle) => "idle for the idle timeout",
            Err(_) => "its timeouts task failed",
        };
        tracing::debug!(%remote, reason, "the web server closed a connection");
        return Outcome::Closed;
    }
    activity.start_draining();
    connection.as_mut().graceful_shutdown();
    drain(connection, remote, &activity, timeouts).await
}

/// Returns which timeout expired, after cancelling `expiry`.
async fn expire(activity: Arc<Activity>, timeouts: Timeouts, expiry: CancellationToken) -> Expired {
    loop {
        let check = activity.next_check(Instant::now(), &timeouts);
        tokio::time::sleep_until(check).await;
        if let Some(expired) = activity.expired(Instant::now(), &timeouts) {
            expiry.cancel();
            return expired;
        }
    }
}

/// Waits for a connection to finish after its graceful shutdown began; see the module docs.
async fn drain<C>(
    mut connection: Pin<&mut C>,
    remote: SocketAddr,
    activity: &Activity,
    timeouts: Timeouts,
) -> Outcome
where
    C: Future<Output = Result<(), BoxError>>,
{
    // One poll lets hyper act on the shutdown: it closes an idle HTTP/1 connection, and starts
    // the request whose head has just arrived (which then counts as running).
    if let Some(result) = connection.as_mut().now_or_never() {
        return ended(remote, result);
    }
    let mut transfer_since = None;
    loop {
        let limit = match activity.phase() {
            Phase::ReadingHead if activity.received_anything() => return Outcome::CutInHead,
            Phase::ReadingHead => return Outcome::Closed,
            Phase::Handling => {
                transfer_since = None;
                None
            }
            Phase::Waiting | Phase::Transferring => {
                let since = *transfer_since.get_or_insert_with(Instant::now);
                let limit = after(since, timeouts.body_drain);
                if Instant::now() >= limit {
                    return Outcome::CutInTransfer;
                }
                Some(limit)
            }
        };
        tokio::select! {
            result = connection.as_mut() => return ended(remote, result),
            () = activity.changed() => {}
            () = tokio::time::sleep_until(limit.unwrap_or_else(Instant::now)), if limit.is_some() => {}
        }
    }
}

fn ended(remote: SocketAddr, result: Result<(), BoxError>) -> Outcome {
    if let Err(error) = result {
        tracing::debug!(%remote, %error, "a connection ended with an error");
    }
    Outcome::Closed
}
