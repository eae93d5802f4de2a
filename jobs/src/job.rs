//! The queue's domain: job kinds, statuses, a validated submission and a stored job.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

/// The longest `sleep` job accepted, in milliseconds (one hour).
///
/// # Examples
///
/// ```
/// assert_eq!(jobs::MAX_SLEEP_MS, 3_600_000);
/// ```
pub const MAX_SLEEP_MS: u64 = 60 * 60 * 1000;
/// The largest `max_attempts` accepted.
///
/// # Examples
///
/// ```
/// assert_eq!(jobs::MAX_ATTEMPTS_LIMIT, 100);
/// ```
pub const MAX_ATTEMPTS_LIMIT: u32 = 100;

/// What a job does.
///
/// # Examples
///
/// ```
/// use jobs::JobKind;
///
/// assert_eq!("sha256".parse::<JobKind>(), Ok(JobKind::Sha256));
/// assert_eq!(JobKind::WordCount.as_str(), "word_count");
/// assert!("mine_bitcoin".parse::<JobKind>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobKind {
    /// Counts the words, lines and characters of a text payload.
    WordCount,
    /// The hex SHA-256 digest of a text payload.
    Sha256,
    /// Waits `{"ms": n}` milliseconds (simulated slow work); honours cancellation.
    Sleep,
    /// Always fails: exercises retries and the `failed` status.
    Fail,
}

impl JobKind {
    /// The kind's name in the API and the database.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(jobs::JobKind::Sleep.as_str(), "sleep");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::WordCount => "word_count",
            JobKind::Sha256 => "sha256",
            JobKind::Sleep => "sleep",
            JobKind::Fail => "fail",
        }
    }
}

impl FromStr for JobKind {
    type Err = InvalidJob;

    fn from_str(name: &str) -> Result<Self, InvalidJob> {
        match name {
            "word_count" => Ok(JobKind::WordCount),
            "sha256" => Ok(JobKind::Sha256),
            "sleep" => Ok(JobKind::Sleep),
            "fail" => Ok(JobKind::Fail),
            _ => Err(InvalidJob::UnknownKind(name.to_owned())),
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a job is in its life.
///
/// # Examples
///
/// ```
/// use jobs::JobStatus;
///
/// assert_eq!("running".parse::<JobStatus>(), Ok(JobStatus::Running));
/// assert_eq!(JobStatus::ALL.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting to run (new, or waiting for a retry).
    Pending,
    /// Claimed by a worker whose lease has not been released.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Failed its last allowed attempt.
    Failed,
}

impl JobStatus {
    /// Every status, in lifecycle order.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(jobs::JobStatus::ALL[0].as_str(), "pending");
    /// ```
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
    ];

    /// The status's name in the API and the database.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(jobs::JobStatus::Succeeded.as_str(), "succeeded");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        }
    }
}

impl FromStr for JobStatus {
    type Err = InvalidJob;

    fn from_str(name: &str) -> Result<Self, InvalidJob> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
            .ok_or_else(|| InvalidJob::UnknownStatus(name.to_owned()))
    }
}

/// Why a submission (or a query) is not acceptable; the API answers `422` with the message.
///
/// # Examples
///
/// ```
/// use jobs::InvalidJob;
///
/// assert_eq!(
///     InvalidJob::UnknownKind("x".into()).to_string(),
///     "unknown job kind `x` (expected word_count, sha256, sleep or fail)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidJob {
    /// The body is JSON but not an object.
    #[error("the body must be a JSON object")]
    NotAnObject,
    /// `kind` is missing or not a string.
    #[error("`kind` is required and must be a string")]
    MissingKind,
    /// `kind` names no known kind.
    #[error("unknown job kind `{0}` (expected word_count, sha256, sleep or fail)")]
    UnknownKind(String),
    /// The payload does not fit the kind.
    #[error("invalid payload for `{kind}`: {expected}")]
    InvalidPayload {
        /// The job's kind.
        kind: JobKind,
        /// What the kind expects.
        expected: &'static str,
    },
    /// `max_attempts` is not an integer in range.
    #[error("`max_attempts` must be an integer from 1 to 100")]
    InvalidMaxAttempts,
    /// A status filter names no status.
    #[error("unknown status `{0}` (expected pending, running, succeeded or failed)")]
    UnknownStatus(String),
}

/// A validated submission, ready to store.
///
/// # Examples
///
/// ```
/// use jobs::{JobKind, NewJob};
///
/// let body = serde_json::json!({"kind": "sleep", "payload": {"ms": 10}, "max_attempts": 2});
/// let job = NewJob::from_json(&body, 3)?;
/// assert_eq!((job.kind, job.max_attempts), (JobKind::Sleep, 2));
/// assert!(NewJob::from_json(&serde_json::json!({"kind": "sleep", "payload": 5}), 3).is_err());
/// # Ok::<(), jobs::InvalidJob>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewJob {
    /// What to do.
    pub kind: JobKind,
    /// The kind's input.
    pub payload: Value,
    /// How many attempts before the job is `failed`.
    pub max_attempts: u32,
}

impl NewJob {
    /// Validates a submission `{"kind": ..., "payload": ..., "max_attempts"?: n}`.
    ///
    /// # Errors
    ///
    /// [`InvalidJob`] naming the first problem found.
    ///
    /// # Examples
    ///
    /// ```
    /// let body = serde_json::json!({"kind": "word_count", "payload": "a b"});
    /// assert_eq!(jobs::NewJob::from_json(&body, 3)?.max_attempts, 3);
    /// # Ok::<(), jobs::InvalidJob>(())
    /// ```
    pub fn from_json(body: &Value, default_max_attempts: u32) -> Result<Self, InvalidJob> {
        let object = body.as_object().ok_or(InvalidJob::NotAnObject)?;
        let kind: JobKind = object
            .get("kind")
            .and_then(Value::as_str)
            .ok_or(InvalidJob::MissingKind)?
            .parse()?;
        let payload = object.get("payload").cloned().unwrap_or(Value::Null);
        validate_payload(kind, &payload)?;
        let max_attempts = match object.get("max_attempts") {
            None | Some(Value::Null) => default_max_attempts,
            Some(value) => value
                .as_u64()
                .filter(|n| (1..=u64::from(MAX_ATTEMPTS_LIMIT)).contains(n))
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(InvalidJob::InvalidMaxAttempts)?,
        };
        Ok(Self {
            kind,
            payload,
            max_attempts,
        })
    }
}

fn validate_payload(kind: JobKind, payload: &Value) -> Result<(), InvalidJob> {
    let valid = match kind {
        JobKind::WordCount | JobKind::Sha256 => payload.is_string(),
        JobKind::Sleep => sleep_millis(payload).is_some(),
        JobKind::Fail => true,
    };
    if valid {
        return Ok(());
    }
    let expected = match kind {
        JobKind::WordCount | JobKind::Sha256 => "expected a string",
        JobKind::Sleep => "expected {\"ms\": n} with n from 0 to 3600000",
        JobKind::Fail => "any value",
    };
    Err(InvalidJob::InvalidPayload { kind, expected })
}

/// The duration of a `sleep` payload `{"ms": n}`, if valid.
pub(crate) fn sleep_millis(payload: &Value) -> Option<u64> {
    let object = payload.as_object()?;
    let ms = object.get("ms")?.as_u64()?;
    (object.len() == 1 && ms <= MAX_SLEEP_MS).then_some(ms)
}

/// A stored job, as the API shows it.
///
/// # Examples
///
/// ```
/// use jobs::{Job, JobStatus};
///
/// let job = Job {
///     id: 1,
///     kind: "sha256".into(),
///     status: JobStatus::Pending,
///     attempts: 0,
///     max_attempts: 3,
///     payload: serde_json::json!("abc"),
///     result: None,
///     last_error: None,
/// };
/// assert_eq!(serde_json::to_value(&job)?["status"], "pending");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// The job's id.
    pub id: i64,
    /// Its kind's name.
    pub kind: String,
    /// Where it is in its life.
    pub status: JobStatus,
    /// How many attempts have started.
    pub attempts: u32,
    /// How many attempts are allowed.
    pub max_attempts: u32,
    /// Its input.
    pub payload: Value,
    /// The result of the successful attempt.
    pub result: Option<Value>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_kind_accepts_its_payload_and_rejects_others() {
        let ok = |body: Value| NewJob::from_json(&body, 3).map(|job| job.kind);
        assert_eq!(
            ok(json!({"kind": "word_count", "payload": "a"})),
            Ok(JobKind::WordCount)
        );
        assert_eq!(
            ok(json!({"kind": "sha256", "payload": ""})),
            Ok(JobKind::Sha256)
        );
        assert_eq!(
            ok(json!({"kind": "sleep", "payload": {"ms": 0}})),
            Ok(JobKind::Sleep)
        );
        assert_eq!(ok(json!({"kind": "fail"})), Ok(JobKind::Fail));
        assert!(ok(json!({"kind": "word_count", "payload": 1})).is_err());
        assert!(ok(json!({"kind": "sha256"})).is_err());
        assert!(ok(json!({"kind": "sleep", "payload": {"ms": -1}})).is_err());
        assert!(ok(json!({"kind": "sleep", "payload": {"ms": 3_600_001}})).is_err());
        assert!(ok(json!({"kind": "sleep", "payload": {"ms": 1, "x": 2}})).is_err());
    }

    #[test]
    fn every_kind_displays_as_the_name_it_parses_from() {
        for name in ["word_count", "sha256", "sleep", "fail"] {
            let kind: JobKind = name.parse().expect("a known kind");
            assert_eq!(kind.to_string(), name);
        }
    }

    #[test]
    fn structure_errors_are_named() {
        let err = |body: Value| NewJob::from_json(&body, 3).err();
        assert_eq!(err(json!([1])), Some(InvalidJob::NotAnObject));
        assert_eq!(err(json!({"payload": "a"})), Some(InvalidJob::MissingKind));
        assert_eq!(err(json!({"kind": 5})), Some(InvalidJob::MissingKind));
        assert_eq!(
            err(json!({"kind": "x"})),
            Some(InvalidJob::UnknownKind("x".into()))
        );
        for bad in [json!(0), json!(101), json!(1.5), json!("2")] {
            let body = json!({"kind": "fail", "max_attempts": bad});
            assert_eq!(err(body), Some(InvalidJob::InvalidMaxAttempts));
        }
    }
}
