//! The task that turns PostgreSQL `jobs_ready` notifications into wake-ups of the idle worker.
//!
//! Notifications sent while the listening connection is down are lost, so after every
//! (re)connection the worker is woken once to look for itself; polling stays the fallback.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The channel the `jobs_inserted` trigger (and the rescuer) notify.
pub(super) const CHANNEL: &str = "jobs_ready";
/// The longest pause between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Listens until `stop` is cancelled, reconnecting with a growing pause after failures.
pub(super) async fn listen_for_jobs(pool: PgPool, wake: Arc<Notify>, stop: CancellationToken) {
    let mut backoff = Duration::from_millis(100);
    while !stop.is_cancelled() {
        let listened = tokio::select! {
            () = stop.cancelled() => return,
            listened = listen_once(&pool, &wake, &mut backoff) => listened,
        };
        if let Err(error) = listened {
            tracing::warn!(%error, retry_in_ms = backoff.as_millis(), "not listening for new jobs; polling meanwhile");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One listening connection's life: returns its error once it fails.
async fn listen_once(
    pool: &PgPool,
    wake: &Notify,
    backoff: &mut Duration,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    *backoff = Duration::from_millis(100);
    tracing::debug!("listening for new jobs");
    wake.notify_one();
    loop {
        // `None`: the connection was lost and re-established; what was sent meanwhile is lost,
        // so the worker looks anyway.
        let _notification = listener.try_recv().await?;
        wake.notify_one();
    }
}
