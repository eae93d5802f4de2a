//! Running a future against a deadline, and catching panics of user code.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;

use futures::FutureExt as _;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Runs `future` until `deadline`. At the deadline, `on_deadline` is cancelled and the future is
/// polled one last time, so it can react to the cancellation synchronously (abort a task, cut
/// connections) before it is abandoned. `None` means it was abandoned.
pub(crate) async fn until_deadline<F: Future>(
    future: F,
    deadline: Option<Instant>,
    on_deadline: &CancellationToken,
) -> Option<F::Output> {
    let Some(deadline) = deadline else {
        return Some(future.await);
    };
    let mut future = pin!(future);
    match tokio::time::timeout_at(deadline, future.as_mut()).await {
        Ok(output) => Some(output),
        Err(_elapsed) => {
            on_deadline.cancel();
            future.as_mut().now_or_never()
        }
    }
}

/// Runs `future`, turning a panic into `Err(message)`.
pub(crate) async fn catch_panic<F: Future>(future: F) -> Result<F::Output, String> {
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .map_err(|payload| panic_message(&*payload))
}

/// The message of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}
