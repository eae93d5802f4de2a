//! What one connection of the [`WebServer`](crate::web::WebServer) is doing, as far as its
//! timeouts and the stop need to know: waiting for a request, reading a request head, running a
//! handler, or transferring a body.
//!
//! The counters are updated by the wrappers of `tracked.rs` (the service, both bodies and the
//! socket) and read by the connection's task (`connection.rs`). All accesses are `SeqCst`: a
//! request end stores its time *before* decrementing `requests`, so that whoever sees no request
//! in progress also sees when the last one ended.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// `head_since` when no byte of a new request head has arrived.
const NONE: u64 = u64::MAX;

/// The per-connection timeouts (see the builder methods of `WebServer`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) header_read: Duration,
    pub(crate) idle: Duration,
    pub(crate) body_drain: Duration,
}

/// Where a connection is, seen from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// No request in progress and no byte of the next one yet (an idle keep-alive connection).
    Waiting,
    /// No request in progress, but the client has begun (or, on a new connection, may be
    /// beginning) a request head.
    ReadingHead,
    /// A handler is running and not waiting for its request body.
    Handling,
    /// A request body is still arriving, or a response body is still being sent.
    Transferring,
}

/// Why a connection was closed by one of its timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expired {
    HeaderRead,
    Idle,
}

/// The shared state of one connection.
#[derive(Debug)]
pub(crate) struct Activity {
    origin: Instant,
    /// Requests the service was called for whose response has not been sent completely.
    requests: AtomicUsize,
    /// Of those, the ones whose handler has not returned its response yet.
    handling: AtomicUsize,
    /// Request bodies neither read to their end nor dropped.
    receiving: AtomicUsize,
    /// When (milliseconds since `origin`) a request last ended.
    idle_since: AtomicU64,
    /// When the first byte of the next request head arrived, or `NONE`. A new connection is
    /// reading its first head from the start.
    head_since: AtomicU64,
    /// Set at the first byte read: a connection that never sent anything is not worth a warning.
    received: AtomicBool,
    /// Set at the first HTTP/2 request: HTTP/2 has no request head to time, only streams.
    http2: AtomicBool,
    /// Set once the server stops: from then on every change is notified.
    draining: AtomicBool,
    changed: Notify,
}

impl Activity {
    pub(crate) fn new() -> Self {
        Self {
            origin: Instant::now(),
            requests: AtomicUsize::new(0),
            handling: AtomicUsize::new(0),
            receiving: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            received: AtomicBool::new(false),
            http2: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            changed: Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(NONE - 1)
    }

    fn instant(&self, millis: u64) -> Instant {
        self.origin + Duration::from_millis(millis)
    }

    pub(crate) fn request_started(&self, http2: bool) {
        if http2 {
            self.http2.store(true, SeqCst);
        }
        self.requests.fetch_add(1, SeqCst);
        self.handling.fetch_add(1, SeqCst);
        self.head_since.store(NONE, SeqCst);
    }

    pub(crate) fn handler_returned(&self) {
        self.handling.fetch_sub(1, SeqCst);
        self.notify();
    }

    pub(crate) fn request_ended(&self) {
        // Before the decrement: see the module docs.
        self.idle_since.store(self.now(), SeqCst);
        self.requests.fetch_sub(1, SeqCst);
        self.notify();
    }

    pub(crate) fn body_started(&self) {
        self.receiving.fetch_add(1, SeqCst);
    }

    pub(crate) fn body_ended(&self) {
        self.receiving.fetch_sub(1, SeqCst);
        self.notify();
    }

    /// Called for every read from the socket that returned bytes.
    pub(crate) fn bytes_read(&self) {
        if !self.received.load(SeqCst) {
            self.received.store(true, SeqCst);
        }
        if self.requests.load(SeqCst) == 0
            && self.head_since.load(SeqCst) == NONE
            && !self.http2.load(SeqCst)
        {
            self.head_since.store(self.now(), SeqCst);
        }
    }

    /// Whether the client ever sent a byte.
    pub(crate) fn received_anything(&self) -> bool {
        self.received.load(SeqCst)
    }

    pub(crate) fn phase(&self) -> Phase {
        if self.requests.load(SeqCst) == 0 {
            if self.head_since.load(SeqCst) == NONE {
                Phase::Waiting
            } else {
                Phase::ReadingHead
            }
        } else if self.handling.load(SeqCst) > self.receiving.load(SeqCst) {
            // At least one handler is not (only) waiting for its body: HTTP/1 runs one request
            // at a time, so there this means "the handler runs, its body is complete".
            Phase::Handling
        } else {
            Phase::Transferring
        }
    }

    /// Which timeout has expired at `now`, if any.
    pub(crate) fn expired(&self, now: Instant, timeouts: &Timeouts) -> Option<Expired> {
        if self.requests.load(SeqCst) != 0 {
            return None;
        }
        let head = self.head_since.load(SeqCst);
        if head != NONE {
            let deadline = after(self.instant(head), timeouts.header_read);
            return (now >= deadline).then_some(Expired::HeaderRead);
        }
        let deadline = after(self.instant(self.idle_since.load(SeqCst)), timeouts.idle);
        (now >= deadline).then_some(Expired::Idle)
    }

    /// When to check [`expired`](Self::expired) next: never later than a timeout could expire.
    pub(crate) fn next_check(&self, now: Instant, timeouts: &Timeouts) -> Instant {
        // The phase may change at any time from now (a head begins, a request ends): the
        // deadline of the next phase is no earlier than these.
        let head_could_expire = after(now, timeouts.header_read);
        let idle_could_expire = after(now, timeouts.idle);
        if self.requests.load(SeqCst) != 0 {
            return head_could_expire.min(idle_could_expire);
        }
        let head = self.head_since.load(SeqCst);
        if head != NONE {
            let head = after(self.instant(head), timeouts.header_read);
            return head.min(idle_could_expire);
        }
        let idle = after(self.instant(self.idle_since.load(SeqCst)), timeouts.idle);
        idle.min(head_could_expire)
    }

    /// From now on, every change wakes [`changed`](Self::changed).
    pub(crate) fn start_draining(&self) {
        self.draining.store(true, SeqCst);
    }

    /// Resolves after a change notified since the last call (or immediately if one was).
    pub(crate) async fn changed(&self) {
        self.changed.notified().await;
    }

    fn notify(&self) {
        if self.draining.load(SeqCst) {
            // `notify_one` keeps a permit when the task is not waiting: no change is missed.
            self.changed.notify_one();
        }
    }
}

/// `instant + duration`, saturating 30 years ahead as tokio does for its "far future", so that
/// `Duration::MAX` disables a timeout instead of overflowing.
pub(crate) fn after(instant: Instant, duration: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    instant + duration.min(FAR)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header_read: Duration::from_secs(10),
        idle: Duration::from_secs(60),
        body_drain: Duration::from_secs(5),
    };

    #[tokio::test(start_paused = true)]
    async fn new_connection_is_reading_its_first_head_under_the_header_timeout() {
        let activity = Activity::new();
        let start = Instant::now();

        tokio::time::advance(Duration::from_secs(10)).await;

        assert_eq!(activity.phase(), Phase::ReadingHead);
        assert_eq!(
            activity.next_check(start, &TIMEOUTS),
            start + Duration::from_secs(10)
        );
        assert_eq!(
            activity.expired(Instant::now(), &TIMEOUTS),
            Some(Expired::HeaderRead)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_keep_alive_connection_expires_after_the_idle_timeout_only() {
        let activity = Activity::new();
        activity.request_started(false);
        activity.handler_returned();
        activity.request_ended();
        let ended = Instant::now();

        tokio::time::advance(Duration::from_secs(59)).await;
        let before = activity.expired(Instant::now(), &TIMEOUTS);
        tokio::time::advance(Duration::from_secs(1)).await;
        let at = activity.expired(Instant::now(), &TIMEOUTS);

        assert_eq!(activity.phase(), Phase::Waiting);
        assert_eq!(before, None);
        assert_eq!(at, Some(Expired::Idle));
        assert_eq!(
            activity.next_check(ended, &TIMEOUTS),
            ended + Duration::from_secs(10)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn first_byte_of_a_new_head_starts_the_header_timeout() {
        let activity = Activity::new();
        activity.request_started(false);
        activity.handler_returned();
        activity.request_ended();
        tokio::time::advance(Duration::from_secs(30)).await;

        activity.bytes_read();
        let read = Instant::now();

        assert_eq!(activity.phase(), Phase::ReadingHead);
        assert_eq!(
            activity.next_check(read, &TIMEOUTS),
            read + Duration::from_secs(10)
        );
        assert_eq!(activity.expired(read, &TIMEOUTS), None);
    }

    #[tokio::test(start_paused = true)]
    async fn reading_a_head_is_checked_again_before_a_shorter_idle_timeout_could_expire() {
        let short_idle = Timeouts {
            idle: Duration::from_secs(1),
            ..TIMEOUTS
        };
        let activity = Activity::new();
        let now = Instant::now();

        let check = activity.next_check(now, &short_idle);

        assert_eq!(activity.phase(), Phase::ReadingHead);
        assert_eq!(check, now + Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_connection_is_checked_again_at_its_idle_deadline_if_that_comes_first() {
        let activity = Activity::new();
        activity.request_started(false);
        activity.handler_returned();
        activity.request_ended();
        let ended = Instant::now();
        tokio::time::advance(Duration::from_secs(55)).await;

        let check = activity.next_check(Instant::now(), &TIMEOUTS);

        assert_eq!(check, ended + Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn head_in_progress_is_checked_again_at_its_header_deadline() {
        let activity = Activity::new();
        activity.request_started(false);
        activity.handler_returned();
        activity.request_ended();
        tokio::time::advance(Duration::from_secs(30)).await;
        activity.bytes_read();
        let read = Instant::now();
        tokio::time::advance(Duration::from_secs(5)).await;

        let check = activity.next_check(Instant::now(), &TIMEOUTS);

        assert_eq!(check, read + Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn request_in_progress_is_checked_again_when_a_timeout_could_first_expire() {
        let activity = Activity::new();
        activity.request_started(false);
        tokio::time::advance(Duration::from_secs(100)).await;
        let now = Instant::now();

        let check = activity.next_check(now, &TIMEOUTS);

        assert_eq!(activity.expired(now, &TIMEOUTS), None);
        assert_eq!(check, now + Duration::from_secs(10));
    }

    #[test]
    fn handler_waiting_for_its_body_is_transferring_and_then_handling() {
        let activity = Activity::new();
        activity.request_started(false);
        activity.body_started();
        let receiving = activity.phase();

        activity.body_ended();
        let handling = activity.phase();
        activity.handler_returned();
        let responding = activity.phase();
        activity.request_ended();

        assert_eq!(receiving, Phase::Transferring);
        assert_eq!(handling, Phase::Handling);
        assert_eq!(responding, Phase::Transferring);
        assert_eq!(activity.phase(), Phase::Waiting);
    }

    #[test]
    fn http2_bytes_between_requests_start_no_head() {
        let activity = Activity::new();
        activity.request_started(true);
        activity.handler_returned();
        activity.request_ended();

        activity.bytes_read();

        assert_eq!(activity.phase(), Phase::Waiting);
    }

    #[test]
    fn timeout_below_thirty_years_is_kept_and_a_longer_one_saturates_at_thirty_years() {
        let now = Instant::now();
        let thirty_years = Duration::from_secs(30 * 365 * 24 * 60 * 60);

        let short = after(now, Duration::from_secs(10));
        let long = after(now, Duration::MAX);

        assert_eq!(short, now + Duration::from_secs(10));
        assert_eq!(long, now + thirty_years);
    }

    #[test]
    fn huge_timeout_saturates_instead_of_overflowing() {
        let now = Instant::now();

        let later = after(now, Duration::MAX);

        assert!(later > now + Duration::from_secs(365 * 24 * 60 * 60));
    }
}
