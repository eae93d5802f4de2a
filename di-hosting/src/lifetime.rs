//! [`ApplicationLifetime`]: the host's lifecycle events, injectable by any service.
//!
//! Invariant: the events fire in order `started` → `stopping` → `stopped`, each at most once;
//! `stopping` may fire without `started` when startup fails or a stop is requested early.

use std::sync::OnceLock;

use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

/// The host's lifecycle events and the way to request a graceful stop.
///
/// The host registers one instance per host in its container, so any service can take an
/// `Arc<ApplicationLifetime>` argument.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_hosting::{ApplicationLifetime, Host};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), di_hosting::HostError> {
/// let host = Host::builder()
///     .configure_options(|options| options.handle_signals = false)
///     .configure_services(|services| {
///         services.add_singleton(|lifetime: Arc<ApplicationLifetime>| Arc::new(lifetime));
///     })
///     .build()
///     .await?;
/// let lifetime = host.lifetime().clone();
/// let running = host.start().await?;
/// assert!(lifetime.is_started());
/// lifetime.stop_application();
/// running.wait().await?;
/// assert!(lifetime.is_stopped());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct ApplicationLifetime {
    started: CancellationToken,
    stopping: CancellationToken,
    stopped: CancellationToken,
    /// When the first stop was requested: the shutdown deadline counts from here.
    stop_requested_at: OnceLock<Instant>,
}

impl ApplicationLifetime {
    /// Creates a lifetime whose events have not fired yet (the host creates its own).
    ///
    /// # Examples
    ///
    /// ```
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// assert!(!lifetime.is_started() && !lifetime.is_stopping() && !lifetime.is_stopped());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests a graceful stop of the host; idempotent. The shutdown deadline
    /// ([`HostOptions::shutdown_timeout`](crate::HostOptions::shutdown_timeout)) counts from the
    /// first request.
    ///
    /// # Examples
    ///
    /// ```
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// lifetime.stop_application();
    /// lifetime.stop_application();
    /// assert!(lifetime.is_stopping());
    /// ```
    pub fn stop_application(&self) {
        self.request_stop();
    }

    /// Requests a stop (see [`stop_application`](Self::stop_application)) and returns when the
    /// first request was made.
    pub(crate) fn request_stop(&self) -> Instant {
        // The instant first, so that whoever sees `stopping` fire also sees when it was asked.
        let requested = *self.stop_requested_at.get_or_init(Instant::now);
        self.stopping.cancel();
        requested
    }

    /// Waits until every hosted service has started (never, when a stop is requested during
    /// startup).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(async {
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// let started = lifetime.started();
    /// assert!(tokio::time::timeout(std::time::Duration::ZERO, started).await.is_err());
    /// # });
    /// ```
    pub fn started(&self) -> WaitForCancellationFuture<'_> {
        self.started.cancelled()
    }

    /// Waits until the host begins to stop.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(async {
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// lifetime.stop_application();
    /// lifetime.stopping().await;
    /// # });
    /// ```
    pub fn stopping(&self) -> WaitForCancellationFuture<'_> {
        self.stopping.cancelled()
    }

    /// Waits until every hosted service has stopped (the provider is disposed right after), or
    /// until the host was dropped without a graceful stop.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(async {
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// let stopped = lifetime.stopped();
    /// assert!(tokio::time::timeout(std::time::Duration::ZERO, stopped).await.is_err());
    /// # });
    /// ```
    pub fn stopped(&self) -> WaitForCancellationFuture<'_> {
        self.stopped.cancelled()
    }

    /// A token cancelled when every hosted service has started (a child token: cancelling it
    /// affects only its clones).
    ///
    /// # Examples
    ///
    /// ```
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// assert!(!lifetime.started_token().is_cancelled());
    /// ```
    pub fn started_token(&self) -> CancellationToken {
        self.started.child_token()
    }

    /// A token cancelled when the host begins to stop (a child token: to request a stop, call
    /// [`stop_application`](Self::stop_application)).
    ///
    /// # Examples
    ///
    /// ```
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// let child = lifetime.stopping_token().child_token();
    /// lifetime.stop_application();
    /// assert!(child.is_cancelled());
    /// ```
    pub fn stopping_token(&self) -> CancellationToken {
        self.stopping.child_token()
    }

    /// A token cancelled when every hosted service has stopped (a child token: cancelling it
    /// affects only its clones).
    ///
    /// # Examples
    ///
    /// ```
    /// let lifetime = di_hosting::ApplicationLifetime::new();
    /// assert!(!lifetime.stopped_token().is_cancelled());
    /// ```
    pub fn stopped_token(&self) -> CancellationToken {
        self.stopped.child_token()
    }

    /// Whether every hosted service has started.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!di_hosting::ApplicationLifetime::new().is_started());
    /// ```
    pub fn is_started(&self) -> bool {
        self.started.is_cancelled()
    }

    /// Whether the host is stopping (or has stopped).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!di_hosting::ApplicationLifetime::new().is_stopping());
    /// ```
    pub fn is_stopping(&self) -> bool {
        self.stopping.is_cancelled()
    }

    /// Whether every hosted service has stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!di_hosting::ApplicationLifetime::new().is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        self.stopped.is_cancelled()
    }

    /// When the first stop was requested, if one was.
    pub(crate) fn stop_requested_at(&self) -> Option<Instant> {
        self.stop_requested_at.get().copied()
    }

    /// Fires `started` (host only).
    pub(crate) fn notify_started(&self) {
        self.started.cancel();
    }

    /// Fires `stopped` (host only).
    pub(crate) fn notify_stopped(&self) {
        self.stopped.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(started, stopping, stopped)` as the flags and as tokens taken at `tokens`.
    fn events(lifetime: &ApplicationLifetime, tokens: &[CancellationToken; 3]) -> [bool; 6] {
        [
            lifetime.is_started(),
            lifetime.is_stopping(),
            lifetime.is_stopped(),
            tokens[0].is_cancelled(),
            tokens[1].is_cancelled(),
            tokens[2].is_cancelled(),
        ]
    }

    #[tokio::test(start_paused = true)]
    async fn flags_and_tokens_follow_the_events_in_order() {
        let lifetime = ApplicationLifetime::new();
        let tokens = [
            lifetime.started_token(),
            lifetime.stopping_token(),
            lifetime.stopped_token(),
        ];
        let before = events(&lifetime, &tokens);
        let asked = Instant::now();

        lifetime.notify_started();
        let started = events(&lifetime, &tokens);
        tokio::time::advance(std::time::Duration::from_secs(1)).await;
        lifetime.stop_application();
        let stopping = events(&lifetime, &tokens);
        lifetime.notify_stopped();
        let stopped = events(&lifetime, &tokens);

        assert_eq!(before, [false; 6]);
        assert_eq!(started, [true, false, false, true, false, false]);
        assert_eq!(stopping, [true, true, false, true, true, false]);
        assert_eq!(stopped, [true; 6]);
        assert_eq!(
            lifetime.stop_requested_at(),
            Some(asked + std::time::Duration::from_secs(1))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_stop_request_keeps_the_first_ones_instant() {
        let lifetime = ApplicationLifetime::new();
        let first = lifetime.request_stop();
        tokio::time::advance(std::time::Duration::from_secs(5)).await;

        let second = lifetime.request_stop();

        assert_eq!(second, first);
        assert_eq!(lifetime.stop_requested_at(), Some(first));
    }
}
