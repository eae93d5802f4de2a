//! What each job kind does: [`run`] turns a claimed job into an [`Outcome`].

use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::job::{JobKind, sleep_millis};

/// How an attempt ended.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use jobs::{Outcome, processor};
/// let cancel = tokio_util::sync::CancellationToken::new();
/// let outcome = processor::run("word_count", &serde_json::json!("a b"), &cancel).await;
/// assert_eq!(outcome, Outcome::Succeeded(serde_json::json!({"words": 2, "lines": 1, "chars": 3})));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The job's result.
    Succeeded(Value),
    /// Why the attempt failed.
    Failed(String),
    /// The worker is stopping and the job was interrupted: give it back.
    Cancelled,
}

/// Runs one attempt of a job of `kind` on `payload`; long work stops when `cancel` fires.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use jobs::{Outcome, processor};
/// let cancel = tokio_util::sync::CancellationToken::new();
/// cancel.cancel();
/// let outcome = processor::run("sleep", &serde_json::json!({"ms": 60000}), &cancel).await;
/// assert_eq!(outcome, Outcome::Cancelled);
/// # }
/// ```
pub async fn run(kind: &str, payload: &Value, cancel: &CancellationToken) -> Outcome {
    let Ok(kind) = kind.parse::<JobKind>() else {
        return Outcome::Failed(format!("unknown job kind `{kind}`"));
    };
    match (kind, payload) {
        (JobKind::WordCount, Value::String(text)) => Outcome::Succeeded(word_count(text)),
        (JobKind::Sha256, Value::String(text)) => Outcome::Succeeded(sha256(text)),
        (JobKind::Sleep, payload) => match sleep_millis(payload) {
            Some(ms) => sleep(ms, cancel).await,
            None => Outcome::Failed("invalid sleep payload".to_owned()),
        },
        (JobKind::Fail, _) => Outcome::Failed("the job failed on purpose".to_owned()),
        (kind, _) => Outcome::Failed(format!("invalid payload for `{kind}`")),
    }
}

fn word_count(text: &str) -> Value {
    json!({
        "words": text.split_whitespace().count(),
        "lines": text.lines().count(),
        "chars": text.chars().count(),
    })
}

fn sha256(text: &str) -> Value {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    json!({ "sha256": hex })
}

async fn sleep(ms: u64, cancel: &CancellationToken) -> Outcome {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => {
            Outcome::Succeeded(json!({ "slept_ms": ms }))
        }
        () = cancel.cancelled() => Outcome::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn outcome(kind: &str, payload: Value) -> Outcome {
        run(kind, &payload, &CancellationToken::new()).await
    }

    #[tokio::test]
    async fn sha256_is_the_hex_digest() {
        assert_eq!(
            outcome("sha256", json!("abc")).await,
            Outcome::Succeeded(json!({
                "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            }))
        );
    }

    #[tokio::test]
    async fn word_count_counts_words_lines_and_chars() {
        assert_eq!(
            outcome("word_count", json!("one two\nthree")).await,
            Outcome::Succeeded(json!({"words": 3, "lines": 2, "chars": 13}))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn sleep_succeeds_after_its_duration() {
        assert_eq!(
            outcome("sleep", json!({"ms": 5000})).await,
            Outcome::Succeeded(json!({"slept_ms": 5000}))
        );
    }

    #[tokio::test]
    async fn fail_and_unknown_kinds_fail() {
        assert!(matches!(
            outcome("fail", Value::Null).await,
            Outcome::Failed(_)
        ));
        assert!(matches!(
            outcome("nope", Value::Null).await,
            Outcome::Failed(_)
        ));
    }
}
