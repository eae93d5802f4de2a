//! The accept loop of [`WebServer`](crate::web::WebServer): one task per connection, at most
//! `max_connections` of them, a drain on shutdown and a hard cut of what is left at the deadline.
//!
//! A permit of the connection semaphore is acquired *before* `accept`: at the limit the loop
//! simply waits (new clients wait in the listen backlog) instead of accepting and refusing.
//! Connections run on tasks owned by a `JoinSet`, not detached, so that the cut really ends
//! them: a stuck client can never keep the server (or the host's stop) waiting.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use di_core::BoxError;
use http::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tower::Service;

use crate::web::activity::Timeouts;
use crate::web::connection::{Outcome, serve_connection};
use crate::web::tracked::RequestBody;

/// How long the loop pauses after a failed `accept` (such as running out of file descriptors)
/// before trying again, so that it does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// At most one warning about the connection limit per this period (the others are `debug`).
const LIMIT_WARNING_PERIOD: Duration = Duration::from_secs(60);

/// How many addresses the stop's warning lists.
const LISTED_ADDRESSES: usize = 20;

/// The per-server limits (see the builder methods of `WebServer`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) timeouts: Timeouts,
    pub(crate) max_connections: usize,
}

type Connections = JoinSet<(SocketAddr, Outcome)>;

/// Serves `service` (the router, possibly inside the request scope layer) on `listener` until
/// `shutdown` fires, then stops accepting, drains the open connections (see `connection.rs`),
/// and aborts those still open when `cut` fires.
pub(crate) async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: Limits,
    shutdown: CancellationToken,
    cut: CancellationToken,
) where
    S: Service<Request<RequestBody>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let mut connections = JoinSet::new();
    let mut cuts = Vec::new();
    accept_until_shutdown(
        &listener,
        &service,
        limits,
        &mut connections,
        &mut cuts,
        &shutdown,
    )
    .await;
    drop(listener);
    tracing::debug!(
        open = connections.len(),
        "the web server stopped accepting connections"
    );
    tokio::select! {
        () = join_all(&mut connections, &mut cuts) => {}
        () = cut.cancelled() => {
            tracing::warn!(
                open = connections.len(),
                "the shutdown deadline passed: cutting the remaining connections"
            );
            connections.shutdown().await;
        }
    }
    report(&cuts);
}

/// The connection builder: hyper's timer set (HTTP/2 needs it), and hyper's own HTTP/1
/// header-read timeout off, because it also runs while an idle keep-alive connection waits and
/// not while the protocol is detected: `connection.rs` times both phases itself.
fn builder() -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(None);
    builder.http2().timer(TokioTimer::new());
    builder
}

async fn accept_until_shutdown<S, B>(
    listener: &TcpListener,
    service: &S,
    limits: Limits,
    connections: &mut Connections,
    cuts: &mut Vec<(SocketAddr, Outcome)>,
    shutdown: &CancellationToken,
) where
    S: Service<Request<RequestBody>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let builder = Arc::new(builder());
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut permit: Option<OwnedSemaphorePermit> = None;
    let mut alarms = Alarms::default();
    loop {
        if permit.is_none() {
            permit = Arc::clone(&permits).try_acquire_owned().ok();
            match permit {
                Some(_) => alarms.limited = false,
                None => alarms.at_limit(limits.max_connections),
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            Some(joined) = connections.join_next(), if !connections.is_empty() => reap(joined, cuts),
            acquired = Arc::clone(&permits).acquire_owned(), if permit.is_none() => {
                permit = acquired.ok();
                alarms.limited = false;
            }
            accepted = listener.accept(), if permit.is_some() => match accepted {
                Ok((stream, remote)) => {
                    alarms.accepted();
                    let permit = permit.take();
                    let (service, builder) = (service.clone(), Arc::clone(&builder));
                    let (timeouts, stop) = (limits.timeouts, shutdown.clone());
                    connections.spawn(async move {
                        let outcome =
                            serve_connection(stream, remote, service, &builder, timeouts, stop).await;
                        drop(permit);
                        (remote, outcome)
                    });
                }
                Err(error) => {
                    alarms.accept_failed(&error);
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
            },
        }
    }
}

/// Keeps accept failures and the connection limit from flooding the log.
#[derive(Default)]
struct Alarms {
    /// Failed `accept`s since the last success.
    failures: u64,
    /// Whether the loop is waiting for a connection to close.
    limited: bool,
    last_limit_warning: Option<Instant>,
}

impl Alarms {
    fn accept_failed(&mut self, error: &std::io::Error) {
        self.failures += 1;
        if self.failures == 1 {
            tracing::warn!(
                %error,
                "the web server failed to accept a connection; it retries every 50 ms"
            );
        } else {
            tracing::debug!(%error, failures = self.failures, "accepting still fails");
        }
    }

    fn accepted(&mut self) {
        if self.failures > 0 {
            tracing::info!(
                failures = self.failures,
                "the web server accepts connections again"
            );
            self.failures = 0;
        }
    }

    fn at_limit(&mut self, max_connections: usize) {
        if std::mem::replace(&mut self.limited, true) {
            return;
        }
        let now = Instant::now();
        if self
            .last_limit_warning
            .is_some_and(|last| now < last + LIMIT_WARNING_PERIOD)
        {
            tracing::debug!(max_connections, "the web server is at its connection limit");
            return;
        }
        self.last_limit_warning = Some(now);
        tracing::warn!(
            max_connections,
            "the web server is at its connection limit: new clients wait until a connection closes"
        );
    }
}

fn reap(joined: Result<(SocketAddr, Outcome), JoinError>, cuts: &mut Vec<(SocketAddr, Outcome)>) {
    match joined {
        Ok((_, Outcome::Closed)) => {}
        Ok(cut) => cuts.push(cut),
        Err(error) if error.is_panic() => {
            tracing::error!(%error, "a connection task of the web server panicked");
        }
        Err(_) => {}
    }
}

async fn join_all(connections: &mut Connections, cuts: &mut Vec<(SocketAddr, Outcome)>) {
    while let Some(joined) = connections.join_next().await {
        reap(joined, cuts);
    }
}

/// One warning naming the connections cut at stop, if any.
fn report(cuts: &[(SocketAddr, Outcome)]) {
    if cuts.is_empty() {
        return;
    }
    let mut listed = String::new();
    for (remote, outcome) in cuts.iter().take(LISTED_ADDRESSES) {
        let what = match outcome {
            Outcome::CutInHead => "request head",
            Outcome::CutInTransfer | Outcome::Closed => "body past the drain limit",
        };
        let separator = if listed.is_empty() { "" } else { ", " };
        let _ = write!(listed, "{separator}{remote} ({what})");
    }
    if cuts.len() > LISTED_ADDRESSES {
        let _ = write!(listed, " and {} more", cuts.len() - LISTED_ADDRESSES);
    }
    tracing::warn!(
        cut = cuts.len(),
        connections = %listed,
        "the web server stopped without waiting for slow clients: it cut their connections"
    );
}

#[cfg(test)]
mod tests {
    use std::sync::{Mutex, PoisonError};

    use super::*;

    /// Collects what a subscriber installed for the current thread writes.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Log {
        fn install(&self) -> tracing::subscriber::DefaultGuard {
            let writer = self.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_max_level(tracing::Level::DEBUG)
                .finish();
            tracing::subscriber::set_default(subscriber)
        }

        fn lines(&self, level: &str) -> Vec<String> {
            let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|line| line.contains(&format!(" {level} ")))
                .map(str::to_owned)
                .collect()
        }
    }

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn refused() -> std::io::Error {
        std::io::Error::other("too many open files")
    }

    fn client(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn first_accept_failure_warns_and_the_next_ones_are_counted_at_debug() {
        let log = Log::default();
        let _guard = log.install();
        let mut alarms = Alarms::default();

        alarms.accept_failed(&refused());
        alarms.accept_failed(&refused());
        alarms.accept_failed(&refused());

        let warnings = log.lines("WARN");
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(warnings[0].contains("failed to accept a connection"));
        let counted = log.lines("DEBUG");
        assert_eq!(counted.len(), 2, "{counted:#?}");
        assert!(counted[0].contains("failures=2"), "{counted:#?}");
        assert!(counted[1].contains("failures=3"), "{counted:#?}");
    }

    #[test]
    fn accepting_again_after_failures_is_reported_once_with_their_count() {
        let log = Log::default();
        let _guard = log.install();
        let mut alarms = Alarms::default();
        alarms.accepted();
        alarms.accept_failed(&refused());
        alarms.accept_failed(&refused());

        alarms.accepted();
        alarms.accepted();

        let recovered = log.lines("INFO");
        assert_eq!(recovered.len(), 1, "{recovered:#?}");
        assert!(recovered[0].contains("accepts connections again"));
        assert!(recovered[0].contains("failures=2"), "{recovered:#?}");
    }

    #[tokio::test(start_paused = true)]
    async fn connection_limit_warns_at_most_once_a_minute_and_once_per_stay_at_the_limit() {
        let log = Log::default();
        let _guard = log.install();
        let mut alarms = Alarms::default();

        alarms.at_limit(2);
        alarms.at_limit(2);
        alarms.limited = false;
        tokio::time::advance(Duration::from_secs(59)).await;
        alarms.at_limit(2);
        alarms.limited = false;
        tokio::time::advance(Duration::from_secs(1)).await;
        alarms.at_limit(2);

        let warnings = log.lines("WARN");
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0].contains("at its connection limit"));
        assert!(warnings[0].contains("max_connections=2"));
        let quiet = log.lines("DEBUG");
        assert_eq!(quiet.len(), 1, "{quiet:#?}");
        assert!(quiet[0].contains("at its connection limit"));
    }

    #[tokio::test]
    async fn reaping_keeps_the_cut_connections_and_logs_only_panicked_tasks() {
        let log = Log::default();
        let _guard = log.install();
        let panicked = tokio::spawn(async { panic!("handler bug") })
            .await
            .expect_err("the task panicked");
        let aborted = tokio::spawn(std::future::pending::<()>());
        aborted.abort();
        let aborted = aborted.await.expect_err("the task was aborted");
        let mut cuts = Vec::new();

        reap(Ok((client(1), Outcome::Closed)), &mut cuts);
        reap(Ok((client(2), Outcome::CutInHead)), &mut cuts);
        reap(Ok((client(3), Outcome::CutInTransfer)), &mut cuts);
        reap(Err(aborted), &mut cuts);
        reap(Err(panicked), &mut cuts);

        assert_eq!(
            cuts,
            [
                (client(2), Outcome::CutInHead),
                (client(3), Outcome::CutInTransfer)
            ]
        );
        let errors = log.lines("ERROR");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("a connection task of the web server panicked"));
    }

    #[test]
    fn report_of_twenty_cut_connections_lists_them_all() {
        let log = Log::default();
        let _guard = log.install();
        let cuts: Vec<_> = (1..=20)
            .map(|port| (client(port), Outcome::CutInHead))
            .collect();

        report(&cuts);

        let warnings = log.lines("WARN");
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(warnings[0].contains("cut=20"), "{warnings:#?}");
        assert!(warnings[0].contains("127.0.0.1:20 (request head)"));
        assert!(!warnings[0].contains("more"), "{warnings:#?}");
    }

    #[test]
    fn report_of_many_cut_connections_lists_twenty_and_counts_the_rest() {
        let log = Log::default();
        let _guard = log.install();
        let cuts: Vec<_> = (1..=25)
            .map(|port| (client(port), Outcome::CutInTransfer))
            .collect();

        report(&cuts);

        let warnings = log.lines("WARN");
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(warnings[0].contains("cut=25"), "{warnings:#?}");
        assert!(warnings[0].contains("127.0.0.1:20 (body past the drain limit) and 5 more"));
        assert!(!warnings[0].contains("127.0.0.1:21 "), "{warnings:#?}");
    }

    #[test]
    fn report_of_no_cut_connection_is_silent() {
        let log = Log::default();
        let _guard = log.install();

        report(&[]);

        assert_eq!(log.lines("WARN"), Vec::<String>::new());
    }
}
